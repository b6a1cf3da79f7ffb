/**
 * `npm run stack -- --stage <stage>` (osls's `sls print`) prints a stage's resolved stack: the
 * pieces resources/home-stack/ generates (schedules, signals, the engine's definition and roles)
 * with the stage's values in, so a forker reads what a stage deploys without packaging it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runTimeoutSeconds } from '../../resources/home-stack/engine/state-machine';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { createServiceDir, type ServiceDir } from '../../scripts/shared/stack/service-dir';
import { runSls, type SlsResult } from '../helpers/sls';
import { stageConfig } from './service-config';

interface Printed {
  custom: { engine: { maxConcurrency: number; maxChecks: number; waitSeconds: number } };
  stepFunctions: { stateMachines: { engine: { name: string; definition: EngineDefinition } } };
  resources: { Resources: Record<string, { Type: string }> };
}

interface EngineDefinition {
  Comment: string;
  TimeoutSeconds: number;
  States: Record<string, { MaxConcurrency?: number; ToleratedFailurePercentage?: number }>;
}

describe('Command: npm run stack -- --stage prod', () => {
  let service: ServiceDir;
  let printed: SlsResult;

  beforeAll(async () => {
    // Prepare
    service = await createServiceDir();

    // Act
    printed = await runSls(service, ['print', '--stage', 'prod', '--format', 'json']);
  }, 150_000);

  afterAll(async () => {
    await service?.remove();
  });

  it('is sls print, the command this test runs', () => {
    // Assess
    const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(packageJson.scripts.stack).toBe('sls print');
  });

  it('prints the engine definition with the stage values filled in', () => {
    // Assess
    expect(printed.code).toBe(0);
    const stack = JSON.parse(printed.stdout) as Printed;
    const engine = stack.stepFunctions.stateMachines.engine;
    expect(engine.name).toBe('xacct-ec2-prod-engine');
    expect(JSON.stringify(engine.definition)).not.toContain('{{');
    expect(engine.definition.Comment).toMatch(/^xacct-ec2-prod: /);
    expect(engine.definition.TimeoutSeconds).toBe(runTimeoutSeconds(stack.custom.engine));
    // custom.engine.maxConcurrency 40 batches at once: 4 Express children of 10 batches.
    expect(stack.custom.engine.maxConcurrency).toBe(40);
    for (const map of ['Survey', 'Act', 'Recheck']) {
      expect(engine.definition.States[map]).toMatchObject({
        MaxConcurrency: 4,
        ToleratedFailurePercentage: 100,
      });
    }
  });

  it("prints the generated resources: one schedule per configured entry, the signals, the engine's roles", () => {
    // Assess
    const stack = JSON.parse(printed.stdout) as Printed;
    const types = Object.values(stack.resources.Resources).map((resource) => resource.Type);
    const schedules = types.filter((type) => type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(stageConfig('prod').schedules.length);
    expect(schedules.length).toBeGreaterThan(0);
    expect(Object.keys(stack.resources.Resources)).toEqual(
      expect.arrayContaining([
        'SignalsTopic',
        'AlarmEngineExecutionsFailed',
        'EngineStateMachineRole',
        'EngineStartRole',
        'HttpEngineRunsRole',
      ]),
    );
  });
});
