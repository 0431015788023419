// The proof of consent as a printable page: the same bundle the API answers in JSON, laid out
// for paper (German courts expect each declaration "stored and printable"). Operator-facing.
import type { ContactRecord } from '../../src/domain/contact-record.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { ProofHold, ProofMail } from './proof-sends.tsx';

export function ProofPage(props: { t: Messages; lang: string; record: ContactRecord }) {
  const { record } = props;
  const p = props.t.proof;
  const { site, contact } = record;
  const orNone = (value: string | null) => value ?? p.none;
  return (
    <Layout lang={props.lang} title={p.title(contact.email)}>
      <div class="proof">
        <h1>{p.title(contact.email)}</h1>
        <p class="hint">{p.generatedAt(record.generatedAt)}</p>
        <p class="hint no-print">{p.printHint}</p>

        <h2>{p.sender}</h2>
        <dl>
          <dt>{p.legalName}</dt>
          <dd>
            {site.legalName} ({site.name}, {site.id})
          </dd>
          <dt>{p.postalAddress}</dt>
          <dd>{site.postalAddress}</dd>
          <dt>{p.inquiryContact}</dt>
          <dd>{site.inquiryContact}</dd>
          <dt>{p.privacyPolicy}</dt>
          <dd>{p.policy(site.privacyPolicyUrl, site.privacyPolicyVersion)}</dd>
        </dl>

        <h2>{p.contact}</h2>
        <dl>
          <dt>{p.id}</dt>
          <dd>{contact.id}</dd>
          <dt>{p.email}</dt>
          <dd>{contact.email}</dd>
          <dt>{p.name}</dt>
          <dd>{orNone(contact.name)}</dd>
          <dt>{p.locale}</dt>
          <dd>{contact.locale}</dd>
          <dt>{p.createdAt}</dt>
          <dd>{contact.createdAt}</dd>
          <dt>{p.confirmedAt}</dt>
          <dd>{contact.confirmedAt ?? p.notConfirmed}</dd>
          <dt>{p.lastSentAt}</dt>
          <dd>{contact.lastSentAt ?? p.neverSent}</dd>
        </dl>
        <ProofHold t={props.t} hold={record.hold} />

        <h2>{p.consents}</h2>
        {record.consents.length === 0 ? (
          <p>{p.noConsents}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{p.category}</th>
                <th scope="col">{p.status}</th>
                <th scope="col">{p.updatedAt}</th>
              </tr>
            </thead>
            <tbody>
              {record.consents.map((consent) => (
                <tr>
                  <td>
                    {consent.category} ({consent.channel})
                  </td>
                  <td>{consent.status}</td>
                  <td>{consent.updatedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}

        <ProofMail t={props.t} record={record} />

        <h2>{p.events}</h2>
        {record.events.length === 0 ? <p>{p.noEvents}</p> : null}
        {record.events.map((event) => (
          <section class="evidence" id={`event-${event.id}`}>
            <h3>
              {p.event(event.id)}
              {props.t.common.colon}
              {event.category === '*' ? props.t.smsOptOut.allSms : event.category} ({event.channel}) {event.action}
            </h3>
            <dl>
              <dt>{p.time}</dt>
              <dd>
                <time datetime={event.occurredAt}>{event.occurredAt}</time>
              </dd>
              <dt>{p.method}</dt>
              <dd>{event.method}</dd>
              <dt>{p.sourceUrl}</dt>
              <dd>{orNone(event.sourceUrl)}</dd>
              <dt>{p.ip}</dt>
              <dd>{orNone(event.ip)}</dd>
              <dt>{p.userAgent}</dt>
              <dd>{orNone(event.userAgent)}</dd>
              <dt>{p.evidence}</dt>
              <dd>{orNone(event.evidence)}</dd>
              <dt>{p.actor}</dt>
              <dd>{orNone(event.actor)}</dd>
              <dt>{p.basis}</dt>
              <dd>{event.basis ? p.basisValue(event.basis, event.relationshipAt) : p.none}</dd>
              <dt>{p.policyVersion}</dt>
              <dd>{orNone(event.policyVersion)}</dd>
              <dt>{p.locale}</dt>
              <dd>{event.locale}</dd>
              <dt>{p.wording}</dt>
              <dd>
                {event.consentTextSha256 ? (
                  <a href={`#wording-${event.consentTextSha256}`}>
                    <code>{event.consentTextSha256}</code>
                  </a>
                ) : (
                  p.none
                )}
              </dd>
              <dt>{p.form}</dt>
              <dd>
                {event.formSha256 ? (
                  <a href={`#form-${event.formSha256}`}>
                    <code>{event.formSha256}</code>
                  </a>
                ) : (
                  p.none
                )}
              </dd>
              <dt>{p.canonical}</dt>
              <dd>
                <code>{event.canonical}</code>
              </dd>
              <dt>{p.previousSeal}</dt>
              <dd>{event.previousSeal ? <code>{event.previousSeal}</code> : p.notSealed}</dd>
              <dt>{p.seal}</dt>
              <dd>{event.seal ? <code>{event.seal}</code> : p.notSealed}</dd>
              <dt>{p.senderThen}</dt>
              <dd>
                {event.sender.legalName}, {event.sender.postalAddress}, {event.sender.inquiryContact}
              </dd>
            </dl>
          </section>
        ))}

        <h2>{p.wordings}</h2>
        {Object.entries(record.consentTexts).map(([sha256, wording]) => (
          <section class="wording" id={`wording-${sha256}`}>
            <h3>
              <code>{sha256}</code>
            </h3>
            <p class="hint">{p.wordingMeta(wording.locale, wording.policyVersion, wording.createdAt)}</p>
            <pre>{wording.text}</pre>
          </section>
        ))}

        {Object.keys(record.forms).length > 0 ? (
          <>
            <h2>{p.forms}</h2>
            <p class="hint">{p.formWhere(site.id)}</p>
            {Object.entries(record.forms).map(([sha256, form]) => (
              <section class="wording" id={`form-${sha256}`}>
                <h3>
                  <code>{sha256}</code>
                </h3>
                <p>{p.doors[form.door] ?? form.door}</p>
                <p class="hint">{p.formMeta(form.locale, form.templateVersion, form.createdAt, form.content.length)}</p>
              </section>
            ))}
          </>
        ) : null}

        <h2>{p.verifyTitle}</h2>
        <section class="verify">
          <ol>
            <li>{p.verifySave(`/api/v1/sites/${site.id}/contacts/${contact.id}/proof`)}</li>
            <li>
              {p.verifyRun[0]}
              <code>npm run cli -- proof verify FILE</code>
              {p.verifyRun[1]}
            </li>
            <li>
              {p.verifyAnchor[0]}
              <code>npm run cli -- ledger verify</code>
              {p.verifyAnchor[1]}
            </li>
          </ol>
          <p>
            {record.ledger.head ? (
              <>
                {p.head(record.ledger.head.eventId)}
                <code>{record.ledger.head.hash}</code>
              </>
            ) : (
              p.noHead
            )}
          </p>
        </section>
      </div>
    </Layout>
  );
}
