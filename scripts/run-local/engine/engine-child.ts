/**
 * The child of `npm run engine:local`: runs the packaged state machine here, its Task states
 * calling the engine handlers in this process, and prints the plan, each work item and re-check
 * as it finishes, and the summary. Its environment (the local endpoint's URLs and home session)
 * is set by the parent for this process only.
 */
import { readFileSync } from 'node:fs';
import { runEngineLocally } from '../../local-aws';
import type { PackagedStage } from '../../shared/stack/package-stage';
import { packagedEngineDefinition } from '../../shared/stack/packaged-definition';
import { importEngineHandlers } from './engine-handlers';

async function main(): Promise<void> {
  const [packagedFile, requestJson, waitMs, executionName, originJson] = process.argv.slice(2);
  if (!packagedFile || !requestJson || !waitMs || !executionName) {
    throw new Error(
      'usage: engine-child <packaged.json> <request-json> <wait-ms> <execution-name> [origin-json]',
    );
  }
  const origin = originJson ? (JSON.parse(originJson) as unknown) : null;
  const packaged = JSON.parse(readFileSync(packagedFile, 'utf8')) as PackagedStage;
  const handlers = await importEngineHandlers();
  const started = Date.now();
  const at = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const run = await runEngineLocally(
    packagedEngineDefinition(packaged.template),
    handlers,
    { request: JSON.parse(requestJson), ...(origin ? { origin } : {}) },
    {
      executionName,
      waitMs: Number(waitMs),
      onEvent: (event) => {
        if (event.type !== 'StateExited') return;
        const out = event.state.output as Record<string, unknown> | undefined;
        const name = event.state.name;
        if (name === 'Plan') {
          const plan = (out?.plan ?? {}) as {
            targets?: number;
            batches?: unknown[];
            targetsPerBatch?: number;
          };
          console.log(
            `${at()} plan: ${plan.targets} targets in ${plan.batches?.length} work items of up to ${plan.targetsPerBatch}`,
          );
        } else if (name === 'SurveyBatch') {
          const r = out as { batch: number; resources: number; targets: number };
          console.log(
            `${at()} survey of item ${r.batch}: ${r.resources} to change in ${r.targets} targets`,
          );
        } else if (name === 'AssessSurvey') {
          const guard = ((out?.plan ?? {}) as { guard?: Record<string, unknown> }).guard ?? {};
          console.log(
            `${at()} blast-radius guard: ${guard.verdict} (${guard.resources} of limit ${guard.limit})${guard.reason ? `: ${guard.reason}` : ''}`,
          );
        } else if (name === 'Work' && (out as { refused?: unknown } | undefined)?.refused) {
          const r = out as { batch: number; refused: { approved: number; resources: number } };
          console.log(
            `${at()} work item ${r.batch}: refused, ${r.refused.resources} to change but ${r.refused.approved} surveyed`,
          );
        } else if (name === 'Work') {
          const r = out as { batch: number; summary: Record<string, number>; inTransit: number };
          console.log(
            `${at()} work item ${r.batch}: ${r.summary.targets} targets, ${r.summary.changed} changed, ${r.summary.failed} failed, ${r.summary.targetsFailed} targets failed, ${r.inTransit} in transit`,
          );
        } else if (name === 'RecheckBatch') {
          const r = out as { batch: number; inTransit: number };
          console.log(`${at()} re-check of item ${r.batch}: ${r.inTransit} still in transit`);
        } else if (name === 'WaitForTransitions') {
          console.log(`${at()} waited (a Wait state: no Lambda sleeps)`);
        }
      },
    },
  );
  if (process.env.ENGINE_CHILD_COMPACT === 'true') {
    const out = run.output as {
      execution: string;
      summary: Record<string, number>;
      checks: number;
      blastRadius?: { verdict?: string };
      failures: Array<{ accountId: string; region: string; id?: string; code: string }>;
    };
    const s = out.summary;
    console.log(
      `${at()} summary of ${out.execution}: ${s.targets} targets, ${s.changed} changed, ${s.unchanged} unchanged, ${s.skipped} skipped, ${s.failed} failed, ${s.inTransit} in transit, ${s.targetsFailed} targets failed; ${out.checks} re-check round(s); guard ${out.blastRadius?.verdict ?? 'n/a'}`,
    );
    for (const f of out.failures) {
      console.log(`        failed: ${f.accountId} ${f.region}${f.id ? ` ${f.id}` : ''}: ${f.code}`);
    }
  } else {
    console.log(`${at()} summary:\n${JSON.stringify(run.output, null, 2)}`);
  }
  console.log(`task calls: ${JSON.stringify(run.taskCalls)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
