import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/db/batch';
import { registrationKeys } from '#shared/db/keys';
import type { ExportSheet } from '#shared/exports/sheets';
import type { Caller } from '#shared/http/auth';
import type * as z from '#shared/zod';
import type { RegistrationView } from './contracts.ts';
import { attendanceOf, batchRegistrations, officeRegistrations, type RegistrationItem } from './registrations.ts';
import {
  type BatchItem,
  dateText,
  readBatch,
  readTraining,
  type TrainingItem,
  type TrainingStore,
} from './trainings.ts';

type View = z.infer<typeof RegistrationView>;

/** BKPSDM (the training's approving unit) reads full NIPs; everyone else their masked form. */
export const seesFullNip = (caller: Caller, training: TrainingItem): boolean =>
  caller.officeCode === training.approvingUnit;

const fullNip = async (store: TrainingStore, submissionId: string): Promise<string | undefined> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `SUBMISSION#${submissionId}`, SK: 'SUBMISSION' } }),
  );
  const nip = (Item?.values as { nip?: unknown } | undefined)?.nip;
  return typeof nip === 'string' ? nip.replace(/[\s.-]/g, '') : undefined;
};

const viewsOf = async (
  store: TrainingStore,
  caller: Caller,
  training: TrainingItem,
  registrations: readonly RegistrationItem[],
): Promise<View[]> => {
  const full = seesFullNip(caller, training);
  const batches = new Map<number, BatchItem>();
  const positions = new Map<string, number>();
  for (const batchNo of new Set(registrations.map((r) => r.batch))) {
    const batch = await readBatch(store, training.id, batchNo);
    if (batch) batches.set(batchNo, batch);
    if (registrations.some((r) => r.batch === batchNo && r.status === 'waitlisted')) {
      const { waitlist } = await batchRegistrations(store, training.id, batchNo);
      for (const [i, r] of waitlist.entries()) positions.set(r.submissionId, i + 1);
    }
  }
  return Promise.all(
    registrations.map(async (r) => {
      const batch = batches.get(r.batch);
      const attendance = batch ? attendanceOf(r, batch) : { attendedDays: 0, certificateEligible: false };
      return {
        submissionId: r.submissionId,
        trainingId: r.trainingId,
        batch: r.batch,
        status: r.status,
        name: r.name,
        nip: (full ? await fullNip(store, r.submissionId) : undefined) ?? r.nipMasked,
        position: r.position,
        level: r.level,
        sector: r.sector,
        officeCode: r.officeCode,
        ...(r.seatNo !== undefined && r.status === 'confirmed' ? { seatNo: r.seatNo } : {}),
        ...(positions.has(r.submissionId) ? { waitlistPosition: positions.get(r.submissionId) } : {}),
        ...attendance,
      };
    }),
  );
};

/** A training's registrations as the caller may see them: their office's, or (admins) all or one office's. */
export const registrationsFor = async (
  store: TrainingStore,
  caller: Caller,
  trainingId: string,
  office: string | undefined,
): Promise<View[]> => {
  const training = await readTraining(store, trainingId);
  const admin = caller.groups.includes('admin');
  let registrations: RegistrationItem[];
  if (admin && !office) {
    registrations = (await queryAll(store.db, {
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': registrationKeys('', '', trainingId).GSI1PK },
    })) as unknown as RegistrationItem[];
  } else {
    registrations = await officeRegistrations(store, trainingId, admin ? office! : caller.officeCode);
  }
  return viewsOf(store, caller, training, registrations);
};

/** A batch's participants (by seat) and waitlist (in order); operators see their office's only. */
export const participantsOf = async (store: TrainingStore, caller: Caller, trainingId: string, batchNo: number) => {
  const training = await readTraining(store, trainingId);
  const { seats, waitlist } = await batchRegistrations(store, trainingId, batchNo);
  const mine = (r: RegistrationItem) =>
    caller.groups.includes('admin') ||
    caller.officeCode === training.approvingUnit ||
    r.officeCode === caller.officeCode;
  return {
    training,
    batch: (await readBatch(store, trainingId, batchNo))!,
    participants: await viewsOf(store, caller, training, seats.filter(mine)),
    waitlist: await viewsOf(store, caller, training, waitlist.filter(mine)),
    attendance: (submissionId: string) => seats.find((r) => r.submissionId === submissionId)?.attendance ?? {},
  };
};

/** The participant list and attendance as a sheet (and the waitlist as a second one). */
export const participantSheets = (
  batch: BatchItem,
  participants: readonly View[],
  waitlist: readonly View[],
  attendance: (submissionId: string) => Record<string, boolean>,
): ExportSheet[] => [
  {
    name: 'Peserta',
    rows: [
      [
        'No. kursi',
        'Nama',
        'NIP',
        'Jabatan',
        'Jenjang',
        'Sektor',
        'Kantor',
        ...batch.sessionDays.map((d) => `Hadir ${dateText(d)}`),
        'Jumlah hadir',
        'Layak sertifikat',
      ],
      ...participants.map((p) => [
        p.seatNo ?? null,
        p.name,
        p.nip,
        p.position,
        p.level,
        p.sector,
        p.officeCode,
        ...batch.sessionDays.map((d) => (attendance(p.submissionId)[d] ? 'Ya' : 'Tidak')),
        p.attendedDays,
        p.certificateEligible ? 'Ya' : 'Tidak',
      ]),
    ],
  },
  {
    name: 'Daftar tunggu',
    rows: [
      ['Urutan', 'Nama', 'NIP', 'Jabatan', 'Kantor'],
      ...waitlist.map((w) => [w.waitlistPosition ?? null, w.name, w.nip, w.position, w.officeCode]),
    ],
  },
];
