// Categories sent without consent (transactional notices), shown as information, never as a choice.
import type { LocalisedCategory } from '../../src/db/sites.ts';
import type { Messages } from '../../src/i18n/index.ts';

export function ExemptCategories(props: { t: Messages; categories: LocalisedCategory[] }) {
  if (props.categories.length === 0) return null;
  return (
    <section class="exempt">
      <h2>{props.t.signup.exemptHeading}</h2>
      <p>{props.t.signup.exemptIntro}</p>
      <ul>
        {props.categories.map((category) => (
          <li>
            <strong>{category.name}</strong>
            {props.t.common.colon}
            {category.description}
          </li>
        ))}
      </ul>
    </section>
  );
}
