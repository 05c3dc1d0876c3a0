/**
 * Time in Palembang: WIB (Asia/Jakarta), UTC+7 all year (no daylight saving). Survey periods, registration
 * windows, deadlines and report dates are WIB; a response at 2026-01-31T17:30Z belongs to February.
 */

/** WIB's offset from UTC. */
export const WIB_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The WIB day number of an instant (days since 1970-01-01 WIB). */
export const wibDayNumber = (epochMs: number): number => Math.floor((epochMs + WIB_OFFSET_MS) / DAY_MS);

/** The instant WIB day number `day` starts (00:00 WIB). */
export const wibDayStart = (day: number): number => day * DAY_MS - WIB_OFFSET_MS;

/** The WIB calendar date of an instant, `YYYY-MM-DD`. */
export const wibDate = (at: number | Date): string =>
  new Date((typeof at === 'number' ? at : at.getTime()) + WIB_OFFSET_MS).toISOString().slice(0, 10);
