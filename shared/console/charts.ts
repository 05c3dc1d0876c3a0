import { html, type SafeHtml } from '#shared/pages/html';

/**
 * Charts as inline SVG: no script, no external asset, readable when printed. Each mark carries its value in a
 * `data-` attribute and a visible label, so the chart says the same as the table beside it.
 */

const fixed = (value: number, decimals: number) => value.toFixed(decimals);

/** IKM per period as a line on the 25–100 scale; a period without responses is a gap in the line. */
export const trendChart = (points: readonly { period: string; ikm: number | null; responses: number }[]): SafeHtml => {
  // A narrow drawing: on a phone it is shown near its own size, so its text stays readable.
  const width = 400;
  const height = 250;
  const left = 34;
  const right = 24;
  const top = 18;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number) => left + (points.length === 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const y = (ikm: number) => top + plotH - ((ikm - 25) / 75) * plotH;
  // Runs of consecutive periods with an index: one polyline each.
  const runs: { x: number; y: number }[][] = [];
  let run: { x: number; y: number }[] = [];
  points.forEach((p, i) => {
    if (p.ikm === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ x: x(i), y: y(p.ikm) });
  });
  if (run.length) runs.push(run);
  const grid = [25, 50, 65, 76.61, 88.31, 100];
  return html`<svg class="chart trend" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="tren-judul" xmlns="http://www.w3.org/2000/svg">
<title id="tren-judul">Tren IKM per periode</title>
${grid.map(
  (g) =>
    html`<line x1="${left}" x2="${width - right}" y1="${fixed(y(g), 1)}" y2="${fixed(y(g), 1)}" stroke="#d0d7de" stroke-width="1"/><text x="${left - 4}" y="${fixed(y(g) + 4, 1)}" font-size="10" text-anchor="end" fill="#4a5560">${g}</text>`,
)}
${runs.map(
  (r) =>
    html`<polyline fill="none" stroke="#0b5cad" stroke-width="2.5" points="${r.map((p) => `${fixed(p.x, 1)},${fixed(p.y, 1)}`).join(' ')}"/>`,
)}
${points.map((p, i) =>
  p.ikm === null
    ? html`<text x="${fixed(x(i), 1)}" y="${height - bottom - 4}" font-size="10" text-anchor="middle" fill="#4a5560">—</text>`
    : html`<circle class="point" cx="${fixed(x(i), 1)}" cy="${fixed(y(p.ikm), 1)}" r="4" fill="#0b5cad" data-period="${p.period}" data-ikm="${fixed(p.ikm, 2)}"><title>${p.period}: IKM ${fixed(p.ikm, 2)} (${p.responses} responden)</title></circle><text x="${fixed(x(i), 1)}" y="${fixed(y(p.ikm) - 8, 1)}" font-size="11" text-anchor="middle">${fixed(p.ikm, 2)}</text>`,
)}
${points.map(
  (p, i) =>
    html`<text x="${fixed(x(i), 1)}" y="${height - bottom + 12}" font-size="10" text-anchor="end" fill="#1b1f24" transform="rotate(-45 ${fixed(x(i), 1)} ${height - bottom + 12})">${p.period}</text>`,
)}
</svg>`;
};

/** Horizontal bars, one per row, each under its label, on a fixed scale; the order is the caller's. */
export const barChart = (
  rows: readonly { key: string; label: string; value: number | null; text: string }[],
  scale: { max: number; title: string; kind: string },
): SafeHtml => {
  const width = 400;
  const valueW = 52;
  const rowH = 40;
  const barMax = width - valueW;
  const height = rows.length * rowH + 4;
  return html`<svg class="chart bars ${scale.kind}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${scale.title}" xmlns="http://www.w3.org/2000/svg">
<title>${scale.title}</title>
${rows.map((r, i) => {
  const w = r.value === null ? 0 : Math.max(0, Math.min(1, r.value / scale.max)) * barMax;
  const yTop = 2 + i * rowH;
  return html`<g><text x="0" y="${yTop + 13}" font-size="13">${r.label}</text><rect class="bar" x="0" y="${yTop + 18}" width="${fixed(w, 1)}" height="16" fill="${i === 0 && scale.kind === 'elements' ? '#b3261e' : '#0b5cad'}" data-key="${r.key}" data-value="${r.value === null ? '' : r.text}"/><text x="${fixed(w + 6, 1)}" y="${yTop + 31}" font-size="13">${r.value === null ? '—' : r.text}</text></g>`;
})}
</svg>`;
};
