import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';

/**
 * Training registrations (Diklat): trainings with batches (angkatan), nominations as form submissions through the
 * approval engine, seats and a waitlist, attendance and participant exports.
 */

const Ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'id tidak dikenal'));
const IsoDate = z.iso.date('Tanggal harus berbentuk YYYY-MM-DD');
const tags = ['registrations'];
const adminOnly = ['admin'] as const;
const submitters = ['operator', 'admin'] as const;

/** Position levels a training can be open to (jenjang jabatan). */
export const POSITION_LEVELS = [
  { value: 'jpt-pratama', label: 'Jabatan Pimpinan Tinggi Pratama' },
  { value: 'administrator', label: 'Administrator' },
  { value: 'pengawas', label: 'Pengawas' },
  { value: 'pelaksana', label: 'Pelaksana' },
  { value: 'fungsional', label: 'Fungsional' },
] as const;

/** Sectors of the city's offices (the directory's `sector` slugs). */
export const SECTORS = [
  { value: 'kesehatan', label: 'Kesehatan' },
  { value: 'pendidikan', label: 'Pendidikan' },
  { value: 'pekerjaan-umum', label: 'Pekerjaan umum' },
  { value: 'sosial', label: 'Sosial' },
  { value: 'kependudukan', label: 'Kependudukan' },
  { value: 'pemerintahan', label: 'Pemerintahan' },
  { value: 'lainnya', label: 'Lainnya' },
] as const;

const levelValues = POSITION_LEVELS.map((l) => l.value) as [string, ...string[]];
const sectorValues = SECTORS.map((s) => s.value) as [string, ...string[]];

export const BatchInput = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100), z.meta({ example: 'Angkatan I' })),
    capacity: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
    sessionDays: z
      .array(IsoDate)
      .check(z.minLength(1), z.maxLength(60), z.meta({ description: 'Session days (WIB dates), in order' })),
    venue: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
    whatToBring: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
    registrationOpens: IsoDate.check(z.meta({ description: 'First WIB day nominations are accepted' })),
    registrationCloses: IsoDate.check(z.meta({ description: 'Last WIB day nominations are accepted' })),
    promotionCutoffDays: z
      ._default(z.number().check(z.int(), z.minimum(0), z.maximum(60)), 3)
      .check(z.meta({ description: 'No promotion from the waitlist this many days before the first session day' })),
    attendanceThreshold: z
      ._default(z.number().check(z.int(), z.minimum(1), z.maximum(100)), 80)
      .check(z.meta({ description: 'Percent of session days attended for the certificate' })),
  })
  .check(
    z.superRefine((batch, ctx) => {
      if (batch.registrationCloses < batch.registrationOpens) {
        ctx.addIssue({ code: 'custom', path: ['registrationCloses'], message: 'penutupan sebelum pembukaan' });
      }
      const sorted = [...batch.sessionDays].sort();
      if (new Set(sorted).size !== sorted.length || sorted.some((d, i) => d !== batch.sessionDays[i])) {
        ctx.addIssue({ code: 'custom', path: ['sessionDays'], message: 'hari sesi harus urut dan tidak berulang' });
      }
      if (batch.registrationCloses >= batch.sessionDays[0]!) {
        ctx.addIssue({
          code: 'custom',
          path: ['registrationCloses'],
          message: 'pendaftaran harus tutup sebelum hari pertama',
        });
      }
    }),
  );

export const NewTraining = z.object({
  title: z.string().check(z.trim(), z.minLength(3), z.maxLength(300)),
  description: z.optional(z.string().check(z.trim(), z.maxLength(5000))),
  organiser: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), 'BKPSDM'),
  /** The unit whose head approves after the nominating office's head. */
  approvingUnit: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(40)), 'BKPSDM'),
  eligibility: z.object({
    sectors: z.array(z.enum(sectorValues)).check(z.minLength(1)),
    levels: z.array(z.enum(levelValues)).check(z.minLength(1)),
    officeTypes: z
      .array(z.string().check(z.minLength(1), z.maxLength(40)))
      .check(z.minLength(1), z.meta({ description: 'Unit types (dinas, puskesmas, ...)' })),
  }),
  batches: z.array(BatchInput).check(z.minLength(1), z.maxLength(20)),
});
export type NewTraining = z.output<typeof NewTraining>;

export const BatchView = z
  .object({
    batch: z.int(),
    name: z.string(),
    capacity: z.int(),
    seatsTaken: z.int(),
    remainingSeats: z.int(),
    waitlistLength: z.int(),
    sessionDays: z.array(z.string()),
    venue: z.string(),
    whatToBring: z.optional(z.string()),
    registrationOpens: z.string(),
    registrationCloses: z.string(),
    registrationOpen: z.boolean().check(z.meta({ description: 'Nominations accepted now' })),
    promotionCutoffDays: z.int(),
    attendanceThreshold: z.int(),
  })
  .check(z.meta({ id: 'TrainingBatch' }));

export const TrainingView = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.optional(z.string()),
    organiser: z.string(),
    approvingUnit: z.string(),
    status: z.enum(['draft', 'published', 'closed']),
    eligibility: NewTraining.shape.eligibility,
    formId: z.string().check(z.meta({ description: 'The registration form: nominate by submitting it' })),
    workflowId: z.string(),
    batches: z.array(BatchView),
  })
  .check(z.meta({ id: 'Training' }));

export const RegistrationStatus = z.enum(['pending', 'confirmed', 'waitlisted', 'rejected', 'withdrawn', 'cancelled']);

export const RegistrationView = z
  .object({
    submissionId: z.string(),
    trainingId: z.string(),
    batch: z.int(),
    status: RegistrationStatus,
    name: z.string(),
    nip: z.string().check(z.meta({ description: 'Masked unless the viewer is BKPSDM' })),
    position: z.string(),
    level: z.string(),
    sector: z.string(),
    officeCode: z.string(),
    seatNo: z.optional(z.int()),
    waitlistPosition: z.optional(z.int()),
    attendedDays: z.int(),
    certificateEligible: z.boolean(),
  })
  .check(z.meta({ id: 'Registration' }));

const TrainingParams = z.object({ trainingId: Ulid });
const BatchParams = z.extend(TrainingParams, { batch: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(20)) });

export const createTrainingRoute = defineRoute({
  method: 'POST',
  path: '/trainings',
  auth: 'jwt',
  roles: adminOnly,
  idempotent: true,
  summary:
    'Create a training with its batches (draft), its registration form and the default approval chain (head of ' +
    'the nominating office, then BKPSDM)',
  tags,
  request: { body: NewTraining },
  responses: { 201: { description: 'Created', body: TrainingView } },
});

export const listTrainingsRoute = defineRoute({
  method: 'GET',
  path: '/trainings',
  auth: 'jwt',
  summary: 'Published trainings with remaining seats and waitlist length per batch (admins: `?status=`)',
  tags,
  request: { query: z.object({ status: z._default(z.enum(['draft', 'published', 'closed']), 'published') }) },
  responses: { 200: { description: 'Trainings', body: z.object({ items: z.array(TrainingView) }) } },
});

export const getTrainingRoute = defineRoute({
  method: 'GET',
  path: '/trainings/{trainingId}',
  auth: 'jwt',
  summary: 'A training with its batches',
  tags,
  request: { params: TrainingParams },
  responses: { 200: { description: 'The training', body: TrainingView }, 404: { description: 'No such training' } },
});

export const setTrainingStatusRoute = defineRoute({
  method: 'POST',
  path: '/trainings/{trainingId}/status',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Publish (nominations open in each batch window) or close a training',
  tags,
  request: { params: TrainingParams, body: z.object({ status: z.enum(['published', 'closed']) }) },
  responses: { 200: { description: 'The training', body: TrainingView } },
});

export const setCapacityRoute = defineRoute({
  method: 'PUT',
  path: '/trainings/{trainingId}/batches/{batch}/capacity',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Change a batch capacity: raising it promotes from the waitlist; below the seats taken is refused',
  tags,
  request: {
    params: BatchParams,
    body: z.object({ capacity: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)) }),
  },
  responses: {
    200: {
      description: 'The batch, and who was promoted',
      body: z.object({ batch: BatchView, promoted: z.array(z.string()) }),
    },
    409: { description: 'Below the seats taken' },
  },
});

export const listRegistrationsRoute = defineRoute({
  method: 'GET',
  path: '/trainings/{trainingId}/registrations',
  auth: 'jwt',
  summary: "Nominations of the caller's office with status, seat and waitlist position (admins: all, or `?office=`)",
  tags,
  request: { params: TrainingParams, query: z.object({ office: z.optional(z.string().check(z.maxLength(40))) }) },
  responses: { 200: { description: 'Registrations', body: z.object({ items: z.array(RegistrationView) }) } },
});

export const cancelRegistrationRoute = defineRoute({
  method: 'POST',
  path: '/registrations/{submissionId}/cancel',
  auth: 'jwt',
  roles: submitters,
  summary: 'Cancel a confirmed or waitlisted registration: frees the seat and promotes the head of the waitlist',
  tags,
  request: {
    params: z.object({ submissionId: Ulid }),
    body: z.object({ reason: z.optional(z.string().check(z.trim(), z.maxLength(1000))) }),
  },
  responses: {
    200: { description: 'Cancelled', body: RegistrationView },
    409: { description: 'Not confirmed or waitlisted (a nomination in approval is withdrawn instead)' },
  },
});

export const recordAttendanceRoute = defineRoute({
  method: 'POST',
  path: '/trainings/{trainingId}/batches/{batch}/attendance',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Record attendance of a session day for a list of NIPs (confirmed participants of the batch)',
  tags,
  request: {
    params: BatchParams,
    body: z.object({
      date: IsoDate,
      nips: z.array(z.string().check(z.maxLength(40))).check(z.minLength(1), z.maxLength(2000)),
    }),
  },
  responses: {
    200: {
      description: 'Recorded; NIPs that are no confirmed participant of the batch are listed (masked)',
      body: z.object({ recorded: z.int(), notParticipants: z.array(z.string()) }),
    },
    422: { description: 'Not a session day of the batch' },
  },
});

export const participantsRoute = defineRoute({
  method: 'GET',
  path: '/trainings/{trainingId}/batches/{batch}/participants',
  auth: 'jwt',
  summary:
    'Participants (by seat) and the waitlist (in order) with attendance and certificate eligibility; `?format=csv` ' +
    'for CSV. Operators see their office only; NIPs are masked unless the viewer is BKPSDM',
  tags,
  request: { params: BatchParams, query: z.object({ format: z._default(z.enum(['json', 'csv']), 'json') }) },
  responses: {
    200: {
      description: 'Participants',
      body: z.object({ participants: z.array(RegistrationView), waitlist: z.array(RegistrationView) }),
    },
  },
});

export const participantsXlsxRoute = defineRoute({
  method: 'GET',
  path: '/trainings/{trainingId}/batches/{batch}/participants.xlsx',
  auth: 'jwt',
  summary: 'The participant list and attendance as XLSX (text cells; NIPs masked unless the viewer is BKPSDM)',
  tags,
  request: { params: BatchParams },
  responses: {
    200: {
      description: 'The workbook',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
  },
});
