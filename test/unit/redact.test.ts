import { describe, expect, it } from 'vitest';
import { redactingReplacer, redactText } from '#shared/redact';

describe('redactText', () => {
  it('masks an 18-digit NIP inside text', () => {
    expect(redactText('NIP 198503152010011002 ditolak')).toBe('NIP [NIP] ditolak');
  });

  it('masks a NIP typed in its groups with spaces, dots or hyphens', () => {
    expect(redactText('NIP 19850315 201001 1 002.')).toBe('NIP [NIP].');
    expect(redactText('NIP 19850315.201001.1.002')).toBe('NIP [NIP]');
    expect(redactText('NIP 19850315-201001-1-002')).toBe('NIP [NIP]');
  });

  it('masks Indonesian mobile numbers in their usual spellings', () => {
    expect(redactText('hubungi 081234567890')).toBe('hubungi [telepon]');
    expect(redactText('hubungi +62 812-3456-7890')).toBe('hubungi [telepon]');
    expect(redactText('hubungi 6281234567890')).toBe('hubungi [telepon]');
  });

  it('masks long tokens: link tokens, JWTs, hex digests', () => {
    const link = 'Qm9ndXNUb2tlbkZvckxpbmtzVGhhdElzTG9uZ0Vub3VnaDEy';
    expect(redactText(`/approvals/${link}`)).toBe('/approvals/[token]');
    expect(redactText('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJlc2ln')).toBe('[token]');
  });

  it('keeps file paths in stack traces readable', () => {
    const path = '/work/main/node_modules/@aws-lambda-powertools/idempotency/lib/esm/IdempotencyHandler.js:322';
    expect(redactText(path)).toBe(path);
  });

  it('keeps ULIDs, dates and ordinary numbers readable', () => {
    const text = 'submission 01JDQ0XG3K8M2N4P5R6S7T8V9W at 2026-01-31T17:30:00Z, 42 seats';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactingReplacer', () => {
  it("keeps Powertools' context keys readable though they are long", () => {
    const name = 'abdi-prod-DirectoryImportUnitsFn0123456789ABCDEF0123';
    expect(JSON.parse(JSON.stringify({ function_name: name }, redactingReplacer))).toEqual({ function_name: name });
  });

  it('drops the values of secret keys whatever their casing', () => {
    const json = JSON.stringify(
      { Authorization: 'Bearer abc', nip: '1985', headers: { cookie: 'a=b' }, body: 'bmlw', fine: 'ok' },
      redactingReplacer,
    );
    expect(JSON.parse(json)).toEqual({
      Authorization: '[redacted]',
      nip: '[redacted]',
      headers: { cookie: '[redacted]' },
      body: '[redacted]',
      fine: 'ok',
    });
  });
});
