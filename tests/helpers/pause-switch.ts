/**
 * The stage's pause switch as the handlers read it (ListTagsForResource on the engine state
 * machine): running by default, paused on demand. Suites that drive a handler need it, or the
 * SFN client would try the real endpoint and every run would be refused (the gate fails closed).
 */
import { ListTagsForResourceCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { pauseTags, type StagePause } from '../../handlers/formats/stage-pause';

export const A_PAUSE: StagePause = {
  by: 'arn:aws:sts::111111111111:assumed-role/ops-oncall/alice',
  at: '2026-12-01T18:02:00Z',
  reason: 'INC-1234 nightly stop hit the payments fleet',
};

export function pauseSwitch(sfn = mockClient(SFNClient)) {
  const running = () => sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
  running();
  return {
    sfn,
    /** Running again, with the recorded calls cleared. */
    reset() {
      sfn.reset();
      running();
    },
    pause(pause: StagePause = A_PAUSE) {
      sfn.on(ListTagsForResourceCommand).resolves({ tags: pauseTags('xacct-ec2', pause) });
    },
    resume() {
      sfn.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'team', value: 'ops' }] });
    },
    /** ListTagsForResource calls so far (one per run or work item: never cached). */
    reads: () => sfn.commandCalls(ListTagsForResourceCommand).length,
  };
}
