import { UnitCode, UnitType as UnitTypeFilter } from '#shared/directory/schemas';
import * as z from '#shared/zod';
import { firstMonthOf, lastMonthOf, MonthKey, PeriodKey, periodKindOf } from './periods.ts';
import { unknownFields } from './response-schemas.ts';

export * from './response-schemas.ts';

/**
 * Schemas of the survey (SKM): the single source of validation, types and the OpenAPI document. A response holds
 * no identifying data: no name, phone number, NIK or address, and the client's IP address is not stored with it.
 */

/** The months a report covers: `from` to `to`, both included, at most 12. */
export const ReportQuery = z
  .object({
    from: MonthKey,
    to: z.optional(MonthKey).check(z.meta({ description: 'Last month, included; default: `from`' })),
    instrument: z
      .optional(z.string())
      .check(z.meta({ description: 'Instrument version; default: the one most responses in the period answered' })),
  })
  .check(
    z.refine((q) => q.to === undefined || q.to >= q.from, { message: 'Bulan akhir sebelum bulan awal', path: ['to'] }),
    z.refine(
      (q) => {
        const [fy, fm] = q.from.split('-').map(Number) as [number, number];
        const [ty, tm] = (q.to ?? q.from).split('-').map(Number) as [number, number];
        return ty * 12 + tm - (fy * 12 + fm) < 12;
      },
      { message: 'Paling banyak 12 bulan per laporan', path: ['to'] },
    ),
  );

const Distribution = z
  .record(z.string(), z.int())
  .check(z.meta({ description: 'Answers per score: {"1": n, "2": n, "3": n, "4": n}' }));

const Rounded = z.number();

export const ElementReport = z
  .object({
    key: z.string(),
    name: z.string(),
    answers: z.int(),
    sum: z.int(),
    nrr: z.nullable(Rounded).check(z.meta({ description: 'Sum / answers, rounded half up to 3 decimals' })),
    index: z
      .nullable(Rounded)
      .check(z.meta({ description: 'NRR × 25 on the IKM scale, rounded half up to 2 decimals' })),
    mutu: z.nullable(z.enum(['A', 'B', 'C', 'D'])),
    distribution: Distribution,
  })
  .check(z.meta({ id: 'SurveyElementReport' }));

export const SurveyReport = z
  .object({
    unit: z.object({ code: z.string(), name: z.string(), type: z.string() }),
    months: z.array(MonthKey),
    period: z.optional(PeriodKey).check(z.meta({ description: 'The named period the months make up, if any' })),
    instrument: z.object({ version: z.string(), title: z.string() }),
    responses: z.int(),
    ikm: z.nullable(Rounded).check(z.meta({ description: 'From the exact fraction, rounded half up to 2 decimals' })),
    mutu: z.nullable(z.enum(['A', 'B', 'C', 'D'])),
    kinerja: z.nullable(z.string()),
    elements: z
      .array(ElementReport)
      .check(z.meta({ description: 'Weakest first (lowest NRR), ties in questionnaire order' })),
    services: z.array(z.object({ name: z.string(), responses: z.int() })),
    respondents: z.record(z.string(), z.record(z.string(), z.int())).check(
      z.meta({
        description: 'Counts per answer of each optional field; `tidak-diisi` counts those who left it empty',
      }),
    ),
    suggestions: z.int(),
    verified: z.int().check(z.meta({ description: 'Responses sent with a printed single-use ticket' })),
    verifiedShare: z
      .nullable(z.number())
      .check(z.meta({ description: 'Verified responses in percent of all, rounded half up to 2 decimals' })),
    anomalies: z
      .object({
        busyClientResponses: z.int().check(
          z.meta({
            description: 'Responses sent by a client address that had already sent more than 20 that WIB day',
          }),
        ),
        busyClientShare: z.nullable(z.number()).check(z.meta({ description: 'In percent of all responses' })),
        flags: z
          .array(z.string())
          .check(z.meta({ description: 'What a reader should look into, in Bahasa Indonesia' })),
      })
      .check(z.meta({ description: 'Signs of inflated scores: reports show them, they exclude nothing' })),
    sample: z
      .optional(
        z.object({
          period: PeriodKey,
          population: z.int(),
          minimum: z.int().check(z.meta({ description: 'Krejcie & Morgan, rounded up' })),
          collected: z.int(),
          sufficient: z.boolean(),
        }),
      )
      .check(z.meta({ description: 'Present when the unit recorded the population it served in this period' })),
    byMonth: z.array(
      z.object({
        month: MonthKey,
        responses: z.int(),
        ikm: z.nullable(Rounded),
        mutu: z.nullable(z.enum(['A', 'B', 'C', 'D'])),
      }),
    ),
    otherInstruments: z
      .array(z.object({ version: z.string(), responses: z.int() }))
      .check(z.meta({ description: 'Responses in the period to other instrument versions (not in this report)' })),
  })
  .check(z.meta({ id: 'SurveyReport' }));
export type SurveyReport = z.output<typeof SurveyReport>;

/** The population a unit served in a period, for the minimum sample. */
export const PopulationInput = z
  .strictObject({
    population: z
      .number({ error: 'Jumlah populasi harus berupa angka' })
      .check(
        z.int('Jumlah populasi harus bilangan bulat'),
        z.minimum(0, 'Jumlah populasi tidak boleh negatif'),
        z.maximum(100_000_000, 'Jumlah populasi terlalu besar'),
      ),
  })
  .check(z.meta({ id: 'SurveyPopulationInput' }));

/** Most tickets in one printed batch (a few A4 sheets). */
export const TICKET_BATCH_MAX = 500;

/** A new batch of printed single-use tickets. */
export const TicketBatchInput = z
  .strictObject(
    {
      count: z
        .number({ error: 'Jumlah tiket harus berupa angka' })
        .check(
          z.int('Jumlah tiket harus bilangan bulat'),
          z.minimum(1, 'Paling sedikit 1 tiket'),
          z.maximum(TICKET_BATCH_MAX, `Paling banyak ${TICKET_BATCH_MAX} tiket per batch`),
        ),
      label: z
        .optional(
          z
            .string({ error: 'Keterangan harus berupa teks' })
            .check(
              z.trim(),
              z.minLength(1, 'Keterangan tidak boleh kosong'),
              z.maxLength(80, 'Keterangan paling banyak 80 karakter'),
            ),
        )
        .check(z.meta({ description: 'What the batch is for, printed on the sheet (e.g. "Loket 2, Maret")' })),
    },
    unknownFields,
  )
  .check(z.meta({ id: 'SurveyTicketBatchInput' }));

export const TicketBatch = z
  .object({
    batchId: z.string(),
    unitCode: z.string(),
    label: z.optional(z.string()),
    count: z.int(),
    codes: z.array(z.string()).check(z.meta({ description: 'The codes as printed (XXXXX-XXXXX)' })),
    createdAt: z.string(),
    sheetPath: z
      .string()
      .check(z.meta({ description: 'The printable sheet (a staff page, behind the staff session)' })),
  })
  .check(z.meta({ id: 'SurveyTicketBatch' }));
export type TicketBatch = z.output<typeof TicketBatch>;

export const TicketBatchParams = z.object({ unitCode: UnitCode, batchId: z.ulid('ID batch harus berupa ULID') });

/** Follow-up states of a suggestion: open until the unit replies (answered) or closes it. */
export const FOLLOW_UP_STATUSES = ['open', 'answered', 'closed'] as const;
export const FollowUpStatus = z.enum(FOLLOW_UP_STATUSES, { error: 'Status harus open, answered atau closed' });
export type FollowUpStatus = z.output<typeof FollowUpStatus>;

/** Longest reply of a unit to a suggestion, in characters. */
export const REPLY_MAX = 2000;

export const SuggestionQuery = z.strictObject({
  status: z.optional(FollowUpStatus).check(z.meta({ description: 'Only suggestions in this state' })),
  month: z.optional(MonthKey).check(z.meta({ description: 'Only suggestions of this WIB month' })),
  limit: z._default(
    z.coerce
      .number({ error: 'limit harus angka' })
      .check(
        z.int('limit harus bilangan bulat'),
        z.minimum(1, 'limit paling kecil 1'),
        z.maximum(100, 'limit paling besar 100'),
      ),
    50,
  ),
  cursor: z.optional(z.string().check(z.maxLength(2000, 'Kursor terlalu panjang'))),
});

export const Suggestion = z
  .object({
    responseId: z.string(),
    unitCode: z.string(),
    month: MonthKey,
    receivedAt: z.string(),
    service: z.optional(z.string()),
    suggestion: z.string(),
    verified: z.boolean(),
    status: FollowUpStatus,
    reply: z.optional(z.string()),
    repliedAt: z.optional(z.string()),
    repliedBy: z.optional(z.string()).check(z.meta({ description: 'Name of the staff member who replied' })),
    closedAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'SurveySuggestion' }));
export type Suggestion = z.output<typeof Suggestion>;

export const SuggestionPage = z
  .object({ items: z.array(Suggestion), next: z.optional(z.string()) })
  .check(z.meta({ id: 'SurveySuggestionPage' }));

export const SuggestionParams = z.object({ unitCode: UnitCode, responseId: z.ulid('ID tanggapan harus berupa ULID') });

/** The unit's follow-up: a reply (the suggestion is then answered), or closing it (with or without a reply). */
export const FollowUpInput = z
  .strictObject(
    {
      status: z.enum(['answered', 'closed'], { error: 'Status harus answered atau closed' }),
      reply: z.optional(
        z
          .string({ error: 'Balasan harus berupa teks' })
          .check(
            z.trim(),
            z.minLength(1, 'Balasan tidak boleh kosong'),
            z.maxLength(REPLY_MAX, `Balasan paling banyak ${REPLY_MAX} karakter`),
          ),
      ),
    },
    unknownFields,
  )
  .check(
    z.refine((input) => input.status !== 'answered' || input.reply !== undefined, {
      message: 'Tulis balasan unit untuk menjawab saran ini',
      path: ['reply'],
    }),
    z.meta({ id: 'SurveyFollowUpInput' }),
  );
export type FollowUpInput = z.output<typeof FollowUpInput>;

const monthsBetween = (from: string, to: string) => {
  const [fy, fm] = [Number(from.slice(0, 4)), Number(from.slice(5, 7)) || 1];
  const [ty, tm] = [Number(to.slice(0, 4)), Number(to.slice(5, 7)) || 1];
  return ty * 12 + tm - (fy * 12 + fm);
};

/** Longest trend, in months. */
export const TREND_MAX_MONTHS = 36;

/** A trend: periods of one kind from `from` to `to` (both included), spanning at most 36 months. */
export const TrendQuery = z
  .strictObject({
    from: PeriodKey,
    to: PeriodKey,
    instrument: z.optional(z.string()).check(z.meta({ description: 'Instrument version; default: the built-in one' })),
  })
  .check(
    z.refine((q) => periodKindOf(q.from) === periodKindOf(q.to), {
      message: 'Periode awal dan akhir harus sejenis (bulan, triwulan, semester atau tahun)',
      path: ['to'],
    }),
    z.refine((q) => periodKindOf(q.from) !== periodKindOf(q.to) || q.to >= q.from, {
      message: 'Periode akhir sebelum periode awal',
      path: ['to'],
    }),
    z.refine(
      (q) =>
        periodKindOf(q.from) !== periodKindOf(q.to) ||
        q.to < q.from ||
        monthsBetween(firstMonthOf(q.from), lastMonthOf(q.to)) < TREND_MAX_MONTHS,
      { message: `Tren paling panjang ${TREND_MAX_MONTHS} bulan`, path: ['to'] },
    ),
  );

const Grade = z.nullable(z.enum(['A', 'B', 'C', 'D']));

export const TrendPoint = z.object({
  period: PeriodKey,
  months: z.array(MonthKey),
  responses: z.int(),
  verified: z.int(),
  ikm: z.nullable(z.number()),
  mutu: Grade,
  kinerja: z.nullable(z.string()),
  source: z
    .enum(['materialized', 'computed'])
    .check(z.meta({ description: "A closed period's materialized roll-up, or the monthly aggregates summed on read" })),
});

export const SurveyTrend = z
  .object({
    unit: z.object({ code: z.string(), name: z.string(), type: z.string() }),
    instrument: z.object({ version: z.string(), title: z.string() }),
    points: z.array(TrendPoint),
  })
  .check(z.meta({ id: 'SurveyTrend' }));
export type SurveyTrend = z.output<typeof SurveyTrend>;

export const OverviewQuery = z.strictObject({
  period: PeriodKey,
  minResponses: z
    ._default(
      z.coerce
        .number({ error: 'minResponses harus angka' })
        .check(
          z.int('minResponses harus bilangan bulat'),
          z.minimum(0, 'minResponses tidak boleh negatif'),
          z.maximum(1_000_000, 'minResponses terlalu besar'),
        ),
      30,
    )
    .check(z.meta({ description: 'Units with fewer responses are listed apart, not ranked' })),
  type: z.optional(UnitTypeFilter).check(z.meta({ description: 'Rank only units of this type' })),
  instrument: z.optional(z.string()).check(z.meta({ description: 'Instrument version; default: the built-in one' })),
});

const Figures = {
  responses: z.int(),
  verified: z.int(),
  ikm: z.nullable(z.number()),
  mutu: Grade,
  kinerja: z.nullable(z.string()),
};

export const SurveyOverview = z
  .object({
    period: PeriodKey,
    months: z.array(MonthKey),
    instrument: z.object({ version: z.string(), title: z.string() }),
    minResponses: z.int(),
    city: z.object({ units: z.int(), ...Figures }).check(
      z.meta({
        description: "Every active unit's responses pooled (the index of all answers, not a mean of unit indexes)",
      }),
    ),
    byType: z.array(z.object({ type: z.string(), units: z.int(), ...Figures })),
    ranking: z.array(
      z.object({
        rank: z.int().check(z.meta({ description: 'Equal exact indexes share a rank (1, 1, 3)' })),
        code: z.string(),
        name: z.string(),
        type: z.string(),
        ...Figures,
      }),
    ),
    belowMinimum: z.array(z.object({ code: z.string(), name: z.string(), type: z.string(), responses: z.number() })),
    source: z.enum(['materialized', 'computed']).check(
      z.meta({
        description: 'Read from the roll-ups the job materializes, or computed on read (a period it has not rolled up)',
      }),
    ),
    computedAt: z.iso
      .datetime()
      .check(z.meta({ description: 'When the figures were computed (materialized: last changed)' })),
  })
  .check(z.meta({ id: 'SurveyOverview' }));
export type SurveyOverview = z.output<typeof SurveyOverview>;

/** What an export holds: the report of the months, or the raw responses. */
export const ExportQuery = z
  .strictObject({
    from: MonthKey,
    to: z.optional(MonthKey).check(z.meta({ description: 'Last month, included; default: `from`' })),
    content: z._default(z.enum(['report', 'responses'], { error: 'Isi ekspor harus report atau responses' }), 'report'),
  })
  .check(
    z.refine((q) => q.to === undefined || q.to >= q.from, { message: 'Bulan akhir sebelum bulan awal', path: ['to'] }),
    z.refine((q) => q.to === undefined || monthsBetween(q.from, q.to) < 12, {
      message: 'Paling banyak 12 bulan per ekspor',
      path: ['to'],
    }),
  );
export type ExportQuery = z.output<typeof ExportQuery>;
