import { ulid } from 'ulid';
import { ELEMENTS } from '#test/support/surveys';
import { consoleAccess } from './console-access.ts';
import { type Fixtures, fixtureFormFields, OFFICE_A, type Probe, type Role } from './support.ts';

/**
 * The access matrix: who may call each route of the HTTP API, and what they get.
 *
 * One entry per route key of the synthesized template (`'METHOD /path'`, API Gateway syntax). The test
 * (access-matrix.test.ts) fails when the template has a route without an entry here, or an entry names a route the
 * template does not have: add the entry together with the route.
 *
 * Each entry gives the HTTP status each role gets for the entry's probe request:
 * - `anonymous`: no token (on public routes, the citizen);
 * - `operatorA`: the operator of office A (DINKES), `operatorB`: the operator of office B (DISDIK);
 * - `unitHead`: the unit head (camat of KEC-06); `admin`: the BKPSDM admin;
 * - `disabled`: an operator of office A whose account was disabled (their token is still valid).
 *
 * `probe` (optional) builds the request from the fixtures (`support.ts`); by default it is the route's method and
 * path with each `{param}` taken from `fx.params` (a formId, office A's submission, unit DINKES, ...), no body. The
 * probe is built once per role, before any of them is sent, so a probe that creates something (with `fx.call`) can
 * make its ids fresh each time. The data the probes reach belong to office A: a 403 for operatorB is the office
 * boundary. Staff roles send a bearer token and a session cookie (staff pages read the cookie); anonymous sends
 * neither. The refused roles go first, and the tables must be byte-identical after them; then the others.
 * The same probes seed the hostile-input suite (hostile.ts), so a probe should be a request the route accepts.
 *
 * Example: `'GET /forms/{formId}': { anonymous: 401, operatorA: 200, operatorB: 200, unitHead: 200, admin: 200,
 * disabled: 403 }`, or with the helpers below `staff(200)`, `adminOnly(201)`, `officeA(200)`, `everyone(200)`.
 */
export interface AccessEntry extends Record<Role, number> {
  probe?: (fx: Fixtures) => Omit<Probe, 'method'> | Promise<Omit<Probe, 'method'>>;
}

/** Statuses of a route any active staff member may call. */
const staff = (ok: number) => ({
  anonymous: 401,
  operatorA: ok,
  operatorB: ok,
  unitHead: ok,
  admin: ok,
  disabled: 403,
});
/** Statuses of a route for admins only. */
const adminOnly = (ok: number) => ({
  anonymous: 401,
  operatorA: 403,
  operatorB: 403,
  unitHead: 403,
  admin: ok,
  disabled: 403,
});
/** Statuses of a public route: the token, if any, changes nothing. */
const everyone = (status: number) => ({
  anonymous: status,
  operatorA: status,
  operatorB: status,
  unitHead: status,
  admin: status,
  disabled: status,
});
/** Statuses of a route on office A's data: its operator and admins only. */
const officeA = (ok: number) => ({ ...adminOnly(ok), operatorA: ok });

let exportProbes = 0;

/** A one-stage approval chain: the mayor decides. */
const workflowDefinition = {
  name: 'Alur baru uji akses',
  stages: [
    {
      name: 'Wali kota',
      approvers: [{ kind: 'person', personId: '01KDVDNA00M8EQSY3JERTFD0MW' }],
      rule: { kind: 'all' },
      deadlineAfterDays: 5,
      onDeadline: { kind: 'auto-reject' },
    },
  ],
};

const answers = Object.fromEntries(ELEMENTS.map((e) => [e, 3]));

export const accessMatrix: Record<string, AccessEntry> = {
  // Platform and sign-in.
  'GET /health': everyone(200),
  'GET /openapi.json': everyone(200),
  'GET /auth/login': everyone(302),
  // No sign-in in progress (no state cookie): the sign-in failed page.
  'GET /auth/callback': everyone(401),
  'POST /auth/logout': everyone(302),
  'GET /me': staff(200),

  // Directory: any staff member reads, admins change.
  'GET /directory/units': staff(200),
  'GET /directory/units/{code}': staff(200),
  'POST /directory/units': {
    ...adminOnly(201),
    probe: () => ({
      path: '/directory/units',
      body: { code: 'SEC-NEW', name: 'Unit baru uji akses', type: 'uptd', parentCode: OFFICE_A },
    }),
  },
  'PATCH /directory/units/{code}': {
    ...adminOnly(200),
    probe: async (fx) => ({
      path: `/directory/units/${fx.units.patch}`,
      body: { version: (await fx.read(`/directory/units/${fx.units.patch}`)).version, name: 'Unit uji diubah' },
    }),
  },
  'POST /directory/units/{code}/archive': {
    ...adminOnly(200),
    probe: async (fx) => ({
      path: `/directory/units/${fx.units.archive}/archive`,
      body: { version: (await fx.read(`/directory/units/${fx.units.archive}`)).version },
    }),
  },
  'PUT /directory/units/{code}/head': {
    ...adminOnly(200),
    probe: (fx) => ({ path: `/directory/units/${fx.units.head}/head`, body: { version: 0, holderId: fx.personId } }),
  },
  'POST /directory/import/units': {
    ...adminOnly(200),
    probe: () => ({
      path: '/directory/import/units',
      body: 'kode,nama,jenis,induk\nSEC-IMPORT,Unit impor uji,uptd,DINKES\n',
      contentType: 'text/csv',
    }),
  },
  'GET /directory/people': staff(200),
  'GET /directory/people/{id}': staff(200),
  'POST /directory/people': {
    ...adminOnly(201),
    probe: () => ({
      path: '/directory/people',
      body: {
        name: 'Orang Uji Akses',
        email: 'orang.uji@dinkes.palembang.local',
        employeeType: 'PNS',
        unitCode: 'DINKES',
      },
    }),
  },
  'PATCH /directory/people/{id}': {
    ...adminOnly(200),
    probe: async (fx) => ({
      path: `/directory/people/${fx.personId}`,
      body: { version: (await fx.read(`/directory/people/${fx.personId}`)).version, name: 'Ahmad Fauzi Diubah' },
    }),
  },
  'POST /directory/people/export': {
    ...adminOnly(200),
    // A person with a fresh NIP each time (the probe is built once per role); only an admin gets their data.
    probe: async (fx) => {
      const nip = `198503152010011${String(100 + (exportProbes++ % 900))}`;
      await fx.call(
        'admin',
        {
          method: 'POST',
          path: '/directory/people',
          body: {
            name: 'Orang Ekspor Uji',
            email: `ekspor.${ulid().toLowerCase()}@dinkes.palembang.local`,
            employeeType: 'PNS',
            nip,
            unitCode: 'DINKES',
          },
        },
        201,
      );
      return { path: '/directory/people/export', body: { nip } };
    },
  },
  'POST /directory/import/people': {
    ...adminOnly(200),
    probe: () => ({
      path: '/directory/import/people',
      body: 'nama,email,jenis_pegawai,unit\nOrang Impor Uji,impor.uji@dinkes.palembang.local,PPPK,DINKES\n',
      contentType: 'text/csv',
    }),
  },

  // Staff accounts: admins only.
  'POST /staff': {
    ...adminOnly(201),
    probe: () => ({
      path: '/staff',
      body: { email: 'baru@dinkes.palembang.local', name: 'Staf Baru Uji', officeCode: 'DINKES', groups: ['operator'] },
    }),
  },
  'GET /staff': adminOnly(200),
  'POST /staff/{sub}/disable': adminOnly(200),
  'POST /staff/{sub}/enable': adminOnly(200),
  'PUT /staff/{sub}/groups': {
    ...adminOnly(200),
    probe: (fx) => ({ path: `/staff/${fx.targetSub}/groups`, body: { groups: ['operator', 'unit-head'] } }),
  },

  // Failed mail: admins only (no failed mail exists, so the admin gets past the role check to a 404).
  'GET /mail': adminOnly(200),
  'POST /mail/{id}/resend': { ...adminOnly(404), probe: () => ({ path: '/mail/no-such-mail/resend' }) },

  // Surveys: citizens answer on public routes; reports and populations are office A's data.
  'GET /s/{unitCode}': everyone(200),
  'POST /s/{unitCode}': {
    ...everyone(200),
    probe: () => {
      const form = new URLSearchParams({ responseId: ulid(), instrumentVersion: 'permenpanrb-14-2017', website: '' });
      for (const element of ELEMENTS) form.set(`answers.${element}`, '4');
      return { path: `/s/${OFFICE_A}`, body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    },
  },
  'POST /surveys/{unitCode}/responses': {
    ...everyone(201),
    probe: () => ({ path: `/surveys/${OFFICE_A}/responses`, body: { responseId: ulid(), answers } }),
  },
  'GET /surveys/{unitCode}/report': {
    ...officeA(200),
    probe: () => ({ path: `/surveys/${OFFICE_A}/report?from=2026-01&to=2026-12` }),
  },
  'PUT /surveys/{unitCode}/population/{period}': {
    ...officeA(200),
    probe: () => ({ path: `/surveys/${OFFICE_A}/population/2026`, body: { population: 1200 } }),
  },

  'GET /s/{unitCode}/qr.svg': everyone(200),
  'GET /s/{unitCode}/poster': everyone(200),
  'POST /surveys/{unitCode}/ticket-batches': {
    ...officeA(201),
    probe: () => ({ path: `/surveys/${OFFICE_A}/ticket-batches`, body: { count: 2, label: 'Loket uji akses' } }),
  },
  // A staff page (session cookie): a browser without a valid session is sent to sign in (303).
  'GET /surveys/{unitCode}/ticket-batches/{batchId}/sheet': {
    ...officeA(200),
    anonymous: 303,
    probe: async (fx) => {
      const batch = await fx.call(
        'admin',
        { method: 'POST', path: `/surveys/${OFFICE_A}/ticket-batches`, body: { count: 1 } },
        201,
      );
      return { path: batch.sheetPath };
    },
  },
  'GET /surveys/{unitCode}/suggestions': officeA(200),
  // Follow-up of a suggestion: the unit's head and admins (office A has no unit-head role in the fixtures).
  'PUT /surveys/{unitCode}/suggestions/{responseId}': {
    ...adminOnly(200),
    probe: async (fx) => {
      const responseId = ulid();
      await fx.call(
        'anonymous',
        {
          method: 'POST',
          path: `/surveys/${OFFICE_A}/responses`,
          body: { responseId, answers, suggestion: 'Antrean lama' },
        },
        201,
      );
      return {
        path: `/surveys/${OFFICE_A}/suggestions/${responseId}`,
        body: { status: 'answered', reply: 'Terima kasih, loket kami tambah.' },
      };
    },
  },
  'GET /surveys/{unitCode}/trend': {
    ...officeA(200),
    probe: () => ({ path: `/surveys/${OFFICE_A}/trend?from=2026-Q1&to=2026-Q4` }),
  },
  'GET /surveys/overview': { ...adminOnly(200), probe: () => ({ path: '/surveys/overview?period=2026-Q1' }) },
  'GET /surveys/{unitCode}/export.csv': {
    ...officeA(200),
    probe: () => ({ path: `/surveys/${OFFICE_A}/export.csv?from=2026-01&to=2026-03` }),
  },
  'GET /surveys/{unitCode}/export.xlsx': {
    ...officeA(200),
    probe: () => ({ path: `/surveys/${OFFICE_A}/export.xlsx?from=2026-01&to=2026-03&content=responses` }),
  },

  // Forms: admins define, staff read published forms, operators submit for their own office.
  'POST /forms': {
    ...adminOnly(201),
    probe: () => ({ path: '/forms', body: { title: 'Formulir baru uji akses', fields: fixtureFormFields } }),
  },
  'GET /forms': staff(200),
  'GET /forms/{formId}': staff(200),
  'POST /forms/{formId}/versions': {
    ...adminOnly(201),
    probe: async (fx) => ({
      path: `/forms/${fx.formId}/versions`,
      body: {
        fields: fixtureFormFields,
        publish: false,
        expectedVersion: (await fx.read(`/forms/${fx.formId}`)).version,
      },
    }),
  },
  'POST /forms/{formId}/status': {
    ...adminOnly(200),
    probe: async (fx) => ({
      path: `/forms/${fx.draftFormId}/status`,
      body: { action: 'publish', version: 1, expectedVersion: (await fx.read(`/forms/${fx.draftFormId}`)).version },
    }),
  },
  'POST /forms/{formId}/submissions': {
    ...staff(201),
    unitHead: 403,
    probe: (fx) => ({ path: `/forms/${fx.formId}/submissions`, body: { values: { nama: 'Pemohon Uji Akses' } } }),
  },
  'GET /submissions': staff(200),
  'GET /submissions/{submissionId}': officeA(200),

  // Approval workflows: admins define and attach them; the submitting office follows and acts on its requests.
  'POST /workflows': { ...adminOnly(201), probe: () => ({ path: '/workflows', body: workflowDefinition }) },
  'GET /workflows': adminOnly(200),
  'GET /workflows/{workflowId}': adminOnly(200),
  'POST /workflows/{workflowId}/versions': {
    ...adminOnly(201),
    probe: async (fx) => ({
      path: `/workflows/${fx.workflowId}/versions`,
      body: { definition: workflowDefinition, expectedVersion: (await fx.read(`/workflows/${fx.workflowId}`)).version },
    }),
  },
  'PUT /forms/{formId}/workflow': {
    ...adminOnly(200),
    probe: async (fx) => ({
      path: `/forms/${fx.attachFormId}/workflow`,
      body: { workflowId: fx.workflowId, expectedVersion: (await fx.read(`/forms/${fx.attachFormId}`)).version },
    }),
  },
  // Only a request whose changes were asked for can be resubmitted: this one is in approval (409).
  'POST /submissions/{submissionId}/resubmit': {
    ...officeA(409),
    probe: (fx) => ({
      path: `/submissions/${fx.approvalSubmissionA}/resubmit`,
      body: { values: { nama: 'Pemohon Beralur' } },
    }),
  },
  // Each role withdraws a request of its own, freshly submitted by office A.
  'POST /submissions/{submissionId}/withdraw': {
    ...officeA(200),
    probe: async (fx) => ({
      path: `/submissions/${(await fx.newApprovalToken()).submissionId}/withdraw`,
      body: { reason: 'Uji akses' },
    }),
  },
  'GET /submissions/{submissionId}/progress': {
    ...officeA(200),
    probe: (fx) => ({ path: `/submissions/${fx.approvalSubmissionA}/progress` }),
  },
  'GET /pengajuan/{submissionId}': {
    ...officeA(200),
    anonymous: 303,
    probe: (fx) => ({ path: `/pengajuan/${fx.approvalSubmissionA}` }),
  },
  // Email links: whoever holds the link sees the page and decides once; a token is all it takes.
  'GET /approvals/{token}': everyone(200),
  'POST /approvals/{token}': {
    ...everyone(200),
    probe: async (fx) => ({
      path: `/approvals/${(await fx.newApprovalToken()).token}`,
      body: 'decision=approve',
      contentType: 'application/x-www-form-urlencoded',
    }),
  },

  // The approvers' inbox (a staff member's own seats) and bulk decisions.
  'GET /inbox': staff(200),
  'POST /inbox/decisions': { ...staff(422), probe: () => ({ path: '/inbox/decisions', body: {} }) },

  // Training registrations: BKPSDM's admins run trainings; offices nominate through the registration form.
  'POST /trainings': { ...adminOnly(422), probe: () => ({ path: '/trainings', body: {} }) },
  'GET /trainings': staff(200),
  // The fixture training is a draft: only admins see it (404 for others, as for draft forms).
  'GET /trainings/{trainingId}': { ...adminOnly(200), operatorA: 404, operatorB: 404, unitHead: 404 },
  'POST /trainings/{trainingId}/status': adminOnly(422),
  'PUT /trainings/{trainingId}/batches/{batch}/capacity': adminOnly(422),
  'GET /trainings/{trainingId}/registrations': staff(200),
  // Office A's fixture submission is no registration: 404 for whoever may cancel, before any office check.
  'POST /registrations/{submissionId}/cancel': {
    ...officeA(404),
    operatorB: 404,
    probe: (fx) => ({ path: `/registrations/${fx.submissionA}/cancel`, body: {} }),
  },
  'POST /trainings/{trainingId}/batches/{batch}/attendance': adminOnly(422),
  // Operators get their own office's participants only.
  'GET /trainings/{trainingId}/batches/{batch}/participants': staff(200),
  'GET /trainings/{trainingId}/batches/{batch}/participants.xlsx': staff(200),

  // The staff console: its own entries are in console-access.ts (merged here); the training and inbox pages follow.
  // Pages behind the session cookie (no session: 303 to sign in); forms need the session's CSRF token, which these
  // probes do not send, so every POST is refused (403) and writes nothing.
  ...consoleAccess,
  'GET /konsol/kotak-masuk': { ...staff(200), anonymous: 303 },
  'POST /konsol/kotak-masuk': { ...staff(403), anonymous: 303 },
  'GET /konsol/pelatihan': { ...staff(200), anonymous: 303 },
  'POST /konsol/pelatihan': { ...staff(403), anonymous: 303 },
  'GET /konsol/pelatihan/{trainingId}': {
    ...adminOnly(200),
    anonymous: 303,
    operatorA: 404,
    operatorB: 404,
    unitHead: 404,
  },
  'POST /konsol/pelatihan/{trainingId}': { ...staff(403), anonymous: 303 },
};
