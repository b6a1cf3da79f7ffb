/**
 * The engine's blast-radius guard over the whole run: each batch's surveyed count, the run's
 * verdict over their total, and the per-batch guard that refuses a batch grown since its survey.
 */
import {
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { assessApprovedBatch } from '../../../handlers/core/blast-radius';
import { ResourceLimitError } from '../../../handlers/core/errors';
import { EMPTY_SUMMARY } from '../../../handlers/core/merge';
import { runRequest } from '../../../handlers/core/run';
import { surveyChanges } from '../../../handlers/core/survey';
import {
  type BatchReport,
  refusedBatchReport,
  reportAfterAct,
} from '../../../handlers/engine/report';
import { type AssessSurveyInput, assessSurveyState } from '../../../handlers/engine/survey-assess';
import {
  approvalOf,
  assessDryRun,
  assessSurvey,
  type GuardPlan,
  type SurveyReport,
  UnapprovedWorkItemError,
} from '../../../handlers/engine/survey-report';
import type { Ec2Request } from '../../../handlers/tasks';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';
import { aDeps } from '../../helpers/deps';
import { awsError } from '../../helpers/errors';
import { anInstance, describePage, stoppingEach } from '../../helpers/instances';

const STOP_GUARD: GuardPlan = { action: 'stop', resourceType: 'ec2:instance', limit: 10 };

const surveyed = (
  batch: number,
  resources: number,
  over: Partial<SurveyReport> = {},
): SurveyReport => ({
  batch,
  resources,
  byType: { 'ec2:instance': resources },
  targets: 2,
  targetsFailed: 0,
  targetsNotProcessed: 0,
  ...over,
});

describe('Engine: the guard over the whole run (assessSurvey)', () => {
  it('refuses a run over the limit although every batch is within it', () => {
    // Prepare: three batches of 4, the stage allows 10
    const results = [surveyed(0, 4), surveyed(1, 4), surveyed(2, 4)];

    // Act
    const verdict = assessSurvey(STOP_GUARD, results);

    // Assess
    expect(verdict.work).toEqual([]);
    expect(verdict.guard).toMatchObject({ verdict: 'refused', resources: 12, limit: 10 });
    expect(verdict.guard).toHaveProperty(
      'reason',
      expect.stringMatching(/12 ec2:instance resource\(s\) in 6 target\(s\).*"confirmCount": 12/),
    );
  });

  it('approves every batch for its own count when the whole-run confirmCount matches', () => {
    // Prepare: the Map may return its items in any order
    const results = [surveyed(1, 4), surveyed(0, 4), surveyed(2, 4)];

    // Act
    const verdict = assessSurvey({ ...STOP_GUARD, confirmCount: 12 }, results);

    // Assess
    expect(verdict.guard).toMatchObject({ verdict: 'confirmed', resources: 12, confirmCount: 12 });
    expect(verdict.work).toEqual([
      { batch: 0, approvedChanges: 4 },
      { batch: 1, approvedChanges: 4 },
      { batch: 2, approvedChanges: 4 },
    ]);
  });

  it('refuses a confirmCount of one batch: it is compared with the whole run', () => {
    // Act
    const verdict = assessSurvey({ ...STOP_GUARD, confirmCount: 4 }, [
      surveyed(0, 4),
      surveyed(1, 4),
    ]);

    // Assess
    expect(verdict.work).toEqual([]);
    expect(verdict.guard).toHaveProperty(
      'reason',
      expect.stringContaining('confirmCount is 4 but this stop would change 8'),
    );
  });

  it('accepts a run within the limit, counting the targets the survey could not read', () => {
    // Act
    const verdict = assessSurvey(STOP_GUARD, [
      surveyed(0, 3, { targetsFailed: 1 }),
      surveyed(1, 0, { targetsNotProcessed: 2 }),
    ]);

    // Assess
    expect(verdict.guard).toEqual({
      verdict: 'within-limit',
      resources: 3,
      byType: { 'ec2:instance': 3 },
      limit: 10,
      targetsUnsurveyed: 3,
      itemsFailed: [],
    });
    expect(verdict.work).toEqual([
      { batch: 0, approvedChanges: 3 },
      { batch: 1, approvedChanges: 0 },
    ]);
  });

  it('refuses the run when a batch could not be surveyed: its count is unknown', () => {
    // Act
    const verdict = assessSurvey(STOP_GUARD, [
      surveyed(0, 1),
      { batch: 1, failedItem: { error: 'Lambda.ServiceException' } },
    ]);

    // Assess
    expect(verdict.work).toEqual([]);
    expect(verdict.guard).toMatchObject({ verdict: 'refused', itemsFailed: [1] });
    expect(verdict.guard).toHaveProperty(
      'reason',
      expect.stringContaining('survey of work item(s) 1 failed'),
    );
  });
});

describe('Engine: AssessSurvey reads every shape a survey child can leave', () => {
  it('refuses the run when a whole child failed (null or {Error, Cause}): every batch of its group is unknown', () => {
    // Prepare: two children of the Survey Map; the second failed at the execution level
    const plan = {
      guard: { verdict: 'pending', ...STOP_GUARD },
      work: [],
    } as unknown as AssessSurveyInput['plan'];
    const groups = [[{ batch: 0 }], [{ batch: 1 }, { batch: 2 }]];

    // Act
    const verdicts = [null, { Error: 'States.Timeout', Cause: 'execution timed out' }].map(
      (failed) =>
        assessSurveyState({
          phase: 'survey',
          plan,
          results: [[surveyed(0, 1)], failed],
          items: groups,
        }),
    );

    // Assess: no crash, no work approved, the failed group named
    for (const verdict of verdicts) {
      expect(verdict.work).toEqual([]);
      expect(verdict.guard).toMatchObject({ verdict: 'refused', itemsFailed: [1, 2] });
    }
  });
});

describe('Engine: a dry run gets the guard over the whole run (assessDryRun)', () => {
  const dryBatch = (batch: number, dryRunChanges: number): BatchReport => ({
    batch,
    summary: { ...EMPTY_SUMMARY, targets: 2 },
    inTransit: 0,
    failures: [],
    failuresTotal: 0,
    dryRunChanges,
  });

  it("adds the batches' counts and refuses what the real run would be refused for", () => {
    // Act: three batches of 4 against a limit of 10, as the real stop would be surveyed
    const guard = assessDryRun(STOP_GUARD, [dryBatch(0, 4), dryBatch(1, 4), dryBatch(2, 4)]);

    // Assess
    expect(guard).toMatchObject({ verdict: 'refused', resources: 12, limit: 10 });
    expect(guard).toHaveProperty('reason', expect.stringContaining('"confirmCount": 12'));
  });

  it('accepts a dry run within the limit, or confirmed by its whole-run count', () => {
    // Act
    const within = assessDryRun(STOP_GUARD, [dryBatch(0, 4), dryBatch(1, 5)]);
    const confirmed = assessDryRun({ ...STOP_GUARD, confirmCount: 12 }, [
      dryBatch(0, 6),
      dryBatch(1, 6),
    ]);

    // Assess
    expect(within).toMatchObject({ verdict: 'within-limit', resources: 9 });
    expect(confirmed).toMatchObject({ verdict: 'confirmed', resources: 12 });
  });

  it("refuses when an item failed: the run's count is unknown", () => {
    // Act
    const guard = assessDryRun(STOP_GUARD, [
      dryBatch(0, 1),
      { batch: 1, failedItem: { error: 'x' } },
    ]);

    // Assess
    expect(guard).toMatchObject({ verdict: 'refused', itemsFailed: [1] });
  });
});

describe('Engine: the survey stays bounded', () => {
  it('keeps 200 survey results, the approved items and 200 refused items small', () => {
    // Prepare: the largest counts a 50-target batch can report
    const results = Array.from({ length: 200 }, (_, batch) =>
      surveyed(batch, 50_000, { targets: 50, targetsFailed: 25, targetsNotProcessed: 25 }),
    );
    const refused = results.map((r) =>
      refusedBatchReport(r.batch, 50, { approved: 49_999, resources: 50_000 }),
    );

    // Act
    const verdict = assessSurvey({ ...STOP_GUARD, limit: 10_000_000 }, results);
    const report = reportAfterAct('stop', refused, 0);

    // Assess
    expect(verdict.work).toHaveLength(200);
    expect(Buffer.byteLength(JSON.stringify(results))).toBeLessThan(24 * 1024);
    expect(Buffer.byteLength(JSON.stringify(verdict))).toBeLessThan(12 * 1024);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(16 * 1024);
  });
});

describe('Engine: the guard of one work item', () => {
  it.each([
    [3, 4, 'confirmed'],
    [4, 4, 'confirmed'],
    [5, 4, 'refused'],
  ])('decides %i found against %i surveyed as %s', (resources, approved, verdict) => {
    // Act
    const decided = assessApprovedBatch({
      action: 'start',
      resources,
      byType: { 'ec2:instance': resources },
      resourceType: 'ec2:instance',
      targets: 2,
      limit: 10,
      approved,
    });

    // Assess
    expect(decided).toMatchObject({ resources, approved, limit: 10, verdict });
    expect(decided.reason === undefined).toBe(verdict !== 'refused');
  });

  it('requires a whole-number approval for an item that acts, and none for a status or dry run', () => {
    // Assess
    expect(approvalOf({ batch: 0, approvedChanges: 2 }, true)).toBe(2);
    expect(approvalOf({ batch: 0 }, false)).toBeUndefined();
    expect(() => approvalOf({ batch: 3 }, true)).toThrow(UnapprovedWorkItemError);
    expect(() => approvalOf({ batch: 3, approvedChanges: -1 }, true)).toThrow(
      /work item 3 has approvedChanges -1/,
    );
  });

  it('lists a refused batch in the run summary, next to the batches that acted', () => {
    // Prepare
    const { refused: _none, ...empty } = refusedBatchReport(0, 2, { resources: 0 });
    const acted: BatchReport = { ...empty, summary: { ...empty.summary, targetsNotProcessed: 0 } };
    const refused = refusedBatchReport(1, 2, { approved: 2, resources: 3 });

    // Act
    const report = reportAfterAct('stop', [acted, refused], 0);

    // Assess
    expect(report.refusedItems).toEqual([{ batch: 1, approved: 2, resources: 3 }]);
    expect(report.summary).toMatchObject({ itemsRefused: 1, targets: 4, targetsNotProcessed: 2 });
    expect(report.summary.changed).toBe(0);
  });
});

describe('Function: runRequest and surveyChanges (an engine batch)', () => {
  const ec2Mock = mockClient(EC2Client);
  const TARGETS = [
    { accountId: '222222222222', region: 'eu-west-1' },
    { accountId: '333333333333', region: 'eu-central-1' },
  ];
  const aStop = (over: Partial<Ec2Request> = {}): Ec2Request => ({
    action: 'stop',
    targets: TARGETS,
    dryRun: false,
    hibernate: false,
    wait: false,
    ...over,
  });
  // A small stage limit: the batch's approval, not the limit, bounds an engine work item.
  const limited = { ...TEST_CONFIG, maxResourcesPerRequest: 1 };

  beforeEach(() => {
    ec2Mock.reset();
    let next = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      next += 2;
      return describePage([
        anInstance({ id: `i-${(next - 1).toString(16).padStart(8, '0')}` }),
        anInstance({ id: `i-${next.toString(16).padStart(8, '0')}`, state: 'stopped' }),
      ]);
    });
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
  });

  it('surveys with describe calls only, counting what the stop would change', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });

    // Act
    const survey = await surveyChanges(ec2Task, aStop(), deps);

    // Assess
    expect(survey).toEqual({
      resources: 2,
      byType: { 'ec2:instance': 2 },
      targets: 2,
      targetsFailed: 0,
      targetsNotProcessed: 0,
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(StartInstancesCommand);
  });

  it('counts a target it cannot read as failed, not as a change', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });
    let calls = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      calls += 1;
      if (calls === 1) throw awsError('UnauthorizedOperation');
      return describePage([anInstance({ id: 'i-0000000a' })]);
    });

    // Act
    const survey = await surveyChanges(ec2Task, aStop(), deps);

    // Assess
    expect(survey).toMatchObject({ resources: 1, targets: 2, targetsFailed: 1 });
  });

  it('acts on a batch within its approval, over the stage limit', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited, approvedChanges: 2 });

    // Act
    const result = await runRequest(ec2Task, aStop(), deps);

    // Assess
    expect(result.blastRadius).toEqual({
      resources: 2,
      byType: { 'ec2:instance': 2 },
      limit: 1,
      approved: 2,
      verdict: 'confirmed',
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 2);
  });

  it('refuses a batch grown since its survey, before any Stop call', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited, approvedChanges: 1 });

    // Act
    const run = runRequest(ec2Task, aStop(), deps);

    // Assess
    await expect(run).rejects.toThrow(ResourceLimitError);
    await expect(run).rejects.toThrow(/would change 2 .*the run's survey counted 1/);
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
  });
});
