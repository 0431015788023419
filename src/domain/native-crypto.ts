// node:crypto, where the runtime has one (Node): its hashes, MACs and AES-GCM run at once on the
// calling thread, where WebCrypto's go through a job queue and a promise: 2-9 µs a call against
// about 20 µs, and a one-click makes several. The bytes are the same either way (a test holds
// them to that); elsewhere, and for anything missing here, the callers use WebCrypto.
import type * as NodeCrypto from 'node:crypto';
import { onWorkers } from '../runtime.ts';

type Native = Pick<typeof NodeCrypto, 'createHash' | 'createHmac' | 'createCipheriv' | 'createDecipheriv' | 'createSecretKey'>;

export const nativeCrypto: Native | null = probe();

function probe(): Native | null {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  // Node itself only: Workers (whose nodejs_compat mimics Node's API) keep their own WebCrypto,
  // which answers at once there.
  if (typeof runtime?.getBuiltinModule !== 'function' || onWorkers) return null;
  const module = runtime.getBuiltinModule('node:crypto') as Partial<Native> | undefined;
  const { createHash, createHmac, createCipheriv, createDecipheriv, createSecretKey } = module ?? {};
  return createHash && createHmac && createCipheriv && createDecipheriv && createSecretKey
    ? { createHash, createHmac, createCipheriv, createDecipheriv, createSecretKey }
    : null;
}
