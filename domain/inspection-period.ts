import { addCalendarDays, countyDate, CountyDate, startOfCountyDay } from './county-time';
import { durationMs, isDuration, parseDuration } from './duration';

/** Frequencies that follow the county calendar rather than a fixed length. */
export const calendarPeriods = ['month', 'half_month', 'quarter', 'half_year'] as const;
export type CalendarPeriod = (typeof calendarPeriods)[number];

/**
 * A calendar period name, or an ISO 8601 duration of days/hours/minutes/seconds (for tests:
 * 'PT20S'). The intersection keeps the period names in editors' suggestions.
 */
export type Frequency = CalendarPeriod | (string & Record<never, never>);

/** Instants in ms, [start, end). */
export interface Period {
  start: number;
  end: number;
}

const monthsPer = { month: 1, quarter: 3, half_year: 6 } as const;

function isCalendarPeriod(text: string): text is CalendarPeriod {
  return (calendarPeriods as readonly string[]).includes(text);
}

/** A calendar period name or a valid duration; a zero duration would never move on. */
export function isFrequency(text: string): boolean {
  if (isCalendarPeriod(text)) return true;
  return isDuration(text) && durationMs(parseDuration(text)) > 0;
}

function lengthOf(frequency: string): number {
  if (!isFrequency(frequency)) {
    throw new Error(
      `"${frequency}" is not an inspection frequency: month, half_month, quarter, half_year ` +
        'or a duration such as P14D or PT20S',
    );
  }
  return durationMs(parseDuration(frequency));
}

/** The first day of a month counted from 0, which may run past December. */
function firstOfMonth(year: number, month: number): CountyDate {
  const y = year + Math.floor(month / 12);
  const m = (((month % 12) + 12) % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}-01`;
}

const between = (start: CountyDate, end: CountyDate): Period => ({
  start: startOfCountyDay(start),
  end: startOfCountyDay(end),
});

function calendarPeriod(instant: number, frequency: CalendarPeriod): Period {
  const date = countyDate(instant);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1;
  if (frequency === 'half_month') {
    const first = firstOfMonth(year, month);
    const sixteenth = addCalendarDays(first, 15);
    if (date < sixteenth) return between(first, sixteenth);
    return between(sixteenth, firstOfMonth(year, month + 1));
  }
  const length = monthsPer[frequency];
  const start = month - (month % length);
  return between(firstOfMonth(year, start), firstOfMonth(year, start + length));
}

/**
 * The period of `frequency` that contains `instant`. Calendar periods are aligned to the county
 * calendar: months; half months are the 1st–15th and the 16th–last day; quarters start Jan/Apr/
 * Jul/Oct 1; half years Jan 1 and Jul 1, all at county midnight. Duration frequencies are
 * fixed-length periods counted from `anchor` (required for them): period k = [anchor + k·d,
 * anchor + (k+1)·d), also for instants before the anchor.
 */
export function periodContaining(instant: number, frequency: Frequency, anchor?: number): Period {
  if (isCalendarPeriod(frequency)) return calendarPeriod(instant, frequency);
  const length = lengthOf(frequency);
  if (anchor === undefined) throw new Error(`frequency ${frequency} needs an anchor instant`);
  const start = anchor + Math.floor((instant - anchor) / length) * length;
  return { start, end: start + length };
}

/** The period after `period`. A duration period is its own anchor when none is given. */
export function nextPeriod(period: Period, frequency: Frequency, anchor?: number): Period {
  return periodContaining(period.end, frequency, anchor ?? period.start);
}

/**
 * The window the next inspection must fall in, given the last inspection (or null): the period
 * containing `now`, unless an inspection was already recorded inside that period, in which case
 * the period after it. This is how a tier change "re-plans at once": call it again with the new
 * frequency.
 */
export function nextWindow(
  now: number,
  frequency: Frequency,
  lastInspectionAt: number | null,
  anchor?: number,
): Period {
  const current = periodContaining(now, frequency, anchor);
  const done =
    lastInspectionAt !== null &&
    lastInspectionAt >= current.start &&
    lastInspectionAt < current.end;
  return done ? nextPeriod(current, frequency, anchor) : current;
}

/** The windows whose end falls in [from, until): for the workload forecast. */
export function windowsBetween(
  from: number,
  until: number,
  frequency: Frequency,
  anchor?: number,
): Period[] {
  const windows: Period[] = [];
  // the period holding the instant before `from` is the first whose end can be `from` itself
  let window = periodContaining(from - 1, frequency, anchor);
  while (window.end < until) {
    windows.push(window);
    window = nextPeriod(window, frequency, anchor);
  }
  return windows;
}

/** 'YYYY-MM' in county time. */
export function countyMonth(instant: number): string {
  return countyDate(instant).slice(0, 7);
}

/**
 * How many windows end in (from, until]: what windowsBetween counts, without listing them, so
 * a forecast over fixed-length test periods of seconds stays cheap.
 */
export function countWindowsEnding(
  from: number,
  until: number,
  frequency: Frequency,
  anchor: number,
): number {
  if ((calendarPeriods as readonly string[]).includes(frequency)) {
    return windowsBetween(from + 1, until + 1, frequency, anchor).length;
  }
  const length = durationMs(parseDuration(frequency));
  return Math.floor((until - anchor) / length) - Math.floor((from - anchor) / length);
}
