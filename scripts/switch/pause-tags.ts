/**
 * The switch's gate: pause writes the pause tags on the engine state machine (who, when, why),
 * resume removes them (handlers/formats/stage-pause.ts). Every run reads them first, so this is
 * what stops a direct invoke, an HTTP call or a schedule that the disabled schedules would miss.
 * Step Functions TagResource adds or overwrites the given keys; UntagResource removes the keys
 * it is given (API reference).
 */
import { type SFNClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-sfn';
import { pauseTagKeys, pauseTags, type StagePause } from '../../handlers/formats/stage-pause';
import { describeAwsError } from './aws-errors';

export interface PauseTagsResult {
  outcome: 'set' | 'cleared' | 'failed';
  error?: string;
}

export async function setPauseTags(
  sfn: SFNClient,
  input: { stateMachineArn: string; service: string; pause: StagePause },
): Promise<PauseTagsResult> {
  try {
    await sfn.send(
      new TagResourceCommand({
        resourceArn: input.stateMachineArn,
        tags: pauseTags(input.service, input.pause),
      }),
    );
    return { outcome: 'set' };
  } catch (error) {
    return { outcome: 'failed', error: describeAwsError(error) };
  }
}

export async function clearPauseTags(
  sfn: SFNClient,
  input: { stateMachineArn: string; service: string },
): Promise<PauseTagsResult> {
  try {
    await sfn.send(
      new UntagResourceCommand({
        resourceArn: input.stateMachineArn,
        tagKeys: Object.values(pauseTagKeys(input.service)),
      }),
    );
    return { outcome: 'cleared' };
  } catch (error) {
    return { outcome: 'failed', error: describeAwsError(error) };
  }
}
