// Hostile input against the preference page (/p/{token} and its forms) and the dev mailbox,
// with the real manage link from the fixture's welcome email.
import { describe, it } from 'vitest';
import { POST_KINDS, readKindsFor, type PostRoute, type ReadKindName, type ReadRoute } from './corpus.ts';
import { expectAllSafe, useFixture } from './harness.ts';

const f = useFixture();

const POST_ROUTES: readonly PostRoute[] = [
  {
    name: 'POST /p/{token}',
    path: '/p/{manage}',
    slot: '/p/{x}',
    fields: { consent: '{pageConsent}', shown: ['newsletter', 'offers'], categories: ['newsletter'] },
    validChanges: true,
    // Whatever arrives as categories, a shown box that is not ticked is withdrawn.
    changingFields: ['categories'],
  },
  {
    name: 'POST /p/{token}/categories/{key}',
    path: '/p/{manage}/categories/offers',
    slot: '/p/{manage}/categories/{x}',
    fields: { consent: '{pageConsent}', categories: 'offers' },
    // The valid submission keeps Offers ticked; one without "offers" unticks it.
    validChanges: true,
    changingFields: ['categories'],
  },
  { name: 'POST /p/{token}/unsubscribe-all', path: '/p/{manage}/unsubscribe-all', slot: '/p/{x}/unsubscribe-all', fields: { all: '1' }, anyBodyChanges: true, bodyIgnored: true },
  { name: 'POST /p/{token}/language', path: '/p/{manage}/language', slot: '/p/{x}/language', fields: { lang: 'ja' }, validChanges: true },
];

const VARIANT_KINDS: readonly ReadKindName[] = ['script and SQL fragments', 'unicode edge cases'];

const READ_ROUTES: readonly ReadRoute[] = [
  { name: 'GET /p/{token}', method: 'GET', path: '/p/{manage}', slot: '/p/{x}' },
  // Other contacts' pages: what they stored is the attack, so the page's own inputs (query,
  // headers) are enough.
  { name: 'GET /p/{token} (script-tag name)', method: 'GET', path: '/p/{mallory}', slot: '/p/{x}', kinds: VARIANT_KINDS },
  { name: 'GET /p/{token} (markup in evidence)', method: 'GET', path: '/p/{eve}', slot: '/p/{x}', kinds: VARIANT_KINDS },
  { name: 'GET /dev/mailbox', method: 'GET', path: '/dev/mailbox', slot: '/dev/{x}' },
  { name: 'GET /dev/mailbox.json', method: 'GET', path: '/dev/mailbox.json', slot: '/dev/{x}.json' },
  { name: 'GET /dev/mailbox/{id}', method: 'GET', path: '/dev/mailbox/{mail}', slot: '/dev/mailbox/{x}' },
];

describe.each(POST_ROUTES)('$name', (route) => {
  it.each(POST_KINDS)('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });
});

describe.each(READ_ROUTES)('$name', (route) => {
  it.each(readKindsFor(route))('$kind', async ({ build }) => {
    await expectAllSafe(f(), build(route));
  });
});
