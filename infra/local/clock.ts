import type { Clock } from './types.ts';

// setTimeout overflows above 2^31-1 ms and fires at once: long sleeps are taken in slices.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The runtime's virtual clock: real time plus an offset. Tests move it (`set`, `advance`) instead of sleeping;
 * Lambda workers and the Step Functions emulation read it, and sleepers wake as soon as it passes their time.
 */
export const createClock = (): Clock => {
  let offsetMs = 0;
  const listeners = new Set<() => void>();
  const now = () => Date.now() + offsetMs;
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  return {
    now,
    offset: () => offsetMs,
    set(epochMs) {
      offsetMs = epochMs - Date.now();
      changed();
    },
    advance(ms) {
      if (ms < 0) throw new RangeError('the clock does not move backwards by advance(); use set()');
      offsetMs += ms;
      changed();
    },
    sleepUntil(epochMs, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        let timer: NodeJS.Timeout | undefined;
        const cleanup = () => {
          if (timer) clearTimeout(timer);
          listeners.delete(check);
          signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          cleanup();
          reject(signal?.reason);
        };
        function check() {
          if (timer) clearTimeout(timer);
          const remaining = epochMs - now();
          if (remaining <= 0) {
            cleanup();
            resolve();
            return;
          }
          timer = setTimeout(check, Math.min(remaining, MAX_TIMER_MS));
        }
        listeners.add(check);
        signal?.addEventListener('abort', onAbort, { once: true });
        check();
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
