/**
 * Survey instruments as versioned data. Every response records the version it answered, and aggregates are kept
 * per version, so a newer regulation is a new entry in {@link INSTRUMENTS}, never a change to an existing one.
 *
 * The built-in default is the instrument of PermenPAN-RB No. 14 Tahun 2017: nine elements (unsur) keyed by a stable
 * name, never by position (published questionnaires order the last two differently), each answered 1..4, equal
 * weights of exactly 1/9 — not the 0.11 or 0.111 many spreadsheets use, with which a unit rated 4 on every element
 * gets 97.68 or 99.90 instead of 100 — and the grade bands of the regulation's table.
 */

/** Keys of the nine elements of the 14/2017 instrument. */
export const ELEMENT_KEYS_14_2017 = [
  'persyaratan',
  'prosedur',
  'waktu',
  'biaya',
  'produk',
  'kompetensi',
  'perilaku',
  'sarana',
  'pengaduan',
] as const;

/** An exact fraction `numerator / denominator` (weights are never decimals). */
export interface Fraction {
  numerator: number;
  denominator: number;
}

/** One element (unsur) of an instrument. */
export interface InstrumentElement {
  /** Stable key: what responses and aggregates are keyed by. */
  key: string;
  /** The element's name in the regulation. */
  name: string;
  /** The question as the respondent reads it. */
  question: string;
  /** Labels of the answers, lowest score first (index 0 is score 1). */
  answers: readonly string[];
  /** Weight in the index; the weights of an instrument add up to exactly 1. */
  weight: Fraction;
}

/** The grades: mutu pelayanan (A..D) and kinerja unit pelayanan. */
export type Mutu = 'A' | 'B' | 'C' | 'D';

/**
 * One grade band on the index scale, in hundredths: it holds every rounded index from `fromHundredths` up to the
 * next band's lower edge (half-open at the lower edge: the published intervals have gaps, 64.99 | 65.00, 76.60 |
 * 76.61, 88.30 | 88.31, which rounding to 2 decimals first closes).
 */
export interface GradeBand {
  fromHundredths: number;
  mutu: Mutu;
  kinerja: string;
}

export interface Instrument {
  version: string;
  title: string;
  /** Scores run from 1 to `maxScore`. */
  maxScore: number;
  /** Multiplies the weighted NRR (1..maxScore) to the index scale (25..100 for 14/2017). */
  conversion: number;
  /** In questionnaire order: the order of the form. */
  elements: readonly InstrumentElement[];
  /** Ascending by lower edge; the first starts at the lowest possible index. */
  grades: readonly GradeBand[];
}

const NINTH: Fraction = { numerator: 1, denominator: 9 };

/**
 * PermenPAN-RB No. 14 Tahun 2017, with the question wording and answer labels of its sample questionnaire, which
 * asks about facilities (sarana) before complaint handling (pengaduan).
 */
export const INSTRUMENT_14_2017: Instrument = {
  version: 'permenpanrb-14-2017',
  title: 'Survei Kepuasan Masyarakat (PermenPAN-RB No. 14 Tahun 2017)',
  maxScore: 4,
  conversion: 25,
  elements: [
    {
      key: 'persyaratan',
      name: 'Persyaratan',
      question: 'Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?',
      answers: ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
      weight: NINTH,
    },
    {
      key: 'prosedur',
      name: 'Sistem, mekanisme, dan prosedur',
      question: 'Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?',
      answers: ['Tidak mudah', 'Kurang mudah', 'Mudah', 'Sangat mudah'],
      weight: NINTH,
    },
    {
      key: 'waktu',
      name: 'Waktu penyelesaian',
      question: 'Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?',
      answers: ['Tidak cepat', 'Kurang cepat', 'Cepat', 'Sangat cepat'],
      weight: NINTH,
    },
    {
      key: 'biaya',
      name: 'Biaya/tarif',
      question: 'Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?',
      answers: ['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis'],
      weight: NINTH,
    },
    {
      key: 'produk',
      name: 'Produk spesifikasi jenis pelayanan',
      question:
        'Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?',
      answers: ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
      weight: NINTH,
    },
    {
      key: 'kompetensi',
      name: 'Kompetensi pelaksana',
      question: 'Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?',
      answers: ['Tidak kompeten', 'Kurang kompeten', 'Kompeten', 'Sangat kompeten'],
      weight: NINTH,
    },
    {
      key: 'perilaku',
      name: 'Perilaku pelaksana',
      question: 'Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?',
      answers: ['Tidak sopan dan ramah', 'Kurang sopan dan ramah', 'Sopan dan ramah', 'Sangat sopan dan ramah'],
      weight: NINTH,
    },
    {
      key: 'sarana',
      name: 'Sarana dan prasarana',
      question: 'Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?',
      answers: ['Buruk', 'Cukup', 'Baik', 'Sangat baik'],
      weight: NINTH,
    },
    {
      key: 'pengaduan',
      name: 'Penanganan pengaduan, saran dan masukan',
      question: 'Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?',
      answers: ['Tidak ada', 'Ada tetapi tidak berfungsi', 'Berfungsi kurang maksimal', 'Dikelola dengan baik'],
      weight: NINTH,
    },
  ],
  grades: [
    { fromHundredths: 2500, mutu: 'D', kinerja: 'Tidak baik' },
    { fromHundredths: 6500, mutu: 'C', kinerja: 'Kurang baik' },
    { fromHundredths: 7661, mutu: 'B', kinerja: 'Baik' },
    { fromHundredths: 8831, mutu: 'A', kinerja: 'Sangat baik' },
  ],
};

/**
 * The instrument's shape is checked where it is defined: weights add up to exactly 1 (compared as fractions),
 * keys are unique, every element has one label per score, bands ascend from the lowest possible index.
 * @throws Error naming the first problem
 */
export const assertInstrument = (instrument: Instrument): void => {
  const problem = (what: string) => new Error(`instrument ${instrument.version}: ${what}`);
  const keys = instrument.elements.map((e) => e.key);
  if (keys.length === 0) throw problem('has no elements');
  if (new Set(keys).size !== keys.length) throw problem('has two elements with one key');
  for (const element of instrument.elements) {
    if (element.answers.length !== instrument.maxScore) {
      throw problem(`element ${element.key} has ${element.answers.length} labels for ${instrument.maxScore} scores`);
    }
    const { numerator, denominator } = element.weight;
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator <= 0 || denominator <= 0) {
      throw problem(`element ${element.key} has a weight that is not a positive fraction`);
    }
  }
  // Sum of n_i/d_i == 1, in integers: Σ n_i · (D / d_i) == D with D the product of the denominators.
  const product = instrument.elements.reduce((p, e) => p * BigInt(e.weight.denominator), 1n);
  const sum = instrument.elements.reduce(
    (s, e) => s + BigInt(e.weight.numerator) * (product / BigInt(e.weight.denominator)),
    0n,
  );
  if (sum !== product) throw problem('weights do not add up to exactly 1');
  const lowest = instrument.conversion * 100;
  if (instrument.grades[0]?.fromHundredths !== lowest) throw problem(`the first grade band must start at ${lowest}`);
  instrument.grades.forEach((band, i) => {
    if (i > 0 && band.fromHundredths <= instrument.grades[i - 1]!.fromHundredths) {
      throw problem('grade bands must ascend');
    }
  });
};

/** Every instrument, by version. Add a version; never edit one that responses answered. */
export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map(
  [INSTRUMENT_14_2017].map((instrument) => {
    assertInstrument(instrument);
    return [instrument.version, instrument];
  }),
);

/** The instrument new forms use. */
export const DEFAULT_INSTRUMENT = INSTRUMENT_14_2017;

/** The instrument of a version, or undefined when this code does not know it. */
export const instrumentOf = (version: string): Instrument | undefined => INSTRUMENTS.get(version);
