/** Controls of the shifted `Date` inside one sandbox. */
export interface VirtualDate {
  setOffset(ms: number): void;
  /** Real wall time, for deadlines: the shifted `Date.now()` must not shorten a timeout. */
  realNow(): number;
}

/**
 * Replaces `globalThis.Date` with a proxy that reads the virtual clock: `Date.now()`, `new Date()` and `Date()` are
 * shifted by the offset; everything else (`new Date(ms)`, `Date.UTC`, `Date.parse`, `instanceof Date`, subclasses)
 * is the real `Date`. Must run before the bundle is imported, so that no module keeps the real one.
 */
export const installVirtualDate = (initialOffsetMs: number): VirtualDate => {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offsetMs = initialOffsetMs;
  const now = () => realNow() + offsetMs;

  const ShiftedDate = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    // `Date()` called as a function ignores its arguments and returns the current time as a string.
    apply: () => new RealDate(now()).toString(),
  });
  // The proxy forwards property reads to the real Date, so `Date.now` is replaced on the real constructor.
  RealDate.now = now;
  RealDate.prototype.constructor = ShiftedDate;
  globalThis.Date = ShiftedDate;

  return {
    setOffset(ms) {
      offsetMs = ms;
    },
    realNow,
  };
};
