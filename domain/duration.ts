/** An ISO 8601 duration reduced to whole days and seconds, the two units deadlines use. */
export interface Duration {
  days: number;
  seconds: number;
}

const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export class DurationFormatError extends Error {
  constructor(readonly text: string) {
    super(`"${text}" is not an ISO 8601 duration such as P3D, PT12H or PT30S`);
    this.name = 'DurationFormatError';
  }
}

/**
 * Parses the subset of ISO 8601 durations a policy needs: weeks, days, hours, minutes and
 * seconds. Years and months are refused because their length depends on the start date.
 */
export function parseDuration(text: string): Duration {
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new DurationFormatError(text);
  const [, weeks, days, hours, minutes, seconds] = match;
  const num = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  return {
    days: num(weeks) * 7 + num(days),
    seconds: num(hours) * 3600 + num(minutes) * 60 + num(seconds),
  };
}

export function isDuration(text: string): boolean {
  return PATTERN.test(text) && text !== 'P' && !text.endsWith('T');
}

/** Whole-day durations end at a day boundary in county time; the others are exact. */
export function isWholeDays(duration: Duration): boolean {
  return duration.seconds === 0 && duration.days > 0;
}

export function durationMs(duration: Duration): number {
  return (duration.days * 86_400 + duration.seconds) * 1000;
}
