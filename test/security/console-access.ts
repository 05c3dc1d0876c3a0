import type { AccessEntry } from './access-matrix.ts';
import { OFFICE_A } from './support.ts';

/**
 * The access matrix entries of the staff console (`/konsol/...`, shared/console/contracts.ts), in the shape of
 * access-matrix.ts, to be merged into it.
 *
 * Console routes are staff pages: without a valid session the browser is sent to sign in (303), whatever the
 * method. Every POST needs the session's CSRF token (`_csrf`, an HMAC of the session token's `sub`, `jti` and
 * `iat`); the matrix sends each role a fresh session, so a probe cannot carry a token that fits it, and the
 * probes post without one: the roles the route admits get 403 `csrf` there, after the role and office checks,
 * and nothing is written. The accepted POSTs are covered by test/integration/console.test.ts.
 */

/** A console page any active staff member may open. */
const staffPage = (ok: number) => ({
  anonymous: 303,
  operatorA: ok,
  operatorB: ok,
  unitHead: ok,
  admin: ok,
  disabled: 403,
});
/** A console page for operators and admins. */
const submitterPage = (ok: number) => ({ ...staffPage(ok), unitHead: 403 });
/** A console page for admins only. */
const adminPage = (ok: number) => ({ ...staffPage(403), admin: ok });
/** A console page on office A's data: its operator and admins. */
const officeAPage = (ok: number) => ({ ...adminPage(ok), operatorA: ok });
/** A POST without the CSRF token: refused for every signed-in role, the browser without a session sent to sign in. */
const postWithoutToken = staffPage(403);

/** An urlencoded form, as a browser posts it. */
const form = (path: string, fields: Record<string, string>) => ({
  path,
  body: new URLSearchParams(fields).toString(),
  contentType: 'application/x-www-form-urlencoded',
});

export const consoleAccess: Record<string, AccessEntry> = {
  // Home and office work.
  'GET /konsol': staffPage(200),
  'GET /konsol/formulir': submitterPage(200),
  'GET /konsol/formulir/{formId}': submitterPage(200),
  'POST /konsol/formulir/{formId}': {
    ...postWithoutToken,
    probe: (fx) => form(`/konsol/formulir/${fx.formId}`, { nama: 'Pemohon Uji Akses' }),
  },
  'GET /konsol/pengajuan': submitterPage(200),
  'GET /konsol/pengajuan/{submissionId}': officeAPage(200),
  'POST /konsol/pengajuan/{submissionId}': {
    ...postWithoutToken,
    probe: (fx) => form(`/konsol/pengajuan/${fx.submissionA}`, { aksi: 'tarik' }),
  },

  // Administration.
  'GET /konsol/admin/formulir': adminPage(200),
  'POST /konsol/admin/formulir': {
    ...postWithoutToken,
    probe: () => form('/konsol/admin/formulir', { judul: 'Formulir uji akses', kolom: '[]' }),
  },
  'GET /konsol/admin/formulir/{formId}': adminPage(200),
  'POST /konsol/admin/formulir/{formId}': {
    ...postWithoutToken,
    probe: (fx) => form(`/konsol/admin/formulir/${fx.draftFormId}`, { aksi: 'arsipkan', expectedVersion: '1' }),
  },
  'GET /konsol/admin/alur': adminPage(200),
  'POST /konsol/admin/alur': {
    ...postWithoutToken,
    probe: () => form('/konsol/admin/alur', { nama: 'Alur uji akses', tahap: '[]' }),
  },
  'GET /konsol/admin/alur/{workflowId}': {
    ...adminPage(200),
    probe: async (fx) => {
      const workflow = await fx.call(
        'admin',
        {
          method: 'POST',
          path: '/workflows',
          body: {
            name: 'Alur uji akses konsol',
            stages: [
              {
                name: 'Kepala kantor',
                approvers: [{ kind: 'head-of-submitting-office' }],
                rule: { kind: 'all' },
                deadlineAfterDays: 5,
                onDeadline: { kind: 'auto-reject' },
              },
            ],
          },
        },
        201,
      );
      return { path: `/konsol/admin/alur/${workflow.id}` };
    },
  },
  'POST /konsol/admin/alur/{workflowId}': {
    ...postWithoutToken,
    // Refused before the id is looked up: any well-formed id will do.
    probe: () => form('/konsol/admin/alur/01JAAAAAAAAAAAAAAAAAAAAAAA', { nama: 'Alur', tahap: '[]' }),
  },
  'GET /konsol/admin/direktori': adminPage(200),
  'POST /konsol/admin/direktori': {
    ...postWithoutToken,
    probe: () => form('/konsol/admin/direktori', { jenis: 'unit', csv: 'kode,nama,jenis,induk\n' }),
  },
  'GET /konsol/admin/staf': adminPage(200),
  'POST /konsol/admin/staf': {
    ...postWithoutToken,
    probe: (fx) => form('/konsol/admin/staf', { aksi: 'nonaktifkan', sub: fx.targetSub }),
  },
  'GET /konsol/admin/surat': adminPage(200),
  'POST /konsol/admin/surat': { ...postWithoutToken, probe: () => form('/konsol/admin/surat', { id: 'no-such-mail' }) },

  // Survey reports: the city's ranking is the admins'; everyone else is sent to their own unit's report.
  'GET /konsol/laporan': { ...staffPage(303), admin: 200 },
  'GET /konsol/laporan/{unitCode}': officeAPage(200),
  'GET /konsol/laporan/{unitCode}/saran': officeAPage(200),
  'POST /konsol/laporan/{unitCode}/saran': {
    ...postWithoutToken,
    probe: () => form(`/konsol/laporan/${OFFICE_A}/saran`, { responseId: '01JAAAAAAAAAAAAAAAAAAAAAAA', aksi: 'tutup' }),
  },
};
