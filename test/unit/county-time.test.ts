import { DayCounter } from '../../domain/calendar';
import { countyDate, endOfCountyDay, startOfCountyDay } from '../../domain/county-time';
import { parseDuration } from '../../domain/duration';

const at = (text: string) => Date.parse(text);

describe('county time', () => {
  it('puts an evening in UTC on the next county day', () => {
    expect(countyDate(at('2026-12-03T16:30:00Z'))).toBe('2026-12-04');
    expect(countyDate(at('2026-12-03T15:59:59Z'))).toBe('2026-12-03');
  });

  it('starts and ends county days at midnight in Shanghai', () => {
    expect(new Date(startOfCountyDay('2026-12-04')).toISOString()).toBe('2026-12-03T16:00:00.000Z');
    expect(new Date(endOfCountyDay('2026-12-04')).toISOString()).toBe('2026-12-04T16:00:00.000Z');
  });
});

describe('durations', () => {
  it('reads days, weeks and times of day', () => {
    expect(parseDuration('P3D')).toEqual({ days: 3, seconds: 0 });
    expect(parseDuration('P1W')).toEqual({ days: 7, seconds: 0 });
    expect(parseDuration('P1DT2H30M')).toEqual({ days: 1, seconds: 9000 });
    expect(parseDuration('PT0.5S')).toEqual({ days: 0, seconds: 0.5 });
  });

  it('refuses months, years and malformed text', () => {
    for (const text of ['P1M', 'P1Y', 'P', 'PT', '3D', 'P-1D', '']) {
      expect(() => parseDuration(text)).toThrow(/ISO 8601/);
    }
  });
});

describe('deadlines in calendar days', () => {
  const counter = new DayCounter('calendar');

  it('does not count the starting day: three days from a Thursday morning end with Sunday', () => {
    const due = counter.dueAfter(at('2026-12-03T02:00:00Z'), parseDuration('P3D'));
    expect(new Date(due).toISOString()).toBe('2026-12-06T16:00:00.000Z');
  });

  it('counts a late evening registration by its county day, not its UTC day', () => {
    // 23:30 county time on 3 December is still 3 December
    const due = counter.dueAfter(at('2026-12-03T15:30:00Z'), parseDuration('P1D'));
    expect(countyDate(due - 1)).toBe('2026-12-04');
  });

  it('adds limits with a time part exactly', () => {
    const start = at('2026-12-03T02:00:00Z');
    expect(counter.dueAfter(start, parseDuration('PT30S'))).toBe(start + 30_000);
    expect(counter.dueAfter(start, parseDuration('P1DT1H'))).toBe(start + 25 * 3_600_000);
  });

  it('shifts a deadline by whole days exactly', () => {
    const deadline = endOfCountyDay('2026-12-06');
    expect(counter.shift(deadline, parseDuration('P1D'), 1)).toBe(endOfCountyDay('2026-12-07'));
    expect(counter.shift(deadline, parseDuration('P1D'), -1)).toBe(endOfCountyDay('2026-12-05'));
  });
});

describe('deadlines in working days', () => {
  const counter = new DayCounter('working', {
    holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
    workdays: ['2026-10-10'],
  });

  it('skips weekends', () => {
    // Friday 4 December + 1 working day is Monday 7 December
    expect(counter.addDays('2026-12-04', 1)).toBe('2026-12-07');
    expect(counter.addDays('2026-12-07', -1)).toBe('2026-12-04');
  });

  it('skips public holidays and counts a make-up Saturday', () => {
    expect(counter.isWorkingDay('2026-10-01')).toBe(false);
    expect(counter.isWorkingDay('2026-10-10')).toBe(true);
    // registered on 30 September: 3 working days are 8, 9 and 10 October
    const due = counter.dueAfter(at('2026-09-30T02:00:00Z'), parseDuration('P3D'));
    expect(countyDate(due - 1)).toBe('2026-10-10');
  });

  it('moves a rung one working day past a deadline at the end of a Friday', () => {
    const friday = endOfCountyDay('2026-12-04');
    expect(counter.shift(friday, parseDuration('P1D'), 1)).toBe(endOfCountyDay('2026-12-07'));
    expect(counter.shift(friday, parseDuration('P1D'), -1)).toBe(endOfCountyDay('2026-12-03'));
  });

  it('keeps the time of day when shifting an instant inside a day', () => {
    const fridayNoon = startOfCountyDay('2026-12-04') + 12 * 3_600_000;
    expect(counter.shift(fridayNoon, parseDuration('P1D'), 1)).toBe(
      startOfCountyDay('2026-12-07') + 12 * 3_600_000,
    );
  });
});
