import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/db/batch';
import { allUnitsPartition, unitChildrenPartition, unitKeys } from '#shared/db/keys';

export { queryAll };

import { migrations } from '#shared/db/migrations';
import { type TransactionItem, type TransactUpdate, transact } from '#shared/db/transact';
import { ConflictError, type DomainFieldError, InvalidError, NotFoundError } from '#shared/errors';
import { decodeCursor, encodeCursor } from './paging.ts';
import { StoredUnit, type Unit, type UnitInput, type UnitPatch, type UnitStatus, type UnitType } from './schemas.ts';

/**
 * Units of the organisation tree. Invariants held by the database, not by read-then-write code:
 * - a code is taken once (`attribute_not_exists` on create);
 * - every change is conditioned on the version the admin read (optimistic concurrency: 409 when stale);
 * - a unit is written under an active parent only: the parent's `activeChildren` counter is updated, with a
 *   condition on its status, in the same transaction as the child;
 * - a unit with active children cannot be archived: the archive is conditioned on that counter being 0, so a child
 *   created concurrently makes one of the two writes fail;
 * - no cycles: a move re-checks the versions of every ancestor of the new parent in its transaction, so a
 *   concurrent move of one of them fails one of the two.
 */

/** What the directory's repositories need of the document client: `DynamoDBDocumentClient` fits; tests wrap it. */
export type Documents = Pick<DynamoDBDocumentClient, 'send'>;

/** The primary key of a key builder's output (a Get, Delete or ConditionCheck takes no index attributes). */
export const primaryKey = ({ PK, SK }: { PK: string; SK: string }) => ({ PK, SK });

// The city tree is a few levels deep; a longer chain is a cycle or corruption.
const MAX_DEPTH = 32;

/** A unit from its stored item (older items get defaults for what they lack). */
export const unitFromItem = (item: Record<string, unknown>): Unit => StoredUnit.parse(migrations.upgrade(item));

/** Reads one unit; `consistent` when the answer decides a write. */
export const getUnit = async (
  client: Documents,
  table: string,
  code: string,
  consistent = true,
): Promise<Unit | undefined> => {
  const { PK, SK } = unitKeys(code, '', '');
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: { PK, SK }, ConsistentRead: consistent }));
  return Item ? unitFromItem(Item) : undefined;
};

/** The condition that the stored item still has `version` (0: an item written before versions existed). */
export const versionCondition = (version: number, values: Record<string, unknown>, prefix: string): string => {
  if (version === 0) return 'attribute_not_exists(version)';
  values[`:${prefix}v`] = version;
  return `version = :${prefix}v`;
};

/**
 * The UpdateItem writing every field of `unit` (its keys included, as a change of name, type or parent moves it in
 * the indexes), leaving `activeChildren` to ADD so that counter changes by other writers are never overwritten.
 */
export const unitUpdate = (
  table: string,
  unit: Unit,
  expect: { create: true } | { version: number },
  childrenDelta = 0,
): TransactUpdate => {
  const { PK, SK, ...indexKeys } = unitKeys(unit.code, unit.type, unit.name, unit.parentCode);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  const fields: Record<string, unknown> = {
    ...indexKeys,
    entity: 'unit',
    _v: migrations.currentVersion('unit'),
    code: unit.code,
    name: unit.name,
    type: unit.type,
    parentCode: unit.parentCode,
    sector: unit.sector,
    services: unit.services,
    headEmail: unit.headEmail,
    status: unit.status,
    version: unit.version,
    updatedAt: unit.updatedAt,
  };
  Object.entries(fields).forEach(([name, value], i) => {
    names[`#f${i}`] = name;
    if (value === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    }
  });
  names['#created'] = 'createdAt';
  values[':created'] = unit.createdAt;
  sets.push('#created = if_not_exists(#created, :created)');
  names['#children'] = 'activeChildren';
  values[':delta'] = childrenDelta;
  const condition =
    'create' in expect
      ? 'attribute_not_exists(PK)'
      : `attribute_exists(PK) AND ${versionCondition(expect.version, values, 'e')}`;
  return {
    TableName: table,
    Key: { PK, SK },
    UpdateExpression: `SET ${sets.join(', ')} ADD #children :delta${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/** What a write needs of a unit it does not rewrite: a counter change, that it is active, its version unchanged. */
export interface UnitTouch {
  delta: number;
  requireActive: boolean;
  version?: number;
}

/** Adds a touch to the plan, merging with an earlier one of the same unit (an item appears once per transaction). */
export const touch = (plan: Map<string, UnitTouch>, code: string, change: Partial<UnitTouch>): void => {
  const earlier = plan.get(code) ?? { delta: 0, requireActive: false };
  plan.set(code, {
    delta: earlier.delta + (change.delta ?? 0),
    requireActive: earlier.requireActive || (change.requireActive ?? false),
    version: change.version ?? earlier.version,
  });
};

/** The transaction items of a plan of touches: an ADD to the counter, or a bare condition check. */
export const touchItems = (
  table: string,
  plan: Map<string, UnitTouch>,
  onFailed: (code: string, existing: Record<string, unknown> | undefined) => Error,
): TransactionItem[] =>
  [...plan].map(([code, t]) => {
    const { PK, SK } = unitKeys(code, '', '');
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(PK)'];
    if (t.requireActive) {
      names['#status'] = 'status';
      values[':active'] = 'active';
      conditions.push('#status = :active');
    }
    if (t.version !== undefined) conditions.push(versionCondition(t.version, values, 't'));
    const common = {
      TableName: table,
      Key: { PK, SK },
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    };
    const onConditionFailed = ({ existing }: { existing: Record<string, unknown> | undefined }) =>
      onFailed(code, existing);
    if (t.delta !== 0) {
      return {
        label: `unit ${code}`,
        update: {
          ...common,
          UpdateExpression: 'ADD activeChildren :delta',
          ExpressionAttributeValues: { ...values, ':delta': t.delta },
        },
        onConditionFailed,
      };
    }
    return {
      label: `unit ${code}`,
      conditionCheck: { ...common, ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}) },
      onConditionFailed,
    };
  });

/** Field errors of the city-root rule: the city has no parent, every other node has one, and not itself. */
export const rootRuleErrors = (unit: { code: string; type: UnitType; parentCode?: string }): DomainFieldError[] => {
  if (unit.type === 'kota' && unit.parentCode) {
    return [{ field: 'parentCode', message: 'Unit berjenis kota adalah akar pohon dan tidak memiliki induk' }];
  }
  if (unit.type !== 'kota' && !unit.parentCode) {
    return [{ field: 'parentCode', message: 'Unit induk wajib diisi (hanya kota yang tidak memiliki induk)' }];
  }
  if (unit.parentCode === unit.code)
    return [{ field: 'parentCode', message: 'Unit tidak dapat menjadi induk dirinya' }];
  return [];
};

const invalid = (errors: DomainFieldError[]) => new InvalidError(errors.map((e) => e.message).join('; '), { errors });

const parentProblem = (code: string, existing: Record<string, unknown> | undefined) =>
  invalid([
    {
      field: 'parentCode',
      message: existing ? `Unit induk ${code} sudah diarsipkan` : `Unit induk ${code} tidak ditemukan`,
    },
  ]);

const staleUnit = (code: string) =>
  new ConflictError(`Unit ${code} telah diubah orang lain sejak Anda membacanya; muat ulang lalu coba lagi`);

/** The parent and its ancestors up to the root, read consistently, nearest first; stops at a missing unit or loop. */
export const ancestorsOf = async (client: Documents, table: string, code: string): Promise<Unit[]> => {
  const chain: Unit[] = [];
  let next: string | undefined = code;
  while (next !== undefined && chain.length < MAX_DEPTH && !chain.some((u) => u.code === next)) {
    const unit = await getUnit(client, table, next);
    if (!unit) break;
    chain.push(unit);
    next = unit.parentCode;
  }
  return chain;
};

/** Creates a unit under an active parent. @throws ConflictError when the code is taken, InvalidError for the parent */
export const createUnit = async (client: Documents, table: string, input: UnitInput, now: Date): Promise<Unit> => {
  const errors = rootRuleErrors(input);
  if (errors.length) throw invalid(errors);
  const at = now.toISOString();
  const unit: Unit = { ...input, status: 'active', activeChildren: 0, version: 1, createdAt: at, updatedAt: at };
  const plan = new Map<string, UnitTouch>();
  if (input.parentCode) touch(plan, input.parentCode, { delta: 1, requireActive: true });
  await transact(client, [
    {
      label: `unit ${unit.code}`,
      update: unitUpdate(table, unit, { create: true }),
      onConditionFailed: () => new ConflictError(`Kode unit ${unit.code} sudah dipakai`),
    },
    ...touchItems(table, plan, parentProblem),
  ]);
  return unit;
};

/**
 * Changes a unit, based on the version the admin read. A move checks the new parent (exists, active, not below the
 * unit) and pins its ancestors' versions; an active unit's move shifts one from the old parent's counter to the new.
 */
export const updateUnit = async (
  client: Documents,
  table: string,
  code: string,
  patch: UnitPatch,
  now: Date,
): Promise<Unit> => {
  const current = await getUnit(client, table, code);
  if (!current) throw new NotFoundError(`Unit ${code} tidak ditemukan`);
  if (current.version !== patch.version) throw staleUnit(code);
  const { version: _read, ...changes } = patch;
  const next: Unit = {
    ...current,
    ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v === null ? undefined : v])),
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  const errors = rootRuleErrors(next);
  if (errors.length) throw invalid(errors);

  const plan = new Map<string, UnitTouch>();
  if (next.parentCode !== current.parentCode) {
    if (next.parentCode) {
      const chain = await ancestorsOf(client, table, next.parentCode);
      const parent = chain[0];
      if (parent?.status !== 'active') throw parentProblem(next.parentCode, parent);
      if (chain.some((u) => u.code === code)) {
        const path = [code, ...chain.slice(0, chain.findIndex((u) => u.code === code) + 1).map((u) => u.code)];
        throw invalid([
          {
            field: 'parentCode',
            message: `Induk ini berada di bawah unit ${code}; membentuk siklus: ${path.join(' → ')}`,
          },
        ]);
      }
      touch(plan, parent.code, { requireActive: true });
      for (const ancestor of chain) touch(plan, ancestor.code, { version: ancestor.version });
      if (current.status === 'active') touch(plan, parent.code, { delta: 1 });
    }
    if (current.parentCode && current.status === 'active') touch(plan, current.parentCode, { delta: -1 });
  }
  await transact(client, [
    {
      label: `unit ${code}`,
      update: unitUpdate(table, next, { version: current.version }),
      onConditionFailed: ({ existing }) =>
        existing ? staleUnit(code) : new NotFoundError(`Unit ${code} tidak ditemukan`),
    },
    ...touchItems(table, plan, (touched, existing) =>
      touched === next.parentCode && existing?.status !== 'active'
        ? parentProblem(touched, existing)
        : new ConflictError('Struktur organisasi berubah saat perubahan disimpan; muat ulang lalu coba lagi'),
    ),
  ]);
  return next;
};

/** Archives a unit that has no active children, based on the version the admin read. */
export const archiveUnit = async (
  client: Documents,
  table: string,
  code: string,
  version: number,
  now: Date,
): Promise<Unit> => {
  const current = await getUnit(client, table, code);
  if (!current) throw new NotFoundError(`Unit ${code} tidak ditemukan`);
  if (current.version !== version) throw staleUnit(code);
  if (current.status === 'archived') throw new ConflictError(`Unit ${code} sudah diarsipkan`);
  const hasChildren = (children: string[]) =>
    new ConflictError(
      `Unit ${code} masih memiliki unit aktif di bawahnya${children.length ? ` (${children.join(', ')})` : ''}; ` +
        'pindahkan atau arsipkan unit tersebut lebih dahulu',
    );
  // The index answers with names for the message; the counter condition below is what holds the rule.
  const active = (await listChildren(client, table, code)).filter((c) => c.status === 'active').map((c) => c.code);
  if (active.length > 0 || current.activeChildren > 0) throw hasChildren(active);

  const next: Unit = { ...current, status: 'archived', version: current.version + 1, updatedAt: now.toISOString() };
  const update = unitUpdate(table, next, { version: current.version });
  update.ConditionExpression += ' AND (attribute_not_exists(#children) OR #children <= :zero)';
  update.ExpressionAttributeValues = { ...update.ExpressionAttributeValues, ':zero': 0 };
  const plan = new Map<string, UnitTouch>();
  if (current.parentCode) touch(plan, current.parentCode, { delta: -1 });
  await transact(client, [
    {
      label: `unit ${code}`,
      update,
      onConditionFailed: ({ existing }) =>
        !existing
          ? new NotFoundError(`Unit ${code} tidak ditemukan`)
          : existing.version !== current.version && !(current.version === 0 && existing.version === undefined)
            ? staleUnit(code)
            : hasChildren([]),
    },
    ...touchItems(table, plan, () => new ConflictError('Struktur organisasi berubah; muat ulang lalu coba lagi')),
  ]);
  return next;
};

/** The children of a unit (any status), by name. From an index: may lag a write by a moment. */
export const listChildren = async (client: Documents, table: string, code: string): Promise<Unit[]> =>
  (
    await queryAll(client, {
      TableName: table,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :p',
      ExpressionAttributeValues: { ':p': unitChildrenPartition(code) },
    })
  ).map(unitFromItem);

/** Every unit (all pages of the index), for the import's validation against the table. */
export const allUnits = async (client: Documents, table: string): Promise<Unit[]> =>
  (
    await queryAll(client, {
      TableName: table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p',
      ExpressionAttributeValues: { ':p': allUnitsPartition() },
    })
  ).map(unitFromItem);

export interface UnitFilter {
  type?: UnitType;
  parentCode?: string;
  status?: UnitStatus;
  limit: number;
  cursor?: string;
}

/** One page of units, flat: all by type then name, or the children of one parent; filtered by type and status. */
export const listUnits = async (
  client: Documents,
  table: string,
  filter: UnitFilter,
): Promise<{ units: Unit[]; next?: string }> => {
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  const filters: string[] = [];
  let index: 'GSI1' | 'GSI2';
  let keyCondition: string;
  if (filter.parentCode) {
    index = 'GSI2';
    keyCondition = 'GSI2PK = :p';
    values[':p'] = unitChildrenPartition(filter.parentCode);
    if (filter.type) {
      names['#type'] = 'type';
      values[':type'] = filter.type;
      filters.push('#type = :type');
    }
  } else {
    index = 'GSI1';
    values[':p'] = allUnitsPartition();
    keyCondition = 'GSI1PK = :p';
    if (filter.type) {
      values[':prefix'] = `${filter.type}#`;
      keyCondition += ' AND begins_with(GSI1SK, :prefix)';
    }
  }
  if (filter.status) {
    names['#status'] = 'status';
    values[':status'] = filter.status;
    filters.push('#status = :status');
  }
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: keyCondition,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      Limit: filter.limit,
      ExclusiveStartKey: decodeCursor(filter.cursor, `${index}PK`, String(values[':p'])),
    }),
  );
  const next = encodeCursor(page.LastEvaluatedKey);
  return { units: (page.Items ?? []).map(unitFromItem), ...(next ? { next } : {}) };
};
