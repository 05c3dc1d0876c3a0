import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpProblem } from './problem.ts';

const mediaType = (event: APIGatewayProxyEventV2): string | undefined =>
  event.headers?.['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;

/** Form fields as an object; a repeated field becomes an array (multi-select, checkboxes). */
const formFields = (text: string): Record<string, string | string[]> => {
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = fields.get(key);
    fields.set(
      key,
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value],
    );
  }
  // fromEntries defines own properties, so a field named __proto__ stays a plain field.
  return Object.fromEntries(fields);
};

/**
 * The request body as data: JSON or an urlencoded form, base64-decoded when API Gateway encoded it. A body that is
 * not valid for its media type is a 400; a media type the route does not take is a 415. No body gives undefined,
 * which the route's schema then reports as missing.
 */
export const parseBody = (event: APIGatewayProxyEventV2, expected?: string): unknown => {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const type = mediaType(event);
  const accepted = expected ? [expected] : ['application/json', 'application/x-www-form-urlencoded'];
  if (!type || !accepted.includes(type)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Jenis isi permintaan tidak didukung', {
      detail: `Kirim isi sebagai ${accepted.join(' atau ')}.`,
    });
  }
  if (type === 'application/x-www-form-urlencoded') return formFields(text);
  // CSV uploads (directory imports) are handed over as text; the route's own parser reads them.
  if (type === 'text/csv') return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'malformed-json', 'Isi permintaan bukan JSON yang sah', {
      detail: 'Periksa tanda kutip, koma dan kurung pada isi permintaan.',
    });
  }
};
