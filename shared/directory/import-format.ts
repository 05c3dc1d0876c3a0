import * as z from '#shared/zod';

/**
 * The shape of the directory's CSV imports: their columns (header names in Bahasa Indonesia) and their summary.
 * Apart from the import code so that the route contracts (and the OpenAPI function) stay free of table access.
 */

/** Most data rows in one file: validation and writing must fit the function's time. */
export const MAX_IMPORT_ROWS = 2000;

/** What an import did, row by row. */
export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Transactions written. */
  transactions: number;
  results: { row: number; key: string; result: 'created' | 'updated' | 'unchanged' }[];
}

export const ImportSummarySchema = z
  .object({
    rows: z.int(),
    created: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    transactions: z.int(),
    results: z.array(
      z.object({
        row: z.int(),
        key: z.string().check(z.meta({ description: 'Unit code, or the id of the person' })),
        result: z.enum(['created', 'updated', 'unchanged']),
      }),
    ),
  })
  .check(z.meta({ id: 'ImportSummary' }));

/** A column of an import file: its header name (Bahasa Indonesia) and the field it fills. */
export interface Column {
  header: string;
  field: string;
  required: boolean;
  /** How a cell becomes the field's value. @default the trimmed text; empty is absent */
  read?: (cell: string) => unknown;
}

const servicesCell = (cell: string) =>
  cell
    .split(/[|\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Columns of the units file. */
export const UNIT_COLUMNS: readonly Column[] = [
  { header: 'kode', field: 'code', required: true },
  { header: 'nama', field: 'name', required: true },
  { header: 'jenis', field: 'type', required: true, read: (cell) => cell.trim().toLowerCase() },
  { header: 'induk', field: 'parentCode', required: true },
  { header: 'sektor', field: 'sector', required: false },
  { header: 'layanan', field: 'services', required: false, read: servicesCell },
  { header: 'email_kepala', field: 'headEmail', required: false },
];

/** Columns of the people file. */
export const PEOPLE_COLUMNS: readonly Column[] = [
  { header: 'nama', field: 'name', required: true },
  { header: 'email', field: 'email', required: true },
  { header: 'telepon', field: 'phone', required: false },
  { header: 'jenis_pegawai', field: 'employeeType', required: true, read: (cell) => cell.trim().toUpperCase() },
  { header: 'nip', field: 'nip', required: false },
  { header: 'unit', field: 'unitCode', required: false },
];

export const describeColumns = (columns: readonly Column[]) =>
  columns.map((c) => `\`${c.header}\`${c.required ? ' (wajib)' : ''}`).join(', ');

/** For the contract summaries: the header each file needs. */
export const UNIT_COLUMNS_DOC = describeColumns(UNIT_COLUMNS);
export const PEOPLE_COLUMNS_DOC = describeColumns(PEOPLE_COLUMNS);
