/**
 * Key builders, one per entity, for the single domain table. Every item's keys come from here; fixed prefixes keep
 * entities apart and make a key readable in the console.
 */

/** An organisation node: an office that nominates staff and the service unit citizens rate are the same node. */
export const unitKeys = (code: string, type: string, name: string, parentCode?: string) => ({
  PK: `UNIT#${code}`,
  SK: 'UNIT',
  // All units by type then name (directory listing, the survey landing page).
  GSI1PK: 'UNITS',
  GSI1SK: `${type}#${name}`,
  // Children of a node (the organisation tree).
  GSI2PK: `UNIT_CHILDREN#${parentCode ?? 'ROOT'}`,
  GSI2SK: name,
});

/** A staff member, keyed by the Cognito `sub` (offices are looked up by sub, not read from the token). */
export const staffKeys = (sub: string, officeCode: string, name: string) => ({
  PK: `STAFF#${sub}`,
  SK: 'STAFF',
  // Staff of an office.
  GSI1PK: `OFFICE_STAFF#${officeCode}`,
  GSI1SK: name,
  // All staff, by name (the admins' staff listing); the sub keeps namesakes apart.
  GSI2PK: allStaffPartition(),
  GSI2SK: `${name.toLocaleLowerCase('id')}#${sub}`,
});

/** GSI2 partition listing every staff member (see {@link staffKeys}). */
export const allStaffPartition = (): string => 'STAFF';

/** GSI1 partition listing every unit (see {@link unitKeys}). */
export const allUnitsPartition = (): string => unitKeys('', '', '').GSI1PK;

/** GSI2 partition listing the children of a node; the city root's parent is ROOT (see {@link unitKeys}). */
export const unitChildrenPartition = (parentCode?: string): string => unitKeys('', '', '', parentCode).GSI2PK;

/**
 * A position of a unit (`kepala` is its head), in the unit's partition: the unit and its positions are one Query.
 * Indexed by who holds it (GSI1) and who acts in it as Plt./Plh. (GSI2), so a person's positions are a Query each;
 * a vacant position has neither.
 */
export const positionKeys = (unitCode: string, positionId: string, holderId?: string, actingPersonId?: string) => ({
  PK: unitKeys(unitCode, '', '').PK,
  SK: `POSITION#${positionId}`,
  ...(holderId ? { GSI1PK: personHoldsPartition(holderId), GSI1SK: `${unitCode}#${positionId}` } : {}),
  ...(actingPersonId ? { GSI2PK: personActsPartition(actingPersonId), GSI2SK: `${unitCode}#${positionId}` } : {}),
});

/** GSI1 partition of the positions a person holds. */
export const personHoldsPartition = (personId: string): string => `PERSON_HOLDS#${personId}`;

/** GSI2 partition of the positions a person acts in (Plt./Plh.). */
export const personActsPartition = (personId: string): string => `PERSON_ACTS#${personId}`;

/**
 * A person of the directory (ULID id). Listed by name (GSI1) and by the unit they work in (GSI2). No NIP here: a
 * NIP never goes into a key in clear.
 */
export const personKeys = (id: string, name: string, unitCode?: string) => ({
  PK: `PERSON#${id}`,
  SK: 'PERSON',
  GSI1PK: allPeoplePartition(),
  GSI1SK: `${name.toLocaleLowerCase('id')}#${id}`,
  ...(unitCode ? { GSI2PK: unitPeoplePartition(unitCode), GSI2SK: `${name.toLocaleLowerCase('id')}#${id}` } : {}),
});

/** GSI1 partition listing every person. */
export const allPeoplePartition = (): string => 'PEOPLE';

/** GSI2 partition of the people working in a unit. */
export const unitPeoplePartition = (unitCode: string): string => `UNIT_PEOPLE#${unitCode}`;

/** Uniqueness of a person's email (lower-cased): written with the person, it makes the email a natural key. */
export const personEmailKeys = (email: string) => ({ PK: `PERSON_EMAIL#${email.toLowerCase()}`, SK: 'PERSON_EMAIL' });

/** Uniqueness of a person's NIP, keyed by its HMAC (`shared/nip-hash.ts`), never the NIP: finds a person by NIP. */
export const personNipKeys = (nipHash: string) => ({ PK: `PERSON_NIP#${nipHash}`, SK: 'PERSON_NIP' });

/** Marks a seed as applied, so a restart does not write it again. */
export const seedKeys = (name: string) => ({ PK: `SEED#${name}`, SK: 'SEED' });

/** Primary key of an outbox mail item. */
export const mailKey = (id: string) => ({ PK: `MAIL#${id}`, SK: 'MAIL' });

/** GSI1 partition of mail in one status (`pending`, `sending`, `failed`, ...). */
export const mailStatusPartition = (status: string) => `MAIL_STATUS#${status}`;

/**
 * An outbox mail item with its place in GSI1: mail by status, then by the time that matters for that status (when a
 * pending mail is due, when a sending lease expires, when it was sent or failed), so the reconciler and admins query
 * "pending/failed mail by time" without scanning.
 */
export const mailKeys = (id: string, status: string, at: string) => ({
  ...mailKey(id),
  GSI1PK: mailStatusPartition(status),
  GSI1SK: `${at}#${id}`,
});

/** Suppression of one recipient after a bounce or complaint, keyed by a hash of the lower-cased address. */
export const suppressionKeys = (addressHash: string) => ({ PK: `SUPPRESSION#${addressHash}`, SK: 'SUPPRESSION' });

/** A client's request counter for one route and time window (rate limiting; expires by TTL). */
export const rateLimitKeys = (routeKey: string, clientPseudonym: string, window: string) => ({
  PK: `RATE#${routeKey}#${clientPseudonym}`,
  SK: window,
});

/**
 * A survey response, keyed by the response id issued with the form (created with `attribute_not_exists`, so a resend
 * is stored once). Listed per unit and WIB month (GSI1, for raw exports, never for reports) and, when it holds a
 * suggestion, per unit (GSI2, for the follow-up list).
 */
export const surveyResponseKeys = (responseId: string, unitCode: string, month: string, withSuggestion: boolean) => ({
  PK: `SURVEY_RESPONSE#${responseId}`,
  SK: 'SURVEY_RESPONSE',
  GSI1PK: surveyResponsesPartition(unitCode, month),
  GSI1SK: responseId,
  ...(withSuggestion ? { GSI2PK: surveySuggestionsPartition(unitCode), GSI2SK: `${month}#${responseId}` } : {}),
});

/** GSI1 partition of a unit's responses in one WIB month. */
export const surveyResponsesPartition = (unitCode: string, month: string): string =>
  `SURVEY_RESPONSES#${unitCode}#${month}`;

/** GSI2 partition of a unit's responses that hold a suggestion. */
export const surveySuggestionsPartition = (unitCode: string): string => `SURVEY_SUGGESTIONS#${unitCode}`;

/**
 * A unit's survey month (WIB): how many aggregate shards it has (fixed at its first response) and which instrument
 * versions were answered. Its aggregates share the partition, so one Query shows a month whole.
 */
export const surveyMonthKeys = (unitCode: string, month: string) => ({
  PK: `SURVEY_MONTH#${unitCode}#${month}`,
  SK: 'MONTH',
});

/** One shard of a unit's survey aggregate for a WIB month and instrument version (counters, updated with `ADD`). */
export const surveyAggregateKeys = (unitCode: string, month: string, instrumentVersion: string, shard: number) => ({
  PK: surveyMonthKeys(unitCode, month).PK,
  SK: `AGGREGATE#${instrumentVersion}#${shard}`,
});

/**
 * The population a unit served in a period (`2026`, `2026-S1`, `2026-Q1`, `2026-02`), for the minimum sample. Not in
 * the unit's partition, which the directory reads whole.
 */
export const surveyPopulationKeys = (unitCode: string, period: string) => ({
  PK: `SURVEY_POPULATION#${unitCode}`,
  SK: period,
});

/** A batch of printed survey tickets of a unit (its codes, for the sheet), in the unit's batch partition. */
export const surveyTicketBatchKeys = (unitCode: string, batchId: string) => ({
  PK: `SURVEY_TICKET_BATCH#${unitCode}`,
  SK: batchId,
});

/** One single-use survey ticket, keyed by its code: consumed by a condition in the response's transaction. */
export const surveyTicketKeys = (code: string) => ({ PK: `SURVEY_TICKET#${code}`, SK: 'SURVEY_TICKET' });

/**
 * A materialized survey roll-up: the summed counters of a scope (`UNIT#<code>`, `TYPE#<unit type>` or `CITY`) for a
 * period (`2026-02`, `2026-Q1`, `2026-S1`, `2026`) and instrument version, rewritten whole by the roll-up job. One
 * partition per scope, so a scope's periods read together.
 */
export const surveyRollupKeys = (scope: string, period: string, instrumentVersion: string) => ({
  PK: `SURVEY_ROLLUP#${scope}`,
  SK: `${instrumentVersion}#${period}`,
});

/** The low-score alert of a unit for a WIB month: created once, with the mail it sends. */
export const surveyAlertKeys = (unitCode: string, month: string) => ({
  PK: `SURVEY_ALERT#${unitCode}`,
  SK: month,
});

/** A form's head item: title, status, latest and published versions; all forms are listed through GSI1. */
export const formKeys = (formId: string, status: string, title: string) => ({
  PK: `FORM#${formId}`,
  SK: 'FORM',
  GSI1PK: 'FORMS',
  GSI1SK: `${status}#${title}`,
});

/** One immutable version of a form's fields, in the form's partition. */
export const formVersionKeys = (formId: string, version: number) => ({
  PK: `FORM#${formId}`,
  SK: `VERSION#${String(version).padStart(4, '0')}`,
});

/** A submission; an office's submissions newest first through GSI1, a form's through GSI2. */
export const submissionKeys = (id: string, officeCode: string, formId: string, createdAt: string) => ({
  PK: `SUBMISSION#${id}`,
  SK: 'SUBMISSION',
  GSI1PK: `OFFICE_SUBMISSIONS#${officeCode}`,
  GSI1SK: `${createdAt}#${id}`,
  GSI2PK: `FORM_SUBMISSIONS#${formId}`,
  GSI2SK: `${createdAt}#${id}`,
});

/** A workflow definition's head item: name and latest version; all definitions are listed through GSI1. */
export const workflowKeys = (workflowId: string, name: string) => ({
  PK: `WORKFLOW#${workflowId}`,
  SK: 'WORKFLOW',
  GSI1PK: 'WORKFLOWS',
  GSI1SK: `${name.toLocaleLowerCase('id')}#${workflowId}`,
});

/** One immutable version of a workflow definition's stages, in its partition (submissions pin a version). */
export const workflowVersionKeys = (workflowId: string, version: number) => ({
  PK: `WORKFLOW#${workflowId}`,
  SK: `VERSION#${String(version).padStart(4, '0')}`,
});

const two = (n: number) => String(n).padStart(2, '0');

/** A stage of one round of a submission's approval, in the submission's partition (sorted by round then stage). */
export const stageKeys = (submissionId: string, round: number, stageIndex: number) => ({
  PK: `SUBMISSION#${submissionId}`,
  SK: `STAGE#${two(round)}#${two(stageIndex)}`,
});

/** A seat's vote in a stage: created with `attribute_not_exists`, so a seat decides once. */
export const voteKeys = (submissionId: string, round: number, stageIndex: number, seat: string) => ({
  PK: `SUBMISSION#${submissionId}`,
  SK: `VOTE#${two(round)}#${two(stageIndex)}#${seat}`,
});

/** An append-only audit entry of a submission (ULID sort key: in the order things happened). */
export const auditKeys = (submissionId: string, entryId: string) => ({
  PK: `SUBMISSION#${submissionId}`,
  SK: `AUDIT#${entryId}`,
});

/** An email link, keyed by the SHA-256 of its token (the token itself is never stored). */
export const linkKeys = (tokenHash: string) => ({ PK: `LINK#${tokenHash}`, SK: 'LINK' });

/**
 * GSI3 marker of an item that still owes Step Functions a signal (an execution to start, a task token to answer):
 * set in the transaction that creates the debt, removed once the signal went out. The reconciler reads the marker
 * partition instead of scanning.
 */
export const workflowSignalMarker = (at: string, itemKey: { PK: string; SK: string }) => ({
  GSI3PK: workflowSignalPartition(),
  GSI3SK: `${at}#${itemKey.PK}#${itemKey.SK}`,
});

/** GSI3 partition of the items owing a workflow signal (see {@link workflowSignalMarker}). */
export const workflowSignalPartition = (): string => 'WORKFLOW_SIGNAL';

/** The working-day calendar of a year: holidays and cuti bersama (dates `YYYY-MM-DD`) an admin maintains. */
export const calendarKeys = (year: number) => ({ PK: 'CALENDAR', SK: String(year) });

/** A training (Diklat); its batches, seats and waitlist share its partition. All trainings through GSI1. */
export const trainingKeys = (trainingId: string, status: string, title: string) => ({
  PK: `TRAINING#${trainingId}`,
  SK: 'TRAINING',
  GSI1PK: 'TRAININGS',
  GSI1SK: `${status}#${title.toLocaleLowerCase('id')}#${trainingId}`,
});

const batchPart = (batch: number) => String(batch).padStart(2, '0');

/** A batch (angkatan) of a training: capacity, seats taken, the seat sequence and the waitlist length. */
export const batchKeys = (trainingId: string, batch: number) => ({
  PK: `TRAINING#${trainingId}`,
  SK: `BATCH#${batchPart(batch)}`,
});

/**
 * A taken seat, by its number (commit order, never reused): in the training's partition, so a batch's participants
 * are one strongly consistent Query.
 */
export const seatKeys = (trainingId: string, batch: number, seatNo: number) => ({
  PK: `TRAINING#${trainingId}`,
  SK: `SEAT#${batchPart(batch)}#${String(seatNo).padStart(5, '0')}`,
});

/** A waitlist place, keyed by the final approval's ULID: the batch's waitlist in order is one consistent Query. */
export const waitlistKeys = (trainingId: string, batch: number, finalApprovalId: string) => ({
  PK: `TRAINING#${trainingId}`,
  SK: `WAIT#${batchPart(batch)}#${finalApprovalId}`,
});

/** Sort key prefix of a batch's seats or waitlist places (see {@link seatKeys}, {@link waitlistKeys}). */
export const batchItemsPrefix = (kind: 'SEAT' | 'WAIT', batch: number): string => `${kind}#${batchPart(batch)}#`;

/**
 * A registration, in its submission's partition; a training's registrations through GSI1, an office's registrations
 * per training through GSI2.
 */
export const registrationKeys = (submissionId: string, officeCode: string, trainingId: string) => ({
  PK: `SUBMISSION#${submissionId}`,
  SK: 'REGISTRATION',
  GSI1PK: `TRAINING_REGISTRATIONS#${trainingId}`,
  GSI1SK: submissionId,
  GSI2PK: `OFFICE_REGISTRATIONS#${officeCode}`,
  GSI2SK: `${trainingId}#${submissionId}`,
});

/** One registration per NIP per training: keyed by the NIP's HMAC, never the NIP. */
export const registrationNipKeys = (trainingId: string, nipHash: string) => ({
  PK: `REGISTRATION_NIP#${trainingId}#${nipHash}`,
  SK: 'REGISTRATION_NIP',
});

/**
 * A seat waiting for its approver's decision, in the approver's inbox (by lower-cased email): written when the seat
 * is filled (stage opened, escalated, delegated); read with the stage, which says whether it is still open. Expires
 * by TTL after the stage's deadline.
 */
export const inboxKeys = (
  email: string,
  openedAt: string,
  submissionId: string,
  round: number,
  stageIndex: number,
  seat: string,
) => ({
  PK: inboxPartition(email),
  SK: `${openedAt}#${submissionId}#${round}#${stageIndex}#${seat}`,
});

/** The partition of an approver's inbox (see {@link inboxKeys}). */
export const inboxPartition = (email: string): string => `INBOX#${email.toLowerCase()}`;

/** What the retention job deletes through a GSI4 marker: a closed submission, or a closed submission's audit trail. */
export type RetentionKind = 'SUBMISSIONS' | 'AUDIT';

/**
 * GSI4 marker of what the retention job deletes once the retention settings' days have passed since `from` (the time
 * a submission closed, or later when its capability says so): on the submission item (`SUBMISSIONS`) and on the audit
 * trail's `completed` entry (`AUDIT`), set in the transaction that closes the submission. The job reads the marker
 * partitions up to a cutoff, oldest first, instead of scanning.
 */
export const retentionMarker = (kind: RetentionKind, from: string, submissionId: string) => ({
  GSI4PK: retentionPartition(kind),
  GSI4SK: `${from}#${submissionId}`,
});

/** GSI4 partition of the retention markers of one kind (see {@link retentionMarker}). */
export const retentionPartition = (kind: RetentionKind): string => `RETENTION#${kind}`;

/** How far the retention job has come through something it walks in order (the survey months it has deleted). */
export const retentionProgressKeys = (name: string) => ({ PK: `RETENTION_PROGRESS#${name}`, SK: 'RETENTION_PROGRESS' });
