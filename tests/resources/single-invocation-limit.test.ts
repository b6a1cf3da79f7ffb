import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import { schedulePaths } from '../../resources/home-stack/schedules/schedule-paths';
import {
  CPU_MS_PER_TARGET,
  MEASURED_PEAK_MEMORY_MB,
  MEMORY_HEADROOM,
  memoryFor,
  singleInvocationLimit,
} from '../../resources/home-stack/schedules/single-invocation-limit';
import { TEST_CONFIG } from '../helpers/config';

/** serverless.yml's instances function: 256 MB (provider), 300 s; the default 20 s reserve. */
const INSTANCES = { memoryMb: 256, timeoutSeconds: 300 };
const RESERVE = 20_000;

function aStage(accounts: number, scheduledRuns: string, request: unknown): StageConfig {
  const targets = Array.from({ length: accounts }, (_, i) => ({
    accountId: String(100_000_000_000 + i),
    regions: ['eu-west-1'],
  }));
  const parsed = parseStageConfig({
    ...TEST_CONFIG,
    reserveMillis: RESERVE,
    targets,
    scheduledRuns,
    schedules: [
      { name: 'nightly', expression: 'cron(0 19 ? * MON-FRI *)', timezone: 'UTC', request },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

describe('Function: singleInvocationLimit', () => {
  it('is the smaller of the memory and the time bound', () => {
    // Act
    const at256 = singleInvocationLimit({ ...INSTANCES, reserveMillis: RESERVE, waits: true });
    const at1769 = singleInvocationLimit({
      memoryMb: 1769,
      timeoutSeconds: 300,
      reserveMillis: RESERVE,
      waits: true,
    });

    // Assess: by hand. Memory: 90 % of 256 MB = 230.4 MB, more than the 199 MB measured at the
    // largest fleet, 10,000 targets, and nothing is measured beyond it: 10,000. Time: (300 s -
    // 20 s - 60 s to settle) / (11 ms x 1769 / 256) = 2,894.
    expect(at256).toEqual({ limit: 2894, memory: 10_000, time: 2894 });
    // One full vCPU: 220 s / 11 ms = 20,000 targets, more than the memory bound (10,000).
    expect(at1769).toEqual({ limit: 10_000, memory: 10_000, time: 20_000 });
  });

  it('reads the memory bound between two measured fleets', () => {
    // Act
    const at192 = singleInvocationLimit({
      memoryMb: 192,
      timeoutSeconds: 300,
      reserveMillis: RESERVE,
      waits: true,
    });

    // Assess: 90 % of 192 MB = 172.8 MB, between 165 MB at 1,000 targets and 182 MB at 4,000:
    // 1,000 + (172.8 - 165) x 3,000 / 17 = 2,376. Time: 220 s / (11 ms x 1769 / 192) = 2,170.
    expect(at192).toEqual({ limit: 2170, memory: 2376, time: 2170 });
  });

  it('gives a run that does not wait the settling minute back', () => {
    // Act
    const limit = singleInvocationLimit({ ...INSTANCES, reserveMillis: RESERVE, waits: false });

    // Assess: 280 s / (11 ms x 1769 / 256).
    expect(limit.time).toBe(3683);
  });

  it('holds nothing when the memory is below the smallest measured run, or the reserve eats the timeout', () => {
    // Act / Assess
    const first = MEASURED_PEAK_MEMORY_MB[0]?.[1] ?? 0;
    expect(
      singleInvocationLimit({
        memoryMb: Math.floor(first / MEMORY_HEADROOM) - 1,
        timeoutSeconds: 300,
        reserveMillis: RESERVE,
        waits: false,
      }).limit,
    ).toBe(0);
    expect(
      singleInvocationLimit({
        ...INSTANCES,
        timeoutSeconds: 20,
        reserveMillis: RESERVE,
        waits: false,
      }).limit,
    ).toBe(0);
  });

  it('matches the table in handlers/engine/README.md', () => {
    // Prepare
    const readme = readFileSync(path.join(__dirname, '../../handlers/engine/README.md'), 'utf8');
    const rows = [
      ...readme.matchAll(/^\| ([\d,]+) MB[^|]*\| ([\d,]+) \| ([\d,]+) \| \*\*([\d,]+)\*\* \|$/gm),
    ];
    const number = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));

    // Act
    const documented = rows.map((row) => ({
      memoryMb: number(row[1]),
      memory: number(row[2]),
      time: number(row[3]),
      limit: number(row[4]),
    }));

    // Assess
    expect(documented.length).toBeGreaterThanOrEqual(4);
    for (const row of documented) {
      expect(
        singleInvocationLimit({
          memoryMb: row.memoryMb,
          timeoutSeconds: 300,
          reserveMillis: RESERVE,
          waits: true,
        }),
      ).toEqual({ limit: row.limit, memory: row.memory, time: row.time });
    }
  });

  it('names the smallest memorySize that holds a fleet, and none beyond what any holds', () => {
    // Act / Assess
    const sizing = { timeoutSeconds: 300, reserveMillis: RESERVE, waits: true };
    expect(memoryFor(2895, sizing)).toBe(320);
    expect(singleInvocationLimit({ ...sizing, memoryMb: 256 }).limit).toBeLessThan(2895);
    // 128 MB holds 59 targets (115.2 MB, between 95 MB at 10 and 132 MB at 100), 192 MB 2,170.
    expect(memoryFor(400, sizing)).toBe(192);
    // CPU per target alone caps one invocation at 220 s / 11 ms whatever the memory.
    expect(memoryFor(Math.floor(220_000 / CPU_MS_PER_TARGET) + 1, sizing)).toBeUndefined();
  });
});

describe('Function: schedulePaths', () => {
  it('sends every schedule through the engine by default, whatever its size, and says why', () => {
    // Prepare
    const config = aStage(400, 'engine', { action: 'stop', wait: true });

    // Act
    const { paths, problems } = schedulePaths(config, INSTANCES);

    // Assess
    expect(problems).toEqual([]);
    expect(paths).toEqual([
      {
        schedule: 'nightly',
        path: 'engine',
        targets: 400,
        line: 'schedule nightly: engine (engineStart starts one run per scheduled time), 400 target(s); params.scheduledRuns is "engine", the default',
      },
    ]);
  });

  it('keeps a small fleet on the single invocation, with its limit', () => {
    // Prepare
    const config = aStage(2894, 'single-invocation', { action: 'stop', wait: true });

    // Act
    const { paths, problems } = schedulePaths(config, INSTANCES);

    // Assess
    expect(problems).toEqual([]);
    expect(paths[0]?.path).toBe('single-invocation');
    expect(paths[0]?.line).toBe(
      'schedule nightly: single invocation (the instances function, 256 MB), 2,894 target(s), within its limit of 2,894 (memory 10,000, time 2,894 in 300 s with a minute to settle); params.scheduledRuns is "single-invocation"',
    );
  });

  it('refuses a single-invocation schedule one target past the limit, naming it and both ways out', () => {
    // Prepare
    const config = aStage(2895, 'single-invocation', { action: 'stop', wait: true });

    // Act
    const { paths, problems } = schedulePaths(config, INSTANCES);

    // Assess
    expect(paths).toEqual([]);
    expect(problems).toEqual([
      {
        field: 'params.scheduledRuns',
        message:
          'is "single-invocation", but schedule "nightly" (schedules[0]) reaches 2,895 target(s), more than the 2,894 one invocation of the instances function runs at 256 MB (memory 10,000, time 2,894 in 300 s with a minute to settle; resources/home-stack/schedules/single-invocation-limit.ts); remove scheduledRuns to run it through the engine, or raise functions.instances.memorySize to 320 MB',
      },
    ]);
  });

  it('counts the targets the schedule’s request selects, not the whole stage', () => {
    // Prepare: 400 targets in the stage, the schedule reaches 2 accounts of them.
    const config = aStage(400, 'single-invocation', {
      action: 'stop',
      targets: { accounts: ['100000000000', '100000000001'] },
    });

    // Act
    const { paths, problems } = schedulePaths(config, INSTANCES);

    // Assess
    expect(problems).toEqual([]);
    expect(paths[0]).toMatchObject({ path: 'single-invocation', targets: 2 });
  });

  it('refuses at package time a single-invocation wait the task cannot finish, as the function would each run', () => {
    // Prepare: an RDS stop usually takes 300 s (handlers/tasks/rds/transitions.ts), past the 60 s the test stage waits
    const waiting = aStage(2, 'single-invocation', { task: 'rds', action: 'stop', wait: true });
    const notWaiting = aStage(2, 'single-invocation', { task: 'rds', action: 'stop' });

    // Act
    const refused = schedulePaths(waiting, INSTANCES);
    const accepted = schedulePaths(notWaiting, INSTANCES);

    // Assess
    expect(refused.paths).toEqual([]);
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0]?.field).toBe('schedules[0].request.wait');
    expect(refused.problems[0]?.message).toMatch(
      /^schedule "nightly" runs as a single invocation \(params.scheduledRuns\), where a stop of task "rds" usually takes 300 s, more than the 60 s this invocation may wait/,
    );
    expect(accepted.problems).toEqual([]);
    expect(accepted.paths[0]).toMatchObject({ path: 'single-invocation', targets: 2 });
  });
});
