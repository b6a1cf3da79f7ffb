/**
 * EC2's real transition times on the local endpoint, scaled by `timeFactor`: a stop takes 60 s
 * (here 600 ms), a hibernation 120 s, a start 30 s. The waiter ends `changed` when it has the
 * time, and an instance still stopping when its budget runs out is reported as under way, never
 * as failed.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { actOnInstances } from '../../handlers/tasks/ec2/act';
import { selectInstances } from '../../handlers/tasks/ec2/select';
import { waitForFinalStates } from '../../handlers/tasks/ec2/wait';
import { type ManualClock, TravelClock } from '../../scripts/local-aws';
import { type Fixture, startFixture } from './local-aws-fixture';

const WEB_1 = 'i-0222a000000000001'; // running, tagged
const DESKTOP = 'i-0222a000000000006'; // running, tagged, hibernation configured
const BATCH_1 = 'i-0222a000000000003'; // stopped, tagged
const CONTROL_TAG = { key: 'xacct-ec2:managed', value: 'local' };
/** EC2's stop (60 s) at 1/100 speed. */
const REAL_TIMES_SCALED = {
  pendingMs: 30_000,
  stoppingMs: 60_000,
  hibernatingMs: 120_000,
  timeFactor: 0.01,
};
const POLL = { minDelaySeconds: 0.05, maxDelaySeconds: 0.1 };

async function stopAndWait(
  ec2: EC2Client,
  ids: string[],
  maxWaitSeconds: number,
  hibernate = false,
) {
  const selection = await selectInstances(ec2, {
    action: 'stop',
    instanceIds: ids,
    controlTag: CONTROL_TAG,
  });
  const acted = await actOnInstances(ec2, selection.instances, { action: 'stop', hibernate });
  const before = new Map(selection.instances.map((i) => [i.instanceId, i]));
  return waitForFinalStates(ec2, 'stop', acted, before, { ...POLL, maxWaitSeconds });
}

describe('local-aws: EC2 transition times scaled by timeFactor', () => {
  describe('on a frozen clock', () => {
    let fixture: Fixture;
    let clock: ManualClock;
    let ec2: EC2Client;

    beforeEach(async () => {
      fixture = await startFixture({ settings: REAL_TIMES_SCALED });
      clock = fixture.clock as ManualClock;
      ec2 = fixture.ec2(await fixture.assume('222222222222'));
    });
    afterEach(async () => fixture.stop());

    const stateOf = (id: string) => fixture.aws.world.instance(id)?.state;

    it('takes 60 s x factor to stop, twice that to hibernate, 30 s x factor to start', async () => {
      // Act
      await actOnInstances(
        ec2,
        (
          await selectInstances(ec2, {
            action: 'stop',
            instanceIds: [WEB_1, DESKTOP],
            controlTag: CONTROL_TAG,
          })
        ).instances,
        { action: 'stop', hibernate: true },
      );
      await actOnInstances(
        ec2,
        (
          await selectInstances(ec2, {
            action: 'start',
            instanceIds: [BATCH_1],
            controlTag: CONTROL_TAG,
          })
        ).instances,
        { action: 'start', hibernate: false },
      );
      const at = (ms: number) => {
        clock.advance(ms);
        return [stateOf(BATCH_1), stateOf(WEB_1), stateOf(DESKTOP)];
      };

      // Assess: [start, stop, hibernate] over time
      expect(at(299)).toEqual(['pending', 'stopping', 'stopping']);
      expect(at(1)).toEqual(['running', 'stopping', 'stopping']);
      expect(at(299)).toEqual(['running', 'stopping', 'stopping']);
      expect(at(1)).toEqual(['running', 'stopped', 'stopping']);
      expect(at(599)).toEqual(['running', 'stopped', 'stopping']);
      expect(at(1)).toEqual(['running', 'stopped', 'stopped']);
    });

    it('applies a time factor changed through the settings to transitions begun afterwards', async () => {
      // Prepare
      fixture.aws.world.updateSettings({ timeFactor: 1 });

      // Act
      const results = await stopAndWait(ec2, [WEB_1], 0);
      clock.advance(59_999);
      const justBefore = stateOf(WEB_1);
      clock.advance(1);

      // Assess
      expect(results[0]).toMatchObject({ outcome: 'changed', currentState: 'stopping' });
      expect([justBefore, stateOf(WEB_1)]).toEqual(['stopping', 'stopped']);
    });
  });

  describe('in real time', () => {
    let fixture: Fixture;
    let ec2: EC2Client;

    beforeEach(async () => {
      fixture = await startFixture({ settings: REAL_TIMES_SCALED, clock: new TravelClock() });
      ec2 = fixture.ec2(await fixture.assume('222222222222'));
    });
    afterEach(async () => fixture.stop());

    it('ends a 60 s stop with wait as changed/stopped when the waiter has the time', async () => {
      // Act
      const [result] = await stopAndWait(ec2, [WEB_1], 30);

      // Assess
      expect(result).toMatchObject({
        instanceId: WEB_1,
        outcome: 'changed',
        currentState: 'stopped',
      });
      expect(result?.code).toBeUndefined();
    });

    it('reports a stop still under way when the wait budget runs out, not a failure', async () => {
      // Act: a budget shorter than the 600 ms the stop takes
      const [result] = await stopAndWait(ec2, [WEB_1], 0.1);

      // Assess
      expect(result).toMatchObject({ outcome: 'changed', currentState: 'stopping' });
      expect(result?.code).toBeUndefined();
      expect(result?.reason).toMatch(/^stop under way: still stopping after waiting 0s/);
    });

    it('keeps the hibernation note on a hibernation still under way', async () => {
      // Act
      const [result] = await stopAndWait(ec2, [DESKTOP], 0.1, true);

      // Assess
      expect(result).toMatchObject({ outcome: 'changed', currentState: 'stopping' });
      expect(result?.reason).toMatch(/under way.*hibernated: memory saved to the root volume$/);
    });
  });
});
