import { parsePolicy, PolicyError } from '../../domain/policy';
import { policyWarnings } from '../../config/policy-file';
import { loadPolicy } from '../support/builders';

const base = () => JSON.parse(JSON.stringify(loadPolicy('default'))) as Record<string, any>;

function problemsOf(document: unknown): string[] {
  try {
    parsePolicy(document, 'test');
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  return [];
}

describe('policy loading', () => {
  it('accepts the committed default and test policies', () => {
    expect(loadPolicy('default').general.rectification).toBe('P3D');
    expect(loadPolicy('test-seconds').ladder).toHaveLength(5);
  });

  it('names the field of a malformed duration', () => {
    const document = base();
    document.general.rectification = '3 days';
    expect(problemsOf(document)).toEqual([
      'general.rectification: must be an ISO 8601 duration such as P3D, PT12H or PT30S',
    ]);
  });

  it('refuses a rung with both before and after', () => {
    const document = base();
    document.ladder[1] = { rung: 1, before: 'P1D', after: 'PT0S', notify: ['department'] };
    expect(problemsOf(document).join()).toMatch(/exactly one of "before" or "after"/);
  });

  it('refuses rungs listed out of order and duplicated rung numbers', () => {
    const document = base();
    document.ladder = [document.ladder[2], document.ladder[1], { ...document.ladder[1] }];
    const problems = problemsOf(document).join('\n');
    expect(problems).toMatch(/unique/);
    expect(problems).toMatch(/order they fall due/);
  });

  it('refuses unknown recipients and unknown fields', () => {
    const document = base();
    document.ladder[1].notify = ['mayor'];
    document.extra = true;
    const problems = problemsOf(document).join('\n');
    expect(problems).toMatch(/ladder\.1\.notify\.0/);
    expect(problems).toMatch(/extra/);
  });

  it('warns, without refusing, about working days without holidays', () => {
    const document = base();
    document.dayCounting = 'working';
    document.calendar = { holidays: [], workdays: [] };
    expect(policyWarnings(parsePolicy(document))).toContain(
      'working-day counting without any public holidays listed',
    );
  });
});
