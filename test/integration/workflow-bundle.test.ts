import { bundleWorkflowCode } from '@temporalio/worker';

// What the worker loads into its workflow sandbox. Every workflow pays for the bundle's size in
// memory and in start-up time, so libraries for the API (zod, the ORM) must not leak into it
// through a shared domain module.
describe('the workflow bundle', () => {
  let code: string;
  beforeAll(async () => {
    ({ code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    }));
  });

  it('holds only the workflow SDK and its own dependencies', () => {
    const packages = new Set(
      [...code.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)/g)].map((match) => match[1]),
    );
    expect([...packages].sort()).toEqual([
      '@temporalio/common',
      '@temporalio/workflow',
      'long',
      'ms',
      'nexus-rpc',
    ]);
  });

  it('stays small', () => {
    // 1.9 MB as of writing; with zod in it, it was 4.6 MB
    expect(code.length).toBeLessThan(2.5 * 1024 * 1024);
  });
});
