import {
  addCalendarDays,
  countyDate,
  CountyDate,
  endOfCountyDay,
  isCountyDayBoundary,
  startOfCountyDay,
  weekday,
} from './county-time';
import { Duration, durationMs, isWholeDays } from './duration';

/** How a policy counts days: every calendar day, or only working days. */
export type DayCounting = 'calendar' | 'working';

export interface HolidayCalendar {
  /** Public holidays that fall on weekdays or weekends (法定节假日及调休放假日). */
  holidays: CountyDate[];
  /** Weekend days worked to make up for holidays (调休上班日). */
  workdays: CountyDate[];
}

/** Day arithmetic under one policy's counting rule. */
export class DayCounter {
  private readonly holidays: Set<CountyDate>;
  private readonly workdays: Set<CountyDate>;

  constructor(
    readonly counting: DayCounting,
    calendar: HolidayCalendar = { holidays: [], workdays: [] },
  ) {
    this.holidays = new Set(calendar.holidays);
    this.workdays = new Set(calendar.workdays);
  }

  isWorkingDay(date: CountyDate): boolean {
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const day = weekday(date);
    return day !== 0 && day !== 6;
  }

  /** The date `days` counted days after (or, when negative, before) `date`. */
  addDays(date: CountyDate, days: number): CountyDate {
    if (this.counting === 'calendar') return addCalendarDays(date, days);
    const step = days < 0 ? -1 : 1;
    let current = date;
    for (let left = Math.abs(days); left > 0;) {
      current = addCalendarDays(current, step);
      if (this.isWorkingDay(current)) left -= 1;
    }
    return current;
  }

  /**
   * The deadline of a limit that starts at `start`. A whole-day limit follows the rule that the
   * starting day is not counted: "3 days" ends when the third counted day after it ends. Limits
   * with hours, minutes or seconds are exact.
   */
  dueAfter(start: number, limit: Duration): number {
    if (!isWholeDays(limit)) return start + durationMs(limit);
    return endOfCountyDay(this.addDays(countyDate(start), limit.days));
  }

  /**
   * Moves an instant by a duration, forwards or backwards, as an escalation rung's offset from a
   * deadline does. Whole days keep the time of day; an instant on a day boundary counts as the
   * end of the day before, so "one day after a deadline at the end of Friday" is the end of the
   * next counted day.
   */
  shift(instant: number, offset: Duration, direction: 1 | -1): number {
    if (!isWholeDays(offset) || this.counting === 'calendar') {
      return instant + direction * durationMs(offset);
    }
    const atBoundary = isCountyDayBoundary(instant);
    const anchor = countyDate(atBoundary ? instant - 1 : instant);
    const moved = this.addDays(anchor, direction * offset.days);
    if (atBoundary) return endOfCountyDay(moved);
    return startOfCountyDay(moved) + (instant - startOfCountyDay(anchor));
  }
}

/** The day arithmetic of a policy. */
export function dayCounter(policy: {
  dayCounting: DayCounting;
  calendar: HolidayCalendar;
}): DayCounter {
  return new DayCounter(policy.dayCounting, policy.calendar);
}
