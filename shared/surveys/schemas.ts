import * as z from 'zod';
import { UnitCode, UnitType as UnitTypeFilter } from '#shared/directory/schemas';
import { DEFAULT_INSTRUMENT, type Instrument } from './instrument.ts';
import { firstMonthOf, lastMonthOf, MonthKey, PeriodKey, periodKindOf } from './periods.ts';

/**
 * Schemas of the survey (SKM): the single source of validation, types and the OpenAPI document. A response holds
 * no identifying data: no name, phone number, NIK or address, and the client's IP address is not stored with it.
 */

/** Longest suggestion kept (saran/pengaduan), in characters. */
export const SUGGESTION_MAX = 1000;

/**
 * A printed ticket's code as a person types it: ten characters of an alphabet without look-alikes (no I, O, 0, 1),
 * printed as `XXXXX-XXXXX`; case, a hyphen and spaces are forgiven.
 */
export const TicketCode = z
  .string({ error: 'Kode tiket harus berupa teks' })
  .regex(
    /^\s*[A-HJ-NP-Za-hj-np-z2-9]{5}[\s-]?[A-HJ-NP-Za-hj-np-z2-9]{5}\s*$/,
    'Kode tiket terdiri dari 10 huruf/angka, mis. ABCDE-23456',
  );

/** Optional respondent data: closed lists, so nothing in them can identify a person. Labels as the form shows them. */
export const RESPONDENT_OPTIONS = {
  ageBand: {
    label: 'Usia',
    options: {
      'lt-20': 'Di bawah 20 tahun',
      '20-29': '20–29 tahun',
      '30-39': '30–39 tahun',
      '40-49': '40–49 tahun',
      '50-59': '50–59 tahun',
      '60-plus': '60 tahun ke atas',
    },
  },
  gender: { label: 'Jenis kelamin', options: { L: 'Laki-laki', P: 'Perempuan' } },
  education: {
    label: 'Pendidikan terakhir',
    options: {
      'tidak-sekolah': 'Tidak/belum sekolah',
      sd: 'SD/sederajat',
      smp: 'SMP/sederajat',
      sma: 'SMA/SMK/sederajat',
      diploma: 'Diploma (D1–D3)',
      s1: 'S1/D4',
      s2: 'S2',
      s3: 'S3',
    },
  },
  occupation: {
    label: 'Pekerjaan',
    options: {
      pns: 'PNS/ASN',
      tni: 'TNI',
      polri: 'Polri',
      swasta: 'Pegawai swasta',
      wirausaha: 'Wirausaha',
      'pelajar-mahasiswa': 'Pelajar/mahasiswa',
      lainnya: 'Lainnya',
    },
  },
} as const;

export type RespondentField = keyof typeof RESPONDENT_OPTIONS;
export const RESPONDENT_FIELDS = Object.keys(RESPONDENT_OPTIONS) as RespondentField[];

const optionEnum = <F extends RespondentField>(field: F) => {
  const keys = Object.keys(RESPONDENT_OPTIONS[field].options) as [string, ...string[]];
  return z.enum(keys, { error: `${RESPONDENT_OPTIONS[field].label}: pilih salah satu pilihan yang tersedia` });
};

/** Unknown fields are refused (a typo must not pass as "not given"), in Bahasa Indonesia. */
const unknownFields = {
  error: (issue: { code?: string; keys?: string[]; input?: unknown }) =>
    issue.code === 'unrecognized_keys'
      ? `Isian tidak dikenal: ${issue.keys?.join(', ')}`
      : issue.input === undefined
        ? 'Isian wajib diisi'
        : 'Isian harus berupa objek',
};

/** Optional respondent data (age band, gender, education, occupation). */
export const Respondent = z
  .object(
    {
      ageBand: optionEnum('ageBand').optional(),
      gender: optionEnum('gender').optional(),
      education: optionEnum('education').optional(),
      occupation: optionEnum('occupation').optional(),
    },
    unknownFields,
  )
  .strict()
  .meta({ id: 'SurveyRespondent', description: 'Optional and never identifying: closed lists only' });
export type Respondent = z.output<typeof Respondent>;

/** A score of one element: an integer from 1 to the instrument's top score. */
const scoreOf = (instrument: Instrument) =>
  z
    .number({
      error: (issue) =>
        issue.input === undefined ? 'Pilih salah satu jawaban' : `Jawaban harus angka 1 sampai ${instrument.maxScore}`,
    })
    .int(`Jawaban harus angka 1 sampai ${instrument.maxScore}`)
    .min(1, `Jawaban harus angka 1 sampai ${instrument.maxScore}`)
    .max(instrument.maxScore, `Jawaban harus angka 1 sampai ${instrument.maxScore}`);

/** Answers to every element of an instrument, keyed by element: each is required, unknown keys are refused. */
export const answersOf = (instrument: Instrument) =>
  z
    .object(Object.fromEntries(instrument.elements.map((e) => [e.key, scoreOf(instrument)])), {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `Unsur tidak dikenal: ${issue.keys.join(', ')}`
          : issue.input === undefined
            ? 'Jawaban wajib diisi'
            : 'Jawaban harus berupa objek dengan satu nilai per unsur',
    })
    .strict();

/** The answers to the default instrument (14/2017): nine elements, 1..4 each. */
export const Answers = answersOf(DEFAULT_INSTRUMENT).meta({
  id: 'SurveyAnswers',
  description: 'Score 1..4 per element (unsur), keyed by element name; every element is required',
});
export type Answers = Record<string, number>;

/**
 * A survey response as the JSON API takes it. `responseId` is the ULID issued with the form (the survey page embeds
 * one): a resend with the same id is stored once. A client without a form should make one per response and keep it
 * across retries; without it, the server makes one and a retry counts twice.
 */
export const SurveyResponseInput = z
  .object(
    {
      responseId: z.ulid('ID tanggapan harus berupa ULID').optional(),
      instrumentVersion: z
        .literal(DEFAULT_INSTRUMENT.version, { error: 'Versi instrumen survei tidak dikenal' })
        .default(DEFAULT_INSTRUMENT.version),
      answers: Answers,
      service: z
        .string({ error: 'Jenis layanan harus berupa teks' })
        .trim()
        .min(1, 'Pilih jenis layanan yang Anda terima')
        .max(120, 'Jenis layanan terlalu panjang')
        .optional()
        .meta({ description: "One of the unit's services (jenis layanan); required when the unit lists any" }),
      respondent: Respondent.optional(),
      suggestion: z
        .string({ error: 'Saran harus berupa teks' })
        .trim()
        .max(SUGGESTION_MAX, `Saran paling banyak ${SUGGESTION_MAX} karakter`)
        .optional()
        .meta({ description: 'Saran/pengaduan; may still hold personal data, so it is never logged' }),
      ticket: TicketCode.optional().meta({
        description: 'Code of a printed single-use ticket of this unit: the response then counts as verified',
      }),
    },
    unknownFields,
  )
  .strict()
  .meta({ id: 'SurveyResponseInput' });
export type SurveyResponseInput = z.output<typeof SurveyResponseInput>;

/** What storing a response did: `stored` false when this response id was stored before (a resend). */
export const SurveyResponseReceipt = z
  .object({
    responseId: z.string(),
    unitCode: z.string(),
    month: MonthKey,
    instrumentVersion: z.string(),
    stored: z.boolean(),
  })
  .meta({ id: 'SurveyResponseReceipt' });
export type SurveyResponseReceipt = z.output<typeof SurveyResponseReceipt>;

export const SurveyUnitParams = z.object({ unitCode: UnitCode });

/** The months a report covers: `from` to `to`, both included, at most 12. */
export const ReportQuery = z
  .object({
    from: MonthKey,
    to: MonthKey.optional().meta({ description: 'Last month, included; default: `from`' }),
    instrument: z.string().optional().meta({
      description: 'Instrument version; default: the one most responses in the period answered',
    }),
  })
  .refine((q) => q.to === undefined || q.to >= q.from, { message: 'Bulan akhir sebelum bulan awal', path: ['to'] })
  .refine(
    (q) => {
      const [fy, fm] = q.from.split('-').map(Number) as [number, number];
      const [ty, tm] = (q.to ?? q.from).split('-').map(Number) as [number, number];
      return ty * 12 + tm - (fy * 12 + fm) < 12;
    },
    { message: 'Paling banyak 12 bulan per laporan', path: ['to'] },
  );

const Distribution = z
  .record(z.string(), z.number().int())
  .meta({ description: 'Answers per score: {"1": n, "2": n, "3": n, "4": n}' });

const Rounded = z.number();

export const ElementReport = z
  .object({
    key: z.string(),
    name: z.string(),
    answers: z.number().int(),
    sum: z.number().int(),
    nrr: Rounded.nullable().meta({ description: 'Sum / answers, rounded half up to 3 decimals' }),
    index: Rounded.nullable().meta({ description: 'NRR × 25 on the IKM scale, rounded half up to 2 decimals' }),
    mutu: z.enum(['A', 'B', 'C', 'D']).nullable(),
    distribution: Distribution,
  })
  .meta({ id: 'SurveyElementReport' });

export const SurveyReport = z
  .object({
    unit: z.object({ code: z.string(), name: z.string(), type: z.string() }),
    months: z.array(MonthKey),
    period: PeriodKey.optional().meta({ description: 'The named period the months make up, if any' }),
    instrument: z.object({ version: z.string(), title: z.string() }),
    responses: z.number().int(),
    ikm: Rounded.nullable().meta({ description: 'From the exact fraction, rounded half up to 2 decimals' }),
    mutu: z.enum(['A', 'B', 'C', 'D']).nullable(),
    kinerja: z.string().nullable(),
    elements: z.array(ElementReport).meta({ description: 'Weakest first (lowest NRR), ties in questionnaire order' }),
    services: z.array(z.object({ name: z.string(), responses: z.number().int() })),
    respondents: z.record(z.string(), z.record(z.string(), z.number().int())).meta({
      description: 'Counts per answer of each optional field; `tidak-diisi` counts those who left it empty',
    }),
    suggestions: z.number().int(),
    verified: z.number().int().meta({ description: 'Responses sent with a printed single-use ticket' }),
    verifiedShare: z
      .number()
      .nullable()
      .meta({ description: 'Verified responses in percent of all, rounded half up to 2 decimals' }),
    anomalies: z
      .object({
        busyClientResponses: z.number().int().meta({
          description: 'Responses sent by a client address that had already sent more than 20 that WIB day',
        }),
        busyClientShare: z.number().nullable().meta({ description: 'In percent of all responses' }),
        flags: z.array(z.string()).meta({ description: 'What a reader should look into, in Bahasa Indonesia' }),
      })
      .meta({ description: 'Signs of inflated scores: reports show them, they exclude nothing' }),
    sample: z
      .object({
        period: PeriodKey,
        population: z.number().int(),
        minimum: z.number().int().meta({ description: 'Krejcie & Morgan, rounded up' }),
        collected: z.number().int(),
        sufficient: z.boolean(),
      })
      .optional()
      .meta({ description: 'Present when the unit recorded the population it served in this period' }),
    byMonth: z.array(
      z.object({
        month: MonthKey,
        responses: z.number().int(),
        ikm: Rounded.nullable(),
        mutu: z.enum(['A', 'B', 'C', 'D']).nullable(),
      }),
    ),
    otherInstruments: z
      .array(z.object({ version: z.string(), responses: z.number().int() }))
      .meta({ description: 'Responses in the period to other instrument versions (not in this report)' }),
  })
  .meta({ id: 'SurveyReport' });
export type SurveyReport = z.output<typeof SurveyReport>;

/** The population a unit served in a period, for the minimum sample. */
export const PopulationInput = z
  .object({
    population: z
      .number({ error: 'Jumlah populasi harus berupa angka' })
      .int('Jumlah populasi harus bilangan bulat')
      .min(0, 'Jumlah populasi tidak boleh negatif')
      .max(100_000_000, 'Jumlah populasi terlalu besar'),
  })
  .strict()
  .meta({ id: 'SurveyPopulationInput' });

/** Most tickets in one printed batch (a few A4 sheets). */
export const TICKET_BATCH_MAX = 500;

/** A new batch of printed single-use tickets. */
export const TicketBatchInput = z
  .object(
    {
      count: z
        .number({ error: 'Jumlah tiket harus berupa angka' })
        .int('Jumlah tiket harus bilangan bulat')
        .min(1, 'Paling sedikit 1 tiket')
        .max(TICKET_BATCH_MAX, `Paling banyak ${TICKET_BATCH_MAX} tiket per batch`),
      label: z
        .string({ error: 'Keterangan harus berupa teks' })
        .trim()
        .min(1, 'Keterangan tidak boleh kosong')
        .max(80, 'Keterangan paling banyak 80 karakter')
        .optional()
        .meta({ description: 'What the batch is for, printed on the sheet (e.g. "Loket 2, Maret")' }),
    },
    unknownFields,
  )
  .strict()
  .meta({ id: 'SurveyTicketBatchInput' });

export const TicketBatch = z
  .object({
    batchId: z.string(),
    unitCode: z.string(),
    label: z.string().optional(),
    count: z.number().int(),
    codes: z.array(z.string()).meta({ description: 'The codes as printed (XXXXX-XXXXX)' }),
    createdAt: z.string(),
    sheetPath: z.string().meta({ description: 'The printable sheet (a staff page, behind the staff session)' }),
  })
  .meta({ id: 'SurveyTicketBatch' });
export type TicketBatch = z.output<typeof TicketBatch>;

export const TicketBatchParams = z.object({ unitCode: UnitCode, batchId: z.ulid('ID batch harus berupa ULID') });

/** Follow-up states of a suggestion: open until the unit replies (answered) or closes it. */
export const FOLLOW_UP_STATUSES = ['open', 'answered', 'closed'] as const;
export const FollowUpStatus = z.enum(FOLLOW_UP_STATUSES, { error: 'Status harus open, answered atau closed' });
export type FollowUpStatus = z.output<typeof FollowUpStatus>;

/** Longest reply of a unit to a suggestion, in characters. */
export const REPLY_MAX = 2000;

export const SuggestionQuery = z
  .object({
    status: FollowUpStatus.optional().meta({ description: 'Only suggestions in this state' }),
    month: MonthKey.optional().meta({ description: 'Only suggestions of this WIB month' }),
    limit: z.coerce
      .number({ error: 'limit harus angka' })
      .int('limit harus bilangan bulat')
      .min(1, 'limit paling kecil 1')
      .max(100, 'limit paling besar 100')
      .default(50),
    cursor: z.string().max(2000, 'Kursor terlalu panjang').optional(),
  })
  .strict();

export const Suggestion = z
  .object({
    responseId: z.string(),
    unitCode: z.string(),
    month: MonthKey,
    receivedAt: z.string(),
    service: z.string().optional(),
    suggestion: z.string(),
    verified: z.boolean(),
    status: FollowUpStatus,
    reply: z.string().optional(),
    repliedAt: z.string().optional(),
    repliedBy: z.string().optional().meta({ description: 'Name of the staff member who replied' }),
    closedAt: z.string().optional(),
  })
  .meta({ id: 'SurveySuggestion' });
export type Suggestion = z.output<typeof Suggestion>;

export const SuggestionPage = z
  .object({ items: z.array(Suggestion), next: z.string().optional() })
  .meta({ id: 'SurveySuggestionPage' });

export const SuggestionParams = z.object({ unitCode: UnitCode, responseId: z.ulid('ID tanggapan harus berupa ULID') });

/** The unit's follow-up: a reply (the suggestion is then answered), or closing it (with or without a reply). */
export const FollowUpInput = z
  .object(
    {
      status: z.enum(['answered', 'closed'], { error: 'Status harus answered atau closed' }),
      reply: z
        .string({ error: 'Balasan harus berupa teks' })
        .trim()
        .min(1, 'Balasan tidak boleh kosong')
        .max(REPLY_MAX, `Balasan paling banyak ${REPLY_MAX} karakter`)
        .optional(),
    },
    unknownFields,
  )
  .strict()
  .refine((input) => input.status !== 'answered' || input.reply !== undefined, {
    message: 'Tulis balasan unit untuk menjawab saran ini',
    path: ['reply'],
  })
  .meta({ id: 'SurveyFollowUpInput' });
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
  .object({
    from: PeriodKey,
    to: PeriodKey,
    instrument: z.string().optional().meta({ description: 'Instrument version; default: the built-in one' }),
  })
  .strict()
  .refine((q) => periodKindOf(q.from) === periodKindOf(q.to), {
    message: 'Periode awal dan akhir harus sejenis (bulan, triwulan, semester atau tahun)',
    path: ['to'],
  })
  .refine((q) => periodKindOf(q.from) !== periodKindOf(q.to) || q.to >= q.from, {
    message: 'Periode akhir sebelum periode awal',
    path: ['to'],
  })
  .refine(
    (q) =>
      periodKindOf(q.from) !== periodKindOf(q.to) ||
      q.to < q.from ||
      monthsBetween(firstMonthOf(q.from), lastMonthOf(q.to)) < TREND_MAX_MONTHS,
    { message: `Tren paling panjang ${TREND_MAX_MONTHS} bulan`, path: ['to'] },
  );

const Grade = z.enum(['A', 'B', 'C', 'D']).nullable();

export const TrendPoint = z.object({
  period: PeriodKey,
  months: z.array(MonthKey),
  responses: z.number().int(),
  verified: z.number().int(),
  ikm: z.number().nullable(),
  mutu: Grade,
  kinerja: z.string().nullable(),
  source: z.enum(['materialized', 'computed']).meta({
    description: "A closed period's materialized roll-up, or the monthly aggregates summed on read",
  }),
});

export const SurveyTrend = z
  .object({
    unit: z.object({ code: z.string(), name: z.string(), type: z.string() }),
    instrument: z.object({ version: z.string(), title: z.string() }),
    points: z.array(TrendPoint),
  })
  .meta({ id: 'SurveyTrend' });
export type SurveyTrend = z.output<typeof SurveyTrend>;

export const OverviewQuery = z
  .object({
    period: PeriodKey,
    minResponses: z.coerce
      .number({ error: 'minResponses harus angka' })
      .int('minResponses harus bilangan bulat')
      .min(0, 'minResponses tidak boleh negatif')
      .max(1_000_000, 'minResponses terlalu besar')
      .default(30)
      .meta({ description: 'Units with fewer responses are listed apart, not ranked' }),
    type: UnitTypeFilter.optional().meta({ description: 'Rank only units of this type' }),
    instrument: z.string().optional().meta({ description: 'Instrument version; default: the built-in one' }),
  })
  .strict();

const Figures = {
  responses: z.number().int(),
  verified: z.number().int(),
  ikm: z.number().nullable(),
  mutu: Grade,
  kinerja: z.string().nullable(),
};

export const SurveyOverview = z
  .object({
    period: PeriodKey,
    months: z.array(MonthKey),
    instrument: z.object({ version: z.string(), title: z.string() }),
    minResponses: z.number().int(),
    city: z.object({ units: z.number().int(), ...Figures }).meta({
      description: "Every active unit's responses pooled (the index of all answers, not a mean of unit indexes)",
    }),
    byType: z.array(z.object({ type: z.string(), units: z.number().int(), ...Figures })),
    ranking: z.array(
      z.object({
        rank: z.number().int().meta({ description: 'Equal exact indexes share a rank (1, 1, 3)' }),
        code: z.string(),
        name: z.string(),
        type: z.string(),
        ...Figures,
      }),
    ),
    belowMinimum: z.array(z.object({ code: z.string(), name: z.string(), type: z.string(), responses: z.number() })),
    source: z.enum(['materialized', 'computed']).meta({
      description: 'Read from the roll-ups the job materializes, or computed on read (a period it has not rolled up)',
    }),
    computedAt: z.iso.datetime().meta({ description: 'When the figures were computed (materialized: last changed)' }),
  })
  .meta({ id: 'SurveyOverview' });
export type SurveyOverview = z.output<typeof SurveyOverview>;

/** What an export holds: the report of the months, or the raw responses. */
export const ExportQuery = z
  .object({
    from: MonthKey,
    to: MonthKey.optional().meta({ description: 'Last month, included; default: `from`' }),
    content: z.enum(['report', 'responses'], { error: 'Isi ekspor harus report atau responses' }).default('report'),
  })
  .strict()
  .refine((q) => q.to === undefined || q.to >= q.from, { message: 'Bulan akhir sebelum bulan awal', path: ['to'] })
  .refine((q) => q.to === undefined || monthsBetween(q.from, q.to) < 12, {
    message: 'Paling banyak 12 bulan per ekspor',
    path: ['to'],
  });
export type ExportQuery = z.output<typeof ExportQuery>;
