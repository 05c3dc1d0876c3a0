import { documents, tableName } from '#shared/aws/clients';
import { getUnit } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';
import { surveyQrRoute } from '#shared/surveys/public-contracts';
import { publicBaseUrl, qrSvg, surveyUrl } from '#shared/surveys/qr';

export const handler = httpRoute(surveyQrRoute, async ({ params }) => {
  const unit = await getUnit(documents, tableName(), params.unitCode, false);
  if (unit?.status !== 'active') throw new NotFoundError('Unit layanan ini tidak ditemukan');
  const svg = qrSvg(surveyUrl(publicBaseUrl(), unit.code), `Kode QR survei ${unit.name}`);
  return {
    status: 200,
    html: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`,
    headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  };
});
