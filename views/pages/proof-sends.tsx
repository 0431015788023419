// The proof's record of mail: the hold on an erased contact's evidence, the campaigns recorded
// as sent, and the emails this service sent the contact itself.
import type { ContactRecord } from '../../src/domain/contact-record.ts';
import type { Messages } from '../../src/i18n/index.ts';

export function ProofHold(props: { t: Messages; hold: ContactRecord['hold'] }) {
  if (!props.hold) return null;
  const p = props.t.proof;
  return (
    <section class="hold">
      <h2>{p.hold}</h2>
      <p>{p.holdUntil(props.hold.until)}</p>
      <p class="hint">{props.hold.reason}</p>
    </section>
  );
}

export function ProofMail(props: { t: Messages; record: ContactRecord }) {
  const p = props.t.proof;
  const { sends, emails } = props.record;
  return (
    <>
      <h2>{p.sends}</h2>
      {sends.length === 0 ? (
        <p>{p.noSends}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{p.campaign}</th>
              <th scope="col">{p.category}</th>
              <th scope="col">{p.sentAt}</th>
            </tr>
          </thead>
          <tbody>
            {sends.map((send) => (
              <tr>
                <td>{send.campaign}</td>
                <td>
                  {send.category} ({send.channel})
                </td>
                <td>{send.sentAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{p.emails}</h2>
      {emails.length === 0 ? (
        <p>{p.noEmails}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{p.kind}</th>
              <th scope="col">{p.subject}</th>
              <th scope="col">{p.status}</th>
              <th scope="col">{p.sentAt}</th>
            </tr>
          </thead>
          <tbody>
            {emails.map((mail) => (
              <tr>
                <td>{mail.kind}</td>
                <td>{mail.subject}</td>
                <td>{mail.status}</td>
                <td>{mail.sentAt ?? mail.queuedAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
