/**
 * A small RFC 4180 reader for the directory imports. Spreadsheets exported by Indonesian Excel use `;` (the comma is
 * the decimal separator there), others `,`; both may start with a UTF-8 BOM and end lines with CRLF. Fields may be
 * quoted, and a quoted field may hold separators, doubled quotes and line breaks (Alt+Enter in a cell).
 */

/** A parsed file: the header's cells and the records after it, each with its spreadsheet row number. */
export interface CsvTable {
  separator: ',' | ';';
  header: string[];
  /** Data records; `row` is the spreadsheet row (the header is row 1), which is what an admin sees in Excel. */
  records: { row: number; cells: string[] }[];
}

/** A file that cannot be read as CSV at all (an unclosed quote); `row` is where the bad record starts. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly row: number,
  ) {
    super(message);
  }
}

/**
 * Guesses the separator from the header line: the one of `;` and `,` that occurs more often outside quotes.
 * A header of one column has neither; `,` is then as good as any.
 */
export const detectSeparator = (text: string): ',' | ';' => {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
};

/** Splits text into records of raw cells. Line breaks are CRLF, LF or a lone CR (old Mac Excel). */
export const parseRecords = (text: string, separator: ',' | ';'): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  // A quote opens a quoted field only at the start of a cell; elsewhere it is kept as text (lenient, as Excel is).
  let cellStart = true;
  // Whether anything of the current record was read (a last line of just `""` is still a record).
  let started = false;
  const endCell = () => {
    record.push(cell);
    cell = '';
    cellStart = true;
  };
  const endRecord = () => {
    endCell();
    records.push(record);
    record = [];
    started = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    started = true;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += char;
      }
      continue;
    }
    if (char === '"' && cellStart) {
      quoted = true;
      cellStart = false;
    } else if (char === separator) {
      endCell();
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      cell += char;
      cellStart = false;
    }
  }
  // Records are spreadsheet rows, so the row of the bad record is its 1-based index.
  if (quoted) throw new CsvSyntaxError('Tanda kutip (") tidak ditutup', records.length + 1);
  // The last record, unless the text ended with a line break.
  if (started) endRecord();
  return records;
};

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === '');

/**
 * Reads a CSV file: strips a UTF-8 BOM, detects the separator, takes the first record as the header, and skips
 * blank records (Excel exports trailing `;;;` lines). Cells are returned untrimmed; the schema decides.
 */
export const readCsv = (text: string): CsvTable => {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const separator = detectSeparator(body);
  const all = parseRecords(body, separator);
  const [header = [], ...rest] = all;
  const records = rest.map((cells, index) => ({ row: index + 2, cells })).filter((r) => !isBlank(r.cells));
  return { separator, header, records };
};
