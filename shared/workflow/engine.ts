import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type RetentionKind, retentionMarker, staffKeys, stageKeys } from '#shared/db/keys';
import { ConditionFailedError, type TransactionItem, transact } from '#shared/db/transact';
import { resolveHead } from '#shared/directory/approver';
import { dynamoDirectoryReader } from '#shared/directory/positions';
import { deliverAfterCommit, outboxPut } from '#shared/mail/outbox';
import { deadlineAt, reminderAt } from './calendar.ts';
import { type ApproverSource, type StageDefinition, stageApplies, type WorkflowDefinition } from './definition.ts';
import { readDefinition } from './definitions.ts';
import { type FinalOutcome, hooksFor } from './hooks.ts';
import { mintLinkToken } from './links.ts';
import { approvalRequestMail, requesterMail } from './mail.ts';
import { signalTask } from './signals.ts';
import {
  auditPut,
  type EngineStore,
  inboxPut,
  linkPut,
  officeName,
  type RequestItem,
  readHolidays,
  readRequest,
  readStage,
  type SeatItem,
  type StageItem,
  submissionKey,
} from './state.ts';

/**
 * The steps the approval state machine runs. Each reads the request as the database holds it and decides from that
 * alone, so a step retried after a crash, or run twice, repeats nothing: every write is conditioned on the state it
 * was computed from, and a step that loses a race reads again.
 */

export interface EngineDeps extends EngineStore {
  now(): Date;
}

/** What a step tells the machine: open (or keep waiting on) a stage, wait for a resubmission, or stop. */
export type StepOutput =
  | { submissionId: string; action: 'stage'; round: number; stageIndex: number; reminderAt: string; deadlineAt: string }
  | { submissionId: string; action: 'resubmit'; deadlineAt: string }
  | { submissionId: string; action: 'done' };

/** A condition of the step's own transaction failed: the state moved meanwhile, so read again and decide again. */
class StaleState extends Error {}
const stale = () => new StaleState();

const iso = (ms: number) => new Date(ms).toISOString();

const hookSubmission = (request: RequestItem) => ({
  id: request.id,
  formId: request.formId,
  officeCode: request.officeCode,
  submittedBy: request.submittedBy,
  values: request.values,
  round: request.round,
  comment: request.outcomeComment,
  decidedAt: request.updatedAt,
});

// ---------------------------------------------------------------------------------------------------------------
// Approvers

/** Active staff with the admin role in an office (a GSI1 query of the office's staff). */
const adminsOf = async (store: EngineStore, officeCode: string): Promise<SeatItem[]> => {
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :office',
      ExpressionAttributeValues: { ':office': staffKeys('', officeCode, '').GSI1PK },
    }),
  );
  return (answer.Items ?? [])
    .filter((item) => item.status !== 'disabled' && Array.isArray(item.groups) && item.groups.includes('admin'))
    .map((item) => ({ seat: '', approverId: `staff:${item.sub}`, name: String(item.name), email: String(item.email) }));
};

/**
 * The people sitting in a stage, resolved now from the directory (acting officials and vacancies by `resolveHead`).
 * Someone named twice sits once. Seats are numbered in order (`s1`, `s2`, ...; escalation seats `e1`, ...).
 */
export const resolveSeats = async (
  store: EngineStore,
  sources: readonly ApproverSource[],
  request: RequestItem,
  at: Date,
  prefix = 's',
): Promise<SeatItem[]> => {
  const directory = dynamoDirectoryReader(store.db, store.table);
  const found: SeatItem[] = [];
  for (const source of sources) {
    if (source.kind === 'person') {
      const person = await directory.person(source.personId);
      if (person) found.push({ seat: '', approverId: `person:${person.id}`, name: person.name, email: person.email });
    } else if (source.kind === 'admins-of-office') {
      found.push(...(await adminsOf(store, source.officeCode)));
    } else {
      const unit = source.kind === 'head-of-unit' ? source.unitCode : request.officeCode;
      const head = await resolveHead(directory, unit, at);
      if (head) {
        found.push({
          seat: '',
          approverId: `person:${head.person.id}`,
          name: head.person.name,
          email: head.person.email,
        });
      }
    }
  }
  const seen = new Set<string>();
  return found
    .filter((seat) => seat.email && !seen.has(seat.email.toLowerCase()) && seen.add(seat.email.toLowerCase()))
    .map((seat, i) => ({ ...seat, seat: `${prefix}${i + 1}` }));
};

// ---------------------------------------------------------------------------------------------------------------
// Advance: the step between stage rounds

/** The stage to run from `from` on (conditions read from the submitted values), and the stages skipped to get there. */
const nextStage = (definition: WorkflowDefinition, values: Record<string, unknown>, from: number) => {
  const skipped: number[] = [];
  let index = from;
  while (index < definition.stages.length && !stageApplies(definition.stages[index]!.condition, values)) {
    skipped.push(index);
    index += 1;
  }
  return { index: index < definition.stages.length ? index : undefined, skipped };
};

/** Whether approving stage `index` ends the request (no later stage applies). */
export const isLastStage = (definition: WorkflowDefinition, values: Record<string, unknown>, index: number): boolean =>
  nextStage(definition, values, index + 1).index === undefined;

const stageTimes = async (deps: EngineDeps, stage: StageDefinition, opened: number) => {
  const holidays = await readHolidays(deps, new Date(opened));
  const deadline = deadlineAt(opened, stage.deadlineAfterDays, holidays);
  return {
    deadlineAt: iso(deadline),
    // Without a reminder, branch B's first wait ends at the deadline too (and the remind step then does nothing).
    reminderAt: iso(stage.reminderAfterDays ? reminderAt(opened, stage.reminderAfterDays, holidays) : deadline),
  };
};

const stageStep = (stage: StageItem): StepOutput => ({
  submissionId: stage.submissionId,
  action: 'stage',
  round: stage.round,
  stageIndex: stage.stageIndex,
  reminderAt: stage.reminderAt ?? stage.deadlineAt!,
  deadlineAt: stage.deadlineAt!,
});

/** The request's status moves from `from` (and this round) only: the condition every engine write carries. */
const requestUpdate = (
  deps: EngineDeps,
  request: RequestItem,
  set: Record<string, unknown>,
  remove: string[] = [],
): TransactionItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': request.status, ':round': request.round };
  const sets = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  return {
    update: {
      TableName: deps.table,
      Key: submissionKey(request.id),
      UpdateExpression: `SET ${sets.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: '#status = :from AND round = :round',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    label: 'request',
    onConditionFailed: stale,
  };
};

/** The items recording stages skipped because their condition does not hold (an audit entry and a stage item each). */
const skipEntries = (
  deps: EngineDeps,
  request: RequestItem,
  definition: WorkflowDefinition,
  skipped: readonly number[],
  now: Date,
): TransactionItem[] => {
  const at = now.toISOString();
  const entries: TransactionItem[] = skipped.map((i) =>
    auditPut(
      deps.table,
      request.id,
      {
        event: 'stage-skipped',
        round: request.round,
        stage: definition.stages[i]!.name,
        detail: 'Syarat tahap tidak terpenuhi oleh isian pengajuan',
      },
      now,
    ),
  );
  for (const i of skipped) {
    entries.push({
      put: {
        TableName: deps.table,
        Item: {
          ...stageKeys(request.id, request.round, i),
          _v: 1,
          entity: 'stage',
          submissionId: request.id,
          round: request.round,
          stageIndex: i,
          name: definition.stages[i]!.name,
          rule: definition.stages[i]!.rule,
          status: 'skipped',
          seats: [],
          votes: {},
          mailed: {},
          reminded: {},
          version: 1,
          openedAt: at,
          closedAt: at,
          escalated: false,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      onConditionFailed: stale,
    });
  }
  return entries;
};

/** Opens the first applicable stage from `from` on, or approves the request when none is left. */
const openFrom = async (
  deps: EngineDeps,
  request: RequestItem,
  definition: WorkflowDefinition,
  from: number,
): Promise<StepOutput> => {
  const now = deps.now();
  const at = now.toISOString();
  const { index, skipped } = nextStage(definition, request.values, from);
  const entries = skipEntries(deps, request, definition, skipped, now);
  if (index === undefined) {
    // Approved: the stages left are recorded as skipped when the request is finalized.
    await transact(deps.db, [
      requestUpdate(deps, request, { status: 'approved', updatedAt: at, stageIndex: from - 1 }, ['GSI3PK', 'GSI3SK']),
    ]);
    return finalize(deps, await readRequest(deps, request.id));
  }
  const definitionStage = definition.stages[index]!;
  const seats = await resolveSeats(deps, definitionStage.approvers, request, now);
  if (seats.length === 0) {
    // Nobody can decide (every position up to the city vacant): the request cannot pass; say so rather than wait.
    await transact(deps.db, [
      requestUpdate(
        deps,
        request,
        {
          status: 'rejected',
          updatedAt: at,
          stageIndex: index,
          outcomeReason: `Tahap "${definitionStage.name}" tidak memiliki penyetuju di direktori.`,
        },
        ['GSI3PK', 'GSI3SK'],
      ),
      ...entries,
    ]);
    return finalize(deps, await readRequest(deps, request.id));
  }
  const times = await stageTimes(deps, definitionStage, now.getTime());
  const stage: StageItem = {
    ...stageKeys(request.id, request.round, index),
    submissionId: request.id,
    round: request.round,
    stageIndex: index,
    name: definitionStage.name,
    rule: definitionStage.rule,
    status: 'open',
    seats,
    votes: {},
    mailed: {},
    reminded: {},
    version: 1,
    openedAt: at,
    ...times,
    escalated: false,
  };
  await transact(deps.db, [
    requestUpdate(deps, request, { status: 'in_approval', stageIndex: index, updatedAt: at }, ['GSI3PK', 'GSI3SK']),
    ...entries,
    {
      put: {
        TableName: deps.table,
        Item: { ...stage, _v: 1, entity: 'stage' },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      onConditionFailed: stale,
    },
    ...seats.map((seat) => inboxPut(deps.table, request, stage, seat)),
    auditPut(
      deps.table,
      request.id,
      {
        event: 'stage-started',
        round: request.round,
        stage: definitionStage.name,
        detail: seats.map((seat) => seat.name).join(', '),
      },
      now,
    ),
  ]);
  return stageStep(stage);
};

/** A stage hit its deadline: escalate once when the definition says so, otherwise reject the request. */
const onDeadline = async (
  deps: EngineDeps,
  request: RequestItem,
  definition: WorkflowDefinition,
  stage: StageItem,
): Promise<StepOutput> => {
  const now = deps.now();
  const at = now.toISOString();
  const definitionStage = definition.stages[stage.stageIndex]!;
  const action = definitionStage.onDeadline;
  if (action.kind === 'escalate' && !stage.escalated) {
    const seats = await resolveSeats(deps, [action.to], request, now, 'e');
    if (seats.length > 0) {
      const times = await stageTimes(deps, definitionStage, now.getTime());
      await transact(deps.db, [
        {
          update: {
            TableName: deps.table,
            Key: stageKeys(request.id, stage.round, stage.stageIndex),
            UpdateExpression:
              'SET seats = :seats, votes = :none, mailed = :none, reminded = :none, #rule = :any, escalated = :yes, ' +
              'version = version + :one, openedAt = :at, reminderAt = :reminderAt, deadlineAt = :deadlineAt ' +
              'REMOVE taskToken',
            ConditionExpression: 'version = :v AND #status = :open',
            ExpressionAttributeNames: { '#rule': 'rule', '#status': 'status' },
            ExpressionAttributeValues: {
              ':seats': seats,
              ':none': {},
              ':any': { kind: 'any' },
              ':yes': true,
              ':one': 1,
              ':at': at,
              ':v': stage.version,
              ':open': 'open',
              ...Object.fromEntries(Object.entries(times).map(([k, v]) => [`:${k}`, v])),
            },
          },
          onConditionFailed: stale,
        },
        auditPut(
          deps.table,
          request.id,
          {
            event: 'escalated',
            round: stage.round,
            stage: stage.name,
            detail: `Batas waktu terlewati; dialihkan kepada ${seats.map((s) => s.name).join(', ')}`,
          },
          now,
        ),
        ...seats.map((seat) => inboxPut(deps.table, request, { ...stage, ...times, openedAt: at }, seat)),
      ]);
      return stageStep({ ...stage, ...times, seats });
    }
  }
  await transact(deps.db, [
    {
      update: {
        TableName: deps.table,
        Key: stageKeys(request.id, stage.round, stage.stageIndex),
        UpdateExpression: 'SET #status = :rejected, closedAt = :at, reason = :reason, version = version + :one',
        ConditionExpression: 'version = :v AND #status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':rejected': 'rejected',
          ':at': at,
          ':reason': 'Batas waktu terlewati',
          ':one': 1,
          ':v': stage.version,
          ':open': 'open',
        },
      },
      onConditionFailed: stale,
    },
    requestUpdate(deps, request, {
      status: 'rejected',
      updatedAt: at,
      outcomeReason: `Tahap "${stage.name}" melewati batas waktu tanpa keputusan.`,
    }),
    auditPut(
      deps.table,
      request.id,
      {
        event: 'stage-closed',
        round: stage.round,
        stage: stage.name,
        decision: 'rejected',
        detail: 'Batas waktu terlewati',
      },
      now,
    ),
  ]);
  return finalize(deps, await readRequest(deps, request.id));
};

/** Changes were asked: tell the requester once per round, then wait for the resubmission until its deadline. */
const awaitChanges = async (
  deps: EngineDeps,
  request: RequestItem,
  definition: WorkflowDefinition,
  error: string | undefined,
): Promise<StepOutput> => {
  const now = deps.now();
  const at = now.toISOString();
  if (request.changesNotifiedRound !== request.round || !request.resubmitBy) {
    const holidays = await readHolidays(deps, now);
    const resubmitBy = iso(deadlineAt(now.getTime(), definition.resubmitWithinDays, holidays));
    const notice = requesterMail(
      request,
      { kind: 'changes', comment: request.outcomeComment, resubmitBy },
      await officeName(deps, request.officeCode),
    );
    const entries: TransactionItem[] = [
      requestUpdate(deps, request, { changesNotifiedRound: request.round, resubmitBy, updatedAt: at }),
      ...(notice ? [outboxPut(notice, now)] : []),
    ];
    await transact(deps.db, entries);
    await deliverAfterCommit(entries);
    return { submissionId: request.id, action: 'resubmit', deadlineAt: resubmitBy };
  }
  if (error === 'ResubmitDeadline' && now.getTime() >= Date.parse(request.resubmitBy)) {
    await transact(deps.db, [
      requestUpdate(deps, request, {
        status: 'withdrawn',
        updatedAt: at,
        outcomeReason: 'Perbaikan tidak diajukan kembali sebelum batas waktu.',
      }),
      auditPut(
        deps.table,
        request.id,
        { event: 'withdrawn', round: request.round, detail: 'Batas waktu perbaikan terlewati' },
        now,
      ),
    ]);
    return finalize(deps, await readRequest(deps, request.id));
  }
  return { submissionId: request.id, action: 'resubmit', deadlineAt: request.resubmitBy };
};

/** The request ended (approved, rejected, withdrawn): hooks, the requester's email, the audit entry; once. */
export const finalize = async (deps: EngineDeps, request: RequestItem): Promise<StepOutput> => {
  const done: StepOutput = { submissionId: request.id, action: 'done' };
  if (request.finalizedAt) return done;
  const outcome = request.status as FinalOutcome;
  if (outcome !== 'approved' && outcome !== 'rejected' && outcome !== 'withdrawn') {
    throw new Error(`cannot finalize a ${request.status} request`);
  }
  const now = deps.now();
  const at = now.toISOString();
  const open =
    request.stageIndex === undefined ? undefined : await readStage(deps, request.id, request.round, request.stageIndex);
  const hooks = await hooksFor(request.hooks);
  const hookItems = (await hooks.onFinalOutcome?.(hookSubmission(request), outcome, now)) ?? [];
  // The retention job deletes the request and, by its own setting, its audit trail, counted from here (or later).
  const retainFrom = await hooks.retainFrom?.(hookSubmission(request));
  const retention = (kind: RetentionKind) =>
    retentionMarker(kind, retainFrom && retainFrom > now ? retainFrom.toISOString() : at, request.id);
  const submissionRetention = retention('SUBMISSIONS');
  const news =
    outcome === 'approved'
      ? ({ kind: 'approved' } as const)
      : outcome === 'rejected'
        ? ({ kind: 'rejected', comment: request.outcomeComment, reason: request.outcomeReason } as const)
        : ({ kind: 'withdrawn', reason: request.outcomeReason } as const);
  const notice = requesterMail(request, news, await officeName(deps, request.officeCode));
  const trailing =
    outcome === 'approved' && request.workflowId
      ? await (async () => {
          const definition = await readDefinition(deps, request.workflowId!, request.workflowVersion!);
          const { skipped } = nextStage(definition, request.values, (request.stageIndex ?? -1) + 1);
          return skipEntries(deps, request, definition, skipped, now);
        })()
      : [];
  const entries: TransactionItem[] = [
    ...trailing,
    {
      update: {
        TableName: deps.table,
        Key: submissionKey(request.id),
        UpdateExpression:
          'SET finalizedAt = :at, GSI4PK = :retentionPk, GSI4SK = :retentionSk REMOVE resubmitToken, GSI3PK, GSI3SK',
        ConditionExpression: 'attribute_not_exists(finalizedAt) AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':at': at,
          ':status': outcome,
          ':retentionPk': submissionRetention.GSI4PK,
          ':retentionSk': submissionRetention.GSI4SK,
        },
      },
      onConditionFailed: stale,
    },
    ...(open?.status === 'open'
      ? [
          {
            update: {
              TableName: deps.table,
              Key: stageKeys(request.id, open.round, open.stageIndex),
              UpdateExpression:
                'SET #status = :withdrawn, closedAt = :at, version = version + :one REMOVE GSI3PK, GSI3SK',
              ConditionExpression: '#status = :open',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':withdrawn': 'withdrawn', ':at': at, ':one': 1, ':open': 'open' },
            },
            onConditionFailed: stale,
          } satisfies TransactionItem,
        ]
      : []),
    auditPut(
      deps.table,
      request.id,
      { event: 'completed', round: request.round, decision: outcome, detail: request.outcomeReason },
      now,
      retention('AUDIT'),
    ),
    ...(notice ? [outboxPut(notice, now)] : []),
    ...hookItems,
  ];
  await transact(deps.db, entries);
  await deliverAfterCommit(entries);
  return done;
};

/**
 * The step at the start of an execution and after every stage round: reads where the request stands and says what
 * the machine does next. `error` is the name of the error that ended the round (`StageClosed`, `StageDeadline`,
 * `Withdrawn`, `Resubmitted`, `ResubmitDeadline`, or a task failure).
 */
export const advance = async (deps: EngineDeps, submissionId: string, error?: string): Promise<StepOutput> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await advanceOnce(deps, await readRequest(deps, submissionId), error);
    } catch (failure) {
      // A lost race (another step, a decision, or a hook's seat taken meanwhile): read again and decide again. Many
      // finalizations of one batch can race for its seats, hence the generous bound, with a jittered pause.
      if (!(failure instanceof StaleState || failure instanceof ConditionFailedError) || attempt >= 30) throw failure;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 10)));
    }
  }
};

const advanceOnce = async (deps: EngineDeps, request: RequestItem, error: string | undefined): Promise<StepOutput> => {
  if (request.finalizedAt) return { submissionId: request.id, action: 'done' };
  if (!request.workflowId || request.workflowVersion === undefined) {
    throw new Error(`submission ${request.id} has no workflow pinned`);
  }
  const definition = await readDefinition(deps, request.workflowId, request.workflowVersion);
  switch (request.status) {
    case 'submitted':
      return openFrom(deps, request, definition, request.startIndex ?? 0);
    case 'changes_requested':
      return awaitChanges(deps, request, definition, error);
    case 'approved':
    case 'rejected':
    case 'withdrawn':
      return finalize(deps, request);
    case 'in_approval': {
      const stage = await readStage(deps, request.id, request.round, request.stageIndex ?? 0);
      if (!stage) throw new Error(`submission ${request.id} is in approval without its stage`);
      if (stage.status === 'approved') return openFrom(deps, request, definition, stage.stageIndex + 1);
      if (stage.status !== 'open') throw new Error(`stage ${stage.SK} of ${request.id} is ${stage.status}`);
      if (error === 'StageDeadline' && deps.now().getTime() >= Date.parse(stage.deadlineAt!)) {
        return onDeadline(deps, request, definition, stage);
      }
      // Still open (a task failed and the round ended early): wait on it again; links already sent stay valid.
      return stageStep(stage);
    }
  }
};

// ---------------------------------------------------------------------------------------------------------------
// The waiting task: store the token, send the links

/** Saves the task token of a stage round and mails a link to every seat not mailed yet. */
export const openStage = async (
  deps: EngineDeps,
  input: { submissionId: string; round: number; stageIndex: number; token: string },
): Promise<void> => {
  let stage: StageItem | undefined;
  for (let attempt = 1; ; attempt++) {
    const [request, current] = await Promise.all([
      readRequest(deps, input.submissionId),
      readStage(deps, input.submissionId, input.round, input.stageIndex),
    ]);
    if (current?.status !== 'open' || request.status !== 'in_approval' || request.round !== input.round) {
      // Decided before the machine got here: let it move on at once.
      await signalTask(input.token, { kind: 'success' });
      return;
    }
    try {
      // The version moves with the token: a decision read before this write cannot signal an older token.
      await transact(deps.db, [
        {
          update: {
            TableName: deps.table,
            Key: stageKeys(input.submissionId, input.round, input.stageIndex),
            UpdateExpression: 'SET taskToken = :token, version = version + :one',
            ConditionExpression: 'version = :v AND #status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':token': input.token, ':one': 1, ':v': current.version, ':open': 'open' },
          },
          onConditionFailed: stale,
        },
      ]);
      stage = { ...current, version: current.version + 1 };
      await mailSeats(deps, request, stage, 'request');
      return;
    } catch (failure) {
      if (!(failure instanceof StaleState) || attempt >= 8) throw failure;
    }
  }
};

/** Link mail to the seats of a stage that have none yet for this purpose; one transaction per seat. */
const mailSeats = async (
  deps: EngineDeps,
  request: RequestItem,
  stage: StageItem,
  purpose: 'request' | 'reminder',
): Promise<void> => {
  const now = deps.now();
  const at = now.toISOString();
  const office = await officeName(deps, request.officeCode);
  const ledger = purpose === 'request' ? 'mailed' : 'reminded';
  const due = stage.seats.filter(
    (seat) => !stage[ledger][seat.seat] && !(purpose === 'reminder' && stage.votes[seat.seat]),
  );
  const sent: TransactionItem[] = [];
  for (const seat of due) {
    const link = mintLinkToken();
    const entries: TransactionItem[] = [
      {
        update: {
          TableName: deps.table,
          Key: stageKeys(request.id, stage.round, stage.stageIndex),
          UpdateExpression: `SET ${ledger}.#seat = :at`,
          ConditionExpression: `attribute_not_exists(${ledger}.#seat) AND #status = :open AND escalated = :escalated`,
          ExpressionAttributeNames: { '#seat': seat.seat, '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':open': 'open', ':escalated': stage.escalated },
        },
        label: 'ledger',
        onConditionFailed: stale,
      },
      linkPut(deps.table, link.hash, request, stage, seat, at),
      outboxPut(approvalRequestMail(request, stage, seat, link.token, office, purpose), now),
      auditPut(
        deps.table,
        request.id,
        {
          event: purpose === 'request' ? 'emailed' : 'reminded',
          round: stage.round,
          stage: stage.name,
          actor: seat.name,
        },
        now,
      ),
    ];
    try {
      await transact(deps.db, entries);
      sent.push(...entries);
    } catch (failure) {
      // Another run of this step mailed the seat, or the stage closed: nothing to send.
      if (!(failure instanceof StaleState || failure instanceof ConditionFailedError)) throw failure;
    }
  }
  await deliverAfterCommit(sent);
};

/** Branch B's reminder: a fresh link to every seat of the open stage that has not voted (once per seat). */
export const remindStage = async (
  deps: EngineDeps,
  input: { submissionId: string; round: number; stageIndex: number },
): Promise<void> => {
  const [request, stage] = await Promise.all([
    readRequest(deps, input.submissionId),
    readStage(deps, input.submissionId, input.round, input.stageIndex),
  ]);
  if (stage?.status !== 'open' || request.status !== 'in_approval' || !request.workflowId) return;
  const definition = await readDefinition(deps, request.workflowId, request.workflowVersion!);
  // No reminder configured: the first wait ran to the deadline, which branch B reaches next.
  if (!definition.stages[stage.stageIndex]?.reminderAfterDays) return;
  if (deps.now().getTime() >= Date.parse(stage.deadlineAt!)) return;
  await mailSeats(deps, request, stage, 'reminder');
};

/** The waiting task of "changes requested": saves the token the resubmission answers. */
export const awaitResubmission = async (
  deps: EngineDeps,
  input: { submissionId: string; token: string },
): Promise<void> => {
  const request = await readRequest(deps, input.submissionId);
  try {
    if (request.status !== 'changes_requested') throw new StaleState();
    await transact(deps.db, [
      {
        update: {
          TableName: deps.table,
          Key: submissionKey(request.id),
          UpdateExpression: 'SET resubmitToken = :token',
          ConditionExpression: '#status = :waiting AND round = :round',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':token': input.token,
            ':waiting': 'changes_requested',
            ':round': request.round,
          },
        },
        onConditionFailed: stale,
      },
    ]);
  } catch (failure) {
    if (!(failure instanceof StaleState)) throw failure;
    // Resubmitted or withdrawn before the machine got here: move on at once.
    await signalTask(input.token, { kind: 'success' });
  }
};
