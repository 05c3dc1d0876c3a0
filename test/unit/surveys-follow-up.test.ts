import { describe, expect, it } from 'vitest';
import { type Aggregate, emptyAggregate } from '#shared/surveys/aggregates';
import { alertReasons } from '#shared/surveys/alerts';
import { type ExportSheet, looksLikeFormula, toCsv } from '#shared/surveys/exports';
import { DEFAULT_INSTRUMENT } from '#shared/surveys/instrument';
import { periodRange } from '#shared/surveys/periods';
import { shareOf } from '#shared/surveys/report';
import { ExportQuery, FollowUpInput, TicketCode, TrendQuery } from '#shared/surveys/schemas';
import { newTicketCode, normalizeTicketCode, printedTicketCode, TICKET_ALPHABET } from '#shared/surveys/tickets';

const instrument = DEFAULT_INSTRUMENT;

/** An aggregate of `n` responses where every element has the given sum (and the distribution is not read). */
const aggregateOf = (n: number, sums: Record<string, number>): Aggregate => {
  const aggregate = emptyAggregate(instrument);
  aggregate.responses = n;
  for (const element of instrument.elements) {
    aggregate.elements[element.key] = { count: n, sum: sums[element.key] ?? 3 * n, distribution: [0, 0, 0, 0] };
  }
  return aggregate;
};

describe('ticket codes', () => {
  it('are ten symbols of an alphabet without look-alikes, printed as two groups of five', () => {
    const bytes = Uint8Array.from([0, 1, 8, 9, 14, 24, 31, 32, 255, 63]);
    const code = newTicketCode(() => bytes);
    // Each byte keeps its low 5 bits: 0 A, 1 B, 8 J (no I), 9 K, 14 Q (no O), 24 2 (no 0 or 1), 31 9, 32 A, 255 9, 63 9.
    expect(code).toBe('ABJKQ29A99');
    expect(printedTicketCode(code)).toBe('ABJKQ-29A99');
    expect(TICKET_ALPHABET).not.toMatch(/[IO01]/);
    expect(new Set(TICKET_ALPHABET).size).toBe(32);
  });

  it('are read as people type them: any case, with or without the hyphen or spaces', () => {
    for (const typed of ['abjkq-29a99', ' ABJKQ 29A99 ', 'AbJkQ29a99']) {
      expect(TicketCode.safeParse(typed).success, typed).toBe(true);
      expect(normalizeTicketCode(typed.trim())).toBe('ABJKQ29A99');
    }
    for (const typed of ['ABJKQ-29A9', 'ABJKO-29A99', 'ABJKQ--29A99', 'ABJKQ-29A991']) {
      expect(TicketCode.safeParse(typed).success, typed).toBe(false);
    }
  });
});

describe('the verified share', () => {
  it('is a percentage rounded half up from the exact fraction', () => {
    expect(shareOf(1, 2)).toBe(50);
    // 1/3 = 33.333…% -> 33.33; 2/3 = 66.666…% -> 66.67; 1/8 = 12.5% exactly.
    expect(shareOf(1, 3)).toBe(33.33);
    expect(shareOf(2, 3)).toBe(66.67);
    expect(shareOf(1, 8)).toBe(12.5);
    // 1/1600 = 0.0625 % -> 0.06; 3/1600 = 0.1875 % -> 0.19.
    expect(shareOf(1, 1600)).toBe(0.06);
    expect(shareOf(3, 1600)).toBe(0.19);
    expect(shareOf(0, 0)).toBeNull();
  });
});

describe('the low-score alert', () => {
  it('speaks only from the minimum number of responses on', () => {
    expect(
      alertReasons(instrument, aggregateOf(29, Object.fromEntries(instrument.elements.map((e) => [e.key, 29]))), 30),
    ).toEqual([]);
    expect(
      alertReasons(instrument, aggregateOf(30, Object.fromEntries(instrument.elements.map((e) => [e.key, 30]))), 30),
    ).toContain('IKM 25.00 (mutu D, Tidak baik) di bawah mutu B');
  });

  it('alerts below grade B (76.61) and is quiet at it', () => {
    // IKM = 25 × total / (9 × n). n = 100: total 2757 -> 76.583… -> 76.58 (C); total 2758 -> 76.611… -> 76.61 (B).
    const withTotal = (total: number) => {
      const sums: Record<string, number> = {};
      let left = total;
      instrument.elements.forEach((e, i) => {
        sums[e.key] = i < 8 ? Math.floor(total / 9) : left;
        left -= sums[e.key]!;
      });
      return aggregateOf(100, sums);
    };
    expect(alertReasons(instrument, withTotal(2757), 30)).toEqual(['IKM 76.58 (mutu C, Kurang baik) di bawah mutu B']);
    expect(alertReasons(instrument, withTotal(2758), 30)).toEqual([]);
  });

  it('alerts on an element whose exact NRR is below 2.60, not at it', () => {
    // 259/100 = 2.59 < 2.60; 260/100 = 2.60 is not below. The other elements score 4, so the IKM stays high.
    const high = Object.fromEntries(instrument.elements.map((e) => [e.key, 400]));
    expect(alertReasons(instrument, aggregateOf(100, { ...high, waktu: 259 }), 30)).toEqual([
      'Unsur Waktu penyelesaian: NRR 2.590 di bawah 2,60',
    ]);
    expect(alertReasons(instrument, aggregateOf(100, { ...high, waktu: 260 }), 30)).toEqual([]);
  });
});

describe('CSV exports', () => {
  const sheet = (rows: ExportSheet['rows']): ExportSheet[] => [{ name: 'x', rows }];

  it('prefix text that a spreadsheet would read as a formula with an apostrophe', () => {
    for (const text of ['=1+1', '+62811', '-2', '@SUM(A1)', '\t=1', '\r=1'])
      expect(looksLikeFormula(text), text).toBe(true);
    for (const text of ['1+1', 'a=b', ' =1', '']) expect(looksLikeFormula(text), text).toBe(false);
    expect(toCsv(sheet([['=1+1', '+62', '@x', '-3', 'ok']]))).toBe("\uFEFF'=1+1,'+62,'@x,'-3,ok\r\n");
  });

  it('write numbers as numbers, quote fields with commas, quotes or line breaks, and leave empty cells empty', () => {
    expect(toCsv(sheet([[-3, 75.5, null, 'a,b', 'kata "baik"', 'dua\nbaris', '=x,y']]))).toBe(
      '\uFEFF-3,75.5,,"a,b","kata ""baik""","dua\nbaris","\'=x,y"\r\n',
    );
  });

  it('separate sheets by an empty line', () => {
    expect(
      toCsv([
        { name: 'a', rows: [['1']] },
        { name: 'b', rows: [['2']] },
      ]),
    ).toBe('\uFEFF1\r\n\r\n2\r\n');
  });
});

describe('queries of the follow-up routes', () => {
  it('take trends of one kind of period, in order, over at most 36 months', () => {
    expect(TrendQuery.safeParse({ from: '2024-01', to: '2026-12' }).success).toBe(true);
    expect(TrendQuery.safeParse({ from: '2024-01', to: '2027-01' }).success).toBe(false);
    expect(TrendQuery.safeParse({ from: '2024', to: '2026' }).success).toBe(true);
    expect(TrendQuery.safeParse({ from: '2024', to: '2027' }).success).toBe(false);
    expect(TrendQuery.safeParse({ from: '2026-Q2', to: '2026-Q1' }).success).toBe(false);
    expect(TrendQuery.safeParse({ from: '2026-S1', to: '2026-Q4' }).success).toBe(false);
  });

  it('list the periods of a trend', () => {
    expect(periodRange('2025-Q4', '2026-Q2')).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(periodRange('2025-S2', '2026-S1')).toEqual(['2025-S2', '2026-S1']);
    expect(periodRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodRange('2025', '2025')).toEqual(['2025']);
  });

  it('take exports of 1 to 12 months', () => {
    expect(ExportQuery.parse({ from: '2026-01' })).toEqual({ from: '2026-01', content: 'report' });
    expect(ExportQuery.safeParse({ from: '2026-01', to: '2026-12', content: 'responses' }).success).toBe(true);
    expect(ExportQuery.safeParse({ from: '2026-01', to: '2027-01' }).success).toBe(false);
  });

  it('need a reply to answer a suggestion, not to close it', () => {
    expect(FollowUpInput.safeParse({ status: 'closed' }).success).toBe(true);
    expect(FollowUpInput.safeParse({ status: 'answered', reply: '  ' }).success).toBe(false);
    expect(FollowUpInput.safeParse({ status: 'open' }).success).toBe(false);
  });
});
