import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countyDate } from '../../domain/county-time';
import { dayCounter, parsePolicy, Policy } from '../../domain/policy';
import { parseDuration } from '../../domain/duration';
import { repoRoot } from '../../infra/repo-root';

export function defaultPolicy(): Policy {
  const file = path.join(repoRoot(), 'policy', 'default.json');
  return parsePolicy(JSON.parse(readFileSync(file, 'utf8')), file);
}

/**
 * A policy under which every case registered on the same county day has its first rung at
 * `stormAt`. A one-day confirmation limit ends at the same midnight for all of them, and rung 0
 * falls a fixed number of seconds before that midnight: the ladder's own arithmetic, not a
 * trick, puts all the timers on one instant, as a day-granular policy does at each midnight.
 * The rung goes to the department only, so N cases make N emails. Each storm gets its own
 * version, because the offset is part of the content.
 */
export function stormPolicy(stormAt: number, registeredFrom: number): Policy {
  const base: Policy = {
    version: 'bench-storm',
    title: '基准测试：同一时刻到期的提醒',
    dayCounting: 'calendar',
    calendar: { holidays: [], workdays: [] },
    general: {
      confirmation: 'P1D',
      rectification: 'P3D',
      reinspection: 'P3D',
      maxExtension: 'P15D',
    },
    ladder: [{ rung: 1, after: 'PT0S', notify: ['department'] }],
  };
  const deadline = dayCounter(base).dueAfter(registeredFrom, parseDuration('P1D'));
  if (countyDate(registeredFrom) !== countyDate(stormAt)) {
    throw new Error('the storm would straddle midnight, county time (16:00 UTC): run it later');
  }
  const before = Math.round((deadline - stormAt) / 1000);
  return parsePolicy({
    ...base,
    version: `bench-storm-${stormAt}`,
    ladder: [
      { rung: 0, before: `PT${before}S`, notify: ['department'] },
      { rung: 1, after: 'PT0S', notify: ['department'] },
      { rung: 2, after: 'P1D', notify: ['committee_office'] },
    ],
  });
}

/**
 * A whole ladder within a minute of registration, for the drills: rung 0 at +30 s to the
 * enterprise's two people, rungs 1 to 4 at +40, +45, +50 and +55 s, one address each.
 */
export const drillPolicy: Policy = parsePolicy({
  version: 'bench-drill.1',
  title: '故障演练：一分钟内走完督办阶梯',
  dayCounting: 'calendar',
  general: {
    confirmation: 'PT40S',
    rectification: 'PT40S',
    reinspection: 'PT40S',
    maxExtension: 'PT60S',
  },
  ladder: [
    { rung: 0, before: 'PT10S', notify: ['responsible'] },
    { rung: 1, after: 'PT0S', notify: ['department'] },
    { rung: 2, after: 'PT5S', notify: ['committee_office'] },
    { rung: 3, after: 'PT10S', notify: ['committee'] },
    { rung: 4, after: 'PT15S', notify: ['inspection_office'] },
  ],
});

/** Seconds from registration to the last rung of drillPolicy. */
export const DRILL_LADDER_MS = 55_000;
