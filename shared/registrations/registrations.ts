import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { nipHmacKey } from '#shared/aws/secrets';
import { queryAll } from '#shared/db/batch';
import {
  batchItemsPrefix,
  batchKeys,
  registrationKeys,
  registrationNipKeys,
  seatKeys,
  unitKeys,
  waitlistKeys,
} from '#shared/db/keys';
import { ConditionFailedError, type TransactionItem, transact } from '#shared/db/transact';
import { maskNip } from '#shared/directory/people';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { deliverAfterCommit, outboxPut } from '#shared/mail/outbox';
import { nipHash, normalizeNip } from '#shared/nip-hash';
import type * as z from '#shared/zod';
import type { RegistrationView } from './contracts.ts';
import { type Nominee, nomineeMail } from './mail.ts';
import {
  type BatchItem,
  batchEnd,
  promotionCutoff,
  readBatch,
  readTraining,
  registrationOpenAt,
  type TrainingItem,
  type TrainingStore,
} from './trainings.ts';

/**
 * Registrations: one per nomination (a submission of the training's registration form), in the submission's
 * partition. Invariants held by the database:
 * - one registration per NIP per training: a uniqueness item keyed by the NIP's HMAC, written with it;
 * - seats never exceed capacity: the batch's `seatsTaken < capacity` and its seat sequence (the seat number, commit
 *   order) are conditions of the transaction that confirms; a seat item per number makes numbers unique;
 * - waitlist order is the final approval's ULID (a waitlist item per place, in the training's partition, so the
 *   head is a strongly consistent Query); a waitlist place is taken only while the batch is full, and promotions
 *   are conditioned on the waitlist length read, so no place is skipped.
 */

export type RegistrationStatus = z.infer<typeof RegistrationView>['status'];

export interface RegistrationItem {
  submissionId: string;
  trainingId: string;
  batch: number;
  status: RegistrationStatus;
  nipHash: string;
  nipMasked: string;
  name: string;
  position: string;
  level: string;
  sector: string;
  officeCode: string;
  email: string;
  seatNo?: number;
  finalApprovalId?: string;
  attendance: Record<string, boolean>;
  createdAt: string;
  updatedAt: string;
}

/** The nomination's values as the registration form defines them. */
export interface NominationValues {
  nip: string;
  nama: string;
  jabatan: string;
  jenjang: string;
  sektor: string;
  email: string;
  telepon: string;
  alasan: string;
  angkatan: string;
}

const registrationKey = (submissionId: string) => ({ PK: `SUBMISSION#${submissionId}`, SK: 'REGISTRATION' });

export const readRegistration = async (store: TrainingStore, submissionId: string): Promise<RegistrationItem> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: registrationKey(submissionId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Pendaftaran tidak ditemukan');
  return Item as RegistrationItem;
};

const nominee = (r: Pick<RegistrationItem, 'submissionId' | 'name' | 'email' | 'officeCode'>): Nominee => ({
  submissionId: r.submissionId,
  name: r.name,
  email: r.email,
  officeCode: r.officeCode,
});

/**
 * Whether a nomination may be made now: the training published, the batch's registration window open (WIB), the
 * nominee's sector and level and the nominating office's type eligible. Each refusal names its field and reason.
 */
const checkNomination = async (
  store: TrainingStore,
  training: TrainingItem,
  values: NominationValues,
  officeCode: string,
  now: Date,
): Promise<BatchItem> => {
  const refuse = (field: string, message: string) =>
    new InvalidError(message, { errors: [{ field: `values.${field}`, message }] });
  if (training.status !== 'published') throw new ConflictError('Pelatihan ini tidak sedang membuka pendaftaran.');
  const batch = await readBatch(store, training.id, Number(values.angkatan));
  if (!batch) throw refuse('angkatan', 'Angkatan ini tidak ada.');
  if (!registrationOpenAt(batch, now)) {
    throw refuse(
      'angkatan',
      `Pendaftaran ${batch.name} dibuka ${batch.registrationOpens} s.d. ${batch.registrationCloses} (WIB).`,
    );
  }
  if (!training.eligibility.sectors.includes(values.sektor)) {
    throw refuse('sektor', `Pelatihan ini hanya untuk sektor: ${training.eligibility.sectors.join(', ')}.`);
  }
  if (!training.eligibility.levels.includes(values.jenjang)) {
    throw refuse('jenjang', `Pelatihan ini hanya untuk jenjang: ${training.eligibility.levels.join(', ')}.`);
  }
  const { PK, SK } = unitKeys(officeCode, '', '');
  const unit = (await store.db.send(new GetCommand({ TableName: store.table, Key: { PK, SK } }))).Item;
  if (!unit || !training.eligibility.officeTypes.includes(String(unit.type))) {
    throw new InvalidError(
      `Pelatihan ini hanya untuk kantor berjenis: ${training.eligibility.officeTypes.join(', ')}.`,
      { errors: [{ field: 'officeCode', message: 'jenis kantor pengusul tidak memenuhi syarat' }] },
    );
  }
  return batch;
};

const windowStillOpen = (store: TrainingStore, trainingId: string, batch: number, at: string): TransactionItem => ({
  conditionCheck: {
    TableName: store.table,
    Key: batchKeys(trainingId, batch),
    ConditionExpression: 'opensAt <= :at AND closesAt > :at',
    ExpressionAttributeValues: { ':at': at },
  },
  onConditionFailed: () => new ConflictError('Jendela pendaftaran berubah; muat ulang lalu coba lagi.'),
});

/** The NIP's uniqueness item for a training: its put fails when the NIP is registered there already. */
const _nipClaim = (store: TrainingStore, trainingId: string, hash: string, submissionId: string): TransactionItem => ({
  put: {
    TableName: store.table,
    Item: { ...registrationNipKeys(trainingId, hash), _v: 1, entity: 'registration-nip', submissionId },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
  onConditionFailed: nipTaken,
});

/** The NIP's uniqueness item for a training: its put fails when the NIP is registered there already. */
const nipClaim = (store: TrainingStore, trainingId: string, hash: string, submissionId: string): TransactionItem => ({
  put: {
    TableName: store.table,
    Item: { ...registrationNipKeys(trainingId, hash), _v: 1, entity: 'registration-nip', submissionId },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
  onConditionFailed: nipTaken,
});

const nipTaken = () =>
  new ConflictError(
    'NIP ini sudah terdaftar pada pelatihan ini; satu NIP hanya dapat didaftarkan sekali per pelatihan.',
  );

/** A nomination's values checked against its training (both hooks), with its NIP normalized and hashed. */
const checkedNomination = async (
  store: TrainingStore,
  submission: { formId: string; officeCode: string; values: Record<string, unknown> },
  now: Date,
) => {
  const values = submission.values as unknown as NominationValues;
  const training = await readTraining(store, submission.formId);
  const batch = await checkNomination(store, training, values, submission.officeCode, now);
  const nip = normalizeNip(values.nip);
  return { values, training, batch, nip, hash: nipHash(await nipHmacKey(), nip) };
};

/** Pre-submit hook: the checks, the registration (pending), the NIP's uniqueness item and the "received" email. */
export const registrationOnSubmit = async (
  store: TrainingStore,
  submission: { id: string; formId: string; officeCode: string; values: Record<string, unknown> },
  now: Date,
): Promise<TransactionItem[]> => {
  const { values, training, batch, nip, hash } = await checkedNomination(store, submission, now);
  const at = now.toISOString();
  const registration: RegistrationItem = {
    submissionId: submission.id,
    trainingId: training.id,
    batch: batch.batch,
    status: 'pending',
    nipHash: hash,
    nipMasked: maskNip(nip),
    name: values.nama,
    position: values.jabatan,
    level: values.jenjang,
    sector: values.sektor,
    officeCode: submission.officeCode,
    email: values.email,
    attendance: {},
    createdAt: at,
    updatedAt: at,
  };
  return [
    nipClaim(store, training.id, hash, submission.id),
    {
      put: {
        TableName: store.table,
        Item: {
          ...registrationKeys(submission.id, submission.officeCode, training.id),
          _v: 1,
          entity: 'registration',
          ...registration,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    windowStillOpen(store, training.id, batch.batch, at),
    outboxPut(nomineeMail('received', nominee(registration), training, batch), now),
  ];
};

/**
 * On-resubmit hook: the changed values checked again; the registration updated; the NIP's uniqueness item moved
 * only if the NIP changed.
 */
export const registrationOnResubmit = async (
  store: TrainingStore,
  submission: { id: string; formId: string; officeCode: string; values: Record<string, unknown> },
  now: Date,
): Promise<TransactionItem[]> => {
  const { values, training, batch, nip, hash } = await checkedNomination(store, submission, now);
  const current = await readRegistration(store, submission.id);
  const at = now.toISOString();
  const moved: TransactionItem[] =
    hash === current.nipHash
      ? []
      : [
          {
            delete: {
              TableName: store.table,
              Key: registrationNipKeys(training.id, current.nipHash),
              ConditionExpression: 'submissionId = :id',
              ExpressionAttributeValues: { ':id': submission.id },
            },
          },
          nipClaim(store, training.id, hash, submission.id),
        ];
  return [
    ...moved,
    {
      update: {
        TableName: store.table,
        Key: registrationKey(submission.id),
        UpdateExpression:
          'SET nipHash = :hash, nipMasked = :masked, #name = :name, #position = :position, #level = :level, ' +
          'sector = :sector, email = :email, batch = :batch, updatedAt = :at',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#name': 'name', '#position': 'position', '#level': 'level', '#status': 'status' },
        ExpressionAttributeValues: {
          ':hash': hash,
          ':masked': maskNip(nip),
          ':name': values.nama,
          ':position': values.jabatan,
          ':level': values.jenjang,
          ':sector': values.sektor,
          ':email': values.email,
          ':batch': batch.batch,
          ':at': at,
          ':pending': 'pending',
        },
      },
    },
    windowStillOpen(store, training.id, batch.batch, at),
  ];
};

const statusUpdate = (
  store: TrainingStore,
  registration: RegistrationItem,
  to: RegistrationStatus,
  at: string,
  set: Record<string, unknown> = {},
): TransactionItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': to, ':from': registration.status, ':at': at };
  const extra = Object.entries(set).map(([name, value], i) => {
    names[`#x${i}`] = name;
    values[`:x${i}`] = value;
    return `, #x${i} = :x${i}`;
  });
  return {
    update: {
      TableName: store.table,
      Key: registrationKey(registration.submissionId),
      UpdateExpression: `SET #status = :to, updatedAt = :at${extra.join('')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

const freeNip = (store: TrainingStore, registration: RegistrationItem): TransactionItem => ({
  delete: {
    TableName: store.table,
    Key: registrationNipKeys(registration.trainingId, registration.nipHash),
    ConditionExpression: 'attribute_not_exists(PK) OR submissionId = :id',
    ExpressionAttributeValues: { ':id': registration.submissionId },
  },
});

/** The first places of a batch's waitlist, in order (a strongly consistent Query of the training's partition). */
const waitlistHead = async (store: TrainingStore, trainingId: string, batch: number, limit: number) => {
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': `TRAINING#${trainingId}`, ':prefix': batchItemsPrefix('WAIT', batch) },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (answer.Items ?? []) as { SK: string; submissionId: string; finalApprovalId: string }[];
};

/**
 * Promotions of the waitlist's head places into seats `firstSeat`, `firstSeat + 1`, ...: each place removed, its
 * registration confirmed with the seat, a seat item, the "promoted" email. The batch update is the caller's.
 */
const promotions = async (
  store: TrainingStore,
  training: TrainingItem,
  batch: BatchItem,
  places: readonly { submissionId: string; finalApprovalId: string }[],
  firstSeat: number,
  now: Date,
): Promise<{ entries: TransactionItem[]; promoted: string[] }> => {
  const at = now.toISOString();
  const entries: TransactionItem[] = [];
  const promoted: string[] = [];
  for (const [i, place] of places.entries()) {
    const registration = await readRegistration(store, place.submissionId);
    const seatNo = firstSeat + i;
    entries.push(
      {
        delete: {
          TableName: store.table,
          Key: waitlistKeys(training.id, batch.batch, place.finalApprovalId),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      statusUpdate(store, registration, 'confirmed', at, { seatNo, confirmedAt: at }),
      seatPut(store, training.id, batch.batch, seatNo, registration.submissionId, at),
      outboxPut(nomineeMail('promoted', nominee(registration), training, batch, { seatNo }), now),
    );
    promoted.push(registration.submissionId);
  }
  return { entries, promoted };
};

const seatPut = (
  store: TrainingStore,
  trainingId: string,
  batch: number,
  seatNo: number,
  submissionId: string,
  at: string,
) => ({
  put: {
    TableName: store.table,
    Item: { ...seatKeys(trainingId, batch, seatNo), _v: 1, entity: 'training-seat', submissionId, seatNo, at },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/**
 * On-final-outcome hook. Approved: a seat if the batch has one (conditioned on the seat sequence and capacity read),
 * else a waitlist place (conditioned on the batch still being full), keyed by the final approval's time. Rejected or
 * withdrawn: the registration says so and the NIP is free again.
 */
export const registrationOnFinalOutcome = async (
  store: TrainingStore,
  submission: { id: string; formId: string; comment?: string; decidedAt: string },
  outcome: 'approved' | 'rejected' | 'withdrawn',
  now: Date,
): Promise<TransactionItem[]> => {
  const registration = await readRegistration(store, submission.id);
  if (registration.status !== 'pending') return [];
  const training = await readTraining(store, registration.trainingId);
  const batch = (await readBatch(store, training.id, registration.batch))!;
  const at = now.toISOString();
  if (outcome !== 'approved') {
    return [
      statusUpdate(store, registration, outcome, at),
      freeNip(store, registration),
      ...(outcome === 'rejected'
        ? [
            outboxPut(
              nomineeMail('rejected', nominee(registration), training, batch, { comment: submission.comment }),
              now,
            ),
          ]
        : []),
    ];
  }
  // Waitlist order is the order of final approvals: the ULID of the decision's time, whenever this step runs.
  const finalApprovalId = ulid(Date.parse(submission.decidedAt));
  if (batch.seatsTaken < batch.capacity) {
    const seatNo = batch.seatSequence + 1;
    return [
      {
        update: {
          TableName: store.table,
          Key: batchKeys(training.id, batch.batch),
          UpdateExpression: 'SET seatsTaken = seatsTaken + :one, seatSequence = :seat',
          ConditionExpression: 'seatSequence = :previous AND seatsTaken < #capacity',
          ExpressionAttributeNames: { '#capacity': 'capacity' },
          ExpressionAttributeValues: { ':one': 1, ':seat': seatNo, ':previous': batch.seatSequence },
        },
        label: 'seat',
      },
      statusUpdate(store, registration, 'confirmed', at, { seatNo, confirmedAt: at, finalApprovalId }),
      seatPut(store, training.id, batch.batch, seatNo, registration.submissionId, at),
      outboxPut(nomineeMail('confirmed', nominee(registration), training, batch, { seatNo }), now),
    ];
  }
  return [
    {
      update: {
        TableName: store.table,
        Key: batchKeys(training.id, batch.batch),
        UpdateExpression: 'SET waitlistLength = waitlistLength + :one',
        ConditionExpression: 'seatsTaken >= #capacity AND waitlistLength = :length',
        ExpressionAttributeNames: { '#capacity': 'capacity' },
        ExpressionAttributeValues: { ':one': 1, ':length': batch.waitlistLength },
      },
      label: 'waitlist',
    },
    statusUpdate(store, registration, 'waitlisted', at, { finalApprovalId }),
    {
      put: {
        TableName: store.table,
        Item: {
          ...waitlistKeys(training.id, batch.batch, finalApprovalId),
          _v: 1,
          entity: 'training-waitlist',
          submissionId: registration.submissionId,
          finalApprovalId,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    outboxPut(
      nomineeMail('waitlisted', nominee(registration), training, batch, { position: batch.waitlistLength + 1 }),
      now,
    ),
  ];
};

/**
 * When a nomination's retention starts at the earliest: when its batch is over, so that its seat, its attendance and
 * what its certificate rests on outlive the training, whatever the date of the decision.
 */
export const registrationRetainedFrom = async (
  store: TrainingStore,
  submissionId: string,
): Promise<Date | undefined> => {
  const registration = await readRegistration(store, submissionId);
  const batch = await readBatch(store, registration.trainingId, registration.batch);
  return batch ? new Date(batchEnd(batch)) : undefined;
};

/**
 * Deletes a closed registration (for the retention job, after its batch is over) with what it holds outside its
 * submission's partition: its seat or waitlist place and its NIP's uniqueness item, each only while still its own.
 * The batch keeps its counters: how many seats were taken stays true of the batch held.
 */
export const registrationRemoval = (table: string, registration: RegistrationItem): TransactionItem[] => {
  const { trainingId, batch, status } = registration;
  const holdings = [
    status === 'confirmed' && registration.seatNo !== undefined && seatKeys(trainingId, batch, registration.seatNo),
    status === 'waitlisted' &&
      registration.finalApprovalId !== undefined &&
      waitlistKeys(trainingId, batch, registration.finalApprovalId),
    // Rejected, withdrawn and cancelled registrations freed their NIP already (another may hold it now).
    (status === 'confirmed' || status === 'waitlisted') && registrationNipKeys(trainingId, registration.nipHash),
  ].filter((key) => key !== false);
  return [
    ...holdings.map((Key) => ({
      delete: {
        TableName: table,
        Key,
        ConditionExpression: 'attribute_not_exists(PK) OR submissionId = :id',
        ExpressionAttributeValues: { ':id': registration.submissionId },
      },
    })),
    { delete: { TableName: table, Key: registrationKey(registration.submissionId) } },
  ];
};

const retrying = async <T>(step: () => Promise<T>, attempts = 20): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (failure) {
      if (!(failure instanceof ConditionFailedError) || attempt >= attempts) throw failure;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt, 5)));
    }
  }
};

/**
 * Cancels a confirmed or waitlisted registration. A freed seat goes, in the same transaction, to the head of the
 * waitlist (conditioned on the seat sequence and waitlist length read, so nobody is skipped), unless the promotion
 * cut-off has passed.
 */
export const cancelRegistration = async (
  store: TrainingStore,
  submissionId: string,
  reason: string | undefined,
  now: Date,
): Promise<RegistrationItem> => {
  const entries = await retrying(async () => {
    const registration = await readRegistration(store, submissionId);
    if (registration.status !== 'confirmed' && registration.status !== 'waitlisted') {
      throw new ConflictError(
        registration.status === 'pending'
          ? 'Usulan ini masih dalam persetujuan: tarik pengajuannya, bukan membatalkan pendaftaran.'
          : 'Pendaftaran ini tidak aktif.',
      );
    }
    const training = await readTraining(store, registration.trainingId);
    const batch = (await readBatch(store, training.id, registration.batch))!;
    const at = now.toISOString();
    const entries: TransactionItem[] = [
      statusUpdate(store, registration, 'cancelled', at, { cancelledAt: at }),
      freeNip(store, registration),
      outboxPut(nomineeMail('cancelled', nominee(registration), training, batch, { reason }), now),
    ];
    if (registration.status === 'waitlisted') {
      entries.push(
        {
          delete: {
            TableName: store.table,
            Key: waitlistKeys(training.id, batch.batch, registration.finalApprovalId!),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          update: {
            TableName: store.table,
            Key: batchKeys(training.id, batch.batch),
            UpdateExpression: 'SET waitlistLength = waitlistLength - :one',
            ConditionExpression: 'waitlistLength = :length',
            ExpressionAttributeValues: { ':one': 1, ':length': batch.waitlistLength },
          },
        },
      );
    } else {
      entries.push({
        delete: {
          TableName: store.table,
          Key: seatKeys(training.id, batch.batch, registration.seatNo!),
          ConditionExpression: 'attribute_exists(PK)',
        },
      });
      const head = now.getTime() < promotionCutoff(batch) ? await waitlistHead(store, training.id, batch.batch, 1) : [];
      const { entries: promoted } = await promotions(store, training, batch, head, batch.seatSequence + 1, now);
      entries.push(...promoted, {
        update: {
          TableName: store.table,
          Key: batchKeys(training.id, batch.batch),
          UpdateExpression:
            head.length > 0
              ? 'SET seatSequence = :seat, waitlistLength = waitlistLength - :one'
              : 'SET seatsTaken = seatsTaken - :one',
          ConditionExpression: 'seatSequence = :previous AND waitlistLength = :length',
          ExpressionAttributeValues: {
            ':one': 1,
            ':previous': batch.seatSequence,
            ':length': batch.waitlistLength,
            ...(head.length > 0 ? { ':seat': batch.seatSequence + 1 } : {}),
          },
        },
      });
    }
    await transact(store.db, entries);
    return entries;
  });
  await deliverAfterCommit(entries);
  return readRegistration(store, submissionId);
};

// One promotion is four transaction items and the batch update one more: DynamoDB takes 100 per transaction.
const MAX_PROMOTIONS_PER_TRANSACTION = 20;

/**
 * Changes a batch's capacity. Lowering it below the seats taken is refused; raising it promotes from the waitlist
 * (in order, before the cut-off) into the new seats in the same transaction.
 */
export const setCapacity = async (
  store: TrainingStore,
  trainingId: string,
  batchNo: number,
  capacity: number,
  now: Date,
): Promise<{ batch: BatchItem; promoted: string[] }> => {
  const training = await readTraining(store, trainingId);
  const promotedAll: string[] = [];
  for (;;) {
    const result = await retrying(async () => {
      const batch = await readBatch(store, trainingId, batchNo);
      if (!batch) throw new NotFoundError('Angkatan tidak ditemukan');
      if (capacity < batch.seatsTaken) {
        throw new ConflictError(
          `Kapasitas tidak dapat di bawah jumlah kursi terisi (${batch.seatsTaken}); batalkan pendaftaran lebih dulu.`,
        );
      }
      const free = capacity - batch.seatsTaken;
      const canPromote = now.getTime() < promotionCutoff(batch) && batch.waitlistLength > 0;
      const head = canPromote
        ? await waitlistHead(store, trainingId, batchNo, Math.min(free, MAX_PROMOTIONS_PER_TRANSACTION))
        : [];
      const { entries, promoted } = await promotions(store, training, batch, head, batch.seatSequence + 1, now);
      entries.push({
        update: {
          TableName: store.table,
          Key: batchKeys(trainingId, batchNo),
          UpdateExpression:
            'SET #capacity = :capacity, seatsTaken = seatsTaken + :n, seatSequence = :sequence, waitlistLength = waitlistLength - :n',
          ConditionExpression: 'seatSequence = :previous AND waitlistLength = :length AND seatsTaken = :taken',
          ExpressionAttributeNames: { '#capacity': 'capacity' },
          ExpressionAttributeValues: {
            ':capacity': capacity,
            ':n': head.length,
            ':sequence': batch.seatSequence + head.length,
            ':previous': batch.seatSequence,
            ':length': batch.waitlistLength,
            ':taken': batch.seatsTaken,
          },
        },
      });
      await transact(store.db, entries);
      await deliverAfterCommit(entries);
      return { promoted, more: head.length === MAX_PROMOTIONS_PER_TRANSACTION && free > head.length };
    });
    promotedAll.push(...result.promoted);
    if (!result.more) break;
  }
  return { batch: (await readBatch(store, trainingId, batchNo))!, promoted: promotedAll };
};

/** A batch's seats (by number) and waitlist (in order), with their registrations. */
export const batchRegistrations = async (store: TrainingStore, trainingId: string, batch: number) => {
  const query = async (kind: 'SEAT' | 'WAIT') => {
    const items = await queryAll(store.db, {
      TableName: store.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': `TRAINING#${trainingId}`, ':prefix': batchItemsPrefix(kind, batch) },
      ConsistentRead: true,
    });
    return Promise.all(items.map((item) => readRegistration(store, String(item.submissionId))));
  };
  const [seats, waitlist] = await Promise.all([query('SEAT'), query('WAIT')]);
  return { seats, waitlist };
};

/** An office's registrations for a training (GSI2), or, for admins without an office, every batch's. */
export const officeRegistrations = async (
  store: TrainingStore,
  trainingId: string,
  officeCode: string,
): Promise<RegistrationItem[]> => {
  const { GSI2PK } = registrationKeys('', officeCode, trainingId);
  return (await queryAll(store.db, {
    TableName: store.table,
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :training)',
    ExpressionAttributeValues: { ':pk': GSI2PK, ':training': `${trainingId}#` },
  })) as unknown as RegistrationItem[];
};

/**
 * Records a session day's attendance for NIPs (each found through its uniqueness item): confirmed participants of
 * the batch only; the others are reported back, masked.
 */
export const recordAttendance = async (
  store: TrainingStore,
  trainingId: string,
  batchNo: number,
  date: string,
  nips: readonly string[],
): Promise<{ recorded: number; notParticipants: string[] }> => {
  const batch = await readBatch(store, trainingId, batchNo);
  if (!batch) throw new NotFoundError('Angkatan tidak ditemukan');
  if (!batch.sessionDays.includes(date)) {
    throw new InvalidError(`${date} bukan hari sesi ${batch.name}`, {
      errors: [{ field: 'date', message: `hari sesi: ${batch.sessionDays.join(', ')}` }],
    });
  }
  const key = await nipHmacKey();
  let recorded = 0;
  const notParticipants: string[] = [];
  for (const raw of nips) {
    const nip = normalizeNip(raw);
    const { Item } = await store.db.send(
      new GetCommand({
        TableName: store.table,
        Key: registrationNipKeys(trainingId, nipHash(key, nip)),
        ConsistentRead: true,
      }),
    );
    const registration = Item
      ? await readRegistration(store, String(Item.submissionId)).catch(() => undefined)
      : undefined;
    if (registration?.status !== 'confirmed' || registration.batch !== batchNo) {
      notParticipants.push(nip.length === 18 ? maskNip(nip) : '(bukan NIP)');
      continue;
    }
    try {
      await transact(store.db, [
        {
          update: {
            TableName: store.table,
            Key: registrationKey(registration.submissionId),
            UpdateExpression: 'SET attendance.#day = :yes',
            ConditionExpression: '#status = :confirmed',
            ExpressionAttributeNames: { '#day': date, '#status': 'status' },
            ExpressionAttributeValues: { ':yes': true, ':confirmed': 'confirmed' },
          },
        },
      ]);
      recorded += 1;
    } catch (failure) {
      if (!(failure instanceof ConditionFailedError)) throw failure;
      notParticipants.push(registration.nipMasked);
    }
  }
  return { recorded, notParticipants };
};

/** Days attended and whether that meets the batch's threshold for the certificate. */
export const attendanceOf = (registration: RegistrationItem, batch: BatchItem) => {
  const attendedDays = batch.sessionDays.filter((day) => registration.attendance?.[day]).length;
  return {
    attendedDays,
    certificateEligible: attendedDays * 100 >= batch.attendanceThreshold * batch.sessionDays.length,
  };
};
