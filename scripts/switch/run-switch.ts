/**
 * The stage switch: pause tags the engine state machine as paused (every run reads it first and is
 * refused), disables every schedule of the stage's group, then stops every running engine
 * execution; resume enables the schedules again, then removes the tags, and restarts nothing. It receives its
 * clients, so tests and the local endpoint can hand it theirs.
 */
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { engineStateMachineName } from '../../resources/home-stack/engine/state-machine';
import { scheduleGroupName } from '../../resources/home-stack/schedules/schedule-resources';
import { describeAwsError } from './aws-errors';
import { type StopExecutionsResult, stopRunningExecutions } from './executions';
import { clearPauseTags, type PauseTagsResult, setPauseTags } from './pause-tags';
import { type ScheduleStatesResult, setScheduleStates } from './schedules';

export type SwitchCommand = 'pause' | 'resume';

export interface SwitchClients {
  scheduler: SchedulerClient;
  sfn: SFNClient;
  sts: STSClient;
}

export interface SwitchInput {
  command: SwitchCommand;
  service: string;
  stage: string;
  region: string;
  reason?: string;
  /** The time the pause is recorded with (tests pass one; default now). */
  now?: () => Date;
  /** Schedules the stage configures `enabled: false`: resume leaves them DISABLED. */
  keepDisabled?: ReadonlySet<string>;
}

export interface SwitchReport {
  command: SwitchCommand;
  group: string;
  /** Who ran the switch (GetCallerIdentity's ARN). */
  caller?: string;
  stateMachineArn?: string;
  /** The pause tags every run reads: set by pause (first), cleared by resume (last). */
  gate?: PauseTagsResult;
  schedules?: ScheduleStatesResult;
  /** Pause only. */
  executions?: StopExecutionsResult;
  /** What went wrong, one line each; empty means every step succeeded. */
  failures: string[];
}

/** Step Functions' ARN of the engine, in the caller's partition and account. */
export function engineStateMachineArn(
  callerArn: string,
  input: Pick<SwitchInput, 'service' | 'stage' | 'region'>,
): string {
  const [, partition, , , accountId] = callerArn.split(':');
  return `arn:${partition}:states:${input.region}:${accountId}:stateMachine:${engineStateMachineName(input.service, input.stage)}`;
}

export function stopCause(caller: string, reason: string | undefined): string {
  return `Paused by ${caller} with npm run switch${reason ? `: ${reason}` : ' (no reason given)'}`;
}

export async function runSwitch(clients: SwitchClients, input: SwitchInput): Promise<SwitchReport> {
  const group = scheduleGroupName(input);
  const report: SwitchReport = { command: input.command, group, failures: [] };
  let caller: string;
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Arn) throw new Error('GetCallerIdentity answered without an Arn');
    caller = identity.Arn;
  } catch (error) {
    // Without an identity there is no account for the ARN and no name for the cause: do nothing.
    report.failures.push(`sts:GetCallerIdentity: ${describeAwsError(error)}`);
    return report;
  }
  report.caller = caller;
  report.stateMachineArn = engineStateMachineArn(caller, input);

  if (input.command === 'pause') {
    // The gate first: from here no run starts or acts, whatever starts it.
    report.gate = await setPauseTags(clients.sfn, {
      stateMachineArn: report.stateMachineArn,
      service: input.service,
      pause: {
        by: caller,
        at: (input.now ?? (() => new Date()))()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        reason: input.reason ?? '(no reason given)',
      },
    });
    if (report.gate.outcome === 'failed') {
      report.failures.push(`states:TagResource ${report.stateMachineArn}: ${report.gate.error}`);
    }
  }

  report.schedules = await setScheduleStates(clients.scheduler, {
    group,
    state: input.command === 'pause' ? 'DISABLED' : 'ENABLED',
    ...(input.keepDisabled ? { keepDisabled: input.keepDisabled } : {}),
  });
  if (report.schedules.listError) {
    report.failures.push(`scheduler:ListSchedules ${group}: ${report.schedules.listError}`);
  }
  for (const schedule of report.schedules.outcomes) {
    if (schedule.outcome === 'failed') {
      report.failures.push(`schedule ${schedule.name}: ${schedule.error ?? 'failed'}`);
    }
  }
  if (input.command === 'resume') {
    if (report.schedules.groupMissing) {
      report.failures.push(`no schedule group ${group} in ${input.region}: nothing to resume`);
    }
    // The gate last: the schedules are back before runs may act again.
    report.gate = await clearPauseTags(clients.sfn, {
      stateMachineArn: report.stateMachineArn,
      service: input.service,
    });
    if (report.gate.outcome === 'failed') {
      report.failures.push(`states:UntagResource ${report.stateMachineArn}: ${report.gate.error}`);
    }
    return report;
  }

  // Pause: the gate and the schedules first, so no new run starts while the running ones stop.
  report.executions = await stopRunningExecutions(clients.sfn, {
    stateMachineArn: report.stateMachineArn,
    cause: stopCause(caller, input.reason),
  });
  if (report.executions.listError) {
    report.failures.push(
      `states:ListExecutions ${report.stateMachineArn}: ${report.executions.listError}`,
    );
  }
  for (const execution of report.executions.outcomes) {
    if (execution.outcome === 'failed') {
      report.failures.push(`execution ${execution.name}: ${execution.error ?? 'failed'}`);
    }
  }
  if (report.schedules.groupMissing && report.executions.stateMachineMissing) {
    // Most likely a wrong --stage or --region: saying "paused" would be a lie.
    report.failures.push(
      `neither the schedule group ${group} nor the state machine ${report.stateMachineArn} exists in ${input.region}: check --stage and --region`,
    );
  }
  return report;
}
