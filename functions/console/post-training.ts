import { documents, tableName } from '#shared/aws/clients';
import { text } from '#shared/console/admin-forms';
import { consoleTrainingActionRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { trainingPage } from '#shared/console/training-pages';
import { ConflictError, InvalidError } from '#shared/errors';
import { requireOffice } from '#shared/http/auth';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import {
  cancelRegistration,
  readRegistration,
  recordAttendance,
  setCapacity,
} from '#shared/registrations/registrations';
import { setTrainingStatus } from '#shared/registrations/trainings';
import { trainingPageData } from './get-training.ts';

const adminOnly = (groups: readonly string[]) => {
  if (!groups.includes('admin')) throw new HttpProblem(403, 'forbidden', 'Hanya admin yang dapat melakukan ini');
};

export const handler = httpRoute(consoleTrainingActionRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  const store = { db: documents, table: tableName() };
  const now = new Date();
  const action = text(body, 'aksi');
  const batch = Number(text(body, 'angkatan'));
  const back = (notice: string) => ({
    status: 303 as const,
    location: `/konsol/pelatihan/${params.trainingId}?pesan=${notice}`,
  });
  try {
    if (action === 'batalkan') {
      const registration = await readRegistration(store, text(body, 'pendaftaran'));
      if (registration.trainingId !== params.trainingId) throw new InvalidError('Pendaftaran tidak dikenal');
      requireOffice(caller, registration.officeCode);
      await cancelRegistration(store, registration.submissionId, text(body, 'alasan') || undefined, now);
      return back('dibatalkan');
    }
    adminOnly(caller.groups);
    if (action === 'kapasitas') {
      const capacity = Number(text(body, 'kapasitas'));
      if (!Number.isInteger(capacity) || capacity < 1) {
        throw new InvalidError('Kapasitas harus bilangan bulat minimal 1', {
          errors: [{ field: `kapasitas-${batch}`, message: 'Kapasitas harus bilangan bulat minimal 1' }],
        });
      }
      await setCapacity(store, params.trainingId, batch, capacity, now);
      return back('kapasitas');
    }
    if (action === 'status') {
      const status = text(body, 'status');
      if (status !== 'published' && status !== 'closed') throw new InvalidError('Status tidak dikenal');
      await setTrainingStatus(store, params.trainingId, status, now);
      return back('status');
    }
    if (action === 'hadir') {
      const nips = text(body, 'nip')
        .split(/[\n,;]+/)
        .map((n) => n.trim())
        .filter(Boolean);
      if (nips.length === 0) {
        throw new InvalidError('Tuliskan NIP yang hadir', {
          errors: [{ field: `hadir-${batch}`, message: 'Tuliskan NIP yang hadir, satu per baris' }],
        });
      }
      await recordAttendance(store, params.trainingId, batch, text(body, 'tanggal'), nips);
      return back('hadir');
    }
    throw new InvalidError('Aksi tidak dikenal');
  } catch (error) {
    // A refusal shows the page again with the reason beside the field it concerns (or at the top).
    if (!(error instanceof ConflictError || error instanceof InvalidError)) throw error;
    const given = error instanceof InvalidError ? error.errors?.[0]?.field : undefined;
    const field =
      given?.startsWith('kapasitas-') || given?.startsWith('hadir-')
        ? given
        : action === 'kapasitas'
          ? `kapasitas-${batch}`
          : `hadir-${batch}`;
    const errors = new Map([[field, error.message]]);
    const [data, csrf] = await Promise.all([trainingPageData(caller, params.trainingId), csrfToken(event)]);
    return {
      status: error instanceof ConflictError ? 409 : 422,
      html: trainingPage(caller, data.training, data.registrations, data.batchLists, csrf, { errors }),
    };
  }
});
