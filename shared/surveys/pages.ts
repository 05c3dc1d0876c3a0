import type { Unit } from '#shared/directory/schemas';
import type { DomainFieldError } from '#shared/errors';
import { html, type SafeHtml } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import { HONEYPOT_FIELD, type SurveyForm } from './form.ts';
import { RESPONDENT_FIELDS, RESPONDENT_OPTIONS, SUGGESTION_MAX } from './response-schemas.ts';

/**
 * The public survey pages: the form (mobile first, works without JavaScript, one fieldset with a legend per
 * question, every control labelled, errors written beside their field and listed at the top with links) and the
 * thank-you page. All text is escaped by the `html` template.
 */

// Large touch targets, visible focus, colours from the shared layout (contrast above 4.5:1 on white).
const FORM_STYLE = `
form{margin-top:1rem}fieldset{border:1px solid var(--line);border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;float:left;width:100%;padding:0;margin-bottom:.5rem}fieldset>legend~*{clear:both}
.errors h2{font-size:1.1rem}.unsur{display:block;font-weight:400;color:var(--muted);font-size:.9rem}
.opt{display:flex;gap:.75rem;align-items:center;min-height:2.75rem;padding:.25rem .5rem;border-radius:.375rem;cursor:pointer}
.opt:hover{background:#f2f5f8}.opt input{width:1.25rem;height:1.25rem;margin:0;flex:none}
label.field{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],select,textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #6b7785;border-radius:.375rem;background:#fff;color:var(--ink)}
textarea{min-height:7rem}.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.invalid{border-color:var(--bad);border-width:2px}.field-error{color:var(--bad);font-weight:600;margin:.25rem 0 .5rem}
button{font:inherit;font-weight:600;background:var(--accent);color:#fff;border:0;border-radius:.5rem;padding:.9rem 1.5rem;width:100%;min-height:3rem;cursor:pointer}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.unit{font-size:1.1rem;font-weight:600;margin:.25rem 0}
`;

const errorId = (field: string) => `galat-${field.replace(/[^A-Za-z0-9-]/g, '-')}`;

const errorFor = (errors: readonly DomainFieldError[], field: string) => errors.find((e) => e.field === field);

const fieldError = (errors: readonly DomainFieldError[], field: string): SafeHtml | '' => {
  const error = errorFor(errors, field);
  return error ? html`<p class="field-error" id="${errorId(field)}">${error.message}</p>` : '';
};

/** Where a field error's link in the summary goes: the question's fieldset, or the control. */
const anchorOf = (field: string): string => {
  if (field.startsWith('answers.')) return `q-${field.slice('answers.'.length)}`;
  if (field.startsWith('respondent.')) return `r-${field.slice('respondent.'.length)}`;
  return field === 'service' || field === 'suggestion' || field === 'ticket' ? field : 'form-survei';
};

const select = (
  id: string,
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  selected: string,
  errors: readonly DomainFieldError[],
  required: boolean,
): SafeHtml => {
  const error = errorFor(errors, name);
  return html`<label class="field" for="${id}">${label}</label>
${fieldError(errors, name)}<select id="${id}" name="${name}"${required ? html` required` : ''}${
    error ? html` class="invalid" aria-invalid="true" aria-describedby="${errorId(name)}"` : ''
  }>
<option value="">${required ? '— Pilih —' : '— Tidak diisi —'}</option>
${options.map(([value, text]) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`)}
</select>`;
};

/** The survey form page; with errors, the answers sent are kept and each error stands beside its field. */
export const surveyFormPage = ({ unit, instrument, values, errors }: SurveyForm): string => {
  const known = new Set([
    ...instrument.elements.map((e) => `answers.${e.key}`),
    ...RESPONDENT_FIELDS.map((f) => `respondent.${f}`),
    'service',
    'suggestion',
    'ticket',
  ]);
  const elementName = (field: string) =>
    instrument.elements.find((e) => `answers.${e.key}` === field)?.name ??
    (field === 'service'
      ? 'Jenis layanan'
      : field === 'suggestion'
        ? 'Saran'
        : field === 'ticket'
          ? 'Kode tiket'
          : field);
  const summary = errors.length
    ? html`<div class="errors" role="alert" id="ringkasan-galat">
<h2>Ada ${errors.length} isian yang perlu diperbaiki</h2>
<ul>${errors.map((e) =>
        known.has(e.field)
          ? html`<li><a href="#${anchorOf(e.field)}">${elementName(e.field)}: ${e.message}</a></li>`
          : html`<li>${e.message}</li>`,
      )}</ul>
</div>`
    : '';

  const questions = instrument.elements.map((element, i) => {
    const field = `answers.${element.key}`;
    const error = errorFor(errors, field);
    return html`<fieldset id="q-${element.key}"${error ? html` class="invalid"` : ''}>
<legend>${i + 1}. ${element.question} <span class="unsur">Unsur: ${element.name}</span></legend>
${fieldError(errors, field)}${element.answers.map(
  (label, a) =>
    html`<label class="opt"><input type="radio" name="${field}" value="${a + 1}"${
      a === 0 ? html` required` : ''
    }${values.answers[element.key] === String(a + 1) ? html` checked` : ''}${
      error ? html` aria-invalid="true" aria-describedby="${errorId(field)}"` : ''
    }> <span>${label}</span></label>`,
)}
</fieldset>`;
  });

  const services = unit.services.map((s) => [s, s] as const);
  const suggestionError = errorFor(errors, 'suggestion');
  const ticketError = errorFor(errors, 'ticket');
  const body = html`<h1>Survei Kepuasan Masyarakat</h1>
<p class="unit">${unit.name}</p>
<p>Terima kasih telah menggunakan layanan kami. Penilaian Anda membantu kami memperbaiki pelayanan. Survei ini
tanpa nama: kami tidak meminta nama, nomor telepon, atau NIK. Baca <a href="/privasi">pemberitahuan privasi</a>.</p>
${summary}
<form method="post" action="/s/${unit.code}" id="form-survei" accept-charset="utf-8">
<input type="hidden" name="responseId" value="${values.responseId}">
<input type="hidden" name="instrumentVersion" value="${values.instrumentVersion || instrument.version}">
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Situs web (jangan diisi)</label>
<input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off" value=""></div>
${
  unit.services.length
    ? html`<fieldset><legend>Layanan yang Anda terima</legend>
${select('service', 'service', 'Jenis layanan', services, values.service, errors, true)}
</fieldset>`
    : ''
}
<p class="hint">Pilih satu jawaban untuk setiap pertanyaan.</p>
${questions}
<fieldset><legend>Tentang Anda (boleh tidak diisi)</legend>
${RESPONDENT_FIELDS.map((field) =>
  select(
    `r-${field}`,
    `respondent.${field}`,
    RESPONDENT_OPTIONS[field].label,
    Object.entries(RESPONDENT_OPTIONS[field].options),
    values.respondent[field] ?? '',
    errors,
    false,
  ),
)}
</fieldset>
<label class="field" for="suggestion">Saran atau pengaduan (boleh tidak diisi)</label>
<p class="hint" id="saran-petunjuk">Paling banyak ${SUGGESTION_MAX} karakter. Jangan menulis nama, nomor telepon, atau NIK.</p>
${fieldError(errors, 'suggestion')}<textarea id="suggestion" name="suggestion" maxlength="${SUGGESTION_MAX}" aria-describedby="saran-petunjuk${
    suggestionError ? ` ${errorId('suggestion')}` : ''
  }"${suggestionError ? html` class="invalid" aria-invalid="true"` : ''}>${values.suggestion}</textarea>
<label class="field" for="ticket">Kode tiket (jika petugas memberi Anda tiket)</label>
<p class="hint" id="tiket-petunjuk">Contoh: ABCDE-23456. Setiap kode hanya berlaku satu kali.</p>
${fieldError(errors, 'ticket')}<input type="text" id="ticket" name="ticket" value="${values.ticket}" maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="tiket-petunjuk${
    ticketError ? ` ${errorId('ticket')}` : ''
  }"${ticketError ? html` class="invalid" aria-invalid="true"` : ''}>
<p><button type="submit">Kirim penilaian</button></p>
</form>`;
  return page({ title: `Survei Kepuasan Masyarakat — ${unit.name}`, body, style: FORM_STYLE });
};

/** The thank-you page (also answered to a resend and to a filled honeypot, which store nothing). */
export const thankYouPage = (unit: Unit): string =>
  page({
    title: 'Terima kasih',
    body: html`<h1>Terima kasih</h1>
<p>Penilaian Anda untuk <strong>${unit.name}</strong> telah kami terima.</p>
<p>Masukan Anda membantu kami memperbaiki pelayanan. Saran dan pengaduan dibaca dan ditindaklanjuti oleh unit
layanan.</p>
<p><a href="/s/${unit.code}">Isi survei untuk layanan lain</a></p>`,
    style: FORM_STYLE,
  });
