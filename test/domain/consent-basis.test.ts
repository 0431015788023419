import { describe, expect, it } from 'vitest';
import { dateIn, hasExpired, isIsoDate, lastDayOf, outlasts } from '../../src/domain/consent-basis.ts';

describe('consent bases', () => {
  it('end implied consent on the same date 2 years (6 months) on; a day the month lacks is its last', () => {
    expect(lastDayOf('implied_purchase', '2024-11-01')).toBe('2026-11-01');
    expect(lastDayOf('implied_purchase', '2024-02-29')).toBe('2026-02-28');
    expect(lastDayOf('implied_inquiry', '2026-05-31')).toBe('2026-11-30');
    expect(lastDayOf('implied_inquiry', '2025-08-31')).toBe('2026-02-28');
    expect(lastDayOf('implied_inquiry', '2027-08-31')).toBe('2028-02-29');
    for (const basis of ['express', 'business_card', 'existing_customer', null] as const) expect(lastDayOf(basis, '2020-01-01')).toBeNull();
    expect(hasExpired('implied_purchase', '2024-11-01', '2026-11-01')).toBe(false);
    expect(hasExpired('implied_purchase', '2024-11-01', '2026-11-02')).toBe(true);
  });

  it('read dates as calendar dates and days in the site’s zone', () => {
    expect(['2026-02-28', '2028-02-29'].map(isIsoDate)).toEqual([true, true]);
    expect(['2026-02-29', '2026-13-01', '2026-1-01', '2026-01-01T00:00:00Z', ''].map(isIsoDate)).toEqual([false, false, false, false, false]);
    expect(dateIn('Asia/Tokyo', new Date('2026-11-01T15:00:00Z'))).toBe('2026-11-02');
    expect(dateIn('America/Vancouver', new Date('2026-11-01T06:00:00Z'))).toBe('2026-10-31');
  });

  it('let a basis replace a granted one only when it lasts longer', () => {
    const implied = { basis: 'implied_purchase' as const, relationshipAt: '2025-01-01' };
    expect(outlasts({ basis: 'express', relationshipAt: null }, implied)).toBe(true);
    expect(outlasts({ basis: 'existing_customer', relationshipAt: null }, implied)).toBe(true);
    expect(outlasts({ basis: 'implied_purchase', relationshipAt: '2025-01-02' }, implied)).toBe(true);
    expect(outlasts({ basis: 'implied_inquiry', relationshipAt: '2026-06-01' }, implied)).toBe(false); // ends 2026-12-01 < 2027-01-01
    expect(outlasts({ basis: 'implied_inquiry', relationshipAt: '2026-08-01' }, implied)).toBe(true);
    expect(outlasts({ basis: 'implied_purchase', relationshipAt: '2026-01-01' }, { basis: null, relationshipAt: null })).toBe(false);
    expect(outlasts({ basis: 'express', relationshipAt: null }, { basis: 'business_card', relationshipAt: null })).toBe(false);
  });
});
