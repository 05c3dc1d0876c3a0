import { documents, tableName } from '#shared/aws/clients';
import { getUnit } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { ticketSheetRoute } from '#shared/surveys/contracts';
import { ticketSheetPage } from '#shared/surveys/print-pages';
import { publicBaseUrl } from '#shared/surveys/qr';
import { getTicketBatch } from '#shared/surveys/tickets';

export const handler = httpRoute(ticketSheetRoute, async ({ params, caller }) => {
  requireOffice(caller, params.unitCode);
  const [unit, batch] = await Promise.all([
    getUnit(documents, tableName(), params.unitCode, false),
    getTicketBatch(documents, tableName(), params.unitCode, params.batchId),
  ]);
  if (!unit) throw new NotFoundError('Unit tidak ditemukan');
  return { status: 200, html: ticketSheetPage(unit, batch, publicBaseUrl()) };
});
