import { describe, expect, it } from 'vitest';
import { contrastRatio, meetsContrast, sniffLogoType } from '../../src/domain/site-branding.ts';

describe('accent colour contrast', () => {
  it('measures as WCAG 2 does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // #767676 is the lightest grey that passes AA on white; #777777 just fails.
    expect(meetsContrast('#767676')).toBe(true);
    expect(meetsContrast('#777777')).toBe(false);
    expect(meetsContrast('#1d4ed8')).toBe(true);
  });
});

describe('logo type', () => {
  const bytes = (...values: number[]) => new Uint8Array([...values, 0, 0, 0, 0, 0, 0, 0, 0]);
  it('comes from the bytes, never from what the upload claims', () => {
    expect(sniffLogoType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffLogoType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffLogoType(bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61))).toBe('image/gif');
    expect(sniffLogoType(new TextEncoder().encode('RIFF\x00\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    // An SVG can carry script; a text file is not an image.
    expect(sniffLogoType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
    expect(sniffLogoType(new TextEncoder().encode('RIFF\x00\x00\x00\x00WAVEfmt '))).toBeNull();
  });
});
