/**
 * npm run preview -- [--stage <stage>] [--days N] [--from YYYY-MM-DD] [--json]
 *
 * When each schedule of a stage (of every stage, without --stage) fires over the next N days
 * (7 by default), from serverless.yml alone: no AWS call, no packaging (scripts/preview/README.md).
 * Exit 0, or 2 on bad arguments or a schedule serverless.yml cannot hold.
 */
import { stageSchedules } from '../shared/stack/stage-schedules';
import { configuredStages } from '../shared/stack/stages';
import { UsageError } from '../shared/usage-error';
import { parsePreviewArgs } from './preview-args';
import { renderStagePreview } from './render-preview';
import { previewStage } from './stage-preview';

function main(): void {
  const args = parsePreviewArgs(process.argv.slice(2), new Date());
  const stages = args.stage !== undefined ? [args.stage] : configuredStages();
  const window = { from: args.from, days: args.days };
  const previews = stages.map((stage) => previewStage(stage, stageSchedules(stage), window));
  if (args.json) console.log(JSON.stringify({ stages: previews }, null, 2));
  else console.log(previews.map(renderStagePreview).join('\n\n'));
}

try {
  main();
} catch (error) {
  console.error(`npm run preview: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
