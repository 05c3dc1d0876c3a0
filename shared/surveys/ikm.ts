import type { GradeBand, Instrument } from './instrument.ts';

/**
 * The satisfaction index (IKM) and the elements' mean scores (NRR), exactly as PermenPAN-RB 14/2017 prescribes,
 * from integer tallies:
 *
 * - NRR of an element = sum of its scores / number of answers to it;
 * - IKM = conversion × Σ (weight × NRR); with 14/2017's exact 1/9 weights and every element answered by each of n
 *   respondents, IKM = 25 × (sum of all scores) / (9 × n).
 *
 * Everything stays an exact fraction of BigInts and is rounded once, at the end, half up: IKM to 2 decimals, NRR to
 * 3. Floating point cannot do this: 25 × 11583 / 9000 is exactly 32.175, which `toFixed(2)` turns into 32.17.
 * Grades are read from the rounded IKM in integer hundredths, so a boundary never depends on a float comparison.
 */

/** The answers to one element: how many, and the sum of their scores. */
export interface ElementTally {
  count: number;
  sum: number;
}

/** A number rounded half up: as an integer of the last decimal (`scaled`), as text and as a JSON number. */
export interface Rounded {
  /** The value times 10^decimals, exactly (6500 for 65.00). */
  scaled: number;
  /** Fixed decimals, point as separator: `65.00`. */
  text: string;
  /** The same value as a number (for JSON); compare `scaled`, not this. */
  value: number;
}

/** An exact non-negative fraction. */
export interface Exact {
  numerator: bigint;
  denominator: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

const reduce = ({ numerator, denominator }: Exact): Exact => {
  const g = gcd(numerator, denominator) || 1n;
  return { numerator: numerator / g, denominator: denominator / g };
};

const add = (a: Exact, b: Exact): Exact =>
  reduce({
    numerator: a.numerator * b.denominator + b.numerator * a.denominator,
    denominator: a.denominator * b.denominator,
  });

/**
 * Rounds a non-negative fraction half up to `decimals`: floor((2 · 10^k · N + D) / (2 · D)), all in integers,
 * so an exact tie (64.995) goes up (65.00).
 */
export const roundHalfUp = (value: Exact, decimals: number): Rounded => {
  if (value.denominator <= 0n || value.numerator < 0n) throw new RangeError('expected a non-negative fraction');
  const scale = 10n ** BigInt(decimals);
  const scaled = (2n * scale * value.numerator + value.denominator) / (2n * value.denominator);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(decimals, '0');
  const text = decimals > 0 ? `${whole}.${fraction}` : `${whole}`;
  return { scaled: Number(scaled), text, value: Number(text) };
};

/** NRR of an element, rounded half up to 3 decimals; undefined without answers. */
export const nrrOf = (tally: ElementTally): Rounded | undefined =>
  tally.count > 0 ? roundHalfUp({ numerator: BigInt(tally.sum), denominator: BigInt(tally.count) }, 3) : undefined;

/**
 * The exact IKM: conversion × Σ_e weight_e × sum_e / count_e over the instrument's elements. Undefined when an
 * element has no answers (no responses yet).
 */
export const exactIkm = (
  instrument: Instrument,
  tallies: Readonly<Record<string, ElementTally>>,
): Exact | undefined => {
  let total: Exact = { numerator: 0n, denominator: 1n };
  for (const element of instrument.elements) {
    const tally = tallies[element.key];
    if (!tally || tally.count <= 0) return undefined;
    total = add(total, {
      numerator: BigInt(instrument.conversion) * BigInt(element.weight.numerator) * BigInt(tally.sum),
      denominator: BigInt(element.weight.denominator) * BigInt(tally.count),
    });
  }
  return total;
};

/** The grade band of an index rounded to 2 decimals, given in hundredths (6500 for 65.00). */
export const gradeOf = (instrument: Instrument, hundredths: number): GradeBand => {
  let band = instrument.grades[0]!;
  for (const candidate of instrument.grades) if (hundredths >= candidate.fromHundredths) band = candidate;
  return band;
};

/** An index with its grade. */
export interface Graded {
  ikm: Rounded;
  mutu: GradeBand['mutu'];
  kinerja: string;
}

/** IKM rounded half up to 2 decimals, with mutu and kinerja read from the rounded value. */
export const ikmOf = (instrument: Instrument, tallies: Readonly<Record<string, ElementTally>>): Graded | undefined => {
  const exact = exactIkm(instrument, tallies);
  if (!exact) return undefined;
  const ikm = roundHalfUp(exact, 2);
  const band = gradeOf(instrument, ikm.scaled);
  return { ikm, mutu: band.mutu, kinerja: band.kinerja };
};

/**
 * One element on the index scale (conversion × NRR, exact, rounded to 2 decimals) with its grade. The regulation's
 * NRR bands (2.60, 3.0644, 3.5324) are the IKM bands divided by 25, so an element is graded like the whole index.
 */
export const elementGradeOf = (instrument: Instrument, tally: ElementTally): Graded | undefined => {
  if (tally.count <= 0) return undefined;
  const ikm = roundHalfUp(
    { numerator: BigInt(instrument.conversion) * BigInt(tally.sum), denominator: BigInt(tally.count) },
    2,
  );
  const band = gradeOf(instrument, ikm.scaled);
  return { ikm, mutu: band.mutu, kinerja: band.kinerja };
};
