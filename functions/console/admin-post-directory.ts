import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { text } from '#shared/console/admin-forms';
import { directoryPage, type ImportReport, unitPage } from '#shared/console/admin-pages';
import { consoleAdminImportRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { headInputOf, unitView } from '#shared/console/directory';
import { errorsByField } from '#shared/console/layout';
import { importPeople, importUnits } from '#shared/directory/import';
import { setHead } from '#shared/directory/positions';
import { allUnits } from '#shared/directory/units';
import { InvalidError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleAdminImportRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const table = tableName();
  if (body.aksi === 'kepala') {
    const code = text(body, 'unit');
    const input = headInputOf(body);
    let errors = input.ok ? undefined : input.errors;
    if (input.ok) {
      try {
        await setHead(documents, table, code, input.value, new Date());
        return {
          status: 303,
          location: `/konsol/admin/direktori?${new URLSearchParams({ unit: code, pesan: 'kepala' })}`,
        };
      } catch (error) {
        if (!(error instanceof InvalidError)) throw error;
        errors = errorsByField(error.errors);
      }
    }
    const [view, csrf] = await Promise.all([unitView(code), csrfToken(event)]);
    return {
      status: 422,
      html: unitPage(caller, view.unit, view.people, view.candidates, csrf, { errors, posted: input.posted }),
    };
  }
  const kind = text(body, 'jenis') === 'pegawai' ? 'pegawai' : 'unit';
  const raw = body.csv;
  const csv = typeof raw === 'string' ? raw : '';
  let report: ImportReport;
  let status = 200;
  try {
    const summary =
      kind === 'unit'
        ? await importUnits(documents, table, csv, new Date())
        : await importPeople(documents, table, csv, new Date(), nipHmacKey);
    report = { kind, csv, summary };
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    // The whole file is checked before anything is written: a bad row means nothing was imported.
    report = { kind, csv, errors: error.errors ?? [{ field: 'csv', message: error.message }] };
    status = 422;
  }
  const [units, csrf] = await Promise.all([allUnits(documents, table), csrfToken(event)]);
  return { status, html: directoryPage(caller, units, csrf, report) };
});
