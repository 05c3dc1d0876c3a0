/**
 * Minimum sample size from the Krejcie & Morgan table the regulation refers to:
 *
 *   s = X² · N · P(1−P) / (d² · (N−1) + X² · P(1−P)),  X² = 3.841, P = 0.5, d = 0.05, rounded up.
 *
 * With X² = 3841/1000, P(1−P) = 1/4 and d² = 1/400, multiplying through by 4000 leaves integers only:
 * s = 3841 · N / (10 · N + 3831). Computed in BigInt and rounded up, so no float lands a hair above an integer.
 * N = 100 -> 80, 1,000 -> 278, 10,000 -> 370, 1,000,000 -> 384.
 */
export const minimumSample = (population: number): number => {
  if (!Number.isSafeInteger(population) || population < 0) {
    throw new RangeError('population must be a non-negative integer');
  }
  if (population === 0) return 0;
  const numerator = 3841n * BigInt(population);
  const denominator = 10n * BigInt(population) + 3831n;
  return Number((numerator + denominator - 1n) / denominator);
};
