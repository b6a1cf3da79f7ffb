/**
 * `npm start` as a fresh clone runs it: no AWS variables, an empty HOME, no TTY. It packages the
 * local stage, starts the local endpoint and runs the real `sls invoke local` for each step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliEnvironment, runCommand, type SlsRunResult } from '../../scripts/run-local';
import { REPO_ROOT } from '../../scripts/shared/repo-root';

/** `npm start` in its own process group; npm runs the script on the pinned Node in node_modules/.bin. */
function npmStart(home: string, timeoutMs: number): Promise<SlsRunResult> {
  return runCommand('npm', ['start'], { cwd: REPO_ROOT, env: cliEnvironment(home), timeoutMs });
}

describe('npm start', () => {
  let home: string;
  let run: SlsRunResult;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-npm-start-'));
    run = await npmStart(home, 240_000);
  }, 270_000);

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('exits 0 and says the flow ran as designed, without AWS credentials', () => {
    // Assess
    expect({
      code: run.code,
      output: run.code === 0 ? '' : `${run.stdout}\n${run.stderr}`,
    }).toEqual({
      code: 0,
      output: '',
    });
    expect(run.stdout).toMatch(/As designed in \d+\.\d s:/);
    expect(run.stdout).toContain('packaged   sls package --stage local: built in');
  });

  it('runs the six steps through the real sls invoke local', () => {
    // Assess
    for (const step of [
      `1/6  status`,
      `2/6  dry run of stop`,
      `3/6  RDS status`,
      `4/6  stop, hibernating where configured, and wait`,
      `5/6  start and wait`,
      `6/6  RDS stop`,
    ]) {
      expect(run.stdout).toContain(step);
    }
    expect(run.stdout).toContain(
      `$ sls invoke local -f instances --stage local --data '{"action":"start","wait":true}'`,
    );
  });

  it('shows the refused target with what to check, and the KMS fall-back as a failure', () => {
    // Assess
    expect(run.stdout).toMatch(
      /444444444444 {2}eu-west-1 {2}target failed[^\n]*\n {4}AccessDenied: User: arn:aws:sts::111111111111:assumed-role\/xacct-ec2-local-eu-west-1-exec/,
    );
    expect(run.stdout).toContain('What to check:');
    expect(run.stdout).toMatch(
      /i-0222a00000000000a {2}encrypted-denied +stopped +stopped +failed +start accepted, then the instance fell back to/,
    );
    expect(run.stdout).toContain(
      'Back to stopped with state reason Client.InternalError in the endpoint: i-0222a00000000000a',
    );
  });

  it('moves the clock to the next weekday evening and shows the schedule firing through its role', () => {
    // Assess
    expect(run.stdout).toContain('then: the schedule fires (EventBridge Scheduler, local)');
    expect(run.stdout).toMatch(
      /clock moved to \S+ \((Mon|Tue|Wed|Thu|Fri) 19:00 Europe\/Berlin\): xacct-ec2-local-weekday-evening-stop is due/,
    );
    expect(run.stdout).toMatch(
      /role assumed as scheduler\.amazonaws\.com with aws:SourceArn = the group's ARN:\s+arn:aws:sts::111111111111:assumed-role\/xacct-ec2-local-SchedulerInvokeRole-/,
    );
    expect(run.stdout).toContain(
      'delivered arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-local-engineStart, asynchronously (attempt 1)',
    );
    expect(run.stdout).toMatch(
      /summary {4}Run Summary event on arn:aws:events:eu-west-1:111111111111:event-bus\/default: "failed", origin \{"kind":"schedule","schedule":"weekday-evening-stop"/,
    );
  });

  it('prints no colours and no credentials when its output is not a terminal', () => {
    // Assess
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stdout).not.toMatch(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/);
    expect(run.stdout).not.toMatch(/IQoJb3JpZ2lu/);
  });
});
