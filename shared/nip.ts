/**
 * NIP (Nomor Induk Pegawai) of a PNS: 18 digits,
 *   YYYYMMDD  birth date
 *   YYYYMM    start of civil service (TMT CPNS)
 *   G         gender: 1 male, 2 female
 *   NNN       sequence, from 001
 * PPPK numbers are also 18 digits but mean something else: only PNS numbers are parsed this way (the form asks
 * the employee type first).
 */

export interface ParsedNip {
  nip: string;
  birthDate: string;
  /** First month of civil service, `YYYY-MM`. */
  serviceStart: string;
  gender: 'L' | 'P';
  sequence: number;
}

/** Which part of a NIP is wrong, and what to tell the person typing it. */
export interface NipProblem {
  part: 'format' | 'birthDate' | 'serviceStart' | 'age' | 'gender' | 'sequence';
  message: string;
}

const isRealDate = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Checks a PNS NIP's structure and says which part is wrong. Spaces, dots and hyphens between the groups are
 * allowed ("19850315 201001 1 002"). `today` bounds the dates (no births or service starts in the future).
 */
export const parseNip = (
  input: string,
  today: Date,
): { ok: true; value: ParsedNip } | { ok: false; problem: NipProblem } => {
  const nip = input.replace(/[\s.-]/g, '');
  if (!/^\d+$/.test(nip)) {
    return { ok: false, problem: { part: 'format', message: 'NIP hanya boleh berisi angka' } };
  }
  if (nip.length !== 18) {
    return {
      ok: false,
      problem: { part: 'format', message: `NIP harus 18 angka (yang diisi ${nip.length} angka)` },
    };
  }
  const year = Number(nip.slice(0, 4));
  const month = Number(nip.slice(4, 6));
  const day = Number(nip.slice(6, 8));
  const todayYear = today.getUTCFullYear();
  if (!isRealDate(year, month, day) || year < 1900 || Date.UTC(year, month - 1, day) > today.getTime()) {
    return {
      ok: false,
      problem: {
        part: 'birthDate',
        message: 'Delapan angka pertama NIP (tanggal lahir, TTTTBBHH) bukan tanggal yang sah',
      },
    };
  }
  const startYear = Number(nip.slice(8, 12));
  const startMonth = Number(nip.slice(12, 14));
  if (
    startMonth < 1 ||
    startMonth > 12 ||
    startYear < 1900 ||
    startYear > todayYear ||
    (startYear === todayYear && startMonth > today.getUTCMonth() + 1)
  ) {
    return {
      ok: false,
      problem: { part: 'serviceStart', message: 'Angka ke-9 sampai ke-14 NIP (TMT CPNS, TTTTBB) bukan bulan yang sah' },
    };
  }
  // Civil service starts at 18 at the earliest: the month of the 18th birthday or later.
  if (startYear * 12 + startMonth < (year + 18) * 12 + month) {
    return {
      ok: false,
      problem: { part: 'age', message: 'TMT CPNS pada NIP lebih awal dari usia 18 tahun menurut tanggal lahirnya' },
    };
  }
  const genderDigit = nip[14];
  if (genderDigit !== '1' && genderDigit !== '2') {
    return {
      ok: false,
      problem: { part: 'gender', message: 'Angka ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan)' },
    };
  }
  const sequence = Number(nip.slice(15));
  if (sequence < 1) {
    return {
      ok: false,
      problem: { part: 'sequence', message: 'Tiga angka terakhir NIP (nomor urut) dimulai dari 001' },
    };
  }
  return {
    ok: true,
    value: {
      nip,
      birthDate: `${year}-${pad(month)}-${pad(day)}`,
      serviceStart: `${startYear}-${pad(startMonth)}`,
      gender: genderDigit === '1' ? 'L' : 'P',
      sequence,
    },
  };
};
