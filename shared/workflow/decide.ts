import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { linkKeys, personEmailKeys, stageKeys, voteKeys, workflowSignalMarker } from '#shared/db/keys';
import { ConditionFailedError, isConditionFailure, type TransactionItem, transact } from '#shared/db/transact';
import { getPerson } from '#shared/directory/people';
import type { FieldDefinition } from '#shared/forms/definition';
import { readFormFields } from '#shared/forms/forms';
import { deliverAfterCommit, outboxPut } from '#shared/mail/outbox';
import { logger, metrics } from '#shared/observability';
import { type StageRule, stageOutcome } from './definition.ts';
import { readDefinition } from './definitions.ts';
import { type EngineDeps, isLastStage } from './engine.ts';
import { hashLinkToken, looksLikeLinkToken, mintLinkToken } from './links.ts';
import { approvalRequestMail } from './mail.ts';
import { signalTask } from './signals.ts';
import {
  auditPut,
  type EngineStore,
  inboxPut,
  linkPut,
  officeName,
  type RequestItem,
  readRequest,
  readStage,
  type SeatItem,
  type StageItem,
  submissionKey,
  type Vote,
} from './state.ts';

/**
 * Decisions on email links. GET only reads ({@link inspectLink}); POST decides once ({@link decide}) in one
 * transaction: the vote (one per seat), the link marked used (unused and unexpired), the stage (at the version read;
 * closed when its rule is met), the request (still in approval; moved on when this closes it), the audit entry. Only
 * the decision that closed the stage answers the machine's task token; siblings' links die because every decision
 * checks the stage, not because their tokens are rewritten.
 */

interface LinkItem {
  submissionId: string;
  round: number;
  stageIndex: number;
  seat: string;
  approverId: string;
  expiresAt: string;
  usedAt?: string;
  usedFor?: Vote | 'delegate';
}

/** What a link leads to right now. */
export type LinkView =
  | {
      kind: 'open';
      link: LinkItem;
      request: RequestItem;
      stage: StageItem;
      seat: SeatItem;
      fields: FieldDefinition[];
      /** Request changes is offered while rounds remain. */
      canRequestChanges: boolean;
      /** Delegation is offered once per seat. */
      canDelegate: boolean;
    }
  | {
      kind: 'used';
      /** What the link was used for (links used before this was recorded do not say). */
      usedFor?: Vote | 'delegate';
      at: string;
    }
  | { kind: 'unknown' | 'decided' | 'expired' | 'superseded' | 'withdrawn' | 'finished' };

/** HTTP status of a link that cannot be used. */
export const LINK_STATUS: Record<Exclude<LinkView['kind'], 'open'>, number> = {
  unknown: 404,
  used: 409,
  decided: 409,
  finished: 409,
  expired: 410,
  superseded: 410,
  withdrawn: 410,
};

const readLink = async (store: EngineStore, hash: string): Promise<LinkItem | undefined> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: linkKeys(hash), ConsistentRead: true }),
  );
  return Item as LinkItem | undefined;
};

/** Where a link stands. Reads only. */
export const inspectLink = async (deps: EngineDeps, token: string): Promise<LinkView> => {
  if (!looksLikeLinkToken(token)) return { kind: 'unknown' };
  const link = await readLink(deps, hashLinkToken(token));
  if (!link) return { kind: 'unknown' };
  // A POST sent again (after an error it never saw the end of) learns that its decision stands.
  if (link.usedAt) return { kind: 'used', at: link.usedAt, ...(link.usedFor ? { usedFor: link.usedFor } : {}) };
  const [request, stage] = await Promise.all([
    readRequest(deps, link.submissionId),
    readStage(deps, link.submissionId, link.round, link.stageIndex),
  ]);
  if (request.status === 'withdrawn') return { kind: 'withdrawn' };
  if (request.round !== link.round || !stage) return { kind: 'superseded' };
  const seat = stage.seats.find((s) => s.seat === link.seat && s.approverId === link.approverId);
  if (stage.status === 'open' && seat && stage.votes[seat.seat]) return { kind: 'decided' };
  if (request.status !== 'in_approval') return { kind: 'finished' };
  if (stage.status !== 'open' || !seat) return { kind: 'superseded' };
  if (deps.now().getTime() >= Date.parse(link.expiresAt)) return { kind: 'expired' };
  const definition = await readDefinition(deps, request.workflowId!, request.workflowVersion!);
  return {
    kind: 'open',
    link,
    request,
    stage,
    seat,
    fields: await readFormFields(deps, request.formId, request.formVersion),
    canRequestChanges: request.round < definition.maxRounds,
    canDelegate: !seat.delegatedFrom,
  };
};

/** The decision form as posted. */
export interface DecisionInput {
  decision?: string;
  comment?: string;
  delegateTo?: string;
}

/** Who posted: pseudonyms only (an HMAC of the IP address, a hash of the user agent). */
export interface DecisionClient {
  ipHash?: string;
  userAgent?: string;
  /** How the decision came, when not by its email link (`kotak masuk`). */
  via?: string;
}

export type DecisionResult =
  | { kind: 'recorded'; decision: Vote; stageOutcome: 'open' | 'approved' | 'rejected' | 'changes_requested' }
  | { kind: 'delegated'; to: string }
  | { kind: 'invalid'; errors: { field: string; message: string }[]; view: Extract<LinkView, { kind: 'open' }> }
  | Exclude<LinkView, { kind: 'open' }>;

const DECISIONS = ['approve', 'reject', 'changes', 'delegate'] as const;

const checkInput = (input: DecisionInput, view: Extract<LinkView, { kind: 'open' }>) => {
  const errors: { field: string; message: string }[] = [];
  const decision = input.decision as (typeof DECISIONS)[number];
  const comment = input.comment?.trim() ?? '';
  if (!DECISIONS.includes(decision)) errors.push({ field: 'decision', message: 'Pilih salah satu keputusan.' });
  if ((decision === 'reject' || decision === 'changes') && comment.length === 0) {
    errors.push({ field: 'comment', message: 'Tuliskan alasan atau catatan untuk keputusan ini.' });
  }
  if (decision === 'changes' && !view.canRequestChanges) {
    errors.push({ field: 'decision', message: 'Batas putaran perbaikan tercapai; pilih setujui atau tolak.' });
  }
  if (decision === 'delegate') {
    if (!view.canDelegate) errors.push({ field: 'delegateTo', message: 'Kursi ini sudah pernah didelegasikan.' });
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.delegateTo?.trim() ?? '')) {
      errors.push({ field: 'delegateTo', message: 'Tuliskan alamat email penerima delegasi.' });
    }
  }
  return { errors, decision, comment };
};

class StaleDecision extends Error {}
const stale = () => new StaleDecision();

const effectiveRule = (rule: StageRule, seats: number): StageRule =>
  rule.kind === 'quorum' ? { kind: 'quorum', k: Math.min(rule.k, seats) } : rule;

/** Decides on a link, once. Races with other seats, withdrawals and retries are settled by the transaction. */
export const decide = async (
  deps: EngineDeps,
  token: string,
  input: DecisionInput,
  client: DecisionClient,
): Promise<DecisionResult> => {
  for (let attempt = 1; ; attempt++) {
    const view = await inspectLink(deps, token);
    if (view.kind !== 'open') return view;
    const { errors, decision, comment } = checkInput(input, view);
    if (errors.length > 0) return { kind: 'invalid', errors, view };
    try {
      if (decision === 'delegate') return await delegate(deps, token, view, input.delegateTo!.trim(), comment, client);
      return await vote(deps, token, view, decision, comment, client);
    } catch (failure) {
      if (!(failure instanceof StaleDecision || failure instanceof ConditionFailedError) || attempt >= 10)
        throw failure;
    }
  }
};

const clientFacts = (client: DecisionClient) => ({
  ...(client.via ? { detail: `Melalui ${client.via}` } : {}),
  ipHash: client.ipHash,
  userAgentHash: client.userAgent
    ? createHash('sha256').update(client.userAgent).digest('base64url').slice(0, 16)
    : undefined,
});

const linkUsed = (deps: EngineDeps, token: string, at: string, usedFor: Vote | 'delegate'): TransactionItem => ({
  update: {
    TableName: deps.table,
    Key: linkKeys(hashLinkToken(token)),
    UpdateExpression: 'SET usedAt = :at, usedFor = :for',
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :at',
    ExpressionAttributeValues: { ':at': at, ':for': usedFor },
  },
  label: 'link',
  onConditionFailed: stale,
});

const stillInApproval = (deps: EngineDeps, request: RequestItem): TransactionItem => ({
  conditionCheck: {
    TableName: deps.table,
    Key: submissionKey(request.id),
    ConditionExpression: '#status = :inApproval AND round = :round',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':inApproval': 'in_approval', ':round': request.round },
  },
  label: 'request',
  onConditionFailed: stale,
});

const vote = async (
  deps: EngineDeps,
  token: string | undefined,
  view: Pick<Extract<LinkView, { kind: 'open' }>, 'request' | 'stage' | 'seat'>,
  decision: Vote,
  comment: string,
  client: DecisionClient,
): Promise<DecisionResult> => {
  const { request, stage, seat } = view;
  const now = deps.now();
  const at = now.toISOString();
  const votes = { ...stage.votes, [seat.seat]: decision };
  const outcome =
    decision === 'changes'
      ? 'changes_requested'
      : stageOutcome(
          effectiveRule(stage.rule, stage.seats.length),
          stage.seats.length,
          Object.values(votes).map((v) => (v === 'approve' ? 'approve' : 'reject')),
        );
  const definition = await readDefinition(deps, request.workflowId!, request.workflowVersion!);
  // The request moves in this transaction when this decision settles it, so a withdrawal cannot slip in between.
  const requestStatus =
    outcome === 'rejected'
      ? 'rejected'
      : outcome === 'changes_requested'
        ? 'changes_requested'
        : outcome === 'approved' && isLastStage(definition, request.values, stage.stageIndex)
          ? 'approved'
          : undefined;
  const stageKey = stageKeys(request.id, stage.round, stage.stageIndex);
  const marker = workflowSignalMarker(at, stageKey);
  const closes = outcome !== 'open';
  const entries: TransactionItem[] = [
    {
      put: {
        TableName: deps.table,
        Item: {
          ...voteKeys(request.id, stage.round, stage.stageIndex, seat.seat),
          _v: 1,
          entity: 'vote',
          decision,
          approverId: seat.approverId,
          name: seat.name,
          comment: comment || undefined,
          at,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      label: 'vote',
      onConditionFailed: stale,
    },
    // A link decision spends its link; an inbox decision has none (the seat's links die with the vote).
    ...(token ? [linkUsed(deps, token, at, decision)] : []),
    {
      update: {
        TableName: deps.table,
        Key: stageKey,
        UpdateExpression: `SET votes.#seat = :vote, version = version + :one${
          closes ? ', #status = :outcome, closedAt = :at, GSI3PK = :markerPk, GSI3SK = :markerSk' : ''
        }`,
        ConditionExpression: 'version = :v AND #status = :open',
        ExpressionAttributeNames: { '#seat': seat.seat, '#status': 'status' },
        ExpressionAttributeValues: {
          ':vote': decision,
          ':one': 1,
          ':v': stage.version,
          ':open': 'open',
          ...(closes ? { ':outcome': outcome, ':at': at, ':markerPk': marker.GSI3PK, ':markerSk': marker.GSI3SK } : {}),
        },
      },
      label: 'stage',
      onConditionFailed: stale,
    },
    requestStatus
      ? {
          update: {
            TableName: deps.table,
            Key: submissionKey(request.id),
            UpdateExpression: `SET #status = :next, updatedAt = :at${comment && requestStatus !== 'approved' ? ', outcomeComment = :comment' : ''}`,
            ConditionExpression: '#status = :inApproval AND round = :round',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':next': requestStatus,
              ':at': at,
              ':inApproval': 'in_approval',
              ':round': request.round,
              ...(comment && requestStatus !== 'approved' ? { ':comment': comment } : {}),
            },
          },
          label: 'request',
          onConditionFailed: stale,
        }
      : stillInApproval(deps, request),
    auditPut(
      deps.table,
      request.id,
      {
        event: 'decided',
        actor: seat.name,
        round: stage.round,
        stage: stage.name,
        decision,
        comment,
        ...clientFacts(client),
      },
      now,
    ),
    ...(closes
      ? [
          auditPut(
            deps.table,
            request.id,
            { event: 'stage-closed', round: stage.round, stage: stage.name, decision: outcome },
            now,
          ),
        ]
      : []),
  ];
  await transact(deps.db, entries);
  // Committed: the decision stands whatever happens next, and the answer says so (the signal never throws).
  if (closes && stage.taskToken) await signalClosedStage(deps, stageKey, stage.taskToken, marker.GSI3SK);
  return { kind: 'recorded', decision, stageOutcome: outcome };
};

/**
 * Answers the task token of a stage that closed, then clears the stage's signal marker. A token of a task already
 * closed counts as answered. Left to the reconciler when Step Functions cannot be reached now.
 */
export const signalClosedStage = async (
  store: EngineStore,
  key: { PK: string; SK: string },
  taskToken: string,
  markerSk: string,
): Promise<void> => {
  await signalAfterCommit(store, key, taskToken, { kind: 'success' }, markerSk);
};

/**
 * After a commit that owes the machine a signal: sends it and clears the item's marker. Best effort by design and
 * never throws: the change is already recorded and its request must be answered as done, so a failure here (Step
 * Functions or DynamoDB unavailable, throttled, or the invocation's time spent: the clients stop retrying before the
 * deadline) is logged, counted (`WorkflowSignalDeferred`) and left to the reconciler, which finds the marker.
 */
export const signalAfterCommit = async (
  store: EngineStore,
  key: { PK: string; SK: string },
  taskToken: string,
  signal: Parameters<typeof signalTask>[1],
  markerSk: string,
): Promise<void> => {
  const deferred = (message: string, error: unknown) => {
    logger.warn(message, { item: key.SK, error: (error as Error | undefined)?.name });
    metrics.singleMetric().addMetric('WorkflowSignalDeferred', MetricUnit.Count, 1);
  };
  try {
    await signalTask(taskToken, signal);
  } catch (error) {
    deferred('workflow signal not sent; the reconciler will send it', error);
    return;
  }
  try {
    await clearSignalMarker(store, key, markerSk);
  } catch (error) {
    // The reconciler finds the task answered ("already") and clears the marker.
    deferred('workflow signal sent but its marker not cleared; the reconciler will clear it', error);
  }
};

/** Removes an item's signal marker if it is still the one set (a newer debt keeps its own). */
export const clearSignalMarker = async (
  store: EngineStore,
  key: { PK: string; SK: string },
  markerSk: string,
): Promise<void> => {
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: key,
        UpdateExpression: 'REMOVE GSI3PK, GSI3SK',
        ConditionExpression: 'GSI3SK = :sk',
        ExpressionAttributeValues: { ':sk': markerSk },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

const findPersonByEmail = async (store: EngineStore, email: string) => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: personEmailKeys(email), ConsistentRead: true }),
  );
  return typeof Item?.personId === 'string' ? getPerson(store.db, store.table, Item.personId) : undefined;
};

const delegate = async (
  deps: EngineDeps,
  token: string,
  view: Extract<LinkView, { kind: 'open' }>,
  email: string,
  comment: string,
  client: DecisionClient,
): Promise<DecisionResult> => {
  const { request, stage, seat } = view;
  const person = await findPersonByEmail(deps, email);
  const invalid = (message: string): DecisionResult => ({
    kind: 'invalid',
    errors: [{ field: 'delegateTo', message }],
    view,
  });
  if (!person) return invalid('Alamat ini tidak ada di direktori pegawai.');
  if (stage.seats.some((s) => s.email.toLowerCase() === person.email.toLowerCase())) {
    return invalid('Orang ini sudah menjadi penyetuju pada tahap ini.');
  }
  const now = deps.now();
  const at = now.toISOString();
  const delegateSeat: SeatItem = {
    seat: seat.seat,
    approverId: `person:${person.id}`,
    name: person.name,
    email: person.email,
    delegatedFrom: seat.name,
  };
  const link = mintLinkToken();
  const entries: TransactionItem[] = [
    linkUsed(deps, token, at, 'delegate'),
    {
      update: {
        TableName: deps.table,
        Key: stageKeys(request.id, stage.round, stage.stageIndex),
        UpdateExpression: 'SET seats = :seats, version = version + :one',
        ConditionExpression: 'version = :v AND #status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':seats': stage.seats.map((s) => (s.seat === seat.seat ? delegateSeat : s)),
          ':one': 1,
          ':v': stage.version,
          ':open': 'open',
        },
      },
      label: 'stage',
      onConditionFailed: stale,
    },
    stillInApproval(deps, request),
    linkPut(deps.table, link.hash, request, stage, delegateSeat, at),
    outboxPut(
      approvalRequestMail(
        request,
        stage,
        delegateSeat,
        link.token,
        await officeName(deps, request.officeCode),
        'delegated',
      ),
      now,
    ),
    inboxPut(deps.table, request, stage, delegateSeat),
    auditPut(
      deps.table,
      request.id,
      {
        event: 'delegated',
        actor: seat.name,
        round: stage.round,
        stage: stage.name,
        detail: `Didelegasikan kepada ${person.name}`,
        comment,
        ...clientFacts(client),
      },
      now,
    ),
  ];
  await transact(deps.db, entries);
  await deliverAfterCommit(entries);
  return { kind: 'delegated', to: person.name };
};

/** A seat of an open stage, for its approver to decide from the inbox (no link). */
export interface SeatRef {
  submissionId: string;
  round: number;
  stageIndex: number;
  seat: string;
}

export type InboxDecision = 'recorded' | 'not-yours' | 'decided' | 'closed' | 'invalid';

/**
 * A decision from the approver's inbox (bulk approve or reject in the console): the same transaction, rules and
 * audit as a link decision, for a seat the caller sits in (by the seat's email, or its staff account).
 */
export const decideAsSeatHolder = async (
  deps: EngineDeps,
  ref: SeatRef,
  approver: { sub: string; email: string },
  decision: 'approve' | 'reject',
  comment: string,
): Promise<InboxDecision> => {
  if (decision === 'reject' && comment.trim().length === 0) return 'invalid';
  for (let attempt = 1; ; attempt++) {
    const [request, stage] = await Promise.all([
      readRequest(deps, ref.submissionId),
      readStage(deps, ref.submissionId, ref.round, ref.stageIndex),
    ]);
    const seat = stage?.seats.find((s) => s.seat === ref.seat);
    if (!stage || !seat) return 'closed';
    if (seat.email.toLowerCase() !== approver.email.toLowerCase() && seat.approverId !== `staff:${approver.sub}`) {
      return 'not-yours';
    }
    if (stage.votes[seat.seat]) return 'decided';
    if (stage.status !== 'open' || request.status !== 'in_approval' || request.round !== ref.round) return 'closed';
    try {
      await vote(deps, undefined, { request, stage, seat }, decision, comment.trim(), { via: 'kotak masuk konsol' });
      return 'recorded';
    } catch (failure) {
      if (!(failure instanceof StaleDecision || failure instanceof ConditionFailedError) || attempt >= 10)
        throw failure;
    }
  }
};

/**
 * Several inbox decisions, one after another (bulk approve or reject). Each is its own transaction, so once one is
 * recorded the request has changed something and is answered as done: a later one that fails (the database busy,
 * the invocation's time spent: the clients stop before the deadline; or a request that timed out, whose write may
 * have landed) is reported `failed`, i.e. not confirmed: the inbox shows whether it is still open, and sending it
 * again is safe (a recorded one answers that it was decided). A failure before anything was recorded is thrown.
 */
export const decideAsSeatHolderEach = async (
  deps: EngineDeps,
  refs: readonly SeatRef[],
  approver: { sub: string; email: string },
  decision: 'approve' | 'reject',
  comment: string,
): Promise<{ ref: SeatRef; outcome: InboxDecision | 'failed' }[]> => {
  const results: { ref: SeatRef; outcome: InboxDecision | 'failed' }[] = [];
  for (const ref of refs) {
    try {
      results.push({ ref, outcome: await decideAsSeatHolder(deps, ref, approver, decision, comment) });
    } catch (error) {
      if (!results.some((r) => r.outcome === 'recorded')) throw error;
      // Logged as an error: usually the database busy, but a bug would hide here behind a 200.
      logger.error('inbox decision not confirmed after others were recorded', {
        submissionId: ref.submissionId,
        error,
      });
      results.push({ ref, outcome: 'failed' });
    }
  }
  return results;
};
