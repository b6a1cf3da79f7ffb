/**
 * The post-deploy smoke test (README.md beside this file): one `at()` schedule in the stage's
 * schedule group, with the role and target of the stage's own schedules and a dry run of their
 * request, then what became of it. Its clients, clock and sleep are given; nothing here reads
 * the environment.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { executionName } from '../../handlers/engine/execution-name';
import {
  MAX_SCHEDULE_NAME_LENGTH,
  scheduleGroupName,
} from '../../resources/home-stack/schedules/schedule-resources';

export interface SmokeClients {
  scheduler: Pick<SchedulerClient, 'send'>;
  sfn: Pick<SFNClient, 'send'>;
}

export interface SmokeOptions {
  service: string;
  stage: string;
  region: string;
  /** How far ahead the one-off schedule is set (Scheduler fires with 60 s precision). */
  leadSeconds: number;
  /** Longest wait for the schedule to fire and its run to end. */
  timeoutSeconds: number;
  pollSeconds: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

export type SmokeVerdict = 'passed' | 'failed' | 'inconclusive';

export interface SmokeReport {
  verdict: SmokeVerdict;
  scheduleName?: string;
  scheduledTime?: string;
  targetArn?: string;
  /** The engine run's name and end state, for an engine target. */
  execution?: { name: string; status: string; output?: unknown };
  /** What happened, in order. */
  steps: string[];
  /** Whether the one-off schedule is gone at the end (deleted after completion, or by us). */
  removed: boolean;
}

interface TargetShape {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

/** `at()` wants local wall time without a zone: the schedule's zone is UTC here. */
const atExpression = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The Input of the stage's schedule with its request made a dry run; its schedule name. */
export function dryRunInput(input: string | undefined): { input: string; schedule: string } {
  const parsed = JSON.parse(input ?? '{}') as Record<string, unknown>;
  // A dry run changes nothing to wait for: the contract refuses `wait` beside it.
  const { wait: _wait, ...rest } = parsed.request as Record<string, unknown>;
  const request = { ...rest, dryRun: true };
  // instances: {"schedule": {"name", "scheduledTime"}, "request"}; the engine's starter:
  // {"schedule": name, "scheduledTime", "request"} (handlers/signals/schedule-input.ts, start.ts).
  const schedule =
    typeof parsed.schedule === 'string'
      ? parsed.schedule
      : String((parsed.schedule as { name?: unknown } | undefined)?.name ?? '');
  if (schedule === '' || parsed.request === undefined) {
    throw new Error(`the stage's schedule Input is not one this project writes: ${input}`);
  }
  return { input: JSON.stringify({ ...parsed, request }), schedule };
}

export async function runSmoke(clients: SmokeClients, options: SmokeOptions): Promise<SmokeReport> {
  const group = scheduleGroupName(options);
  const steps: string[] = [];
  const note = (line: string) => {
    steps.push(line);
    options.log(line);
  };
  const report: SmokeReport = { verdict: 'failed', steps, removed: true };

  // The stage's own schedules say which role and target a scheduled run takes.
  const listed = await clients.scheduler.send(
    new ListSchedulesCommand({ GroupName: group, MaxResults: 100 }),
  );
  const template = listed.Schedules?.find((s) => s.State === 'ENABLED') ?? listed.Schedules?.[0];
  if (!template?.Name) {
    note(`no schedule in group ${group}: deploy a stage with schedules first`);
    return report;
  }
  const stageSchedule = await clients.scheduler.send(
    new GetScheduleCommand({ Name: template.Name, GroupName: group }),
  );
  const target = stageSchedule.Target as TargetShape;
  const { input, schedule } = dryRunInput(target.Input);
  const at = Math.ceil((options.now() + options.leadSeconds * 1000) / 1000) * 1000;
  const stamp = isoSeconds(at).replace(/[-:]/g, '');
  const long = `${group}-smoke-${stamp}`;
  const name = long.length <= MAX_SCHEDULE_NAME_LENGTH ? long : `smoke-${stamp}`;
  report.scheduleName = name;
  report.scheduledTime = isoSeconds(at);
  report.targetArn = target.Arn;
  note(
    `creating ${name} in ${group}: ${atExpression(at)} UTC, the role and target of ${template.Name} (${target.Arn}), request ${JSON.stringify((JSON.parse(input) as { request: unknown }).request)}`,
  );
  report.removed = false;
  try {
    await clients.scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: group,
        Description: 'npm run smoke: one dry run through the stage’s own role and target',
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: target.Arn,
          RoleArn: target.RoleArn,
          Input: input,
          ...(target.RetryPolicy ? { RetryPolicy: target.RetryPolicy } : {}),
          ...(target.DeadLetterConfig?.Arn
            ? { DeadLetterConfig: { Arn: target.DeadLetterConfig.Arn } }
            : {}),
        },
      }),
    );
    const deadline = options.now() + options.timeoutSeconds * 1000;

    // ActionAfterCompletion DELETE: Scheduler removes the schedule once it has invoked.
    while (!(await isGone(clients, name, group))) {
      if (options.now() > deadline) {
        note(`${name} did not fire within ${options.timeoutSeconds} s`);
        return report;
      }
      await options.sleep(options.pollSeconds * 1000);
    }
    report.removed = true;
    note(`${name} fired at ${report.scheduledTime} and Scheduler deleted it after completion`);

    const execution = engineExecution(target.Arn, options, schedule, report.scheduledTime);
    if (!execution) {
      note(
        `the target ${target.Arn} is the single-invocation function: its Run Summary is in its log (npm run smoke reads engine runs only): sls logs -f instances --stage ${options.stage} --filter "Run Summary"`,
      );
      report.verdict = 'inconclusive';
      return report;
    }
    const ended = await awaitExecution(clients, execution.arn, deadline, options);
    report.execution = { name: execution.name, ...ended };
    if (ended.status === 'NOT_STARTED') {
      note(
        `no engine run ${execution.name}: the starter was not invoked or refused the request (see its log and the stage's dead-letter queue)`,
      );
      return report;
    }
    note(`engine run ${execution.name}: ${ended.status}`);
    if (ended.output !== undefined) note(`run summary: ${JSON.stringify(ended.output)}`);
    report.verdict = ended.status === 'SUCCEEDED' ? 'passed' : 'failed';
    return report;
  } finally {
    if (!report.removed) {
      // Always leave the group as we found it.
      try {
        await clients.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
        note(`deleted ${name}`);
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) {
          note(`could not delete ${name}: ${(error as Error).message}; delete it by hand`);
        }
      }
      report.removed = await isGone(clients, name, group).catch(() => false);
    }
  }
}

async function isGone(clients: SmokeClients, name: string, group: string): Promise<boolean> {
  try {
    await clients.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
    return false;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return true;
    throw error;
  }
}

/** The engine run a delivery to the starter names (handlers/engine/execution-name.ts). */
function engineExecution(
  targetArn: string,
  options: SmokeOptions,
  schedule: string,
  scheduledTime: string,
): { arn: string; name: string } | undefined {
  const [, partition, , region, account, , fn] = targetArn.split(':');
  if (!fn?.endsWith('-engineStart')) return undefined;
  const name = executionName(schedule, scheduledTime);
  const machine = `${options.service}-${options.stage}-engine`;
  return {
    name,
    arn: `arn:${partition}:states:${region}:${account}:execution:${machine}:${name}`,
  };
}

async function awaitExecution(
  clients: SmokeClients,
  executionArn: string,
  deadline: number,
  options: SmokeOptions,
): Promise<{ status: string; output?: unknown }> {
  for (;;) {
    try {
      const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') {
        return {
          status: described.status ?? 'UNKNOWN',
          ...(described.output ? { output: JSON.parse(described.output) as unknown } : {}),
        };
      }
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
      if (options.now() > deadline) return { status: 'NOT_STARTED' };
    }
    if (options.now() > deadline) return { status: 'RUNNING' };
    await options.sleep(options.pollSeconds * 1000);
  }
}
