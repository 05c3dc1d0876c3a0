import { MessageRejected, SESv2ServiceException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { parseSesEvent } from '#shared/mail/feedback';
import { isRetryableSesError, MAIL_POLICY, type OutgoingMail, outboxItem, retryDelayMs } from '#shared/mail/outbox';
import { addressHash, normalizeAddress } from '#shared/mail/suppression';
import { sesBounce } from '#test/support/ses-events';

const now = new Date('2026-03-02T01:00:00.000Z');
const options = { table: 'domain', publicBaseUrl: 'https://layanan.palembang.go.id' };
const mail = (overrides: Partial<OutgoingMail<'notice'>> = {}): OutgoingMail<'notice'> => ({
  to: ['kepala.dinas@palembang.go.id'],
  template: 'notice',
  data: { subject: 'Pemberitahuan', paragraphs: ['Isi.'], officeName: 'BKPSDM' },
  ...overrides,
});

describe('outboxItem', () => {
  it('is a Put of a pending mail, created once, due after the grace period, with its content rendered', () => {
    const entry = outboxItem(mail({ cc: ['sekretaris@palembang.go.id'] }), now, options);
    expect(entry.Put.TableName).toBe('domain');
    expect(entry.Put.ConditionExpression).toBe('attribute_not_exists(PK)');
    const item = entry.Put.Item;
    expect(item.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(item).toMatchObject({
      PK: `MAIL#${item.id}`,
      SK: 'MAIL',
      GSI1PK: 'MAIL_STATUS#pending',
      GSI1SK: `2026-03-02T01:02:00.000Z#${item.id}`,
      status: 'pending',
      attempts: 0,
      to: ['kepala.dinas@palembang.go.id'],
      cc: ['sekretaris@palembang.go.id'],
      template: 'notice',
      subject: 'Pemberitahuan',
      containsSecret: false,
      createdAt: '2026-03-02T01:00:00.000Z',
      dueAt: new Date(now.getTime() + MAIL_POLICY.graceMs).toISOString(),
      _v: 1,
    });
    expect(item.text).toContain('Isi.');
    expect(item.html).toContain('<p style="margin:0 0 16px">Isi.</p>');
  });

  it('sorts ids by creation time and takes a caller-chosen id for idempotent writes', () => {
    const first = outboxItem(mail(), now, options).Put.Item.id;
    const later = outboxItem(mail(), new Date(now.getTime() + 1), options).Put.Item.id;
    expect(first < later).toBe(true);
    expect(outboxItem(mail({ id: 'req-1_stage-2_round-1' }), now, options).Put.Item.PK).toBe(
      'MAIL#req-1_stage-2_round-1',
    );
  });

  for (const [what, overrides] of [
    ['an id that is no SES tag value', { id: 'a#b' }],
    ['no recipient', { to: [] }],
    ['a recipient with a line break', { to: ['a@b.id\r\nBcc: c@d.id'] }],
    ['a recipient list in one string', { to: ['a@b.id, c@d.id'] }],
    ['a display name', { to: ['Siti <siti@b.id>'] }],
    ['more than 50 recipients', { to: Array.from({ length: 51 }, (_, i) => `p${i}@palembang.go.id`) }],
  ] as const) {
    it(`refuses ${what}`, () => {
      expect(() => outboxItem(mail(overrides as Partial<OutgoingMail<'notice'>>), now, options)).toThrow();
    });
  }
});

describe('retries', () => {
  it('backs off 1, 2, 4, ... minutes, at most an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('retries throttling and server errors, not rejections', () => {
    const meta = { $metadata: {} };
    expect(isRetryableSesError(new TooManyRequestsException({ message: 'slow down', ...meta }))).toBe(true);
    expect(isRetryableSesError(new SESv2ServiceException({ name: 'InternalFailure', $fault: 'server', ...meta }))).toBe(
      true,
    );
    expect(isRetryableSesError(new Error('socket hang up'))).toBe(true);
    expect(isRetryableSesError(new MessageRejected({ message: 'Email address is not verified.', ...meta }))).toBe(
      false,
    );
  });
});

describe('suppression keys', () => {
  it('compares addresses lower-cased, without display name or spaces, and keys them by a hash', () => {
    expect(normalizeAddress(' Siti <Siti.Aminah@Palembang.go.id> ')).toBe('siti.aminah@palembang.go.id');
    expect(addressHash('SITI.AMINAH@palembang.go.id')).toBe(addressHash('siti.aminah@palembang.go.id'));
    expect(addressHash('siti.aminah@palembang.go.id')).toMatch(/^[0-9a-f]{64}$/);
    expect(addressHash('siti.aminah@palembang.go.id')).not.toContain('siti');
  });
});

describe('SES events', () => {
  it('parses a bounce record as SES publishes it to SNS, with the outbox id from the message tags', () => {
    const record = parseSesEvent(
      JSON.stringify(sesBounce({ messageId: 'm-1', mailId: 'MAIL1', destination: ['x@y.id'], bounced: ['x@y.id'] })),
    );
    expect(record?.eventType).toBe('Bounce');
    expect(record?.bounce?.bounceType).toBe('Permanent');
    expect(record?.bounce?.bouncedRecipients.map((r) => r.emailAddress)).toEqual(['x@y.id']);
    expect(record?.mail.tags?.mailId).toEqual(['MAIL1']);
  });

  it('returns nothing for a message that is not an SES event', () => {
    expect(parseSesEvent('not json')).toBeUndefined();
    expect(parseSesEvent(JSON.stringify({ hello: 'world' }))).toBeUndefined();
  });
});
