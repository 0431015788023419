// What a kind of email is for and how often it comes: shown next to every checkbox that asks for it.
import type { Child } from 'hono/jsx';
import type { LocalisedCategory } from '../../src/db/sites.ts';
import type { Messages } from '../../src/i18n/index.ts';

export function CategoryDetails(props: { t: Messages; category: LocalisedCategory; id: string; class?: string; children?: Child }) {
  const s = props.t.signup;
  return (
    <div class={props.class} id={props.id}>
      <p>{props.category.description}</p>
      <dl>
        <dt>{s.purpose}</dt>
        <dd>{props.category.purpose}</dd>
        <dt>{s.frequency}</dt>
        <dd>{props.category.frequency}</dd>
      </dl>
      {props.children}
    </div>
  );
}
