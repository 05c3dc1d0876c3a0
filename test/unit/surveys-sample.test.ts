import { describe, expect, it } from 'vitest';
import { minimumSample } from '#shared/surveys/sample';

describe('Krejcie & Morgan minimum sample', () => {
  // s = 3841 · N / (10 · N + 3831), rounded up (X² = 3.841, P = 0.5, d = 0.05, multiplied through by 4000).
  it.each([
    // 384100 / 4831 = 79.51 -> 80
    [100, 80],
    // 3841000 / 13831 = 277.71 -> 278
    [1_000, 278],
    // 38410000 / 103831 = 369.93 -> 370
    [10_000, 370],
    // 3841000000 / 10003831 = 383.95 -> 384
    [1_000_000, 384],
    // 3841 / 3841 = 1 exactly: not rounded up past it
    [1, 1],
    [0, 0],
  ])('needs %i served people to answer at least %i times', (population, minimum) => {
    expect(minimumSample(population)).toBe(minimum);
  });

  it('refuses a population that is not a whole number of people', () => {
    expect(() => minimumSample(-1)).toThrow(RangeError);
    expect(() => minimumSample(10.5)).toThrow(RangeError);
  });
});
