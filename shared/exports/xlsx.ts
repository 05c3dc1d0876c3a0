import { createRequire } from 'node:module';
import type { ExportSheet } from './sheets.ts';

/**
 * exceljs is CommonJS and requires Node built-ins (crypto, stream, zlib); in an ESM bundle esbuild turns those into
 * calls of a `require` that Lambda's ES modules lack. It is loaded on first use, after this gives it one.
 */
const loadExcelJs = async () => {
  const scope = globalThis as { require?: NodeJS.Require };
  scope.require ??= createRequire(import.meta.url);
  return (await import('exceljs')).default;
};

/**
 * Export sheets as an XLSX workbook (exceljs; only the XLSX export function bundles this module). Text is written as
 * string cells, so a suggestion starting with `=` stays the text it is and never becomes a formula; numbers as
 * numbers. The first row of each sheet is bold.
 */
export const toXlsx = async (sheets: readonly ExportSheet[], now: Date): Promise<Buffer> => {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'abdi';
  workbook.created = now;
  workbook.modified = now;
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    for (const row of sheet.rows) {
      const added = worksheet.addRow([]);
      row.forEach((cell, i) => {
        if (cell === null) return;
        // A string value is a string cell: exceljs makes formulas only from `{ formula }` objects.
        added.getCell(i + 1).value = cell;
      });
    }
    worksheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
