/**
 * What switch and smoke take from serverless.yml before any AWS call: the service name, the
 * default region, whether the stage is configured at all, and which of its schedules it
 * configures `enabled: false` (the switch's resume leaves those DISABLED).
 */
import { readFileSync } from 'node:fs';
import { scheduleNameFor } from '../../../resources/home-stack/schedules/schedule-resources';
import { UsageError } from '../usage-error';
import { parseCfnYaml } from './cfn-yaml';
import { SERVERLESS_YML } from './paths';
import { configuredStages, fallbackOf } from './stages';

export interface StageSettings {
  service: string;
  /** provider.region's fallback (`${opt:region, 'eu-west-1'}` -> eu-west-1). */
  defaultRegion: string | undefined;
  /** AWS names of the schedules configured `enabled: false`. */
  disabledSchedules: Set<string>;
}

interface ServerlessDoc {
  service?: unknown;
  provider?: { region?: unknown };
  params?: Record<string, { schedules?: unknown } | undefined>;
}

export function stageSettings(
  stage: string,
  serverlessYml = readFileSync(SERVERLESS_YML, 'utf8'),
): StageSettings {
  const stages = configuredStages(serverlessYml);
  if (!stages.includes(stage)) {
    throw new UsageError(
      `--stage ${stage} is not configured in serverless.yml; give one of: ${stages.join(', ')}`,
    );
  }
  const doc = parseCfnYaml(serverlessYml) as ServerlessDoc;
  if (typeof doc.service !== 'string' || doc.service === '') {
    throw new UsageError('serverless.yml has no `service` name');
  }
  const service = doc.service;
  const schedules = doc.params?.[stage]?.schedules ?? doc.params?.default?.schedules ?? [];
  const disabledSchedules = new Set<string>();
  for (const schedule of Array.isArray(schedules) ? schedules : []) {
    const { name, enabled } = (schedule ?? {}) as { name?: unknown; enabled?: unknown };
    if (typeof name === 'string' && enabled === false) {
      disabledSchedules.add(scheduleNameFor({ service, stage }, name));
    }
  }
  return { service, defaultRegion: fallbackOf(doc.provider?.region), disabledSchedules };
}
