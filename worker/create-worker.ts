import { DefaultLogger, LogLevel, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, ActivityDeps } from '../activities';
import { HAZARD_TASK_QUEUE } from '../contracts/hazard';

let runtimeInstalled = false;

/** Routes the SDK's own logs (workflow and activity loggers included) to the app logger. */
export function installRuntimeLogger(logger: Logger, level: LogLevel = 'INFO'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const method = entryLevel.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method](meta ?? {}, message);
    }),
  });
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  /** A prebuilt bundle; without it the workflows are bundled at start. */
  workflowBundlePath?: string;
  taskQueue?: string;
  /** Activities run at once; the SDK's default is 100. */
  activityConcurrency?: number;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? HAZARD_TASK_QUEUE,
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.activityConcurrency ?? 100,
    shutdownGraceTime: '10s',
    // When many timers fire at once the backlog of workflow tasks can exceed the default 10 s;
    // a sticky task that times out is handed out again with its whole history to replay, which
    // makes a storm slower still. A dead worker's sticky tasks wait this long to move on.
    stickyQueueScheduleToStartTimeout: '30s',
    ...workflowSource,
  });
}
