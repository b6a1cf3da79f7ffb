/**
 * Sets every schedule of a schedule group to one state. UpdateSchedule replaces the whole
 * schedule (a field left out is reset, not kept), so each schedule is read with GetSchedule and
 * sent back with every field it had, only State changed.
 */
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  paginateListSchedules,
  type SchedulerClient,
  type ScheduleState,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { awsErrorName, describeAwsError } from './aws-errors';

export type ScheduleOutcomeKind =
  /** UpdateSchedule changed its State. */
  | 'changed'
  /** It already had the wanted State: nothing sent. */
  | 'unchanged'
  /** Resume only: configured `enabled: false`, so it stays DISABLED. */
  | 'kept-disabled'
  | 'failed';

export interface ScheduleOutcome {
  name: string;
  outcome: ScheduleOutcomeKind;
  /** The State it ends in, as far as known. */
  state?: string;
  /** Why it failed (AWS's error name and message). */
  error?: string;
}

export interface SetScheduleStatesInput {
  group: string;
  state: ScheduleState;
  /** Schedule names left DISABLED on resume (the stage configures them disabled). */
  keepDisabled?: ReadonlySet<string>;
}

export interface ScheduleStatesResult {
  outcomes: ScheduleOutcome[];
  /** Set when the group could not be listed: then no schedule was looked at. */
  listError?: string;
  /** The group does not exist (a stage without schedules, or another region). */
  groupMissing?: boolean;
}

/** Every schedule of the group, whatever the page size (the SDK's paginator follows NextToken). */
export async function listScheduleNames(client: SchedulerClient, group: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListSchedules({ client }, { GroupName: group })) {
    for (const schedule of page.Schedules ?? []) {
      if (schedule.Name !== undefined) names.push(schedule.Name);
    }
  }
  return names;
}

/**
 * The UpdateSchedule input that puts a schedule back exactly as GetSchedule read it, with
 * `state` instead of its State. Arn, CreationDate and LastModificationDate are read-only.
 */
export function updateInputFrom(
  schedule: GetScheduleCommandOutput,
  group: string,
  state: ScheduleState,
): UpdateScheduleCommandInput {
  const { Name, ScheduleExpression, Target, FlexibleTimeWindow } = schedule;
  if (!Name || !ScheduleExpression || !Target || !FlexibleTimeWindow) {
    throw new IncompleteScheduleError(
      `GetSchedule answered ${Name ?? 'a schedule'} without Name, ScheduleExpression, Target or FlexibleTimeWindow; not updated, so no field is lost`,
    );
  }
  const optional = {
    Description: schedule.Description,
    ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
    StartDate: schedule.StartDate,
    EndDate: schedule.EndDate,
    KmsKeyArn: schedule.KmsKeyArn,
    ActionAfterCompletion: schedule.ActionAfterCompletion,
  };
  return {
    Name,
    GroupName: schedule.GroupName ?? group,
    ScheduleExpression,
    Target,
    FlexibleTimeWindow,
    State: state,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

export class IncompleteScheduleError extends Error {
  override name = 'IncompleteScheduleError';
}

async function setOne(
  client: SchedulerClient,
  name: string,
  input: SetScheduleStatesInput,
): Promise<ScheduleOutcome> {
  const schedule = await client.send(
    new GetScheduleCommand({ Name: name, GroupName: input.group }),
  );
  if (schedule.State === input.state) return { name, outcome: 'unchanged', state: input.state };
  // Resume never enables what the stage configures disabled (and never disables anything).
  if (input.state === 'ENABLED' && input.keepDisabled?.has(name)) {
    return { name, outcome: 'kept-disabled', state: schedule.State };
  }
  await client.send(new UpdateScheduleCommand(updateInputFrom(schedule, input.group, input.state)));
  return { name, outcome: 'changed', state: input.state };
}

/**
 * Each schedule in turn; one that fails is reported and the others still proceed, so a pause
 * disables everything it can.
 */
export async function setScheduleStates(
  client: SchedulerClient,
  input: SetScheduleStatesInput,
): Promise<ScheduleStatesResult> {
  let names: string[];
  try {
    names = await listScheduleNames(client, input.group);
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') {
      return { outcomes: [], groupMissing: true };
    }
    return { outcomes: [], listError: describeAwsError(error) };
  }
  const outcomes: ScheduleOutcome[] = [];
  for (const name of names) {
    try {
      outcomes.push(await setOne(client, name, input));
    } catch (error) {
      outcomes.push({ name, outcome: 'failed', error: describeAwsError(error) });
    }
  }
  return { outcomes };
}
