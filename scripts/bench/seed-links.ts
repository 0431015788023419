// The links the bench drives: manage links (GET /p/...) and unscoped unsubscribe links (the
// one-click POST /u/...), signed by the project's own link code with the bench's TOKEN_SECRETS,
// as the campaign footers and the links API would make them. Only the path is kept: the bench
// talks to 127.0.0.1, whatever BASE_URL says.
import type { Deps } from '../../src/deps.ts';
import { manageUrl, unsubscribeUrl } from '../../src/domain/links.ts';
import { DEMO_SITE_ID } from '../../src/domain/seed-demo.ts';

const BATCH = 1000;

export async function signLinks(deps: Deps, manageIds: readonly string[], oneClickIds: readonly string[]) {
  const contact = (id: string) => ({ id, site_id: DEMO_SITE_ID, token_epoch: 0 });
  const path = (url: string) => new URL(url).pathname;
  const manage: string[] = [];
  const oneClick: string[] = [];
  for (let i = 0; i < manageIds.length; i += BATCH) {
    manage.push(...(await Promise.all(manageIds.slice(i, i + BATCH).map(async (id) => path(await manageUrl(deps, contact(id)))))));
  }
  for (let i = 0; i < oneClickIds.length; i += BATCH) {
    oneClick.push(...(await Promise.all(oneClickIds.slice(i, i + BATCH).map(async (id) => path(await unsubscribeUrl(deps, contact(id)))))));
  }
  return { manage, oneClick };
}
