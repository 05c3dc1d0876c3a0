import { create } from 'qrcode/lib/core/qrcode.js';
import { html, type SafeHtml } from '#shared/pages/html';

/**
 * QR codes as SVG: the modules of the `qrcode` package's encoder drawn as one path of horizontal runs, with the
 * quiet zone of 4 modules the standard asks for. Error correction M (15 %) survives a creased or smudged poster
 * while keeping a survey URL to a small symbol that phone cameras read from a metre away.
 */

const QUIET_ZONE = 4;

/** The public URL of a unit's survey page: what its QR code encodes. */
export const surveyUrl = (publicBaseUrl: string, unitCode: string, ticket?: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/s/${encodeURIComponent(unitCode)}${
    ticket === undefined ? '' : `?tiket=${encodeURIComponent(ticket)}`
  }`;

/** The public base URL of links and QR codes, from the function's environment. */
export const publicBaseUrl = (): string => {
  const url = process.env.PUBLIC_BASE_URL;
  if (!url) throw new Error('PUBLIC_BASE_URL is not set for this function');
  return url;
};

/**
 * An SVG image of the QR code of `text`, scalable (a viewBox in modules), black on white, with a text alternative.
 * Escaped by construction: the label is the only text in it.
 */
export const qrSvg = (text: string, label: string): SafeHtml => {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const side = size + 2 * QUIET_ZONE;
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; ) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < size && modules.get(y, x + run)) run++;
      path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges" role="img" aria-label="${label}"><title>${label}</title><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
};
