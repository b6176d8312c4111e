import { startOfCountyDay } from '../../domain/county-time';
import {
  defaultRiskPolicy,
  effectiveTier,
  keyIndustries,
  RiskInputs,
  RiskPolicy,
  scoreRisk,
  TierOverride,
} from '../../domain/risk';

const asOf = Date.parse('2027-06-15T02:00:00Z'); // 10:00 on 15 June in the county
const chemicals = { id: 'chemicals', name: '危险化学品', baseRisk: 30 };
const trade = { id: 'trade', name: '工贸', baseRisk: 15 };
const noHazards = { open: 0, overdue: 0, major: 0 };

function inputs(overrides: Partial<RiskInputs> = {}): RiskInputs {
  return { industry: trade, size: 'small', accidents: [], hazards: noHazards, asOf, ...overrides };
}

/** A policy under which the score is the industry's base risk alone. */
const baseOnly: RiskPolicy = {
  ...defaultRiskPolicy,
  sizePoints: { large: 0, medium: 0, small: 0, micro: 0 },
};
const tierAt = (score: number) =>
  scoreRisk(inputs({ industry: { ...trade, baseRisk: score } }), baseOnly).tier;

describe('risk tiers', () => {
  it('puts each threshold score in its tier and the score below it in the next lower one', () => {
    expect([tierAt(60), tierAt(59)]).toEqual(['red', 'orange']);
    expect([tierAt(40), tierAt(39)]).toEqual(['orange', 'yellow']);
    expect([tierAt(20), tierAt(19)]).toEqual(['yellow', 'blue']);
    expect([tierAt(61), tierAt(41), tierAt(21), tierAt(0)]).toEqual([
      'red',
      'orange',
      'yellow',
      'blue',
    ]);
  });

  it('takes the thresholds from the policy', () => {
    const strict = { ...baseOnly, thresholds: { red: 30, orange: 20, yellow: 10 } };
    const score = scoreRisk(inputs({ industry: { ...trade, baseRisk: 30 } }), strict);
    expect(score.tier).toBe('red');
    expect(score.explanation).toMatch(/≥30 为红色$/);
  });
});

describe('the accident lookback', () => {
  const fatal = (date: string) => ({ date, severity: 'fatal' as const });
  const accidentPoints = (accidents: RiskInputs['accidents'], at = asOf) =>
    scoreRisk(inputs({ accidents, asOf: at })).parts.find((p) => p.factor === 'accidents')!.points;

  it('counts an accident exactly three years ago and not one a day earlier', () => {
    expect(accidentPoints([fatal('2024-06-15')])).toBe(30);
    expect(accidentPoints([fatal('2024-06-14')])).toBe(0);
  });

  it('reads the lookback in county dates', () => {
    const lateEveningUtc = Date.parse('2027-06-14T17:00:00Z'); // 01:00 on 15 June in the county
    expect(accidentPoints([fatal('2024-06-15')], lateEveningUtc)).toBe(30);
    expect(accidentPoints([fatal('2024-06-14')], lateEveningUtc)).toBe(0);
  });

  it('takes 28 February as the day three years before 29 February', () => {
    const leapDay = startOfCountyDay('2028-02-29');
    expect(accidentPoints([fatal('2025-02-28')], leapDay)).toBe(30);
    expect(accidentPoints([fatal('2025-02-27')], leapDay)).toBe(0);
  });

  it('leaves out accidents dated after the day the score is for', () => {
    expect(accidentPoints([fatal('2027-06-15'), fatal('2027-06-16')])).toBe(30);
  });
});

describe('the parts of a score', () => {
  const score = scoreRisk(
    inputs({
      industry: chemicals,
      size: 'large',
      accidents: [
        { date: '2025-03-01', severity: 'fatal' },
        { date: '2026-08-09', severity: 'minor' },
        { date: '2027-01-20', severity: 'minor' },
      ],
      hazards: { open: 2, overdue: 1, major: 0 },
    }),
  );

  it('gives points and a Chinese label and detail for each factor', () => {
    expect(score.parts).toEqual([
      {
        factor: 'industry',
        label: '行业基础风险：危险化学品',
        points: 30,
        detail: '危险化学品行业基础分 30',
      },
      {
        factor: 'accidents',
        label: '近3年事故',
        points: 40,
        detail: '近3年事故：死亡1起×30，重伤0起，轻伤2起×5',
      },
      { factor: 'size', label: '企业规模：大型', points: 10, detail: '大型企业 10 分' },
      {
        factor: 'hazards',
        label: '隐患记录',
        points: 9,
        detail: '隐患：未整改2项×2，逾期1项×5，重大0项',
      },
    ]);
  });

  it('sums the parts and names each of them in the explanation', () => {
    expect(score.score).toBe(89);
    expect(score.tier).toBe('red');
    expect(score.explanation).toBe('得分 89：行业 30 + 事故 40 + 规模 10 + 隐患 9，≥60 为红色');
  });

  it('explains a blue score by the yellow threshold it stays below', () => {
    const blue = scoreRisk(inputs({ size: 'micro' }));
    expect(blue.explanation).toBe('得分 16：行业 15 + 事故 0 + 规模 1 + 隐患 0，<20 为蓝色');
  });
});

describe('changing one input', () => {
  const before = inputs({
    accidents: [{ date: '2026-05-01', severity: 'minor' }],
    hazards: { open: 1, overdue: 0, major: 0 },
  });
  const partsOtherThanAccidents = (parts: { factor: string }[]) =>
    parts.filter((p) => p.factor !== 'accidents');

  it('moves the tier and the explanation when one fatal accident is added', () => {
    const was = scoreRisk(before);
    const fatal = { date: '2027-06-01', severity: 'fatal' as const };
    const now = scoreRisk({ ...before, accidents: [...before.accidents, fatal] });

    expect(now.score - was.score).toBe(30);
    expect([was.tier, now.tier]).toEqual(['yellow', 'orange']);
    expect(was.explanation).toBe('得分 25：行业 15 + 事故 5 + 规模 3 + 隐患 2，≥20 为黄色');
    expect(now.explanation).toBe('得分 55：行业 15 + 事故 35 + 规模 3 + 隐患 2，≥40 为橙色');
    expect(now.parts[1]!.detail).toBe('近3年事故：死亡1起×30，重伤0起，轻伤1起×5');
    expect(partsOtherThanAccidents(now.parts)).toEqual(partsOtherThanAccidents(was.parts));
  });

  it('moves the tier back down when the accident leaves the lookback', () => {
    const fatal = { date: '2024-06-15', severity: 'fatal' as const };
    const withFatal = { ...before, accidents: [...before.accidents, fatal] };
    const nextDay = asOf + 86_400_000;
    expect(scoreRisk(withFatal).tier).toBe('orange');
    expect(scoreRisk({ ...withFatal, asOf: nextDay }).tier).toBe('yellow');
  });

  it('moves the tier when the enterprise grows', () => {
    const micro = scoreRisk({ ...before, industry: chemicals, size: 'micro' });
    const larger = scoreRisk({ ...before, industry: chemicals, size: 'large' });
    expect([micro.score, micro.tier]).toEqual([38, 'yellow']);
    expect([larger.score, larger.tier]).toEqual([47, 'orange']);
    expect(larger.parts[2]).toEqual({
      factor: 'size',
      label: '企业规模：大型',
      points: 10,
      detail: '大型企业 10 分',
    });
  });
});

describe('tier overrides', () => {
  const now = asOf;
  const override = (expiresAt: number): TierOverride => ({
    tier: 'red',
    reason: '近期发生险情，提级监管',
    expiresAt,
    by: 'yjj-inspector',
  });

  it('lets an unexpired override win over the score', () => {
    expect(effectiveTier('blue', override(now + 1), now)).toEqual({
      tier: 'red',
      source: 'override',
    });
  });

  it('falls back to the score once the override expires', () => {
    expect(effectiveTier('blue', override(now), now)).toEqual({ tier: 'blue', source: 'score' });
    expect(effectiveTier('blue', override(now - 1), now)).toEqual({
      tier: 'blue',
      source: 'score',
    });
  });

  it('uses the score when there is no override', () => {
    expect(effectiveTier('yellow', null, now)).toEqual({ tier: 'yellow', source: 'score' });
  });
});

describe('the key industries', () => {
  it('lists twelve industries with a base risk and four to six checklist points each', () => {
    expect(keyIndustries).toHaveLength(12);
    expect(new Set(keyIndustries.map((i) => i.id)).size).toBe(12);
    for (const industry of keyIndustries) {
      expect(industry.id).toMatch(/^[a-z][a-z-]*$/);
      expect(industry.baseRisk).toBeGreaterThanOrEqual(5);
      expect(industry.baseRisk).toBeLessThanOrEqual(30);
      expect(industry.checklist.length).toBeGreaterThanOrEqual(4);
      expect(industry.checklist.length).toBeLessThanOrEqual(6);
    }
  });

  it('gives every checklist point an id of its own', () => {
    const ids = keyIndustries.flatMap((i) => i.checklist.map((p) => p.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('hc-1');
  });

  it('checks the typical risk points of the plan', () => {
    const texts = (id: string) =>
      keyIndustries
        .find((i) => i.id === id)!
        .checklist.map((p) => p.text)
        .join('；');
    expect(texts('chemicals')).toMatch(/储罐.*泄漏[\s\S]*反应釜超.*压[\s\S]*管道腐蚀/);
    expect(texts('construction')).toMatch(/高处[\s\S]*坍塌[\s\S]*起重机械/);
    expect(texts('trade')).toMatch(/线路老化[\s\S]*缺氧/);
    expect(texts('fire')).toMatch(/火灾[\s\S]*安全出口.*堵塞[\s\S]*消防设施失效/);
  });
});
