import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createOrReplay, idTaken, sameAsStored } from '#shared/db/keyed-create';
import { batchKeys, trainingKeys } from '#shared/db/keys';
import { transact } from '#shared/db/transact';
import { NotFoundError } from '#shared/errors';
import type { FieldDefinition } from '#shared/forms/definition';
import { newFormItems } from '#shared/forms/forms';
import { wibDayNumber, wibDayStart } from '#shared/time';
import type { WorkflowDefinition } from '#shared/workflow/definition';
import { newWorkflowItems } from '#shared/workflow/definitions';
import type * as z from '#shared/zod';
import { type BatchView, type NewTraining, POSITION_LEVELS, SECTORS, type TrainingView } from './contracts.ts';

/** Where trainings live. */
export interface TrainingStore {
  db: DynamoDBDocumentClient;
  table: string;
}

/** The hooks name registration forms carry (`shared/workflow/capabilities.ts`). */
export const REGISTRATION_HOOKS = 'training-registration';

/** A batch as stored. */
export interface BatchItem {
  trainingId: string;
  batch: number;
  name: string;
  capacity: number;
  /** Seats held now (confirmed registrations). */
  seatsTaken: number;
  /** The last seat number given (commit order; never reused). */
  seatSequence: number;
  waitlistLength: number;
  sessionDays: string[];
  venue: string;
  whatToBring?: string;
  /** WIB dates as entered, and the instants they open and close at. */
  registrationOpens: string;
  registrationCloses: string;
  opensAt: string;
  closesAt: string;
  promotionCutoffDays: number;
  attendanceThreshold: number;
}

export interface TrainingItem {
  id: string;
  title: string;
  description?: string;
  organiser: string;
  approvingUnit: string;
  status: 'draft' | 'published' | 'closed';
  eligibility: NewTraining['eligibility'];
  formId: string;
  workflowId: string;
  batchCount: number;
}

const DAY_MS = 86_400_000;

/** When promotions from the waitlist stop: the start of the WIB day `promotionCutoffDays` before the first session. */
export const promotionCutoff = (batch: Pick<BatchItem, 'sessionDays' | 'promotionCutoffDays'>): number =>
  wibDayStart(wibDayNumber(Date.parse(`${batch.sessionDays[0]}T00:00:00+07:00`)) - batch.promotionCutoffDays);

/** When a batch is over: the start of the WIB day after its last session day. */
export const batchEnd = (batch: Pick<BatchItem, 'sessionDays'>): number =>
  wibDayStart(wibDayNumber(Date.parse(`${batch.sessionDays.at(-1)}T00:00:00+07:00`)) + 1);

export const registrationOpenAt = (batch: Pick<BatchItem, 'opensAt' | 'closesAt'>, now: Date): boolean =>
  Date.parse(batch.opensAt) <= now.getTime() && now.getTime() < Date.parse(batch.closesAt);

export const batchView = (batch: BatchItem, now: Date): z.infer<typeof BatchView> => ({
  batch: batch.batch,
  name: batch.name,
  capacity: batch.capacity,
  seatsTaken: batch.seatsTaken,
  remainingSeats: Math.max(0, batch.capacity - batch.seatsTaken),
  waitlistLength: batch.waitlistLength,
  sessionDays: batch.sessionDays,
  venue: batch.venue,
  ...(batch.whatToBring ? { whatToBring: batch.whatToBring } : {}),
  registrationOpens: batch.registrationOpens,
  registrationCloses: batch.registrationCloses,
  registrationOpen: registrationOpenAt(batch, now),
  promotionCutoffDays: batch.promotionCutoffDays,
  attendanceThreshold: batch.attendanceThreshold,
});

// Made on first use, as `wibDateTime`'s formatter (shared/workflow/state.ts): a first Intl formatter costs ~10 ms.
let longDate: Intl.DateTimeFormat | undefined;
/** `14 Desember 2026` from `2026-12-14`. */
export const dateText = (isoDate: string): string => {
  longDate ??= new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return longDate.format(new Date(`${isoDate}T00:00:00Z`));
};

/** The registration form of a training: the nominee's data and the batch. */
const registrationFields = (input: NewTraining): FieldDefinition[] =>
  [
    {
      name: 'nip',
      label: 'NIP',
      type: 'nip',
      required: true,
      help: '18 angka, tanpa spasi atau dengan spasi antarbagian',
    },
    { name: 'nama', label: 'Nama lengkap (dengan gelar)', type: 'text', required: true, minLength: 3, maxLength: 200 },
    { name: 'jabatan', label: 'Jabatan', type: 'text', required: true, minLength: 3, maxLength: 200 },
    { name: 'jenjang', label: 'Jenjang jabatan', type: 'select', required: true, options: [...POSITION_LEVELS] },
    { name: 'sektor', label: 'Sektor', type: 'select', required: true, options: [...SECTORS] },
    { name: 'email', label: 'Email peserta', type: 'email', required: true },
    { name: 'telepon', label: 'Nomor telepon peserta', type: 'phone', required: true },
    { name: 'alasan', label: 'Alasan pengusulan', type: 'longtext', required: true, minLength: 10, maxLength: 2000 },
    {
      name: 'angkatan',
      label: 'Angkatan',
      type: 'select',
      required: true,
      options: input.batches.map((b, i) => ({
        value: String(i + 1),
        label: `${b.name} — mulai ${dateText(b.sessionDays[0]!)}, ${b.venue}`.slice(0, 200),
      })),
    },
  ] as FieldDefinition[];

/** The default chain: the head of the nominating office, then BKPSDM (its head or its admins). */
const defaultChain = (input: NewTraining): WorkflowDefinition => ({
  name: `Persetujuan pendaftaran: ${input.title}`.slice(0, 200),
  stages: [
    {
      name: 'Kepala kantor pengusul',
      approvers: [{ kind: 'head-of-submitting-office' }],
      rule: { kind: 'any' },
      reminderAfterDays: 2,
      deadlineAfterDays: 5,
      onDeadline: { kind: 'escalate', to: { kind: 'head-of-unit', unitCode: input.approvingUnit } },
    },
    {
      // The head of BKPSDM, or one of its admins (who work the console's inbox): the first decision counts.
      name: input.approvingUnit,
      approvers: [
        { kind: 'head-of-unit', unitCode: input.approvingUnit },
        { kind: 'admins-of-office', officeCode: input.approvingUnit },
      ],
      rule: { kind: 'any' },
      reminderAfterDays: 2,
      deadlineAfterDays: 5,
      onDeadline: { kind: 'auto-reject' },
    },
  ],
  restartFrom: 'first',
  resubmitWithinDays: 5,
  maxRounds: 2,
});

/**
 * Creates a training as a draft: its batches, its registration form (published, carrying the registration hooks)
 * and the default approval chain attached to it. The form takes the training's id, so a nomination's `formId` is
 * its training.
 */
export const createTraining = async (
  store: TrainingStore,
  input: NewTraining,
  by: string,
  ids: { training: string; workflow: string },
  now: Date,
): Promise<z.infer<typeof TrainingView>> => {
  const at = now.toISOString();
  const id = ids.training;
  const chain = defaultChain(input);
  const form = {
    title: `Pendaftaran: ${input.title}`.slice(0, 200),
    description: input.description,
    fields: registrationFields(input),
  };
  // One transaction: the definition, the form (published, its workflow attached, naming the hooks), the training and
  // its batches. A failure leaves nothing behind; a retry with the same idempotency key writes the same ids, and is
  // answered with what the first stored (below).
  const write = () =>
    transact(store.db, [
      ...newWorkflowItems(store.table, ids.workflow, chain, by, now),
      ...newFormItems(store.table, id, form, by, now, {
        published: true,
        workflowId: ids.workflow,
        hooks: REGISTRATION_HOOKS,
        trainingId: id,
      }),
      {
        put: {
          TableName: store.table,
          Item: {
            ...trainingKeys(id, 'draft', input.title),
            _v: 1,
            entity: 'training',
            id,
            title: input.title,
            description: input.description,
            organiser: input.organiser,
            approvingUnit: input.approvingUnit,
            status: 'draft',
            eligibility: input.eligibility,
            formId: id,
            workflowId: ids.workflow,
            batchCount: input.batches.length,
            createdBy: by,
            createdAt: at,
            updatedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
        onConditionFailed: idTaken('Pelatihan dengan id ini sudah ada'),
      },
      ...input.batches.map((b, i) => ({
        put: {
          TableName: store.table,
          Item: {
            ...batchKeys(id, i + 1),
            _v: 1,
            entity: 'training-batch',
            trainingId: id,
            batch: i + 1,
            name: b.name,
            capacity: b.capacity,
            seatsTaken: 0,
            seatSequence: 0,
            waitlistLength: 0,
            sessionDays: b.sessionDays,
            venue: b.venue,
            whatToBring: b.whatToBring,
            registrationOpens: b.registrationOpens,
            registrationCloses: b.registrationCloses,
            opensAt: new Date(Date.parse(`${b.registrationOpens}T00:00:00+07:00`)).toISOString(),
            closesAt: new Date(Date.parse(`${b.registrationCloses}T00:00:00+07:00`) + DAY_MS).toISOString(),
            promotionCutoffDays: b.promotionCutoffDays,
            attendanceThreshold: b.attendanceThreshold,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      })),
    ]);
  return createOrReplay(
    async () => {
      await write();
      return getTraining(store, id, now);
    },
    // Sent again with its key after the first commit (the chain's guard fails first): answered with the training as
    // stored, if it is this caller's and what this request asked for.
    async (existing) => {
      if (existing.entity !== 'workflow' || existing.createdBy !== by) return undefined;
      const stored = await readTraining(store, id);
      const asked = {
        title: input.title,
        description: input.description,
        organiser: input.organiser,
        approvingUnit: input.approvingUnit,
        eligibility: input.eligibility,
        batchCount: input.batches.length,
      };
      const asStored = Object.fromEntries(Object.keys(asked).map((key) => [key, stored[key as keyof TrainingItem]]));
      return sameAsStored(asStored, asked) ? getTraining(store, id, now) : undefined;
    },
  );
};

export const readTraining = async (store: TrainingStore, id: string): Promise<TrainingItem> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `TRAINING#${id}`, SK: 'TRAINING' }, ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Pelatihan tidak ditemukan');
  return Item as TrainingItem;
};

export const readBatch = async (
  store: TrainingStore,
  trainingId: string,
  batch: number,
): Promise<BatchItem | undefined> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: batchKeys(trainingId, batch), ConsistentRead: true }),
  );
  return Item as BatchItem | undefined;
};

const readBatches = async (store: TrainingStore, trainingId: string): Promise<BatchItem[]> => {
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :batch)',
      ExpressionAttributeValues: { ':pk': `TRAINING#${trainingId}`, ':batch': 'BATCH#' },
      ConsistentRead: true,
    }),
  );
  return (answer.Items ?? []) as BatchItem[];
};

const view = (training: TrainingItem, batches: BatchItem[], now: Date): z.infer<typeof TrainingView> => ({
  id: training.id,
  title: training.title,
  ...(training.description ? { description: training.description } : {}),
  organiser: training.organiser,
  approvingUnit: training.approvingUnit,
  status: training.status,
  eligibility: training.eligibility,
  formId: training.formId,
  workflowId: training.workflowId,
  batches: batches.map((b) => batchView(b, now)),
});

export const getTraining = async (store: TrainingStore, id: string, now: Date) =>
  view(await readTraining(store, id), await readBatches(store, id), now);

/** Trainings in a status, with their batches (a GSI1 query, then one Query per training). */
export const listTrainings = async (store: TrainingStore, status: TrainingItem['status'], now: Date) => {
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :all AND begins_with(GSI1SK, :status)',
      ExpressionAttributeValues: { ':all': 'TRAININGS', ':status': `${status}#` },
    }),
  );
  const trainings = (answer.Items ?? []) as TrainingItem[];
  return Promise.all(trainings.map(async (t) => view(t, await readBatches(store, t.id), now)));
};

/** Publishes or closes a training. */
export const setTrainingStatus = async (
  store: TrainingStore,
  id: string,
  status: 'published' | 'closed',
  now: Date,
) => {
  const training = await readTraining(store, id);
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: { PK: `TRAINING#${id}`, SK: 'TRAINING' },
      UpdateExpression: 'SET #status = :status, GSI1SK = :sk, updatedAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':sk': trainingKeys(id, status, training.title).GSI1SK,
        ':at': now.toISOString(),
      },
    }),
  );
  return getTraining(store, id, now);
};

/** The trainings a staff member may see: open ones; admins every status. */
export const visibleTrainings = async (store: TrainingStore, admin: boolean, now: Date) => {
  const statuses = admin ? (['published', 'draft', 'closed'] as const) : (['published'] as const);
  return (await Promise.all(statuses.map((status) => listTrainings(store, status, now)))).flat();
};
