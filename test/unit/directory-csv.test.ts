import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, detectSeparator, parseRecords, readCsv } from '#shared/directory/csv';

describe('parseRecords', () => {
  it('splits plain fields on the separator and records on line breaks', () => {
    expect(parseRecords('a,b,c\n1,2,3\n', ',')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads CRLF, LF and lone CR line endings alike', () => {
    expect(parseRecords('a;b\r\n1;2\r3;4\n5;6', ';')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps separators, doubled quotes and line breaks inside quoted fields', () => {
    const text = 'kode;nama\r\n"KEC-01";"Kecamatan ""Alang-Alang; Lebar"", kota"\r\n"X";"baris satu\r\nbaris dua"\r\n';
    expect(parseRecords(text, ';')).toEqual([
      ['kode', 'nama'],
      ['KEC-01', 'Kecamatan "Alang-Alang; Lebar", kota'],
      ['X', 'baris satu\r\nbaris dua'],
    ]);
  });

  it('keeps empty fields, including a trailing one and an empty quoted one', () => {
    expect(parseRecords('a,,b,\n"",x,""', ',')).toEqual([
      ['a', '', 'b', ''],
      ['', 'x', ''],
    ]);
  });

  it('reads a last record without a final line break', () => {
    expect(parseRecords('a,b\n1,2', ',')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('treats a quote inside an unquoted field as text', () => {
    expect(parseRecords('5" disket,x', ',')).toEqual([['5" disket', 'x']]);
  });

  it('refuses an unclosed quote, naming the record where it starts', () => {
    expect(() => parseRecords('a,b\n1,2\n"3,4\n5,6\n', ',')).toThrow(CsvSyntaxError);
    try {
      parseRecords('a,b\n1,2\n"3,4\n5,6\n', ',');
    } catch (error) {
      expect((error as CsvSyntaxError).row).toBe(3);
    }
  });
});

describe('detectSeparator', () => {
  it('picks the semicolon of Indonesian Excel exports', () => {
    expect(detectSeparator('kode;nama;induk\nA;"B, C";D')).toBe(';');
  });

  it('picks the comma otherwise, ignoring separators inside quotes in the header', () => {
    expect(detectSeparator('kode,"nama; lengkap",induk')).toBe(',');
  });
});

describe('readCsv', () => {
  it('strips a UTF-8 BOM so the first header is read as written', () => {
    const table = readCsv('\uFEFFkode;nama\nA;B\n');
    expect(table.header).toEqual(['kode', 'nama']);
    expect(table.separator).toBe(';');
  });

  it('numbers records as spreadsheet rows (header = 1) and skips blank lines without renumbering', () => {
    const table = readCsv('kode,nama\nA,a\n,\n\nB,"b\nb"\nC,c\n,,,\n');
    expect(table.records.map((r) => [r.row, r.cells[0]])).toEqual([
      [2, 'A'],
      [5, 'B'],
      [6, 'C'],
    ]);
  });

  it('gives no records for a header alone', () => {
    expect(readCsv('kode,nama\r\n').records).toEqual([]);
  });
});
