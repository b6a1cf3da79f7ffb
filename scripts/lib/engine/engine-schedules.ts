/**
 * Points the stage's EventBridge Scheduler schedules at the engine's starter instead of the
 * instances function (serverless.yml `custom.engine.runSchedules: true`). Each schedule's input
 * then carries its name and `<aws.scheduler.scheduled-time>`, which Scheduler fills in at each
 * invocation, so the starter can name the run after both and a duplicate delivery is refused.
 */

import type { ScheduleConfig } from '../../../handlers/config/stage-config';
import type { CfnResource } from '../stage/cfn';
import { SCHEDULER_ROLE_LOGICAL_ID, scheduleLogicalId } from '../stage/schedule-resources';

export const STARTER_LOGICAL_ID = 'EngineStartLambdaFunction';
/** EventBridge Scheduler's context attribute, replaced by the invocation's scheduled time. */
export const SCHEDULED_TIME_ATTRIBUTE = '<aws.scheduler.scheduled-time>';

export function throughEngine(
  resources: Record<string, CfnResource>,
  schedules: readonly ScheduleConfig[],
): Record<string, CfnResource> {
  const starterArn = { 'Fn::GetAtt': [STARTER_LOGICAL_ID, 'Arn'] };
  const nameOf = new Map(schedules.map((s) => [scheduleLogicalId(s), s.name]));
  const out: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (id === SCHEDULER_ROLE_LOGICAL_ID) {
      out[id] = {
        ...resource,
        Properties: {
          ...resource.Properties,
          Description: 'Lets EventBridge Scheduler invoke the engine starter, and nothing else',
          Policies: [
            {
              PolicyName: 'invoke-engine-starter',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: starterArn },
                ],
              },
            },
          ],
        },
      };
      continue;
    }
    if (resource.Type !== 'AWS::Scheduler::Schedule') {
      out[id] = resource;
      continue;
    }
    const target = resource.Properties.Target as Record<string, unknown>;
    // The schedule's Input wraps its request with its name (scripts/lib/signals/resources.ts).
    const input = JSON.parse(String(target.Input)) as { request?: unknown };
    const request = input.request ?? input;
    const name = nameOf.get(id);
    if (name === undefined) throw new Error(`${id}: not one of the configured schedules`);
    out[id] = {
      ...resource,
      Properties: {
        ...resource.Properties,
        Target: {
          ...target,
          Arn: starterArn,
          Input: JSON.stringify({
            schedule: name,
            scheduledTime: SCHEDULED_TIME_ATTRIBUTE,
            request,
          }),
        } as CfnResource['Properties'][string],
      },
    };
  }
  return out;
}
