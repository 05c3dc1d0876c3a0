import { DAY_MS, wibDayNumber, wibDayStart } from '#shared/time';

/**
 * Working days and office hours in WIB (Asia/Jakarta, UTC+7, no daylight saving). Approval reminders and deadlines
 * count working days: Monday to Friday, minus the holidays and cuti bersama an admin maintains.
 */

/** Office hours in WIB: reminders go out at the start, deadlines fall at the end. */
export const OFFICE_OPENS_HOUR = 8;
export const OFFICE_CLOSES_HOUR = 16;

const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isWorkingDay = (day: number, holidays: ReadonlySet<string>) => {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(dateOfDay(day));
};
/** The instant of `hour`:00 WIB on a WIB day number. */
const atHour = (day: number, hour: number) => wibDayStart(day) + hour * 3_600_000;

/** The `n`-th working day after the WIB day of `from` (the day itself never counts). */
const nthWorkingDayAfter = (from: number, n: number, holidays: ReadonlySet<string>): number => {
  let day = wibDayNumber(from);
  let counted = 0;
  while (counted < n) {
    day += 1;
    if (isWorkingDay(day, holidays)) counted += 1;
  }
  return day;
};

/** When a stage opened at `openedAt` reminds: office opening time on the `days`-th working day after. */
export const reminderAt = (openedAt: number, days: number, holidays: ReadonlySet<string>): number =>
  atHour(nthWorkingDayAfter(openedAt, days, holidays), OFFICE_OPENS_HOUR);

/** When a stage opened at `openedAt` hits its deadline: office closing time on the `days`-th working day after. */
export const deadlineAt = (openedAt: number, days: number, holidays: ReadonlySet<string>): number =>
  atHour(nthWorkingDayAfter(openedAt, days, holidays), OFFICE_CLOSES_HOUR);
