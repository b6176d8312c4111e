/**
 * County time is Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a
 * fixed offset is exact for every date this system sees, and it keeps workflow code free of
 * time-zone databases.
 */
export const COUNTY_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** A calendar date in county time, as YYYY-MM-DD. */
export type CountyDate = string;

export function countyDate(instant: number): CountyDate {
  return new Date(instant + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a county day begins. */
export function startOfCountyDay(date: CountyDate): number {
  return Date.parse(`${date}T00:00:00Z`) - OFFSET_MS;
}

/** The instant a county day ends, which is the start of the next one. */
export function endOfCountyDay(date: CountyDate): number {
  return startOfCountyDay(date) + DAY_MS;
}

export function addCalendarDays(date: CountyDate, days: number): CountyDate {
  return countyDate(startOfCountyDay(date) + days * DAY_MS);
}

/** 0 is Sunday, 6 is Saturday. */
export function weekday(date: CountyDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isCountyDayBoundary(instant: number): boolean {
  return (instant + OFFSET_MS) % DAY_MS === 0;
}

/** Formats an instant for people, in county time: 2026-12-03 14:05. */
export function formatCountyTime(instant: number): string {
  return new Date(instant + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
