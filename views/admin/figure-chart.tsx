// One category's days as an inline SVG: signups as bars above the line, withdrawals below it.
// No script, no external file; the numbers are in the table beside it for screen readers.
import type { DayFigures } from '../../src/domain/site-figures.ts';

const WIDTH = 300;
const HALF = 40;

export function FigureChart(props: { days: DayFigures[]; label: string }) {
  const peak = Math.max(1, ...props.days.flatMap((d) => [d.signups, d.withdrawals]));
  const step = WIDTH / Math.max(1, props.days.length);
  const bar = Math.max(1, step - 2);
  return (
    <svg class="figure-chart" viewBox={`0 0 ${WIDTH} ${HALF * 2 + 2}`} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      {props.days.map((day, i) => {
        const up = (day.signups / peak) * HALF;
        const down = (day.withdrawals / peak) * HALF;
        return (
          <g>
            {day.signups > 0 ? <rect class="up" x={i * step + 1} y={HALF - up} width={bar} height={up} /> : null}
            {day.withdrawals > 0 ? <rect class="down" x={i * step + 1} y={HALF + 2} width={bar} height={down} /> : null}
          </g>
        );
      })}
      <line class="axis" x1="0" y1={HALF + 1} x2={WIDTH} y2={HALF + 1} />
    </svg>
  );
}
