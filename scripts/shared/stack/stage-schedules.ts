/**
 * A stage's schedules as serverless.yml writes them (`params.<stage>.schedules`, else
 * `params.default.schedules`), each checked with the schema packaging uses, so a tool that reads
 * them (npm run preview) sees what would deploy, without packaging.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { type ScheduleConfig, scheduleSchema } from '../../../handlers/config/stage-config';
import { problemsFromZod } from '../../../handlers/formats/problems';
import { UsageError } from '../usage-error';
import { parseCfnYaml } from './cfn-yaml';
import { SERVERLESS_YML } from './paths';
import { configuredStages } from './stages';

export function stageSchedules(
  stage: string,
  serverlessYml = readFileSync(SERVERLESS_YML, 'utf8'),
): ScheduleConfig[] {
  const stages = configuredStages(serverlessYml);
  if (!stages.includes(stage)) {
    throw new UsageError(
      `--stage ${stage} is not configured in serverless.yml; give one of: ${stages.join(', ')}`,
    );
  }
  const doc = parseCfnYaml(serverlessYml) as {
    params?: Record<string, { schedules?: unknown } | undefined>;
  };
  const own = doc.params?.[stage]?.schedules;
  const field = own !== undefined ? `params.${stage}.schedules` : 'params.default.schedules';
  const raw = own ?? doc.params?.default?.schedules ?? [];
  const parsed = z.safeParse(z.array(scheduleSchema), raw);
  if (!parsed.success) {
    const lines = problemsFromZod(parsed.error, field).map((p) => `${p.field}: ${p.message}`);
    throw new UsageError(`serverless.yml, stage ${stage}:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
