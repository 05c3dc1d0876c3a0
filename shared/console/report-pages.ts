import type { Caller } from '#shared/http/auth';
import { html } from '#shared/pages/html';
import type { Suggestion, SurveyOverview, SurveyReport, SurveyTrend } from '#shared/surveys/schemas';
import { wibDateTime } from '#shared/workflow/state';
import { barChart, trendChart } from './charts.ts';
import { consolePage, csrfField, errorSummary, fieldError, table } from './layout.ts';

/** Survey report pages: a unit's report with its charts, the city's ranking, a unit's suggestions. */

const n2 = (value: number | null) => (value === null ? '—' : value.toFixed(2));
const n3 = (value: number | null) => (value === null ? '—' : value.toFixed(3));

/** A unit's report for the months asked (with the period form), its trend by month, elements weakest first. */
export const unitReportPage = (
  caller: Caller,
  unitCode: string,
  asked: { from: string; to: string },
  content: { report: SurveyReport; trend: SurveyTrend } | { errors: Map<string, string> },
): string => {
  const errors = 'errors' in content ? content.errors : new Map<string, string>();
  const periodForm = html`<form method="get" action="/konsol/laporan/${unitCode}" class="filters" novalidate>
<label>Dari bulan<br><input type="text" name="dari" value="${asked.from}" placeholder="2026-01" size="8"></label>${fieldError(errors, 'from')}
<label>Sampai bulan<br><input type="text" name="sampai" value="${asked.to}" placeholder="2026-06" size="8"></label>${fieldError(errors, 'to')}
<button type="submit" class="secondary">Tampilkan</button></form>`;
  if ('errors' in content) {
    return consolePage({
      title: `Laporan survei ${unitCode}`,
      caller,
      body: html`${errorSummary(errors, 'Periode tidak valid.')}${periodForm}`,
    });
  }
  const { report, trend } = content;
  return consolePage({
    title: `Laporan survei ${report.unit.name}`,
    caller,
    body: html`${periodForm}
<dl>
<dt>Periode</dt><dd>${report.months[0]} s.d. ${report.months.at(-1)}${report.period ? ` (${report.period})` : ''}</dd>
<dt>Responden</dt><dd>${report.responses}${report.verified ? ` (${report.verified} dengan tiket)` : ''}</dd>
<dt>IKM</dt><dd><strong class="ikm">${n2(report.ikm)}</strong>${report.mutu ? ` · mutu ${report.mutu} (${report.kinerja})` : ''}</dd>
${report.sample ? html`<dt>Sampel minimum</dt><dd>${report.sample.collected} dari ${report.sample.minimum}${report.sample.sufficient ? ' — cukup' : ' — belum cukup'}</dd>` : ''}
<dt>Saran</dt><dd>${report.suggestions} · <a href="/konsol/laporan/${report.unit.code}/saran">Lihat dan tanggapi</a></dd>
</dl>
${report.anomalies.flags.length > 0 ? html`<div class="errors" role="note"><p>Perlu diperiksa:</p><ul>${report.anomalies.flags.map((f) => html`<li>${f}</li>`)}</ul></div>` : ''}
<h2>Tren IKM per bulan</h2>
${trendChart(trend.points.map((p) => ({ period: p.period, ikm: p.ikm, responses: p.responses })))}
<h2>Nilai unsur (NRR), terlemah lebih dulu</h2>
${barChart(
  report.elements.map((e) => ({ key: e.key, label: e.name, value: e.nrr, text: n3(e.nrr) })),
  { max: 4, title: 'NRR per unsur pelayanan, skala 1 sampai 4, terlemah di atas', kind: 'elements' },
)}
${table(
  ['Unsur', 'Jawaban', 'NRR', 'Nilai (×25)', 'Mutu'],
  report.elements.map(
    (e) =>
      html`<tr><td>${e.name}</td><td>${e.answers}</td><td>${n3(e.nrr)}</td><td>${n2(e.index)}</td><td>${e.mutu ?? '—'}</td></tr>`,
  ),
)}
<p><a href="/s/${report.unit.code}/poster">Poster QR unit ini</a></p>`,
  });
};

/** The city for a period: pooled index, by unit type, and the ranking of units with enough responses. */
export const overviewPage = (caller: Caller, overview: SurveyOverview, asked: { period: string; minimum: number }) =>
  consolePage({
    title: `Peringkat unit ${overview.period}`,
    caller,
    body: html`<form method="get" action="/konsol/laporan" class="filters">
<label>Periode<br><input type="text" name="periode" value="${asked.period}" placeholder="2026-Q1" size="8"></label>
<label>Responden minimum<br><input type="number" name="minimum" value="${asked.minimum}" min="0"></label>
<button type="submit" class="secondary">Tampilkan</button></form>
<p>Kota: ${overview.city.responses} responden dari ${overview.city.units} unit; IKM <strong>${n2(overview.city.ikm)}</strong>${overview.city.mutu ? ` (mutu ${overview.city.mutu})` : ''}.</p>
<h2>Peringkat</h2>
${
  overview.ranking.length
    ? barChart(
        overview.ranking.map((r) => ({ key: r.code, label: `${r.rank}. ${r.name}`, value: r.ikm, text: n2(r.ikm) })),
        { max: 100, title: 'IKM unit, peringkat tertinggi di atas', kind: 'ranking' },
      )
    : ''
}
${table(
  ['Peringkat', 'Unit', 'Jenis', 'Responden', 'IKM', 'Mutu'],
  overview.ranking.map(
    (r) =>
      html`<tr><td>${r.rank}</td><td><a href="/konsol/laporan/${r.code}">${r.name}</a></td><td>${r.type}</td><td>${r.responses}</td><td>${n2(r.ikm)}</td><td>${r.mutu ?? '—'}</td></tr>`,
  ),
  'Belum ada unit dengan responden cukup pada periode ini.',
)}
<h2>Per jenis unit</h2>
${table(
  ['Jenis', 'Unit', 'Responden', 'IKM'],
  overview.byType.map(
    (t) => html`<tr><td>${t.type}</td><td>${t.units}</td><td>${t.responses}</td><td>${n2(t.ikm)}</td></tr>`,
  ),
)}
<h2>Responden kurang dari ${overview.minResponses}</h2>
${table(
  ['Unit', 'Jenis', 'Responden'],
  overview.belowMinimum.map(
    (b) =>
      html`<tr><td><a href="/konsol/laporan/${b.code}">${b.name}</a></td><td>${b.type}</td><td>${b.responses}</td></tr>`,
  ),
  'Tidak ada.',
)}`,
  });

const FOLLOW_UP: Record<string, string> = { open: 'belum ditanggapi', answered: 'sudah dibalas', closed: 'ditutup' };

/** A unit's suggestions, each with its follow-up; unit heads and admins reply or close. */
export const suggestionsPage = (
  caller: Caller,
  unitCode: string,
  items: readonly Suggestion[],
  csrf: string,
  options: {
    status?: string;
    next?: string;
    notice?: string;
    failed?: { responseId: string; reply: string; errors: Map<string, string> };
  } = {},
): string => {
  const canReply = caller.groups.includes('unit-head') || caller.groups.includes('admin');
  return consolePage({
    title: `Saran untuk ${unitCode}`,
    caller,
    notice: options.notice,
    body: html`<p><a href="/konsol/laporan/${unitCode}">← Laporan unit</a></p>
<form method="get" action="/konsol/laporan/${unitCode}/saran" class="filters"><label>Status<br><select name="status"><option value="">Semua</option>${Object.entries(
      FOLLOW_UP,
    ).map(
      ([value, text]) =>
        html`<option value="${value}"${options.status === value ? html` selected` : ''}>${text}</option>`,
    )}</select></label>
<button type="submit" class="secondary">Saring</button></form>
${items.length === 0 ? html`<p>Tidak ada saran.</p>` : ''}
${items.map((s) => {
  const failed = options.failed?.responseId === s.responseId ? options.failed : undefined;
  const errors = failed?.errors ?? new Map<string, string>();
  return html`<article class="suggestion" id="saran-${s.responseId}">
<h2>${wibDateTime(s.receivedAt)}${s.service ? ` · ${s.service}` : ''}</h2>
<p>“${s.suggestion}”</p>
<p>Status: <strong data-status="${s.status}">${FOLLOW_UP[s.status] ?? s.status}</strong>${s.reply ? html` · Balasan ${s.repliedBy ? `${s.repliedBy}: ` : ''}“${s.reply}”` : ''}</p>
${
  canReply && s.status !== 'closed'
    ? html`<form method="post" action="/konsol/laporan/${unitCode}/saran" novalidate>${csrfField(csrf)}<input type="hidden" name="responseId" value="${s.responseId}">
<label for="balas-${s.responseId}">Balasan unit</label>${fieldError(errors, 'reply')}
<textarea id="balas-${s.responseId}" name="balasan" rows="3" maxlength="2000">${failed?.reply ?? ''}</textarea>
<button type="submit" name="aksi" value="balas">Kirim balasan</button> <button type="submit" name="aksi" value="tutup" class="secondary">Tutup saran</button></form>`
    : ''
}
</article>`;
})}
${options.next ? html`<p><a href="/konsol/laporan/${unitCode}/saran?${new URLSearchParams({ ...(options.status ? { status: options.status } : {}), cursor: options.next }).toString()}">Halaman berikutnya</a></p>` : ''}`,
  });
};
