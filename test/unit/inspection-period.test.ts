import { countyDate, startOfCountyDay } from '../../domain/county-time';
import {
  countyMonth,
  Frequency,
  isFrequency,
  nextPeriod,
  nextWindow,
  Period,
  periodContaining,
  windowsBetween,
} from '../../domain/inspection-period';

const at = (text: string) => Date.parse(text);
const hour = 3_600_000;
/** 10:00 in the county on a county date. */
const morning = (date: string) => startOfCountyDay(date) + 10 * hour;
/** A period as county dates: its first day and its last day. */
const days = (period: Period) => [countyDate(period.start), countyDate(period.end - 1)];
const within = (date: string, frequency: Frequency) =>
  days(periodContaining(morning(date), frequency));

describe('monthly periods', () => {
  it('puts 31 January in January and the period after it in February', () => {
    const january = periodContaining(morning('2027-01-31'), 'month');
    expect(days(january)).toEqual(['2027-01-01', '2027-01-31']);
    expect(days(nextPeriod(january, 'month'))).toEqual(['2027-02-01', '2027-02-28']);
  });

  it('ends February on the 29th in the leap year 2028 and on the 28th in 2027', () => {
    expect(within('2028-02-10', 'month')).toEqual(['2028-02-01', '2028-02-29']);
    expect(within('2027-02-10', 'month')).toEqual(['2027-02-01', '2027-02-28']);
  });

  it('follows December with January of the next year', () => {
    const december = periodContaining(morning('2027-12-31'), 'month');
    expect(days(nextPeriod(december, 'month'))).toEqual(['2028-01-01', '2028-01-31']);
  });

  it('starts and ends at county midnight', () => {
    const march = periodContaining(morning('2027-03-10'), 'month');
    expect(new Date(march.start).toISOString()).toBe('2027-02-28T16:00:00.000Z');
    expect(new Date(march.end).toISOString()).toBe('2027-03-31T16:00:00.000Z');
  });
});

describe('half-month periods', () => {
  it('splits a month after the 15th', () => {
    expect(within('2027-03-15', 'half_month')).toEqual(['2027-03-01', '2027-03-15']);
    expect(within('2027-03-16', 'half_month')).toEqual(['2027-03-16', '2027-03-31']);
  });

  it('ends the second half on the last day of a 31-day month, a 30-day month and February', () => {
    expect(within('2027-01-31', 'half_month')).toEqual(['2027-01-16', '2027-01-31']);
    expect(within('2027-04-30', 'half_month')).toEqual(['2027-04-16', '2027-04-30']);
    expect(within('2027-02-28', 'half_month')).toEqual(['2027-02-16', '2027-02-28']);
    expect(within('2028-02-29', 'half_month')).toEqual(['2028-02-16', '2028-02-29']);
  });

  it('follows the first half with the second and the second with the next month', () => {
    const first = periodContaining(morning('2027-12-03'), 'half_month');
    const second = nextPeriod(first, 'half_month');
    expect(days(second)).toEqual(['2027-12-16', '2027-12-31']);
    expect(days(nextPeriod(second, 'half_month'))).toEqual(['2028-01-01', '2028-01-15']);
  });
});

describe('quarters and half years', () => {
  it('starts quarters on 1 January, April, July and October', () => {
    expect(within('2027-01-01', 'quarter')).toEqual(['2027-01-01', '2027-03-31']);
    expect(within('2027-05-20', 'quarter')).toEqual(['2027-04-01', '2027-06-30']);
    expect(within('2027-09-30', 'quarter')).toEqual(['2027-07-01', '2027-09-30']);
    expect(within('2027-10-01', 'quarter')).toEqual(['2027-10-01', '2027-12-31']);
  });

  it('follows the fourth quarter with the first of the next year', () => {
    const fourth = periodContaining(morning('2027-11-11'), 'quarter');
    expect(days(nextPeriod(fourth, 'quarter'))).toEqual(['2028-01-01', '2028-03-31']);
  });

  it('starts half years on 1 January and 1 July', () => {
    expect(within('2027-06-30', 'half_year')).toEqual(['2027-01-01', '2027-06-30']);
    expect(within('2027-07-01', 'half_year')).toEqual(['2027-07-01', '2027-12-31']);
    const second = periodContaining(morning('2027-07-01'), 'half_year');
    expect(days(nextPeriod(second, 'half_year'))).toEqual(['2028-01-01', '2028-06-30']);
  });
});

describe('county midnight', () => {
  const lastMoment = at('2027-06-30T15:59:59.999Z'); // 23:59:59.999 on 30 June in the county
  const midnight = at('2027-06-30T16:00:00.000Z'); // 00:00 on 1 July in the county

  it('keeps the last millisecond before county midnight in the old period', () => {
    expect(days(periodContaining(lastMoment, 'month'))).toEqual(['2027-06-01', '2027-06-30']);
    expect(days(periodContaining(lastMoment, 'half_year'))).toEqual(['2027-01-01', '2027-06-30']);
  });

  it('starts the new period exactly at county midnight', () => {
    expect(periodContaining(midnight, 'month').start).toBe(midnight);
    expect(periodContaining(midnight, 'quarter').start).toBe(midnight);
    expect(periodContaining(midnight, 'half_year').start).toBe(midnight);
    expect(periodContaining(lastMoment, 'half_month').end).toBe(midnight);
  });

  it('puts a late evening in UTC in the next county day', () => {
    const evening = at('2027-06-30T18:00:00Z'); // 02:00 on 1 July in the county
    expect(days(periodContaining(evening, 'half_year'))).toEqual(['2027-07-01', '2027-12-31']);
    expect(countyMonth(evening)).toBe('2027-07');
    expect(countyMonth(lastMoment)).toBe('2027-06');
  });
});

describe('duration frequencies', () => {
  const anchor = at('2027-01-01T02:00:00Z');
  const second = 1000;

  it('counts fixed-length periods from the anchor', () => {
    expect(periodContaining(anchor, 'PT20S', anchor)).toEqual({
      start: anchor,
      end: anchor + 20 * second,
    });
    expect(periodContaining(anchor + 45 * second, 'PT20S', anchor)).toEqual({
      start: anchor + 40 * second,
      end: anchor + 60 * second,
    });
  });

  it('counts backwards for instants before the anchor', () => {
    expect(periodContaining(anchor - 1, 'PT20S', anchor)).toEqual({
      start: anchor - 20 * second,
      end: anchor,
    });
    expect(periodContaining(anchor - 45 * second, 'PT20S', anchor)).toEqual({
      start: anchor - 60 * second,
      end: anchor - 40 * second,
    });
  });

  it('keeps whole-day durations fixed to the anchor, not to county midnight', () => {
    const period = periodContaining(anchor + 20 * 24 * hour, 'P14D', anchor);
    expect(period.start).toBe(anchor + 14 * 24 * hour);
    expect(nextPeriod(period, 'P14D', anchor).start).toBe(anchor + 28 * 24 * hour);
  });

  it('refuses a duration frequency without an anchor', () => {
    expect(() => periodContaining(anchor, 'PT20S')).toThrow(/anchor/);
  });

  it('refuses text that is not a frequency', () => {
    expect(() => periodContaining(anchor, 'weekly', anchor)).toThrow(/not an inspection frequency/);
    expect(() => periodContaining(anchor, 'PT0S', anchor)).toThrow(/not an inspection frequency/);
  });

  it('knows calendar period names and non-zero durations as frequencies', () => {
    for (const text of ['month', 'half_month', 'quarter', 'half_year', 'PT20S', 'P14D']) {
      expect(isFrequency(text)).toBe(true);
    }
    for (const text of ['PT0S', 'P0D', 'P1M', 'weekly', 'Month', '']) {
      expect(isFrequency(text)).toBe(false);
    }
  });
});

describe('the next inspection window', () => {
  const now = morning('2027-03-10');

  it('is the current period when nothing has been inspected yet', () => {
    expect(days(nextWindow(now, 'month', null))).toEqual(['2027-03-01', '2027-03-31']);
  });

  it('is the current period when the last inspection was in an earlier one', () => {
    const last = morning('2027-02-27');
    expect(days(nextWindow(now, 'month', last))).toEqual(['2027-03-01', '2027-03-31']);
  });

  it('skips the current period when an inspection was already recorded in it', () => {
    const last = morning('2027-03-02');
    expect(days(nextWindow(now, 'month', last))).toEqual(['2027-04-01', '2027-04-30']);
  });

  it('counts an inspection at county midnight in the period it starts', () => {
    const march = startOfCountyDay('2027-03-01');
    expect(days(nextWindow(now, 'month', march))).toEqual(['2027-04-01', '2027-04-30']);
    expect(days(nextWindow(now, 'month', march - 1))).toEqual(['2027-03-01', '2027-03-31']);
  });

  it('works the same way for duration frequencies', () => {
    const anchor = at('2027-01-01T02:00:00Z');
    const window = nextWindow(anchor + 25_000, 'PT20S', anchor + 21_000, anchor);
    expect(window).toEqual({ start: anchor + 40_000, end: anchor + 60_000 });
  });
});

describe('a tier change re-plans at once', () => {
  const now = morning('2027-03-10');
  const due = (window: Period) => countyDate(window.end - 1);

  it('moves a blue enterprise turned red to the end of the current month', () => {
    const last = morning('2027-01-20'); // covers the blue half year
    expect(due(nextWindow(now, 'half_year', last))).toBe('2027-12-31');
    expect(due(nextWindow(now, 'month', last))).toBe('2027-03-31');
  });

  it('moves a red enterprise inspected this month and turned blue to the next half year', () => {
    const last = morning('2027-03-05'); // also falls in the current half year
    expect(due(nextWindow(now, 'month', last))).toBe('2027-04-30');
    expect(due(nextWindow(now, 'half_year', last))).toBe('2027-12-31');
  });

  it('moves a red enterprise turned blue, not inspected this half year, to its end', () => {
    const last = morning('2026-12-20');
    expect(due(nextWindow(now, 'month', last))).toBe('2027-03-31');
    expect(due(nextWindow(now, 'half_year', last))).toBe('2027-06-30');
  });

  it('moves a blue enterprise turned orange past the half month it was inspected in', () => {
    const last = morning('2027-03-02');
    expect(due(nextWindow(now, 'half_month', last))).toBe('2027-03-31');
    expect(due(nextWindow(morning('2027-03-20'), 'half_month', last))).toBe('2027-03-31');
  });
});

describe('the workload forecast', () => {
  const from = startOfCountyDay('2027-01-01');
  const until = startOfCountyDay('2028-01-01');

  it('counts the windows ending in twelve months for each calendar frequency', () => {
    expect(windowsBetween(from, until, 'month')).toHaveLength(12);
    expect(windowsBetween(from, until, 'half_month')).toHaveLength(24);
    expect(windowsBetween(from, until, 'quarter')).toHaveLength(4);
    expect(windowsBetween(from, until, 'half_year')).toHaveLength(2);
  });

  it('includes a window ending exactly at the start and none ending at the end', () => {
    const months = windowsBetween(from, until, 'month');
    expect(days(months[0]!)).toEqual(['2026-12-01', '2026-12-31']);
    expect(days(months[11]!)).toEqual(['2027-11-01', '2027-11-30']);
  });

  it('counts the same from the middle of a month', () => {
    const mid = morning('2027-01-10');
    const later = morning('2028-01-10');
    expect(windowsBetween(mid, later, 'month')).toHaveLength(12);
    expect(windowsBetween(mid, later, 'half_month')).toHaveLength(24);
    expect(windowsBetween(mid, later, 'quarter')).toHaveLength(4);
    expect(windowsBetween(mid, later, 'half_year')).toHaveLength(2);
  });

  it('lists consecutive duration windows from an anchor', () => {
    const anchor = at('2027-01-01T02:00:00Z');
    const windows = windowsBetween(anchor, anchor + 60_000, 'PT20S', anchor);
    expect(windows.map((w) => w.end - anchor)).toEqual([0, 20_000, 40_000]);
  });
});
