import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchDeleteItems, type Documents, queryAll } from '#shared/db/batch';
import { auditKeys, type RetentionKind, registrationKeys, retentionPartition } from '#shared/db/keys';
import { ConditionFailedError, isConditionFailure, transact } from '#shared/db/transact';
import { logger } from '#shared/observability';
import { type RegistrationItem, registrationRemoval } from '#shared/registrations/registrations';
import { DAY_MS } from '#shared/time';

/**
 * Closed submissions and their audit trails past their retention. Closing a submission marks it (GSI4, see
 * `retentionMarker`): the submission item with the time its retention starts, the audit trail's `completed` entry
 * likewise. The job reads each marker partition up to `now - days`, oldest first, so it touches only what is due;
 * open requests carry no marker and are never read.
 */

export interface RetentionStore {
  db: Documents;
  table: string;
}

/** What one pass over a marker partition did. */
export interface Expiry {
  /** Submissions (or audit trails) deleted. */
  deleted: number;
  /** Items deleted with them. */
  items: number;
  /** The run stopped for time with markers still due. */
  more: boolean;
  /** Markers (`<from>#<submission id>`) whose items were not as expected (a seat held by another): left in place. */
  failed: string[];
}

type Item = Record<string, unknown>;
const keyOf = (item: Item) => ({ PK: item.PK, SK: item.SK });

/**
 * Deletes a marked item last, only while it still carries the marker read: anything deleted before it was found
 * through it, so a run cut short leaves the marker, and the next run finishes.
 */
const deleteMarked = async (store: RetentionStore, marker: Item): Promise<boolean> => {
  try {
    await store.db.send(
      new DeleteCommand({
        TableName: store.table,
        Key: keyOf(marker),
        ConditionExpression: 'GSI4SK = :marker',
        ExpressionAttributeValues: { ':marker': marker.GSI4SK },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The items of a submission's partition (those of one sort key prefix), read consistently. */
const partitionOf = (store: RetentionStore, pk: unknown, prefix?: string): Promise<Item[]> =>
  queryAll(store.db, {
    TableName: store.table,
    KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
    ConsistentRead: true,
  });

/** What expiring one marker did: items deleted, and whether the marked item went too (the whole thing is gone). */
interface Expired {
  items: number;
  done: boolean;
}

/**
 * A closed submission: its stages, votes and values, and a nomination's registration with its seat or waitlist place
 * and NIP claim (one transaction); the submission item last. The audit trail stays for its own setting. A stale
 * marker (deleted by an earlier run: the index lags) deletes nothing.
 */
const expireSubmission = async (store: RetentionStore, marker: Item): Promise<Expired> => {
  const items = await partitionOf(store, marker.PK);
  const head = items.find((item) => item.SK === marker.SK);
  if (!head || head.GSI4SK !== marker.GSI4SK) return { items: 0, done: false };
  const auditPrefix = auditKeys('', '').SK;
  const registration = items.find((item) => item.SK === registrationKeys('', '', '').SK);
  if (registration) {
    await transact(store.db, registrationRemoval(store.table, registration as unknown as RegistrationItem));
  }
  const rest = items.filter(
    (item) => item !== head && item !== registration && !String(item.SK).startsWith(auditPrefix),
  );
  await batchDeleteItems(store.db, store.table, rest);
  const done = await deleteMarked(store, head);
  return { items: rest.length + (registration ? 1 : 0) + (done ? 1 : 0), done };
};

/** A closed submission's audit trail; the marked `completed` entry last. */
const expireAuditTrail = async (store: RetentionStore, marker: Item): Promise<Expired> => {
  const entries = await partitionOf(store, marker.PK, auditKeys('', '').SK);
  const marked = entries.find((entry) => entry.SK === marker.SK);
  if (!marked || marked.GSI4SK !== marker.GSI4SK) return { items: 0, done: false };
  const rest = entries.filter((entry) => entry !== marked);
  await batchDeleteItems(store.db, store.table, rest);
  const done = await deleteMarked(store, marked);
  return { items: rest.length + (done ? 1 : 0), done };
};

/**
 * Deletes what the markers of `kind` say is older than `days` at `now`: closed submissions (`SUBMISSIONS`) or their
 * audit trails (`AUDIT`). Stops starting new deletions once `hasTime` says no.
 */
export const expireMarked = async (
  store: RetentionStore,
  kind: RetentionKind,
  days: number,
  now: Date,
  hasTime: () => boolean,
): Promise<Expiry> => {
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  const expire = kind === 'SUBMISSIONS' ? expireSubmission : expireAuditTrail;
  const result: Expiry = { deleted: 0, items: 0, more: false, failed: [] };
  let start: Record<string, unknown> | undefined;
  do {
    // Markers sort by the time retention starts (`<ISO time>#<id>`): those below the cutoff are due.
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.table,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :kind AND GSI4SK < :cutoff',
        ExpressionAttributeValues: { ':kind': retentionPartition(kind), ':cutoff': cutoff },
        Limit: 100,
        ExclusiveStartKey: start,
      }),
    );
    for (const marker of page.Items ?? []) {
      if (!hasTime()) return { ...result, more: true };
      try {
        const expired = await expire(store, marker);
        result.items += expired.items;
        if (expired.done) result.deleted += 1;
      } catch (error) {
        // One submission that cannot be deleted (an unexpected state, or the database refusing for now) must not hold
        // back the others, nor the other steps: the run reports it (and fails, alarmed); the next run tries again.
        if (!(error instanceof ConditionFailedError)) {
          logger.warn('retention: a closed submission could not be deleted', { marker: marker.GSI4SK, error });
        }
        result.failed.push(String(marker.GSI4SK));
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return result;
};
