import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { queryAll } from '#shared/db/batch';
import { auditKeys, calendarKeys, inboxKeys, linkKeys, stageKeys, unitKeys } from '#shared/db/keys';
import { NotFoundError } from '#shared/errors';
import type { StageRule } from './definition.ts';

/**
 * The engine's items as stored: the submission (the request), its stages round by round, votes, audit entries and
 * link tokens. The database is the source of truth; the state machine only sequences and waits.
 */

export interface EngineStore {
  db: DynamoDBDocumentClient;
  table: string;
}

export type SubmissionStatus =
  | 'submitted'
  | 'in_approval'
  | 'approved'
  | 'rejected'
  | 'changes_requested'
  | 'withdrawn';

/** A submission as the engine reads it. */
export interface RequestItem {
  PK: string;
  SK: string;
  id: string;
  formId: string;
  formVersion: number;
  formTitle: string;
  officeCode: string;
  submittedBy: string;
  requesterName?: string;
  requesterEmail?: string;
  status: SubmissionStatus;
  values: Record<string, unknown>;
  hooks?: string;
  workflowId?: string;
  workflowVersion?: number;
  /** Round of approval (1 = the first submission). */
  round: number;
  /** Stage a `submitted` round starts from. */
  startIndex?: number;
  /** The stage open (or last closed) in this round. */
  stageIndex?: number;
  /** Task token the machine waits on for a resubmission (server-side only). */
  resubmitToken?: string;
  resubmitBy?: string;
  /** Round for which the requester was told about the changes asked. */
  changesNotifiedRound?: number;
  outcomeReason?: string;
  /** The comment of the decision that rejected the request or asked for changes. */
  outcomeComment?: string;
  finalizedAt?: string;
  GSI3PK?: string;
  GSI3SK?: string;
  createdAt: string;
  updatedAt: string;
}

export type Vote = 'approve' | 'reject' | 'changes';

/** One approver slot of a stage. A delegation replaces who sits in it, not the seat. */
export interface SeatItem {
  seat: string;
  /** `person:<id>` (directory person) or `staff:<sub>` (a staff member): who the seat's links are bound to. */
  approverId: string;
  name: string;
  email: string;
  /** Name of whoever delegated this seat (one hop). */
  delegatedFrom?: string;
}

export type StageStatus = 'open' | 'approved' | 'rejected' | 'changes_requested' | 'skipped' | 'withdrawn';

export interface StageItem {
  PK: string;
  SK: string;
  submissionId: string;
  round: number;
  stageIndex: number;
  name: string;
  rule: StageRule;
  status: StageStatus;
  seats: SeatItem[];
  votes: Record<string, Vote>;
  /** Seats mailed a link (seat -> ISO time): a retried step sends no second mail. */
  mailed: Record<string, string>;
  reminded: Record<string, string>;
  /** Optimistic-concurrency version: every decision and every new task token moves it. */
  version: number;
  openedAt: string;
  reminderAt?: string;
  deadlineAt?: string;
  escalated: boolean;
  taskToken?: string;
  closedAt?: string;
  reason?: string;
  GSI3PK?: string;
  GSI3SK?: string;
}

export const submissionKey = (id: string) => ({ PK: `SUBMISSION#${id}`, SK: 'SUBMISSION' });

export const readRequest = async (store: EngineStore, id: string): Promise<RequestItem> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: submissionKey(id), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Pengajuan tidak ditemukan');
  return { round: 1, ...Item } as RequestItem;
};

export const readStage = async (
  store: EngineStore,
  id: string,
  round: number,
  stageIndex: number,
): Promise<StageItem | undefined> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: stageKeys(id, round, stageIndex), ConsistentRead: true }),
  );
  return Item as StageItem | undefined;
};

/** Every item of a submission's partition with a sort key prefix (`STAGE#`, `AUDIT#`), in order. */
export const readPartition = (store: EngineStore, id: string, prefix: string): Promise<Record<string, unknown>[]> =>
  queryAll(store.db, {
    TableName: store.table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': submissionKey(id).PK, ':prefix': prefix },
    ConsistentRead: true,
  });

/** Holidays and cuti bersama of the years around `at` (the calendar items admins maintain). */
export const readHolidays = async (store: EngineStore, at: Date): Promise<Set<string>> => {
  const year = at.getUTCFullYear();
  const answers = await Promise.all(
    [year, year + 1].map((y) => store.db.send(new GetCommand({ TableName: store.table, Key: calendarKeys(y) }))),
  );
  return new Set(answers.flatMap((a) => (Array.isArray(a.Item?.dates) ? (a.Item.dates as string[]) : [])));
};

/** The name of an office, for mail footers. */
export const officeName = async (store: EngineStore, code: string): Promise<string> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: unitKeys(code, '', '').PK, SK: 'UNIT' } }),
  );
  return typeof Item?.name === 'string' ? Item.name : code;
};

const nextAuditId = monotonicFactory();

/** What an audit entry records. Append-only: entries are only ever put, with a fresh ULID key. */
export interface AuditFacts {
  event:
    | 'submitted'
    | 'stage-started'
    | 'stage-skipped'
    | 'emailed'
    | 'reminded'
    | 'escalated'
    | 'decided'
    | 'delegated'
    | 'stage-closed'
    | 'changes-requested'
    | 'resubmitted'
    | 'withdrawn'
    | 'completed';
  actor?: string;
  round?: number;
  stage?: string;
  decision?: string;
  comment?: string;
  detail?: string;
  ipHash?: string;
  userAgentHash?: string;
}

/**
 * The Put of an audit entry, for the transaction that makes it true. `index` adds index attributes (the retention
 * marker of the entry that closes the trail), never facts.
 */
export const auditPut = (
  table: string,
  submissionId: string,
  facts: AuditFacts,
  now: Date,
  index: Record<string, string> = {},
) => ({
  put: {
    TableName: table,
    Item: {
      ...auditKeys(submissionId, nextAuditId(now.getTime())),
      ...index,
      _v: 1,
      entity: 'audit',
      at: now.toISOString(),
      ...Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined && value !== '')),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

// Made on first use: a process's first Intl formatter loads ICU's locale and time-zone data (about 10 ms here), which
// a cold start that formats no date (most of them) should not pay at import.
let wibFormat: Intl.DateTimeFormat | undefined;

/** A time as people in Palembang read it: `Senin, 30 November 2026 pukul 16.00 WIB`. */
export const wibDateTime = (iso: string): string => {
  wibFormat ??= new Intl.DateTimeFormat('id-ID', {
    timeZone: 'Asia/Jakarta',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${wibFormat.format(new Date(iso))} WIB`;
};

/** A stage's rule in words. */
export const ruleText = (rule: StageRule, seats: number): string =>
  rule.kind === 'all'
    ? `semua (${seats}) penyetuju`
    : rule.kind === 'any'
      ? 'salah satu penyetuju'
      : `${Math.min(rule.k, seats)} dari ${seats} penyetuju`;

/** The inbox entry of a seat (see `inboxKeys`): enough to list it and filter by form (training) and batch. */
export const inboxPut = (
  table: string,
  request: RequestItem,
  stage: Pick<StageItem, 'round' | 'stageIndex' | 'name' | 'openedAt' | 'deadlineAt'>,
  seat: SeatItem,
) => ({
  put: {
    TableName: table,
    Item: {
      ...inboxKeys(seat.email, stage.openedAt, request.id, stage.round, stage.stageIndex, seat.seat),
      _v: 1,
      entity: 'inbox',
      submissionId: request.id,
      round: stage.round,
      stageIndex: stage.stageIndex,
      seat: seat.seat,
      stageName: stage.name,
      formId: request.formId,
      formTitle: request.formTitle,
      officeCode: request.officeCode,
      ...(typeof request.values.angkatan === 'string' ? { batch: Number(request.values.angkatan) } : {}),
      openedAt: stage.openedAt,
      deadlineAt: stage.deadlineAt,
      ttl: Math.floor(Date.parse(stage.deadlineAt ?? stage.openedAt) / 1000) + 30 * 86_400,
    },
  },
});

/** The item of a link token (its SHA-256 only), bound to one seat of one stage and round, expiring with the stage. */
export const linkPut = (
  table: string,
  tokenHash: string,
  request: Pick<RequestItem, 'id'>,
  stage: Pick<StageItem, 'round' | 'stageIndex' | 'deadlineAt'>,
  seat: Pick<SeatItem, 'seat' | 'approverId'>,
  at: string,
) => ({
  put: {
    TableName: table,
    Item: {
      ...linkKeys(tokenHash),
      _v: 1,
      entity: 'link',
      submissionId: request.id,
      round: stage.round,
      stageIndex: stage.stageIndex,
      seat: seat.seat,
      approverId: seat.approverId,
      createdAt: at,
      expiresAt: stage.deadlineAt,
      // Kept a month past expiry so a late click reads "expired", not "unknown".
      ttl: Math.floor(Date.parse(stage.deadlineAt!) / 1000) + 30 * 86_400,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});
