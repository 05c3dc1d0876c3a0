import { UnitCode } from '#shared/directory/schemas';
import * as z from '#shared/zod';
import { DEFAULT_INSTRUMENT, type Instrument } from './instrument.ts';
import { MonthKey } from './periods.ts';

/**
 * The schemas of what a citizen sends and gets back (the public survey routes), apart from the staff side's reports
 * and exports in ./schemas.ts (which re-exports these): a public route's cold start builds only these
 * (docs/performance.md). A response holds no identifying data.
 */

/** Longest suggestion kept (saran/pengaduan), in characters. */
export const SUGGESTION_MAX = 1000;

/**
 * A printed ticket's code as a person types it: ten characters of an alphabet without look-alikes (no I, O, 0, 1),
 * printed as `XXXXX-XXXXX`; case, a hyphen and spaces are forgiven.
 */
export const TicketCode = z
  .string({ error: 'Kode tiket harus berupa teks' })
  .check(
    z.regex(
      /^\s*[A-HJ-NP-Za-hj-np-z2-9]{5}[\s-]?[A-HJ-NP-Za-hj-np-z2-9]{5}\s*$/,
      'Kode tiket terdiri dari 10 huruf/angka, mis. ABCDE-23456',
    ),
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
export const unknownFields = {
  error: (issue: { code?: string; keys?: string[]; input?: unknown }) =>
    issue.code === 'unrecognized_keys'
      ? `Isian tidak dikenal: ${issue.keys?.join(', ')}`
      : issue.input === undefined
        ? 'Isian wajib diisi'
        : 'Isian harus berupa objek',
};

/** Optional respondent data (age band, gender, education, occupation). */
export const Respondent = z
  .strictObject(
    {
      ageBand: z.optional(optionEnum('ageBand')),
      gender: z.optional(optionEnum('gender')),
      education: z.optional(optionEnum('education')),
      occupation: z.optional(optionEnum('occupation')),
    },
    unknownFields,
  )
  .check(z.meta({ id: 'SurveyRespondent', description: 'Optional and never identifying: closed lists only' }));
export type Respondent = z.output<typeof Respondent>;

/** A score of one element: an integer from 1 to the instrument's top score. */
const scoreOf = (instrument: Instrument) =>
  z
    .number({
      error: (issue) =>
        issue.input === undefined ? 'Pilih salah satu jawaban' : `Jawaban harus angka 1 sampai ${instrument.maxScore}`,
    })
    .check(
      z.int(`Jawaban harus angka 1 sampai ${instrument.maxScore}`),
      z.minimum(1, `Jawaban harus angka 1 sampai ${instrument.maxScore}`),
      z.maximum(instrument.maxScore, `Jawaban harus angka 1 sampai ${instrument.maxScore}`),
    );

/** Answers to every element of an instrument, keyed by element: each is required, unknown keys are refused. */
export const answersOf = (instrument: Instrument) =>
  z.strictObject(Object.fromEntries(instrument.elements.map((e) => [e.key, scoreOf(instrument)])), {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unsur tidak dikenal: ${issue.keys.join(', ')}`
        : issue.input === undefined
          ? 'Jawaban wajib diisi'
          : 'Jawaban harus berupa objek dengan satu nilai per unsur',
  });

/** The answers to the default instrument (14/2017): nine elements, 1..4 each. */
export const Answers = answersOf(DEFAULT_INSTRUMENT).check(
  z.meta({
    id: 'SurveyAnswers',
    description: 'Score 1..4 per element (unsur), keyed by element name; every element is required',
  }),
);
export type Answers = Record<string, number>;

/**
 * A survey response as the JSON API takes it. `responseId` is the ULID issued with the form (the survey page embeds
 * one): a resend with the same id is stored once. A client without a form should make one per response and keep it
 * across retries; without it, the server makes one and a retry counts twice.
 */
export const SurveyResponseInput = z
  .strictObject(
    {
      responseId: z.optional(z.ulid('ID tanggapan harus berupa ULID')),
      instrumentVersion: z._default(
        z.literal(DEFAULT_INSTRUMENT.version, { error: 'Versi instrumen survei tidak dikenal' }),
        DEFAULT_INSTRUMENT.version,
      ),
      answers: Answers,
      service: z
        .optional(
          z
            .string({ error: 'Jenis layanan harus berupa teks' })
            .check(
              z.trim(),
              z.minLength(1, 'Pilih jenis layanan yang Anda terima'),
              z.maxLength(120, 'Jenis layanan terlalu panjang'),
            ),
        )
        .check(z.meta({ description: "One of the unit's services (jenis layanan); required when the unit lists any" })),
      respondent: z.optional(Respondent),
      suggestion: z
        .optional(
          z
            .string({ error: 'Saran harus berupa teks' })
            .check(z.trim(), z.maxLength(SUGGESTION_MAX, `Saran paling banyak ${SUGGESTION_MAX} karakter`)),
        )
        .check(z.meta({ description: 'Saran/pengaduan; may still hold personal data, so it is never logged' })),
      ticket: z.optional(TicketCode).check(
        z.meta({
          description: 'Code of a printed single-use ticket of this unit: the response then counts as verified',
        }),
      ),
    },
    unknownFields,
  )
  .check(z.meta({ id: 'SurveyResponseInput' }));
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
  .check(z.meta({ id: 'SurveyResponseReceipt' }));
export type SurveyResponseReceipt = z.output<typeof SurveyResponseReceipt>;

export const SurveyUnitParams = z.object({ unitCode: UnitCode });
