import { ulid } from 'ulid';
import { id as indonesianLocale } from 'zod/locales';
import { batchGetAll } from '#shared/db/batch';
import { personEmailKeys, personNipKeys } from '#shared/db/keys';
import { type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, type DomainFieldError, InvalidError, isDomainError } from '#shared/errors';
import * as z from '#shared/zod';
import { CsvSyntaxError, readCsv } from './csv.ts';
import {
  type Column,
  describeColumns,
  type ImportSummary,
  MAX_IMPORT_ROWS,
  PEOPLE_COLUMNS,
  UNIT_COLUMNS,
} from './import-format.ts';
import {
  getPeople,
  type NipKey,
  type ProtectedNip,
  personCreateItems,
  personReplaceItems,
  protectNip,
} from './people.ts';
import { PersonInput, type StoredPerson, type Unit, UnitInput } from './schemas.ts';
import { allUnits, type Documents, rootRuleErrors, touch, touchItems, type UnitTouch, unitUpdate } from './units.ts';

/**
 * CSV imports of units and people: all or nothing at validation, safe when written.
 *
 * Why it is safe although DynamoDB transactions hold at most 100 items and an import may hold thousands:
 * 1. Every row is validated before anything is written, against the file and the table: schema, duplicates within
 *    the file, parents in the file or the table and active, no cycles in the tree the import would produce. One bad
 *    row and nothing is written; the answer lists every bad row (row, column, message).
 * 2. Rows equal to what is stored are not written at all, so running a file twice writes nothing the second time.
 * 3. The rest is written in transactions of at most 100 items, parents before children. Each transaction holds a
 *    unit's write together with its parents' `activeChildren` counter changes and their "still active" conditions,
 *    so every committed transaction leaves a valid tree behind, whatever happens to the next one.
 * 4. Each write is an upsert conditioned on what validation read: absent for a new code (email for a person), the
 *    version read for an existing one. A concurrent change makes its transaction fail instead of being overwritten.
 * 5. If a transaction fails, the import stops and says how many rows were written; running the same file again
 *    completes it (rows already written now count as unchanged).
 * A file of at most 100 items to write is therefore atomic; a larger one is a sequence of valid states that a
 * re-run finishes. Residual race, accepted: a unit that is only referenced (not in the file) moved by another admin
 * during the import could form a cycle with a row; approver resolution guards against loops when reading.
 */

/** DynamoDB's limit of actions per transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** A bad row of an import: the spreadsheet row (the header is row 1), the column, what is wrong. */
export interface ImportRowError extends DomainFieldError {
  row: number;
  column: string;
}

const normalizeHeader = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

// Field messages in Bahasa Indonesia for checks the schemas do not word themselves.
const indonesian = indonesianLocale().localeError;

/** One data row, parsed: its fields, or why not. */
export interface ParsedRow<T> {
  row: number;
  /** The fields as read from the cells (before the schema), for cross-row checks of rows that failed it. */
  raw: Record<string, unknown>;
  value?: T;
}

/** The rows of a file read through its columns and schema, with every error found, and the fields the file has. */
export const readRows = <T>(
  text: string,
  columns: readonly Column[],
  schema: z.core.$ZodType<T>,
): { rows: ParsedRow<T>[]; errors: ImportRowError[]; fields: Set<string> } => {
  const errors: ImportRowError[] = [];
  const fileError = (message: string, row = 1, column = '') =>
    errors.push({ row, column, field: `${row}.${column}`, message });
  let table: ReturnType<typeof readCsv>;
  try {
    table = readCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    fileError(error.message, error.row);
    return { rows: [], errors, fields: new Set() };
  }
  const headers = table.header.map(normalizeHeader);
  const byHeader = new Map(columns.map((c) => [c.header, c]));
  headers.forEach((header, i) => {
    // Columns without a header (trailing separators of Excel exports) are ignored.
    if (header === '') return;
    if (!byHeader.has(header)) {
      fileError(`Kolom "${table.header[i]}" tidak dikenal; kolom yang dipakai: ${describeColumns(columns)}`, 1, header);
    } else if (headers.indexOf(header) !== i) fileError(`Kolom "${header}" muncul lebih dari sekali`, 1, header);
  });
  for (const column of columns) {
    if (column.required && !headers.includes(column.header)) fileError(`Kolom wajib "${column.header}" tidak ada`);
  }
  if (errors.length) return { rows: [], errors, fields: new Set() };
  if (table.records.length === 0) fileError('Berkas tidak berisi baris data');
  if (table.records.length > MAX_IMPORT_ROWS) {
    fileError(`Berkas berisi ${table.records.length} baris data; paling banyak ${MAX_IMPORT_ROWS} per impor`);
  }
  if (errors.length) return { rows: [], errors, fields: new Set() };

  const fieldToHeader = new Map(columns.map((c) => [c.field, c.header]));
  const rows = table.records.map(({ row, cells }): ParsedRow<T> => {
    const raw: Record<string, unknown> = {};
    if (cells.length > headers.length && cells.slice(headers.length).some((c) => c.trim() !== '')) {
      fileError(
        'Baris ini memiliki lebih banyak kolom daripada kepala tabel (pemisah di dalam isian tanpa tanda kutip?)',
        row,
      );
    }
    headers.forEach((header, i) => {
      const column = byHeader.get(header);
      const cell = cells[i] ?? '';
      if (!column || cell.trim() === '') return;
      raw[column.field] = column.read ? column.read(cell) : cell.trim();
    });
    const parsed = z.safeParse(schema, raw, { error: indonesian });
    if (parsed.success) return { row, raw, value: parsed.data };
    for (const issue of parsed.error.issues) {
      const column = fieldToHeader.get(String(issue.path[0] ?? '')) ?? '';
      errors.push({ row, column, field: `${row}.${column}`, message: issue.message });
    }
    return { row, raw };
  });
  const fields = new Set(headers.map((h) => byHeader.get(h)?.field).filter((f): f is string => !!f));
  return { rows, errors, fields };
};

const rowError = (row: number, column: string, message: string): ImportRowError => ({
  row,
  column,
  field: `${row}.${column}`,
  message,
});

/** One field of a row: from its parsed value, or, when the row failed the schema, from its cell alone. */
const fieldOf = <S extends z.ZodMiniObject, K extends keyof S['shape'] & string>(
  parsed: ParsedRow<z.output<S>>,
  schema: S,
  field: K,
): z.output<S>[K] | undefined => {
  if (parsed.value) return parsed.value[field];
  const cell = parsed.raw[field];
  return cell === undefined
    ? undefined
    : (z.safeParse(schema.shape[field] as z.core.$ZodType, cell).data as z.output<S>[K]);
};

const rejected = (errors: ImportRowError[]) => {
  const rows = new Set(errors.map((e) => e.row)).size;
  return new InvalidError(
    `${rows} baris bermasalah; tidak ada data yang ditulis. Perbaiki lalu impor ulang berkasnya.`,
    {
      errors: errors.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column)),
    },
  );
};

/** One unit the import writes: the row, the unit as it will be stored, and what it was before (if anything). */
export interface UnitWrite {
  row: number;
  unit: Unit;
  before?: Unit;
}

/** A validated unit import: what to write (parents first) and what stays as it is. */
export interface UnitImportPlan {
  writes: UnitWrite[];
  unchanged: { row: number; code: string }[];
  rows: number;
}

const sameUnit = (a: Unit, b: Unit) =>
  a.name === b.name &&
  a.type === b.type &&
  a.parentCode === b.parentCode &&
  a.sector === b.sector &&
  a.headEmail === b.headEmail &&
  JSON.stringify(a.services) === JSON.stringify(b.services);

/**
 * Validates a units file against the stored units and plans its writes; pure, so it is unit-tested without a table.
 * Columns absent from the file leave stored values as they are; an empty cell clears an optional field.
 * @throws InvalidError listing every bad row; nothing may then be written
 */
export const planUnitImport = (text: string, stored: readonly Unit[], now: Date): UnitImportPlan => {
  const { rows, errors, fields } = readRows(text, UNIT_COLUMNS, UnitInput);
  if (rows.length === 0) throw rejected(errors);
  const existing = new Map(stored.map((u) => [u.code, u]));

  // Codes the file defines (also from rows that failed the schema, so their children are not reported too).
  const firstRowOf = new Map<string, number>();
  const codeOf = (row: ParsedRow<UnitInput>) =>
    row.value?.code ??
    (typeof row.raw.code === 'string' ? UnitInput.shape.code.safeParse(row.raw.code).data : undefined);
  for (const row of rows) {
    const code = codeOf(row);
    if (!code) continue;
    const first = firstRowOf.get(code);
    if (first === undefined) firstRowOf.set(code, row.row);
    else errors.push(rowError(row.row, 'kode', `Kode ${code} sudah dipakai pada baris ${first}`));
  }
  const valid = rows.filter(
    (r): r is ParsedRow<UnitInput> & { value: UnitInput } => !!r.value && firstRowOf.get(r.value.code) === r.row,
  );

  // The units as the import would leave them.
  const at = now.toISOString();
  const next = new Map<string, Unit>(existing);
  for (const { value } of valid) {
    const before = existing.get(value.code);
    const kept = (field: keyof UnitInput) => (fields.has(field) ? value[field] : before?.[field]);
    next.set(value.code, {
      code: value.code,
      name: value.name,
      type: value.type,
      parentCode: value.parentCode,
      sector: kept('sector') as string | undefined,
      services: (kept('services') as string[] | undefined) ?? [],
      headEmail: kept('headEmail') as string | undefined,
      status: before?.status ?? 'active',
      activeChildren: before?.activeChildren ?? 0,
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? at,
      updatedAt: at,
    });
  }

  for (const { row, value } of valid) {
    const unit = next.get(value.code)!;
    for (const e of rootRuleErrors(unit)) errors.push(rowError(row, 'induk', e.message));
    if (!unit.parentCode || unit.parentCode === unit.code) continue;
    const parent = next.get(unit.parentCode);
    if (!parent && !firstRowOf.has(unit.parentCode)) {
      errors.push(rowError(row, 'induk', `Unit induk ${unit.parentCode} tidak ada di berkas maupun di direktori`));
    } else if (parent?.status === 'archived') {
      errors.push(rowError(row, 'induk', `Unit induk ${unit.parentCode} sudah diarsipkan`));
    }
  }

  // Cycles: only rows can form one (the stored tree has none), so following parents from each row finds them all.
  const depth = new Map<string, number>();
  for (const { row, value } of valid) {
    const path = [value.code];
    let code = next.get(value.code)?.parentCode;
    while (code !== undefined && !path.includes(code) && path.length <= next.size) {
      path.push(code);
      code = next.get(code)?.parentCode;
    }
    if (code === value.code) {
      errors.push(rowError(row, 'induk', `Membentuk siklus: ${[...path, code].join(' → ')}`));
    }
    depth.set(value.code, path.length);
  }
  if (errors.length) throw rejected(errors);

  const writes: UnitWrite[] = [];
  const unchanged: UnitImportPlan['unchanged'] = [];
  for (const { row, value } of valid) {
    const unit = next.get(value.code)!;
    const before = existing.get(value.code);
    if (before && sameUnit(before, unit)) unchanged.push({ row, code: unit.code });
    else writes.push({ row, unit, ...(before ? { before } : {}) });
  }
  // Parents before children: a child's transaction then finds its parent written (and active).
  writes.sort((a, b) => depth.get(a.unit.code)! - depth.get(b.unit.code)! || a.row - b.row);
  return { writes, unchanged, rows: rows.length };
};

/**
 * Groups the writes into transactions of at most 100 items, in order. Each holds its units' writes and the counter
 * changes of their old and new parents (merged into a parent's own write when it is in the same transaction).
 */
export const unitTransactions = (table: string, writes: readonly UnitWrite[]): TransactionItem[][] => {
  const transactions: TransactionItem[][] = [];
  let batch: UnitWrite[] = [];
  let touches = new Map<string, UnitTouch>();
  const size = (b: UnitWrite[], t: Map<string, UnitTouch>) =>
    b.length + [...t.keys()].filter((code) => !b.some((w) => w.unit.code === code)).length;
  const close = () => {
    if (batch.length === 0) return;
    const inBatch = new Set(batch.map((w) => w.unit.code));
    const items: TransactionItem[] = batch.map(({ row, unit, before }) => ({
      label: `row ${row}`,
      update: unitUpdate(
        table,
        unit,
        before ? { version: before.version } : { create: true },
        touches.get(unit.code)?.delta ?? 0,
      ),
      onConditionFailed: () => new ConflictError(`Unit ${unit.code} diubah orang lain selama impor berjalan`),
    }));
    const others = new Map([...touches].filter(([code]) => !inBatch.has(code)));
    items.push(
      ...touchItems(
        table,
        others,
        (code) => new ConflictError(`Unit induk ${code} diubah atau diarsipkan selama impor`),
      ),
    );
    transactions.push(items);
    batch = [];
    touches = new Map();
  };
  for (const write of writes) {
    const { unit, before } = write;
    const change = new Map<string, UnitTouch>();
    const wasCounted = before?.status === 'active' ? before.parentCode : undefined;
    const counted = unit.status === 'active' ? unit.parentCode : undefined;
    if (wasCounted !== counted) {
      if (wasCounted) touch(change, wasCounted, { delta: -1 });
      if (counted) touch(change, counted, { delta: 1 });
    }
    if (counted) touch(change, counted, { requireActive: true });
    const merged = new Map(touches);
    for (const [code, t] of change) touch(merged, code, t);
    if (size([...batch, write], merged) > MAX_TRANSACTION_ITEMS) {
      close();
      for (const [code, t] of change) touch(touches, code, t);
    } else {
      touches = merged;
    }
    batch.push(write);
  }
  close();
  return transactions;
};

/** Runs the transactions in order; on a failure, says how much was written and how to finish. */
const writeInOrder = async (
  client: Documents,
  transactions: TransactionItem[][],
  rowsIn: readonly number[],
): Promise<void> => {
  let written = 0;
  for (const [index, items] of transactions.entries()) {
    try {
      await transact(client, items);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      throw new ConflictError(
        `Impor terhenti: ${error.message}. ${written} baris sudah ditulis sebelumnya dan tetap tersimpan; ` +
          'jalankan ulang berkas yang sama untuk menyelesaikannya (baris yang sudah ditulis akan tercatat tidak berubah).',
        { cause: error },
      );
    }
    written += rowsIn[index] ?? 0;
  }
};

const summaryOf = (
  rows: number,
  written: { row: number; key: string; created: boolean }[],
  unchanged: { row: number; key: string }[],
  transactions: number,
): ImportSummary => {
  const results = [
    ...written.map((w) => ({
      row: w.row,
      key: w.key,
      result: w.created ? ('created' as const) : ('updated' as const),
    })),
    ...unchanged.map((u) => ({ row: u.row, key: u.key, result: 'unchanged' as const })),
  ].sort((a, b) => a.row - b.row);
  return {
    rows,
    created: written.filter((w) => w.created).length,
    updated: written.filter((w) => !w.created).length,
    unchanged: unchanged.length,
    transactions,
    results,
  };
};

/** Imports a units file (see the module comment for why it is safe). @throws InvalidError listing every bad row */
export const importUnits = async (
  client: Documents,
  table: string,
  text: string,
  now: Date,
): Promise<ImportSummary> => {
  const plan = planUnitImport(text, await allUnits(client, table), now);
  const transactions = unitTransactions(table, plan.writes);
  await writeInOrder(
    client,
    transactions,
    transactions.map((items) => items.filter((item) => item.label?.startsWith('row ')).length),
  );
  return summaryOf(
    plan.rows,
    plan.writes.map((w) => ({ row: w.row, key: w.unit.code, created: !w.before })),
    plan.unchanged.map((u) => ({ row: u.row, key: u.code })),
    transactions.length,
  );
};

/** One person the import writes. */
export interface PersonWrite {
  row: number;
  person: StoredPerson;
  before?: StoredPerson;
}

/** A validated people import. */
export interface PeopleImportPlan {
  writes: PersonWrite[];
  unchanged: { row: number; id: string }[];
  rows: number;
}

const samePerson = (a: StoredPerson, b: StoredPerson) =>
  a.name === b.name &&
  a.phone === b.phone &&
  a.employeeType === b.employeeType &&
  a.unitCode === b.unitCode &&
  a.nipHash === b.nipHash;

/** What a people import is validated against. */
export interface PeopleImportContext {
  /** People already in the directory, by (lower-cased) email. */
  known: ReadonlyMap<string, StoredPerson>;
  /** Status of each unit code the file names (absent: no such unit). */
  units: ReadonlyMap<string, Unit['status']>;
  /** Who holds each NIP hash the file yields. */
  nipOwners: ReadonlyMap<string, string>;
  /** The HMAC and masked form of a NIP; required when the file has NIPs. */
  protect?: (nip: string) => ProtectedNip;
}

/**
 * Validates a people file and plans its writes; pure. People are matched by email (lower-cased): a known email
 * updates that person, a new one creates a person. Columns absent from the file leave stored values as they are;
 * an empty `nip` cell removes the NIP. Messages never repeat a NIP.
 * @throws InvalidError listing every bad row
 */
export const planPeopleImport = (text: string, context: PeopleImportContext, now: Date): PeopleImportPlan => {
  const { known, units, nipOwners, protect } = context;
  const { rows, errors, fields } = readRows(text, PEOPLE_COLUMNS, PersonInput);
  if (rows.length === 0) throw rejected(errors);
  const protectOnce = (nip: string) => {
    if (!protect) throw new Error('the file has NIPs but no NIP HMAC key was given');
    return protect(nip);
  };
  const firstRowOf = new Map<string, number>();
  const firstRowOfNip = new Map<string, number>();
  // Cross-row checks also read rows that failed the schema, so that one row reports all that is wrong with it.
  for (const parsed of rows) {
    const { row } = parsed;
    const email = fieldOf(parsed, PersonInput, 'email');
    const unitCode = fieldOf(parsed, PersonInput, 'unitCode');
    const nip = fieldOf(parsed, PersonInput, 'nip');
    if (email) {
      const first = firstRowOf.get(email);
      if (first === undefined) firstRowOf.set(email, row);
      else errors.push(rowError(row, 'email', `Email ${email} sudah dipakai pada baris ${first}`));
    }
    if (unitCode && units.get(unitCode) !== 'active') {
      errors.push(
        rowError(
          row,
          'unit',
          units.has(unitCode) ? `Unit ${unitCode} sudah diarsipkan` : `Unit ${unitCode} tidak ditemukan di direktori`,
        ),
      );
    }
    if (nip) {
      const { nipHash } = protectOnce(nip);
      const first = firstRowOfNip.get(nipHash);
      const owner = nipOwners.get(nipHash);
      if (first !== undefined) errors.push(rowError(row, 'nip', `NIP ini sudah dipakai pada baris ${first}`));
      else firstRowOfNip.set(nipHash, row);
      if (owner !== undefined && owner !== (email ? known.get(email)?.id : undefined)) {
        errors.push(rowError(row, 'nip', 'NIP ini sudah terdaftar untuk orang lain di direktori'));
      }
    }
  }
  if (errors.length) throw rejected(errors);

  const at = now.toISOString();
  const writes: PersonWrite[] = [];
  const unchanged: PeopleImportPlan['unchanged'] = [];
  for (const { row, value } of rows as (ParsedRow<PersonInput> & { value: PersonInput })[]) {
    const before = known.get(value.email);
    const kept = <K extends 'phone' | 'unitCode'>(field: K) => (fields.has(field) ? value[field] : before?.[field]);
    const nip = fields.has('nip')
      ? value.nip
        ? protectOnce(value.nip)
        : { nipHash: undefined, nipMasked: undefined }
      : { nipHash: before?.nipHash, nipMasked: before?.nipMasked };
    const person: StoredPerson = {
      id: before?.id ?? ulid(now.getTime()),
      name: value.name,
      email: value.email,
      phone: kept('phone'),
      employeeType: value.employeeType,
      ...nip,
      unitCode: kept('unitCode'),
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? at,
      updatedAt: at,
    };
    if (before && samePerson(before, person)) unchanged.push({ row, id: before.id });
    else writes.push({ row, person, ...(before ? { before } : {}) });
  }
  return { writes, unchanged, rows: rows.length };
};

/**
 * Transactions of at most 100 items, a person's items always together: a new person is the person, the email claim
 * and a NIP claim; a change is the person, plus the NIP claims when the NIP changes.
 */
export const peopleTransactions = (table: string, writes: readonly PersonWrite[]): TransactionItem[][] => {
  const transactions: TransactionItem[][] = [];
  let items: TransactionItem[] = [];
  for (const { person, before } of writes) {
    const add = before ? personReplaceItems(table, before, person) : personCreateItems(table, person);
    if (items.length + add.length > MAX_TRANSACTION_ITEMS) {
      transactions.push(items);
      items = [];
    }
    items.push(...add);
  }
  if (items.length) transactions.push(items);
  return transactions;
};

/** Who holds each of these NIP hashes (consistent reads of the NIP claims). */
const nipOwnersOf = async (client: Documents, table: string, hashes: string[]): Promise<Map<string, string>> => {
  const owners = new Map<string, string>();
  for (const item of await batchGetAll(client, table, hashes.map(personNipKeys))) {
    owners.set(String(item.PK).slice('PERSON_NIP#'.length), String(item.personId));
  }
  return owners;
};

/** The people already in the directory with these emails (consistent reads of the email claims, then the people). */
const peopleByEmail = async (
  client: Documents,
  table: string,
  emails: string[],
): Promise<Map<string, StoredPerson>> => {
  const claims = await batchGetAll(client, table, emails.map(personEmailKeys));
  const people = await getPeople(
    client,
    table,
    claims.map((claim) => String(claim.personId)),
  );
  return new Map([...people.values()].map((p) => [p.email, p]));
};

/**
 * Imports a people file (same safety argument as units). @throws InvalidError listing every bad row
 * @param nipKey the NIP HMAC key, read only when the file has NIPs
 */
export const importPeople = async (
  client: Documents,
  table: string,
  text: string,
  now: Date,
  nipKey?: NipKey,
): Promise<ImportSummary> => {
  // A first pass for what the file names (emails, units, NIPs), so the table is read for those only.
  const { rows } = readRows(text, PEOPLE_COLUMNS, PersonInput);
  const emails = [...new Set(rows.flatMap((r) => fieldOf(r, PersonInput, 'email') ?? []))];
  const unitCodes = new Set(rows.flatMap((r) => fieldOf(r, PersonInput, 'unitCode') ?? []));
  const nips = rows.flatMap((r) => fieldOf(r, PersonInput, 'nip') ?? []);
  const key = nips.length > 0 && nipKey ? await nipKey() : undefined;
  const protect = key === undefined ? undefined : (nip: string) => protectNip(key, nip);
  const units = new Map(
    (await allUnits(client, table)).filter((u) => unitCodes.has(u.code)).map((u) => [u.code, u.status]),
  );
  const known = await peopleByEmail(client, table, emails);
  const nipOwners = protect
    ? await nipOwnersOf(
        client,
        table,
        nips.map((nip) => protect(nip).nipHash),
      )
    : new Map();
  const plan = planPeopleImport(text, { known, units, nipOwners, ...(protect ? { protect } : {}) }, now);
  const transactions = peopleTransactions(table, plan.writes);
  await writeInOrder(
    client,
    transactions,
    transactions.map((items) => items.filter((item) => item.label === 'person').length),
  );
  return summaryOf(
    plan.rows,
    plan.writes.map((w) => ({ row: w.row, key: w.person.id, created: !w.before })),
    plan.unchanged.map((u) => ({ row: u.row, key: u.id })),
    transactions.length,
  );
};
