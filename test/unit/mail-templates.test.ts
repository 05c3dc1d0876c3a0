import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerValue, type MailContent, publicLink, renderContent, renderMail } from '#shared/mail/templates';

const context = { publicBaseUrl: 'https://layanan.palembang.go.id' };
const hostile = `<script>alert("x")</script> & 'kutip' "ganda"`;

const notice = (overrides: Partial<MailContent> = {}): MailContent => ({
  subject: 'Pemberitahuan jadwal diklat',
  recipientName: 'Siti Aminah',
  paragraphs: ['Diklat kepemimpinan pengawas dimulai pada 3 Maret 2026.', 'Mohon hadir tepat waktu.'],
  details: [{ label: 'Tempat', value: 'Aula BKPSDM' }],
  action: { label: 'Lihat jadwal', path: '/diklat/2026-03' },
  officeName: 'BKPSDM Kota Palembang',
  ...overrides,
});

describe('notice template', () => {
  it('renders subject, text and HTML in Bahasa Indonesia with an absolute action link', () => {
    const mail = renderMail('notice', notice(), context);
    expect(mail.subject).toBe('Pemberitahuan jadwal diklat');
    expect(mail.text).toBe(
      [
        'Yth. Siti Aminah,',
        'Diklat kepemimpinan pengawas dimulai pada 3 Maret 2026.',
        'Mohon hadir tepat waktu.',
        'Tempat: Aula BKPSDM',
        'Lihat jadwal:\nhttps://layanan.palembang.go.id/diklat/2026-03',
        'Hormat kami,\nBKPSDM Kota Palembang',
        '--\nEmail ini dikirim secara otomatis oleh sistem; mohon tidak membalas email ini.',
      ].join('\n\n'),
    );
    expect(mail.html).toContain('<html lang="id">');
    expect(mail.html).toContain('href="https://layanan.palembang.go.id/diklat/2026-03"');
    expect(mail.html).toContain('>Lihat jadwal</a>');
    expect(mail.html).toContain('Email ini dikirim secara otomatis');
  });

  it('greets "Bapak/Ibu" when no name is given and leaves out what is absent', () => {
    const mail = renderMail('notice', notice({ recipientName: undefined, action: undefined, details: [] }), context);
    expect(mail.text.startsWith('Yth. Bapak/Ibu,\n\n')).toBe(true);
    expect(mail.text).not.toContain('https://');
    expect(mail.html).not.toContain('<a ');
    expect(mail.html).not.toContain('<table');
  });

  it('escapes hostile data everywhere in the HTML and keeps it readable in the text', () => {
    const mail = renderMail(
      'notice',
      notice({
        recipientName: hostile,
        paragraphs: [hostile],
        details: [{ label: hostile, value: hostile }],
        action: { label: hostile, path: '/x' },
        officeName: hostile,
      }),
      context,
    );
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('"ganda"');
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;kutip&#39; &quot;ganda&quot;',
    );
    expect(mail.text).toContain(`Yth. ${hostile},`);
    expect(mail.text).toContain(`\n\n${hostile}\n\n`);
  });

  it('lets no data add markup to the HTML: the number of tags does not depend on the data', () => {
    const baseline = (renderMail('notice', notice(), context).html.match(/</g) ?? []).length;
    const line = fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n\u2028\u2029]/.test(s));
    fc.assert(
      fc.property(line, line, line, line, (name, paragraph, value, office) => {
        const html = renderMail(
          'notice',
          notice({
            recipientName: name,
            paragraphs: ['tetap', paragraph],
            details: [{ label: 'Tempat', value }],
            officeName: office,
          }),
          context,
        ).html;
        // An empty paragraph is dropped with its <p></p>.
        const dropped = paragraph.replace(/\p{Cc}/gu, (c) => (c === '\t' ? c : '')).trim() === '' ? 2 : 0;
        expect((html.match(/</g) ?? []).length).toBe(baseline - dropped);
      }),
    );
  });

  it('never lets CR or LF into a subject, whatever the data', () => {
    const mail = renderMail('notice', notice({ subject: 'Halo\r\nBcc: penyusup@example.com\nX-Evil: 1' }), context);
    expect(mail.subject).toBe('Halo Bcc: penyusup@example.com X-Evil: 1');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (subject) => {
        const value = headerValue(subject);
        expect(value).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
        expect(value.length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('shortens a long subject to 200 characters with an ellipsis', () => {
    const subject = renderContent(notice({ subject: 'a'.repeat(500) }), context).subject;
    expect(subject).toHaveLength(200);
    expect(subject.endsWith('…')).toBe(true);
  });
});

describe('links in mail', () => {
  it('builds absolute links on the public base URL, keeping its path prefix', () => {
    expect(publicLink('https://layanan.palembang.go.id/abdi/', '/keputusan/abc?x=1')).toBe(
      'https://layanan.palembang.go.id/abdi/keputusan/abc?x=1',
    );
    expect(publicLink('https://abc123.execute-api.ap-southeast-3.amazonaws.com', '/k/t')).toBe(
      'https://abc123.execute-api.ap-southeast-3.amazonaws.com/k/t',
    );
  });

  for (const path of [
    'https://evil.example.com/x',
    '//evil.example.com/x',
    'javascript:alert(1)',
    'x/y',
    '/a b',
    '/\\evil',
  ]) {
    it(`refuses "${path}", which is not a path on the base URL`, () => {
      expect(() => publicLink(context.publicBaseUrl, path)).toThrow();
    });
  }

  it('never leaves the base URL’s origin, whatever the path', () => {
    fc.assert(
      fc.property(fc.string(), (path) => {
        let url: string | undefined;
        try {
          url = publicLink(context.publicBaseUrl, path);
        } catch {
          return;
        }
        expect(new URL(url).origin).toBe('https://layanan.palembang.go.id');
      }),
    );
  });
});
