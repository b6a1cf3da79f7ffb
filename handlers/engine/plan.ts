/**
 * Step Functions engine, first state: validates the request against this stage's targets
 * (before any AWS call), cuts the targets into work items `{ batch: n }`, and says whether the
 * run is surveyed before it acts (a start or stop that is not a dry run: the blast-radius guard
 * must see the whole run, survey-report.ts).
 */
import type { Context } from 'aws-lambda';
import { environment, validateRequest } from '../aws/runtime';
import { InvalidRequestError } from '../contract/errors';
import { parseRunOrigin, type RunOrigin } from '../formats/origin';
import { taskNamed } from '../tasks';
import { planBatches, targetsPerBatch } from './batches';
import { requireEngineSizedRequest } from './request-size';
import { readEngineSettings } from './settings';
import type { RunGuard, WorkItem } from './survey-report';
import { waitPlan } from './wait-plan';

const settings = readEngineSettings();

export interface PlanInput {
  request: unknown;
  /** The whole execution input: `{ request, origin? }` (an absent origin is a direct start). */
  execution?: { origin?: unknown };
  /** The execution's name and start time (`$$.Execution`): the run's ID and start in its signals. */
  executionName?: unknown;
  startedAt?: unknown;
}

/** The run as its one run-level summary names it (handlers/engine/run-signals.ts). */
export interface EngineRun {
  /** The execution name. */
  id: string;
  /** The request's task, and the resource type its failures are reported under by default. */
  task: string;
  resourceType: string;
  startedAt: string;
  dryRun: boolean;
  origin: RunOrigin;
  targets: number;
  batches: number;
}

export interface Plan {
  action: string;
  /** Who started the run; every worker attributes its AWS calls to it (SourceIdentity). */
  origin: RunOrigin;
  targets: number;
  run: EngineRun;
  targetsPerBatch: number;
  batches: Array<{ batch: number }>;
  /** True when every batch is surveyed (describe only) before any acts. */
  survey: boolean;
  /** The Act's items: every batch now, or (after the survey) the approved ones with their counts. */
  work: WorkItem[];
  /** The run's blast-radius guard: `pending` until the survey decides it. */
  guard: RunGuard;
  /**
   * Seconds between re-checks, and rounds at most (0 when the request does not wait): the stage's
   * settings, the Wait stretched to the task's transitions (wait-plan.ts).
   */
  waitSeconds: number;
  maxChecks: number;
}

export const handler = async (event: PlanInput, context?: Context): Promise<Plan> => {
  const request = validateRequest(event?.request);
  requireEngineSizedRequest(event.request);
  const origin = parseRunOrigin(event?.execution?.origin);
  if (!origin.ok) throw new InvalidRequestError(origin.problems);
  const waits = request.wait && !request.dryRun && request.action !== 'status';
  const task = taskNamed(request.task);
  const batches = planBatches(request.targets, settings.sizing);
  // Invoked by hand there is no execution: the invocation names the run.
  const id =
    typeof event?.executionName === 'string'
      ? event.executionName
      : (context?.awsRequestId ?? 'unnamed');
  const startedAt =
    typeof event?.startedAt === 'string' ? event.startedAt : new Date().toISOString();
  const survey = request.action !== 'status' && !request.dryRun;
  // A start or stop's guard is decided over the whole run: by AssessSurvey before it acts, or,
  // for a dry run (not surveyed, it changes nothing), by SummariseAct from the batches' counts.
  const guard: RunGuard =
    request.action === 'status'
      ? { verdict: 'not-checked', reason: 'a status run changes nothing' }
      : {
          verdict: 'pending',
          action: request.action,
          resourceType: task.resourceType,
          limit: environment.config.maxResourcesPerRequest,
          ...(request.confirmCount !== undefined ? { confirmCount: request.confirmCount } : {}),
        };
  return {
    action: request.action,
    origin: origin.origin,
    targets: request.targets.length,
    run: {
      id,
      task: task.name,
      resourceType: task.resourceType,
      startedAt,
      dryRun: request.dryRun,
      origin: origin.origin,
      targets: request.targets.length,
      batches: batches.length,
    },
    targetsPerBatch: targetsPerBatch(settings.sizing),
    batches,
    survey,
    work: survey ? [] : batches,
    guard,
    ...(waits && request.action !== 'status'
      ? waitPlan(task.transitions, request.action, settings)
      : { waitSeconds: settings.waitSeconds, maxChecks: 0 }),
  };
};
