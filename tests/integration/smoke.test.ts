/**
 * `npm run smoke` end to end against the local world: the real command (a child process, clients
 * pointed at the endpoint with --endpoint, signing as a deploy role) creates a one-off schedule in
 * the `local` stage's group; the local Scheduler fires it as real time passes, through the stage's
 * Scheduler role into the engine's starter; the engine runs the dry run; the command reads the
 * run's end and removes nothing that is not already gone.
 */

import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { runCommand, TSX_CLI } from '../../scripts/shared/stack/sls-cli';
import { useHarness } from './harness';

const HOME = '111111111111';
const DEPLOYER = `arn:aws:iam::${HOME}:role/deployer`;
const STARTER = `arn:aws:lambda:eu-west-1:${HOME}:function:xacct-ec2-local-engineStart`;

describe('npm run smoke against the local world', () => {
  // The local stage as packaged: its schedules invoke the engine's starter.
  const harness = useHarness({
    fireSchedulesEveryMs: 200,
    // Whoever deploys may create schedules and pass the Scheduler role: an administrator here.
    principals: [
      {
        arn: DEPLOYER,
        identityPolicies: [
          {
            name: 'deploy',
            policy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
            },
          },
        ],
      },
    ],
    startTimeoutMs: 600_000,
  });

  beforeAll(async () => {
    await harness.registerStarter();
  });

  it('fires a one-off dry run through the stage’s role and starter, reports the engine run, and leaves no schedule', async () => {
    // Prepare
    const { aws } = harness.endpoint;
    const deployer = aws.issueSession(DEPLOYER, 'deploy');
    const before = aws.schedules.all().map((s) => s.schedule.Name);

    // Act
    const run = await runCommand(
      process.execPath,
      [
        TSX_CLI,
        'scripts/smoke/main.ts',
        '--stage',
        'local',
        '--region',
        'eu-west-1',
        '--endpoint',
        aws.url,
        '--lead-seconds',
        '2',
        '--poll-seconds',
        '1',
        '--timeout-seconds',
        '60',
      ],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          AWS_ACCESS_KEY_ID: deployer.accessKeyId,
          AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey,
          AWS_SESSION_TOKEN: deployer.sessionToken,
          AWS_REGION: 'eu-west-1',
        },
        timeoutMs: 240_000,
      },
    );

    // Assess
    const output = `${run.stdout}\n${run.stderr}`;
    const outcomes = await Promise.all(aws.functions.invocations().map((i) => i.done));
    expect({ output, outcomes }).toEqual({
      output: expect.stringContaining('smoke local: passed'),
      outcomes: [{ result: expect.objectContaining({ started: true }) }],
    });
    expect(run.code).toBe(0);
    const [firing] = aws.firing.firings();
    expect(firing).toMatchObject({
      scheduleName: expect.stringMatching(/^xacct-ec2-local-smoke-\d{8}T\d{6}Z$/),
      targetArn: STARTER,
      outcome: 'delivered',
      roleSessionArn: expect.stringContaining(':assumed-role/xacct-ec2-local-SchedulerInvokeRole-'),
    });
    expect(output).toMatch(/engine run weekday-evening-stop-\d{8}T\d{6}Z: SUCCEEDED/);
    expect(output).toContain('"dryRun":true');
    // ActionAfterCompletion DELETE: only the stage's own schedules remain.
    expect(aws.schedules.all().map((s) => s.schedule.Name)).toEqual(before);
  }, 300_000);
});
