import { describe, expect, it } from 'vitest';
import { addressOf, displayName, identityHeaders, siteSender } from '../../src/mail/sender-identity.ts';

describe('the sender people recognise', () => {
  it('is the site’s own address, else its name at MAIL_FROM’s address, quoted when it must be', () => {
    expect(siteSender({ name: 'Tea House', sender_address: 'Tea <news@tea.example>' }, 'assent <a@b.example>')).toBe('Tea <news@tea.example>');
    expect(siteSender({ name: 'Demo Shop', sender_address: null }, 'assent <onboarding@resend.dev>')).toBe('Demo Shop <onboarding@resend.dev>');
    expect(siteSender({ name: 'Demo Shop', sender_address: null }, 'news@shop.example')).toBe('Demo Shop <news@shop.example>');
    expect(siteSender({ name: '株式会社デモ', sender_address: null }, 'news@shop.example')).toBe('株式会社デモ <news@shop.example>');
    // Specials in a name would break the header: the name is quoted, its quotes escaped.
    expect(displayName('Smith, Jones & "Co." <x>')).toBe('"Smith, Jones & \\"Co.\\" <x>"');
    expect(addressOf(' Shop <news@shop.example> ')).toBe('news@shop.example');
  });

  it('names site and kind for feedback loops, replies to an inquiry address only, and lists marketing mail', () => {
    const site = { id: 'demo', inquiry_contact: 'privacy@example.com' };
    expect(identityHeaders(site, { kind: 'welcome', baseUrl: 'https://consent.example/x', marketing: true })).toEqual({
      'Feedback-ID': 'welcome:demo:assent',
      'Reply-To': 'privacy@example.com',
      'List-Id': '<demo.consent.example>',
    });
    expect(identityHeaders({ id: 'demo', inquiry_contact: '03-1234-5678 (weekdays)' }, { kind: 'confirmation', baseUrl: 'https://consent.example', marketing: false })).toEqual({
      'Feedback-ID': 'confirmation:demo:assent',
    });
  });
});
