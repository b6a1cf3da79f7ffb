/**
 * What both entry points share: the environment (read once at cold start), the logger, and the
 * per-invocation dependencies of the core.
 */
import type { Context } from 'aws-lambda';
import { environment } from '../config/env';
import { InvalidRequestError } from '../contract/errors';
import { parseRequest, type RunRequest } from '../contract/request';
import type { RunResult } from '../core/results';
import { runRequest } from '../core/run';
import { taskNamed } from '../tasks';
import { createTargetClients } from './clients';
import { logger } from './logger';

export { environment, logger };

/** Validates an event against the contract and this stage's targets, before any AWS call. */
export function validateRequest(event: unknown): RunRequest {
  const parsed = parseRequest(event, environment.config);
  if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
  return parsed.value;
}

/** The invocation being served; Lambda runs one at a time per container. */
let currentRequestId = 'init';

/**
 * Target clients live at module scope: a warm container reuses the EC2 clients and the assumed
 * sessions (one AssumeRole per account per session lifetime, never per invocation).
 */
const clients = createTargetClients({
  config: environment.config,
  homeRegion: environment.homeRegion,
  serviceName: environment.serviceName,
  stage: environment.stage,
  requestId: () => currentRequestId,
  maxAttempts: environment.maxAttempts,
});

/** Runs a validated request against the target accounts. */
export async function execute(request: RunRequest, context: Context): Promise<RunResult> {
  currentRequestId = context.awsRequestId;
  const task = taskNamed(request.task);
  const result = await runRequest(request, {
    clientFor: (target) => clients.clientFor(task, target),
    config: environment.config,
    requestId: context.awsRequestId,
    remainingMillis: () => context.getRemainingTimeInMillis(),
    now: Date.now,
    waiter: environment.waiter,
    logger,
    homeRegion: environment.homeRegion,
    // serverless.yml names the execution role <service>-<stage>-<region>-exec.
    executionRoleName: `${environment.serviceName}-${environment.stage}-${environment.homeRegion}-exec`,
  });
  return { ...result, roleSessionNames: clients.sessionNames() };
}
