// TRUSTED_PROXIES and WEBHOOK_ALLOW_LOOPBACK.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { formatIp } from '../src/net/ip-address.ts';

import { SECRETS, errorOf } from './helpers/config-env.ts';

describe('TRUSTED_PROXIES', () => {
  it('is empty by default: no header is believed', () => {
    expect(parseConfig(SECRETS).trustedProxies).toEqual([]);
  });

  it('reads addresses and CIDRs, IPv4 and IPv6, skipping blank entries', () => {
    const { trustedProxies } = parseConfig({ ...SECRETS, TRUSTED_PROXIES: ' 127.0.0.1, 10.0.0.0/8,::1 , fd00::/8,' });
    expect(trustedProxies.map((cidr) => `${formatIp(cidr)}/${cidr.prefix}`)).toEqual(['127.0.0.1/32', '10.0.0.0/8', '::1/128', 'fd00::/8']);
  });

  it.each(['localhost', '10.0.0.0/33', '10.0.0.1:8080', '300.0.0.1', '10.0.0.0/8; 10.1.0.0/16'])('refuses %j, naming the variable', (entry) => {
    const error = errorOf({ TRUSTED_PROXIES: `127.0.0.1, ${entry}` });
    expect(error.variable).toBe('TRUSTED_PROXIES');
    expect(error.message).toContain(entry.split(',')[0]!);
  });
});

describe('WEBHOOK_ALLOW_LOOPBACK', () => {
  it('is off by default and reads true/false', () => {
    expect(parseConfig(SECRETS).webhookAllowLoopback).toBe(false);
    expect(parseConfig({ ...SECRETS, WEBHOOK_ALLOW_LOOPBACK: 'true' }).webhookAllowLoopback).toBe(true);
    expect(parseConfig({ ...SECRETS, WEBHOOK_ALLOW_LOOPBACK: 'false' }).webhookAllowLoopback).toBe(false);
  });

  it('refuses anything else, naming the variable', () => {
    expect(errorOf({ WEBHOOK_ALLOW_LOOPBACK: 'yes please' }).variable).toBe('WEBHOOK_ALLOW_LOOPBACK');
  });
});
