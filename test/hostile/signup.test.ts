// Hostile input against the signup form, GET and POST /s/{site}: one test per kind of malformed
// request, many requests each (see harness.ts for the rules every answer keeps), then signups
// that are valid however strange they look, where the check is that exactly what was typed was
// stored and nothing of it echoed.
import { describe, it } from 'vitest';
import { CONTROLS, FORM, HEADER_INJECTIONS, INJECTIONS, POST_KINDS, readKindsFor, UNICODE, urlencoded, type PostRoute, type ReadRoute } from './corpus.ts';
import { RAW_MARKERS, expectAllSafe, snapshot, storedContact, useFixture, type Answer, type Fixture, type HostileRequest } from './harness.ts';

const f = useFixture();

const SIGNUP: PostRoute = {
  name: 'POST /s/{site}',
  path: '/s/demo',
  slot: '/s/{x}',
  fields: { email: 'new@example.com', name: 'New', categories: ['newsletter'], consent: '{signupConsent}', lang: 'en' },
  validChanges: true,
  // A hostile name is still a name; an unknown lang falls back to the request's language.
  changingFields: ['name', 'lang'],
};

const SIGNUP_PAGE: ReadRoute = { name: 'GET /s/{site}', method: 'GET', path: '/s/demo', slot: '/s/{x}' };

describe(SIGNUP.name, () => {
  it.each(POST_KINDS)('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(SIGNUP));
  });
});

describe(SIGNUP_PAGE.name, () => {
  it.each(readKindsFor(SIGNUP_PAGE))('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(SIGNUP_PAGE));
  });
});

// ---------------------------------------------------------------------------------------------
// Valid signups

const EMAIL = 'new@example.com';

function signup(fields: { email?: string; name?: string }, extra: Partial<HostileRequest> = {}): HostileRequest {
  return {
    name: JSON.stringify(fields),
    method: 'POST',
    path: '/s/demo',
    headers: FORM,
    body: urlencoded({ email: fields.email ?? EMAIL, name: fields.name ?? '', categories: 'newsletter', consent: '{signupConsent}', lang: 'en' }),
    ...extra,
  };
}

/** The signup went through and stored the name and address exactly as typed (trimmed). */
function storedExactly(email: string, name: string) {
  return async (answer: Answer, fixture: Fixture) => {
    if (answer.status !== 200) return `status ${answer.status}, expected 200`;
    if (!answer.body.includes('Check your inbox')) return 'not the "check your inbox" page';
    const contact = await storedContact(fixture.t, email);
    if (!contact) return 'no contact stored';
    if (contact.email !== email.trim()) return `stored address ${JSON.stringify(contact.email)}`;
    if (contact.name !== (name.trim() || null)) return `stored name ${JSON.stringify(contact.name)}, typed ${JSON.stringify(name)}`;
    // The confirmation email names the site and the categories, never what the person typed.
    const outbox = snapshot(fixture.t).outbox as { subject: string; html: string; text: string }[];
    for (const mail of outbox) {
      const parts = [mail.subject, mail.html, mail.text];
      if (name.trim().length >= 4 && parts.some((part) => part.includes(name.trim()))) return 'the typed name is in an email';
      if (parts.some((part) => RAW_MARKERS.some((marker) => part.includes(marker)))) return 'an email carries a script marker';
    }
  };
}

/** Refused with the form again (400), the offending field named. */
function refused(message: string) {
  return (answer: Answer) => {
    if (answer.status !== 400) return `status ${answer.status}, expected 400`;
    if (!answer.body.includes(message)) return `no "${message}" on the page`;
    if (!answer.body.includes('role="alert"')) return 'no alert on the page';
  };
}

describe('POST /s/{site}: names that are valid however they look', () => {
  it.each([
    ['unicode', UNICODE],
    ['script and SQL fragments', INJECTIONS],
  ] as const)('%s are stored exactly as typed', async (_kind, names) => {
    await expectAllSafe(
      f(),
      names.map(([label, name]) => signup({ name }, { name: `name: ${label}`, mayChange: true, check: storedExactly(EMAIL, name) })),
    );
  });

  it('a name of exactly 100 UTF-16 units (50 emoji) is stored; 101 is refused', async () => {
    await expectAllSafe(f(), [
      signup({ name: '😀'.repeat(50) }, { name: '50 emoji', mayChange: true, check: storedExactly(EMAIL, '😀'.repeat(50)) }),
      signup({ name: `${'😀'.repeat(50)}a` }, { name: '50 emoji and a letter', check: refused('at most 100 characters') }),
      signup({ name: `${'e\u0301'.repeat(50)}x` }, { name: '101 units of combining characters', check: refused('at most 100 characters') }),
    ]);
  });
});

describe('POST /s/{site}: names that must be refused', () => {
  const lineBreaks = [...HEADER_INJECTIONS.filter(([label]) => /CR|LF/.test(label)), ...CONTROLS.filter(([label]) => !/U\+2028/.test(label))];
  it.each(lineBreaks)('name: %s is refused and nothing is stored', async (label, name) => {
    await expectAllSafe(f(), [signup({ name }, { name: `name: ${label}`, check: refused('line breaks') })]);
  });

  it('a line separator (U+2028) in a name is either refused or stored exactly', async () => {
    const name = 'Eve\u2028Bcc: x@y.com';
    await expectAllSafe(f(), [
      signup(
        { name },
        {
          name: 'U+2028',
          mayChange: true,
          check: async (answer, fixture) => (answer.status === 400 ? refused('line breaks')(answer) : storedExactly(EMAIL, name)(answer, fixture)),
        },
      ),
    ]);
  });
});

describe('POST /s/{site}: addresses', () => {
  it.each([
    ['an internationalised address', '用户@例子.广告'],
    ['accented letters', 'ünïcødé@exämple.com'],
    ['quotes, braces and an ampersand', "o'hara{x}&y=1@example.com"],
    ['a plus tag and capitals', 'New.Person+tag@Example.COM'],
    ['254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`],
  ])('%s is stored exactly as typed', async (label, email) => {
    await expectAllSafe(f(), [signup({ email, name: 'Ok' }, { name: label, mayChange: true, check: storedExactly(email, 'Ok') })]);
  });

  it.each([
    ...HEADER_INJECTIONS,
    ...CONTROLS.filter(([label]) => !/U\+2028/.test(label)),
    ...INJECTIONS.filter(([, value]) => /[<> ]/.test(value)),
    ['an address with an RTL override in its domain', 'a@exam\u202Eple.com'],
    ['a quoted local part', '"a b"@example.com'],
    ['two @', 'a@b@example.com'],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`],
  ])('%s is refused and nothing is stored', async (label, email) => {
    await expectAllSafe(f(), [
      signup(
        { email, name: 'Ok' },
        {
          name: label,
          check: (answer) => (answer.status === 400 ? undefined : `status ${answer.status}, expected 400`),
        },
      ),
    ]);
  });
});

describe('POST /s/{site}: what was typed comes back escaped', () => {
  it('a refused form shows the typed script as text', async () => {
    await expectAllSafe(f(), [
      signup(
        { email: 'broken@', name: '<script>alert("xss-marker")</script>' },
        {
          name: 'script name, broken address',
          check: (answer) => {
            if (answer.status !== 400) return `status ${answer.status}`;
            if (!answer.body.includes('&lt;script&gt;alert(')) return 'the escaped name is not on the page';
          },
        },
      ),
      signup(
        { email: '"><img src=x onerror=alert(1)>@example.com' },
        {
          name: 'img tag address',
          check: (answer) => {
            if (answer.status !== 400) return `status ${answer.status}`;
            if (!/&quot;&gt;&lt;img src=x onerror|&quot;>&lt;img src=x onerror/.test(answer.body)) return 'the escaped address is not on the page';
          },
        },
      ),
    ]);
  });
});
