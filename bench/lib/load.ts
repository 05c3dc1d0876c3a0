import { type Summary, summarize } from './stats.ts';

export interface LoadResult {
  concurrency: number;
  completed: number;
  errors: number;
  elapsedMs: number;
  /** Completed operations per second over the whole phase. */
  throughput: number;
  latency: Summary;
  /** A few distinct error messages. */
  errorSamples: string[];
  /** Every latency (ms), for merging phases; left out of reports. */
  samples?: number[];
}

/**
 * Runs `task` with `concurrency` in flight until `count` tasks were started or `durationMs` passed, whichever
 * comes first; measures each task's latency and the throughput of the phase.
 */
export const runLoad = async (
  task: (n: number) => Promise<void>,
  options: { concurrency: number; count?: number; durationMs?: number },
): Promise<LoadResult> => {
  const latencies: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const lane = async () => {
    while (next < count && performance.now() < deadline) {
      const n = next++;
      const t = performance.now();
      try {
        await task(n);
        latencies.push(performance.now() - t);
      } catch (error) {
        errors++;
        if (errorSamples.size < 5) errorSamples.add((error as Error).message.slice(0, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const elapsedMs = performance.now() - started;
  return {
    concurrency: options.concurrency,
    completed: latencies.length,
    errors,
    elapsedMs,
    throughput: latencies.length / (elapsedMs / 1000),
    latency: summarize(latencies),
    errorSamples: [...errorSamples],
    samples: latencies,
  };
};

/** Several phases of the same kind merged: latencies pooled, throughput over the summed time. */
export const mergeLoads = (phases: LoadResult[]): LoadResult => {
  const completed = phases.reduce((a, p) => a + p.completed, 0);
  const elapsedMs = phases.reduce((a, p) => a + p.elapsedMs, 0);
  return {
    concurrency: phases[0]?.concurrency ?? 0,
    completed,
    errors: phases.reduce((a, p) => a + p.errors, 0),
    elapsedMs,
    throughput: completed / (elapsedMs / 1000),
    latency: summarize(phases.flatMap((p) => p.samples ?? [])),
    errorSamples: [...new Set(phases.flatMap((p) => p.errorSamples))].slice(0, 5),
    samples: phases.flatMap((p) => p.samples ?? []),
  };
};
