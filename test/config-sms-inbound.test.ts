import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { verifyGenericSignature } from '../src/sms/signatures.ts';
import { signedHeaders } from '../src/webhooks/deliveries.ts';
import { SECRETS, errorOf } from './helpers/config-env.ts';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe('SMS_INBOUND_SECRET', () => {
  it('is unset by default, and read as given: a secret the generic inbound webhook verifies with', async () => {
    expect(parseConfig(SECRETS).smsInboundSecret).toBeNull();
    const config = parseConfig({ ...SECRETS, SMS_INBOUND_SECRET: ` ${SECRET} ` });
    expect(config.smsInboundSecret).toBe(SECRET);
    const at = new Date('2026-11-01T09:00:00Z');
    expect(await verifyGenericSignature(config.smsInboundSecret!, await signedHeaders(SECRET, 'msg_1', at, '{}'), '{}', at)).toBe(true);
  });

  it.each(['secret', 'whsec_', `whsec_${Buffer.alloc(16, 3).toString('base64')}`, 'whsec_not base64!', `whsec_${Buffer.alloc(65, 3).toString('base64')}`])(
    'refuses %s, naming the variable',
    (raw) => {
      const error = errorOf({ SMS_INBOUND_SECRET: raw });
      expect(error.variable).toBe('SMS_INBOUND_SECRET');
      expect(error.message).toContain('whsec_');
    },
  );
});
