import fc from 'fast-check';
import { holdSelection, restoreSelection } from '../../../handlers/core/held-selection';
import type { AnyTask, Selection } from '../../../handlers/core/task';
import { ec2Held } from '../../../handlers/tasks/ec2/facts';
import type { SelectedInstance } from '../../../handlers/tasks/ec2/select';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { rdsHeld } from '../../../handlers/tasks/rds/resources';
import { rdsTask } from '../../../handlers/tasks/rds/task';
import { aSelectedDb } from '../tasks/rds/fixtures';

/** What act, dry run, status and wait read of an instance: everything but tags and launch time. */
const anInstanceAsActed = fc.record(
  {
    instanceId: fc.string({ minLength: 1 }),
    name: fc.string(),
    state: fc.constantFrom('pending', 'running', 'stopping', 'stopped', 'shutting-down'),
    hibernationConfigured: fc.boolean(),
    // As select.ts builds it: present only with a code or a message.
    stateReason: fc
      .record(
        { code: fc.string({ minLength: 1 }), message: fc.string({ minLength: 1 }) },
        { requiredKeys: [] },
      )
      .filter((reason) => Object.keys(reason).length > 0),
  },
  { requiredKeys: ['instanceId', 'state', 'hibernationConfigured'] },
);

function anEc2Selection(): Selection<SelectedInstance> {
  return {
    selected: [
      {
        instanceId: 'i-0123456789abcdef0',
        name: 'web',
        state: 'running',
        hibernationConfigured: true,
        tags: { 'xacct-ec2:managed': 'true' },
        launchTime: Date.parse('2026-12-01T08:00:00Z'),
      },
      {
        instanceId: 'i-0123456789abcdef1',
        state: 'stopped',
        hibernationConfigured: false,
        stateReason: { code: 'Server.SpotInstanceShutdown', message: 'spot capacity' },
      },
    ],
    skipped: [{ id: 'i-0123456789abcdef2', outcome: 'skipped', reason: 'no control tag' }],
    foundIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1', 'i-0123456789abcdef2'],
  };
}

describe('a selection held from its selection to its act (core/held-selection.ts)', () => {
  it('holds an EC2 selection as one JSON string of rows, and gives back what the act reads', () => {
    // Prepare
    const selection = anEc2Selection();

    // Act
    const held = holdSelection(ec2Task as AnyTask, selection);
    const restored = restoreSelection(held);

    // Assess
    expect(held).toEqual({
      json: '[[["i-0123456789abcdef0","web","running",1],["i-0123456789abcdef1",null,"stopped",0,"Server.SpotInstanceShutdown","spot capacity"]],[{"id":"i-0123456789abcdef2","outcome":"skipped","reason":"no control tag"}],["i-0123456789abcdef0","i-0123456789abcdef1","i-0123456789abcdef2"]]',
      hold: ec2Held,
    });
    expect(restored).toEqual({
      selected: [
        {
          instanceId: 'i-0123456789abcdef0',
          name: 'web',
          state: 'running',
          hibernationConfigured: true,
        },
        {
          instanceId: 'i-0123456789abcdef1',
          state: 'stopped',
          hibernationConfigured: false,
          stateReason: { code: 'Server.SpotInstanceShutdown', message: 'spot capacity' },
        },
      ],
      skipped: selection.skipped,
      foundIds: selection.foundIds,
    });
  });

  it('keeps the selection of a task without `hold` as it was selected (the same object)', () => {
    // Prepare
    const { hold: _hold, ...withoutHold } = ec2Task;
    const selection = anEc2Selection();

    // Act
    const held = holdSelection(withoutHold as AnyTask, selection);

    // Assess
    expect(held).toBe(selection);
    expect(restoreSelection(held)).toBe(selection);
  });

  it('gives back every instance the act reads exactly, whatever its fields (property)', () => {
    fc.assert(
      fc.property(anInstanceAsActed, (instance) => {
        expect(ec2Held.unpack(JSON.parse(JSON.stringify(ec2Held.pack(instance))))).toEqual(
          instance,
        );
      }),
    );
  });

  it('holds an RDS resource without its tags, which only the selection and the rules read', () => {
    // Prepare
    const cluster = aSelectedDb('orders', 'available', 'cluster');

    // Act
    const row = rdsHeld.pack(cluster);
    const restored = restoreSelection(
      holdSelection(rdsTask as AnyTask, { selected: [cluster], skipped: [], foundIds: ['orders'] }),
    );

    // Assess
    expect(row).toEqual(['cluster', 'orders', 'available', 'aurora-postgresql']);
    expect(restored.selected).toEqual([{ ...cluster, tags: {} }]);
    expect(Object.getPrototypeOf((restored.selected[0] as typeof cluster).tags)).toBeNull();
  });
});
