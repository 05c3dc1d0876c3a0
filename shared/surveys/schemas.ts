import * as z from 'zod';
import { UnitCode } from '#shared/directory/schemas';
import { DEFAULT_INSTRUMENT, type Instrument } from './instrument.ts';
import { MonthKey, PeriodKey } from './periods.ts';

/**
 * Schemas of the survey (SKM): the single source of validation, types and the OpenAPI document. A response holds
 * no identifying data: no name, phone number, NIK or address, and the client's IP address is not stored with it.
 */

/** Longest suggestion kept (saran/pengaduan), in characters. */
export const SUGGESTION_MAX = 1000;

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
