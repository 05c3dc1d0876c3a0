import { surveyResponsesPartition } from '#shared/db/keys';
import { type Documents, getUnit, queryAll } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';
import type { Cell, ExportSheet } from '#shared/exports/sheets';
import { DEFAULT_INSTRUMENT, instrumentOf } from './instrument.ts';
import { type MonthKey, monthRange } from './periods.ts';
import { unitMonthReport } from './report.ts';
import { type ExportQuery, RESPONDENT_FIELDS, type SurveyReport } from './schemas.ts';

export { type Cell, type ExportSheet, looksLikeFormula, toCsv } from '#shared/exports/sheets';

/**
 * Exports of a unit's survey as rows of cells, written as CSV here and as XLSX in `xlsx.ts` (its own function, for
 * exceljs's size): the report of some months, or the raw responses (read from their per-unit, per-month index).
 *
 * Text a person wrote (a suggestion, a unit's name, a service) could start a formula in a spreadsheet: in CSV, text
 * starting with = + - @ (or a tab or carriage return, which some programs skip before reading one) gets a leading
 * apostrophe, which spreadsheets read as "this is text"; in XLSX every text is a string cell, never a formula.
 */

const dash = (value: number | null | undefined): Cell => (value === null || value === undefined ? null : value);

/** The report as rows: the figures, then one row per element (weakest first), services and respondents. */
export const reportSheets = (report: SurveyReport): ExportSheet[] => {
  const summary: Cell[][] = [
    ['Laporan Survei Kepuasan Masyarakat'],
    ['Unit', report.unit.code, report.unit.name],
    ['Jenis unit', report.unit.type],
    ['Bulan', report.months[0] ?? null, report.months.at(-1) ?? null],
    ...(report.period ? [['Periode', report.period] as Cell[]] : []),
    ['Instrumen', report.instrument.version, report.instrument.title],
    ['Jumlah responden', report.responses],
    ['Responden terverifikasi (tiket)', report.verified],
    ['Persentase terverifikasi', dash(report.verifiedShare)],
    ['Tanggapan dari alamat yang sangat sering mengirim', report.anomalies.busyClientResponses],
    ['IKM', dash(report.ikm)],
    ['Mutu pelayanan', report.mutu],
    ['Kinerja unit pelayanan', report.kinerja],
    ['Saran/pengaduan', report.suggestions],
    ...(report.sample
      ? [
          ['Populasi', report.sample.population] as Cell[],
          ['Sampel minimum (Krejcie & Morgan)', report.sample.minimum] as Cell[],
          ['Sampel cukup', report.sample.sufficient ? 'ya' : 'tidak'] as Cell[],
        ]
      : []),
    [],
    [
      'Unsur',
      'Nama unsur',
      'Jawaban',
      'Jumlah nilai',
      'NRR',
      'NRR x 25',
      'Mutu',
      'Nilai 1',
      'Nilai 2',
      'Nilai 3',
      'Nilai 4',
    ],
    ...report.elements.map((e): Cell[] => [
      e.key,
      e.name,
      e.answers,
      e.sum,
      dash(e.nrr),
      dash(e.index),
      e.mutu,
      e.distribution['1'] ?? 0,
      e.distribution['2'] ?? 0,
      e.distribution['3'] ?? 0,
      e.distribution['4'] ?? 0,
    ]),
    [],
    ['Bulan', 'Responden', 'IKM', 'Mutu'],
    ...report.byMonth.map((m): Cell[] => [m.month, m.responses, dash(m.ikm), m.mutu]),
    [],
    ['Jenis layanan', 'Responden'],
    ...report.services.map((s): Cell[] => [s.name, s.responses]),
    [],
    ['Data responden', 'Jawaban', 'Jumlah'],
    ...Object.entries(report.respondents).flatMap(([field, counts]) =>
      Object.entries(counts).map(([value, count]): Cell[] => [field, value, count]),
    ),
  ];
  return [{ name: 'Laporan', rows: summary }];
};

/** Header of the raw responses. */
export const responseHeader = (): string[] => [
  'ID tanggapan',
  'Diterima (UTC)',
  'Bulan (WIB)',
  'Instrumen',
  'Jenis layanan',
  ...DEFAULT_INSTRUMENT.elements.map((e) => e.key),
  ...RESPONDENT_FIELDS,
  'Terverifikasi',
  'Saran/pengaduan',
  'Status tindak lanjut',
  'Balasan unit',
];

/**
 * The raw responses of a unit in some months, oldest first, from the per-unit, per-month index (one Query per
 * month, all its pages). Not a report's way: exports only.
 */
export const responseSheets = async (
  client: Documents,
  table: string,
  unitCode: string,
  months: readonly MonthKey[],
): Promise<ExportSheet[]> => {
  const rows: Cell[][] = [responseHeader()];
  for (const month of months) {
    const items = await queryAll(client, {
      TableName: table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :p',
      ExpressionAttributeValues: { ':p': surveyResponsesPartition(unitCode, month) },
    });
    for (const item of items) {
      const instrument = instrumentOf(String(item.instrumentVersion)) ?? DEFAULT_INSTRUMENT;
      const answers = (item.answers ?? {}) as Record<string, number>;
      const respondent = (item.respondent ?? {}) as Record<string, string>;
      const hasSuggestion = typeof item.suggestion === 'string';
      rows.push([
        String(item.id),
        String(item.receivedAt),
        String(item.month),
        instrument.version,
        typeof item.service === 'string' ? item.service : null,
        ...DEFAULT_INSTRUMENT.elements.map((e) => dash(answers[e.key] === undefined ? null : Number(answers[e.key]))),
        ...RESPONDENT_FIELDS.map((f) => respondent[f] ?? null),
        item.verified === true ? 'ya' : 'tidak',
        hasSuggestion ? String(item.suggestion) : null,
        hasSuggestion ? String(item.followUpStatus ?? 'open') : null,
        typeof item.reply === 'string' ? item.reply : null,
      ]);
    }
  }
  return [{ name: 'Tanggapan', rows }];
};

/** A file name for an export: `skm-<unit>-<from>[_<to>]-<content>.<ext>`. */
export const exportFileName = (
  unitCode: string,
  months: readonly MonthKey[],
  content: 'report' | 'responses',
  extension: 'csv' | 'xlsx',
): string => {
  const range = months.length > 1 ? `${months[0]}_${months.at(-1)}` : (months[0] ?? '');
  return `skm-${unitCode.toLowerCase()}-${range}-${content === 'report' ? 'laporan' : 'tanggapan'}.${extension}`;
};

/**
 * What an export of a unit holds, as sheets, with its file name.
 * @throws NotFoundError for an unknown unit
 */
export const exportOf = async (
  client: Documents,
  table: string,
  unitCode: string,
  query: ExportQuery,
  extension: 'csv' | 'xlsx',
): Promise<{ sheets: ExportSheet[]; fileName: string }> => {
  const months = monthRange(query.from, query.to ?? query.from);
  const fileName = exportFileName(unitCode, months, query.content, extension);
  if (query.content === 'report') {
    return { sheets: reportSheets(await unitMonthReport(client, table, unitCode, months)), fileName };
  }
  if (!(await getUnit(client, table, unitCode, false))) throw new NotFoundError(`Unit ${unitCode} tidak ditemukan`);
  return { sheets: await responseSheets(client, table, unitCode, months), fileName };
};
