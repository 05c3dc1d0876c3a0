import { isDeepStrictEqual } from 'node:util';
import {
  GetCommand,
  type GetCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/db/transact';
import { staffKeys } from './keys.ts';

/**
 * Schema versions of stored items. Every item carries `entity` (what it is) and `_v` (the version of that entity's
 * shape it was written in). Code reads any version: `upgrade` raises an old item to the current shape in memory,
 * and `migrateTable` rewrites old items in the table so that old versions can eventually be dropped from the code.
 */

/** An item as lib-dynamodb reads it. */
export type StoredItem = Record<string, unknown>;

/** The attribute holding an item's schema version. */
export const VERSION_ATTRIBUTE = '_v';
/** The attribute naming an item's entity (`unit`, `staff`, `registration`, ...). */
export const ENTITY_ATTRIBUTE = 'entity';

/** One step of one entity's shape: from version `from` to `from + 1`. */
export interface Migration {
  entity: string;
  from: number;
  to: number;
  /**
   * The item in the new shape. Gets a copy, so it may change its argument; must not change the item's key or
   * entity. Need not set `_v`: the runner does.
   */
  up(item: StoredItem): StoredItem;
}

export interface RegistryOptions {
  /** The table's key attributes, which no migration may change. @default PK and SK */
  keyAttributes?: readonly string[];
}

/** The migrations of every entity, checked to form one chain of single steps per entity. */
export class MigrationRegistry {
  readonly keyAttributes: readonly string[];
  readonly #steps = new Map<string, Map<number, Migration>>();
  readonly #current = new Map<string, number>();

  constructor(migrations: readonly Migration[], options: RegistryOptions = {}) {
    this.keyAttributes = options.keyAttributes ?? ['PK', 'SK'];
    for (const migration of migrations) {
      const { entity, from, to } = migration;
      if (!Number.isInteger(from) || from < 1 || to !== from + 1) {
        throw new Error(`migration ${entity} v${from} -> v${to}: a step goes from an integer version >= 1 to the next`);
      }
      const steps = this.#steps.get(entity) ?? new Map<number, Migration>();
      if (steps.has(from)) throw new Error(`two migrations of ${entity} from v${from}`);
      steps.set(from, migration);
      this.#steps.set(entity, steps);
    }
    for (const [entity, steps] of this.#steps) {
      const froms = [...steps.keys()].sort((a, b) => a - b);
      // Old steps may be dropped once no table holds their versions, but the chain to the current one has no gap.
      const gap = froms.find((from, i) => i > 0 && from !== froms[i - 1]! + 1);
      if (gap !== undefined) throw new Error(`migrations of ${entity} have no step to v${gap}`);
      this.#current.set(entity, froms.at(-1)! + 1);
    }
  }

  /** The version items of `entity` are written in now: 1 until a migration exists. */
  currentVersion(entity: string): number {
    return this.#current.get(entity) ?? 1;
  }

  /** `item` with its entity and the current version set: how writers stamp new items. */
  stamp<T extends StoredItem>(entity: string, item: T): T & { entity: string; _v: number } {
    return { ...item, [ENTITY_ATTRIBUTE]: entity, [VERSION_ATTRIBUTE]: this.currentVersion(entity) } as T & {
      entity: string;
      _v: number;
    };
  }

  /**
   * The item in its entity's current shape: the steps from its `_v` applied in order, each to a copy. Pure: the
   * argument is never changed. Returned as is when it is current, of an entity without migrations, or newer than
   * this code knows (written by a newer deployment during a rollout: better read than refused).
   * An item without `_v` counts as version 1.
   */
  upgrade(item: StoredItem): StoredItem {
    const entity = item[ENTITY_ATTRIBUTE];
    if (typeof entity !== 'string') return item;
    const steps = this.#steps.get(entity);
    if (steps === undefined) return item;
    const current = this.currentVersion(entity);
    let version = versionOf(item);
    let upgraded = item;
    while (version < current) {
      const step = steps.get(version);
      if (step === undefined) throw new Error(`no migration of ${entity} from v${version}`);
      const next: StoredItem = { ...step.up(structuredClone(upgraded)), [VERSION_ATTRIBUTE]: step.to };
      for (const name of [...this.keyAttributes, ENTITY_ATTRIBUTE]) {
        if (!isDeepStrictEqual(next[name], item[name])) {
          throw new Error(`migration of ${entity} v${version} -> v${step.to} changed ${name}, which it must keep`);
        }
      }
      upgraded = next;
      version = step.to;
    }
    return upgraded;
  }

  /** True when `upgrade` would change the item. */
  isOutdated(item: StoredItem): boolean {
    const entity = item[ENTITY_ATTRIBUTE];
    return typeof entity === 'string' && versionOf(item) < this.currentVersion(entity);
  }
}

const versionOf = (item: StoredItem): number => {
  const version = item[VERSION_ATTRIBUTE];
  return typeof version === 'number' ? version : 1;
};

// The project's migrations. Add a step when an entity's stored shape changes (and raise nothing else: the current
// version follows from the steps); keep a step until every deployment's table has been migrated past it.
const MIGRATIONS: Migration[] = [
  {
    // Staff v2 are also indexed by name on GSI2 (every staff member, for the admins' listing).
    entity: 'staff',
    from: 1,
    to: 2,
    up: (item) => {
      const { GSI2PK, GSI2SK } = staffKeys(String(item.sub ?? ''), '', String(item.name ?? ''));
      return { ...item, GSI2PK, GSI2SK };
    },
  },
];

/** The project's registry: use it to read (`upgrade`), write (`stamp`) and migrate (`migrateTable`). */
export const migrations = new MigrationRegistry(MIGRATIONS);

/** The client `migrateTable` needs: `DynamoDBDocumentClient` fits; tests can wrap it. */
export interface MigrationClient {
  send(command: ScanCommand): Promise<ScanCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: GetCommand): Promise<GetCommandOutput>;
}

export interface MigrateTableOptions {
  tableName: string;
  /** @default the project's registry */
  registry?: MigrationRegistry;
  /** Resume where an earlier run stopped: its report's `resumeKey`. @default the start of the table */
  startKey?: Record<string, unknown>;
  /** Items per Scan page. @default 100 */
  pageSize?: number;
  /** Stop after this many pages (to fit a run in a Lambda's time); resume with `resumeKey`. @default no limit */
  maxPages?: number;
  /** Parallel scan: this run's segment of `totalSegments`. @default the whole table */
  segment?: number;
  totalSegments?: number;
  /** Items of a page rewritten at once. @default 8 */
  concurrency?: number;
  /** Attempts per item when other writers keep changing it under the migration. @default 3 */
  attemptsPerItem?: number;
  /** After each page, with the counts so far and the key to resume from (persist it to resume after a crash). */
  onPage?: (report: MigrationReport) => void | Promise<void>;
}

/** What a migration run did. */
export interface MigrationReport {
  /** Items read. */
  scanned: number;
  /** Items this run rewrote to their current version. */
  upgraded: number;
  /** Of `upgraded`, per entity. */
  upgradedByEntity: Record<string, number>;
  /** Items that needed nothing: current, newer, without migrations, or upgraded by another writer meanwhile. */
  upToDate: number;
  /** Items still outdated after `attemptsPerItem` tries, because others kept writing them: run again. */
  raced: number;
  pages: number;
  /** Where to resume; undefined once the scan reached the end of the table (or segment). */
  resumeKey: Record<string, unknown> | undefined;
}

/**
 * Rewrites the table's outdated items in their entity's current shape, page by page. Each rewrite is an UpdateItem
 * of the attributes the migration changed, conditioned on the item still having the version that was read (and,
 * for changed scalar attributes, the values that were read): a concurrent writer's change is never overwritten, and
 * attributes the migration did not touch (a counter another request ADDs to) are not written at all. A condition
 * that fails means someone wrote the item meanwhile: it is read again and retried.
 *
 * Idempotent (current items are skipped) and resumable (`startKey`, `maxPages`, `onPage`); a run can be repeated
 * or interrupted at any point.
 */
export const migrateTable = async (client: MigrationClient, options: MigrateTableOptions): Promise<MigrationReport> => {
  const registry = options.registry ?? migrations;
  const concurrency = options.concurrency ?? 8;
  const attemptsPerItem = options.attemptsPerItem ?? 3;
  const report: MigrationReport = {
    scanned: 0,
    upgraded: 0,
    upgradedByEntity: {},
    upToDate: 0,
    raced: 0,
    pages: 0,
    resumeKey: options.startKey,
  };

  const migrateItem = async (scanned: StoredItem) => {
    let item: StoredItem | undefined = scanned;
    for (let attempt = 1; item !== undefined && registry.isOutdated(item); attempt++) {
      if (attempt > attemptsPerItem) {
        report.raced++;
        return;
      }
      if (await rewrite(client, options.tableName, registry, item)) {
        const entity = String(item[ENTITY_ATTRIBUTE]);
        report.upgraded++;
        report.upgradedByEntity[entity] = (report.upgradedByEntity[entity] ?? 0) + 1;
        return;
      }
      const key = Object.fromEntries(registry.keyAttributes.map((name) => [name, item![name]]));
      ({ Item: item } = await client.send(
        new GetCommand({ TableName: options.tableName, Key: key, ConsistentRead: true }),
      ));
    }
    report.upToDate++;
  };

  do {
    const page = await client.send(
      new ScanCommand({
        TableName: options.tableName,
        Limit: options.pageSize ?? 100,
        ExclusiveStartKey: report.resumeKey,
        Segment: options.segment,
        TotalSegments: options.totalSegments,
        ConsistentRead: true,
      }),
    );
    const items = page.Items ?? [];
    report.scanned += items.length;
    for (let i = 0; i < items.length; i += concurrency) {
      await Promise.all(items.slice(i, i + concurrency).map(migrateItem));
    }
    report.pages++;
    report.resumeKey = page.LastEvaluatedKey;
    await options.onPage?.({ ...report, upgradedByEntity: { ...report.upgradedByEntity } });
  } while (report.resumeKey !== undefined && (options.maxPages === undefined || report.pages < options.maxPages));
  return report;
};

const isScalar = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Uint8Array;

/** One conditional UpdateItem from `item` to its upgrade. False when the condition failed (someone wrote it). */
const rewrite = async (
  client: MigrationClient,
  tableName: string,
  registry: MigrationRegistry,
  item: StoredItem,
): Promise<boolean> => {
  const upgraded = registry.upgrade(item);
  const names: Record<string, string> = { '#pk': registry.keyAttributes[0]!, '#v': VERSION_ATTRIBUTE };
  const values: Record<string, unknown> = { ':to': upgraded[VERSION_ATTRIBUTE] };
  const sets = ['#v = :to'];
  const removes: string[] = [];
  const conditions = ['attribute_exists(#pk)'];
  if (typeof item[VERSION_ATTRIBUTE] === 'number') {
    conditions.push('#v = :from');
    values[':from'] = item[VERSION_ATTRIBUTE];
  } else {
    conditions.push('attribute_not_exists(#v)');
  }

  const attributes = new Set([...Object.keys(item), ...Object.keys(upgraded)]);
  attributes.delete(VERSION_ATTRIBUTE);
  let n = 0;
  for (const attribute of attributes) {
    const before = item[attribute];
    const after = upgraded[attribute];
    if (isDeepStrictEqual(before, after)) continue;
    const name = `#a${n}`;
    names[name] = attribute;
    if (after === undefined) removes.push(name);
    else {
      sets.push(`${name} = :a${n}`);
      values[`:a${n}`] = after;
    }
    // Guard what the rewrite derives from; maps, lists and sets are covered by the version condition alone.
    if (before === undefined) conditions.push(`attribute_not_exists(${name})`);
    else if (isScalar(before)) {
      conditions.push(`${name} = :b${n}`);
      values[`:b${n}`] = before;
    }
    n++;
  }

  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: Object.fromEntries(registry.keyAttributes.map((name) => [name, item[name]])),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
