import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import { executionName } from '../../handlers/engine/execution-name';
import { SCHEDULED_TIME_ATTRIBUTE } from '../../resources/home-stack/engine/engine-schedules';
import { scheduleResources } from '../../resources/home-stack/schedules/schedule-resources';
import { TEST_CONFIG } from '../helpers/config';

function aStageConfig(schedules: unknown[]): StageConfig {
  const parsed = parseStageConfig({ ...TEST_CONFIG, schedules });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

const STOP = { action: 'stop', hibernate: true };
const SCHEDULES = [
  {
    name: 'weekday-evening-stop',
    expression: 'cron(0 19 ? * MON-FRI *)',
    timezone: 'Europe/Berlin',
    request: STOP,
  },
  // Same request, another time: told apart by the schedule's name, not its input.
  {
    name: 'weekend-stop',
    expression: 'cron(0 12 ? * SAT *)',
    timezone: 'Europe/Berlin',
    request: STOP,
  },
];

describe('Scheduled runs through the engine (the default of params.scheduledRuns)', () => {
  it('points every schedule at the starter with its name and scheduled time, and lets the role invoke only that', () => {
    // Prepare
    const config = aStageConfig(SCHEDULES);

    // Act
    const { Resources } = scheduleResources(config, { service: 'xacct-ec2', stage: 'test' });

    // Assess
    expect(config.scheduledRuns).toBe('engine');
    const targets = Object.values(Resources)
      .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
      .map((r) => r.Properties.Target as { Arn: unknown; Input: string });
    expect(targets.map((t) => t.Arn)).toEqual([
      { 'Fn::GetAtt': ['EngineStartLambdaFunction', 'Arn'] },
      { 'Fn::GetAtt': ['EngineStartLambdaFunction', 'Arn'] },
    ]);
    expect(targets.map((t) => JSON.parse(t.Input))).toEqual([
      {
        schedule: 'weekday-evening-stop',
        scheduledTime: SCHEDULED_TIME_ATTRIBUTE,
        request: expect.objectContaining(STOP),
      },
      {
        schedule: 'weekend-stop',
        scheduledTime: SCHEDULED_TIME_ATTRIBUTE,
        request: expect.objectContaining(STOP),
      },
    ]);
    // Exactly the starter: no wildcard, not the instances function too.
    expect(JSON.stringify(Resources.SchedulerInvokeRole?.Properties.Policies)).toBe(
      JSON.stringify([
        {
          PolicyName: 'invoke-scheduled-function',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: { 'Fn::GetAtt': ['EngineStartLambdaFunction', 'Arn'] },
              },
            ],
          },
        },
      ]),
    );
  });

  it('gives two schedules firing at the same time different run names', () => {
    // Act / Assess
    const at = '2026-12-05T12:00:00Z';
    expect(executionName('weekday-evening-stop', at)).not.toBe(executionName('weekend-stop', at));
  });
});
