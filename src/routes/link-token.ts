// A link's token, verified once per request: the one-click exemption from the rate limit and the
// route that honours the link both ask whether it is ours, and each answer is an HMAC.
import type { AppContext } from '../app-env.ts';
import type { TokenPurpose, VerifyResult } from '../domain/tokens.ts';

const answers = new WeakMap<AppContext, Map<string, Promise<VerifyResult>>>();

export function verifyLinkToken(c: AppContext, token: string, purpose: TokenPurpose): Promise<VerifyResult> {
  let known = answers.get(c);
  if (!known) answers.set(c, (known = new Map()));
  const name = `${purpose} ${token}`;
  let answer = known.get(name);
  if (!answer) known.set(name, (answer = c.var.deps.tokens.verify(token, purpose)));
  return answer;
}
