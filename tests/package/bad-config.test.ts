/**
 * A configuration mistake in serverless.yml must stop the CLI before anything is built, with a
 * message that names the field. One service copy gets extra stages, each the `test` stage with
 * one mistake; `sls print` resolves the configuration without bundling, and one `sls package`
 * shows that packaging stops too and writes nothing.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AWS_REGIONS } from '../../handlers/formats/regions';
import { createServiceDir, type ServiceDir } from '../../scripts/shared/stack/service-dir';
import { runAll } from '../helpers/run-all';
import { runSls, type SlsResult } from '../helpers/sls';
import {
  readServerlessYml,
  stageParams,
  withoutServerlessOffline,
  withParams,
} from './service-config';

interface Mistake {
  stage: string;
  /** What is wrong, for the test name. */
  what: string;
  /** Applied to a copy of the test stage's params. */
  edit: (params: Params) => void;
  /** The fields the error must name. */
  fields: string[];
}

type Params = Record<string, unknown>;
type Target = { accountId: string; externalId?: string; regions: string[] };
type Schedule = {
  name: string;
  expression: string;
  timezone: string;
  request: Record<string, unknown>;
  excludedDates?: string[];
  holidays?: string[];
};
const targets = (p: Params) => p.targets as Target[];
const schedules = (p: Params) => p.schedules as Schedule[];
const at = <T>(list: T[], index: number): T => {
  const item = list[index];
  if (item === undefined) throw new Error(`the test stage has no element ${index} to break`);
  return item;
};

/** One mistake in one field: the stage, what is wrong, the field the error names, the edit. */
const ONE_FIELD: Array<[stage: string, what: string, field: string, edit: (p: Params) => void]> = [
  [
    'no-targets',
    'an empty target list',
    'params.targets',
    (p) => {
      p.targets = [];
    },
  ],
  [
    'spaced-external-id',
    'an ExternalId with a space',
    'params.targets[0].externalId',
    (p) => {
      at(targets(p), 0).externalId = 'xacct ec2';
    },
  ],
  [
    'bad-schedule-request',
    'a schedule request for a region no target has',
    'params.schedules[1].request.targets.regions[0]',
    (p) => {
      at(schedules(p), 1).request = {
        action: 'start',
        targets: { regions: ['ap-south-1'] },
      };
    },
  ],
  [
    'malformed-expression',
    'a schedule expression that is two expressions run together',
    'params.schedules[0].expression',
    (p) => {
      at(schedules(p), 0).expression = 'cron(oops) and rate(1 minute)';
    },
  ],
  [
    'long-schedule-name',
    'a schedule name that would pass 64 characters with the service and stage',
    'params.schedules[0].name',
    (p) => {
      at(schedules(p), 0).name = 'weekday-evening-stop-of-the-whole-fleet-xyz';
    },
  ],
  [
    'unknown-holiday-code',
    'a holiday code date-holidays does not know',
    'params.schedules[0].holidays[0]',
    (p) => {
      at(schedules(p), 0).holidays = ['XX'];
    },
  ],
  [
    'backward-excluded-range',
    'an excluded range that ends before it starts',
    'params.schedules[0].excludedDates[0]',
    (p) => {
      at(schedules(p), 0).excludedDates = ['2027-01-02..2026-12-24'];
    },
  ],
  [
    'bad-alarm-email',
    'an alarm email that is not an address',
    'params.alarmEmail',
    (p) => {
      p.alarmEmail = 'ops-team';
    },
  ],
];

const MISTAKES: Mistake[] = [
  // Format mistakes are reported together, so one stage carries four of them.
  {
    stage: 'format-mistakes',
    what: 'an 11-digit account ID, an unknown region, a one-character ExternalId and a misspelt time zone',
    edit: (p) => {
      at(targets(p), 1).accountId = '33333333333';
      at(targets(p), 0).regions = ['eu-west-1', 'eu-west-7'];
      at(targets(p), 0).externalId = 'x';
      at(schedules(p), 0).timezone = 'Europe/Berln';
    },
    fields: [
      'params.targets[1].accountId',
      'params.targets[0].regions[1]',
      'params.targets[0].externalId',
      'params.schedules[0].timezone',
    ],
  },
  ...ONE_FIELD.map(([stage, what, field, edit]) => ({ stage, what, edit, fields: [field] })),
  {
    stage: 'punctuation-twins',
    what: 'two schedule names that differ only in punctuation (one CloudFormation resource)',
    edit: (p) => {
      at(schedules(p), 0).name = 'weekday-start';
      at(schedules(p), 1).name = 'weekday.start';
    },
    fields: ['params.schedules[1].name'],
  },
  {
    stage: 'single-invocation-too-large',
    what: 'schedules on the single invocation for 2,900 targets, more than one 256 MB invocation holds (2,894)',
    edit: (p) => {
      p.scheduledRuns = 'single-invocation';
      // 100 accounts x 29 regions: few enough accounts that the execution role lists them all.
      p.targets = Array.from({ length: 100 }, (_, i) => ({
        accountId: String(100_000_000_000 + i),
        regions: AWS_REGIONS.slice(0, 29),
      }));
      // Requests that name no region or account reach every target.
      for (const schedule of schedules(p)) schedule.request = { action: 'stop', wait: true };
    },
    fields: ['params.scheduledRuns'],
  },
];

/** serverless.yml with one extra stage per mistake, each derived from the `test` stage. */
function serverlessYmlWithMistakes(): string {
  const yml = readServerlessYml();
  const {
    targetRoleName: _a,
    controlTagKey: _b,
    controlTagValue: _c,
    ...test
  } = stageParams('test', yml);
  return withParams(withoutServerlessOffline(yml), (params) => {
    for (const mistake of MISTAKES) {
      const broken = structuredClone(test);
      mistake.edit(broken);
      params[mistake.stage] = broken;
    }
  });
}

const output = (run: SlsResult) => `${run.stdout}\n${run.stderr}`;

describe('serverless.yml params: mistakes stop the CLI and name the field', () => {
  let service: ServiceDir;
  let packageDir: string;
  const printed = new Map<string, SlsResult>();
  let packaged: SlsResult;
  let control: SlsResult;

  beforeAll(async () => {
    // Prepare
    service = await createServiceDir({ serverlessYml: serverlessYmlWithMistakes() });
    packageDir = path.join(service.dir, '.package');

    // Act: resolving only (sls print) for each mistake, and one full package; two at a time.
    const runs = [
      async () => {
        control = await runSls(service, ['print', '--stage', 'test']);
      },
      ...MISTAKES.map((m) => async () => {
        printed.set(m.stage, await runSls(service, ['print', '--stage', m.stage]));
      }),
      async () => {
        packaged = await runSls(service, ['package', '--stage', 'format-mistakes'], { packageDir });
      },
    ];
    await runAll(runs, 2, (run) => run());
  }, 180_000);

  afterAll(async () => {
    await service?.remove();
  });

  it('the unbroken test stage in the same file still resolves', () => {
    // Assess
    expect(control.code).toBe(0);
    expect(control.stdout).toContain('xacct-ec2 stage config v1');
  });

  it.each(MISTAKES.map((m) => [m.what, m] as const))(
    '%s: fails, naming each field',
    (_what, mistake) => {
      // Prepare
      const run = printed.get(mistake.stage);

      // Assess
      expect(run?.code).not.toBe(0);
      expect(run?.timedOut).toBe(false);
      const text = output(run as SlsResult);
      expect(text).toContain(
        `Invalid configuration for stage "${mistake.stage}" in serverless.yml`,
      );
      for (const field of mistake.fields) expect(text).toContain(`- ${field}: `);
    },
  );

  it("names the single invocation's limit and both ways out when a schedule outgrows it", () => {
    // Prepare
    const run = printed.get('single-invocation-too-large');

    // Assess
    expect(output(run as SlsResult)).toContain(
      '- params.scheduledRuns: is "single-invocation", but schedule "weekday-evening-stop" (schedules[0]) reaches 2,900 target(s), more than the 2,894 one invocation of the instances function runs at 256 MB',
    );
    expect(output(run as SlsResult)).toContain(
      'remove scheduledRuns to run it through the engine, or raise functions.instances.memorySize to 320 MB',
    );
  });

  it('stops sls package before it builds or writes anything', async () => {
    // Assess
    expect(packaged.code).not.toBe(0);
    expect(output(packaged)).toContain(
      '- params.targets[1].accountId: must be a 12-digit AWS account ID',
    );
    expect(output(packaged)).not.toContain('Service packaged');
    const written = existsSync(packageDir) ? await readdir(packageDir) : [];
    expect(written).toEqual([]);
    expect(existsSync(path.join(service.dir, '.esbuild'))).toBe(false);
  });
});
