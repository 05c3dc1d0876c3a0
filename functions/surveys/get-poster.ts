import { documents, tableName } from '#shared/aws/clients';
import { UnitCode } from '#shared/directory/schemas';
import { getUnit } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';
import { posterPage } from '#shared/surveys/print-pages';
import { surveyPosterRoute } from '#shared/surveys/public-contracts';
import { publicBaseUrl } from '#shared/surveys/qr';

export const handler = httpRoute(surveyPosterRoute, async ({ params }) => {
  const code = UnitCode.safeParse(params.unitCode);
  const unit = code.success ? await getUnit(documents, tableName(), code.data, false) : undefined;
  if (unit?.status !== 'active') throw new NotFoundError('Unit layanan ini tidak ditemukan');
  return { status: 200, html: posterPage(unit, publicBaseUrl()) };
});
