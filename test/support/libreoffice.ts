import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A workbook as LibreOffice Calc reads it (headless, as an office's spreadsheet program would): its first sheet
 * converted to CSV lines. LibreOffice evaluates formulas, so a formula that slipped into an export shows its result.
 */
export const xlsxToCsvLines = (workbook: Buffer): string[] => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xlsx-'));
  writeFileSync(path.join(dir, 'book.xlsx'), workbook);
  execFileSync('soffice', ['--headless', '--convert-to', 'csv', '--outdir', dir, path.join(dir, 'book.xlsx')], {
    stdio: 'ignore',
    // Its own profile per run: parallel conversions must not share one.
    env: { ...process.env, HOME: dir },
    timeout: 60_000,
  });
  return readFileSync(path.join(dir, 'book.csv'), 'utf8').trim().split(/\r?\n/);
};
