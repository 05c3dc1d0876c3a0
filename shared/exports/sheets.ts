/**
 * Exports as rows of cells, written as CSV here and as XLSX in `xlsx.ts` (exceljs, loaded only by the functions that
 * export XLSX). Text a person wrote could start a formula in a spreadsheet: in CSV, text starting with = + - @ (or a
 * tab or carriage return, which some programs skip before reading one) gets a leading apostrophe, which spreadsheets
 * read as "this is text"; in XLSX every text is a string cell, never a formula.
 */

/** A cell: text, a number, or empty. */
export type Cell = string | number | null;

/** A sheet of rows; the first row of a table is its header. */
export interface ExportSheet {
  name: string;
  rows: Cell[][];
}

/** Text a spreadsheet could read as a formula (or skip to one). */
export const looksLikeFormula = (text: string): boolean => /^[=+\-@\t\r]/.test(text);

const csvField = (cell: Cell): string => {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = looksLikeFormula(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Sheets as one CSV (RFC 4180: CRLF lines, fields quoted when needed), sheets separated by an empty line, with a
 * UTF-8 byte order mark so spreadsheets read Indonesian text right. Formula-like text is neutralized (see above).
 */
export const toCsv = (sheets: readonly ExportSheet[]): string =>
  `\uFEFF${sheets.map((sheet) => sheet.rows.map((row) => row.map(csvField).join(',')).join('\r\n')).join('\r\n\r\n')}\r\n`;
