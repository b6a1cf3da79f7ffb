/**
 * The child of `npm run engine:local -- --http`: the on-demand flow as an HTTP caller sees it.
 * This process alone starts the local endpoint, takes its environment (the endpoint's URLs, the
 * functions' settings), loads the handlers, and registers the packaged state machine on the
 * endpoint's Step Functions. Then `POST /instances/stop` with `wait` answers 202, and
 * `GET /runs/{id}` is polled until the run has ended, printing what a caller would see. The http
 * function signs its Step Functions calls as its own packaged role (HttpEngineRunsRole), as Lambda
 * would hand it; the engine's workers run as the execution role.
 */
import { lambdaContext, realEc2Timings } from '../../local-aws';
import {
  packagedEngineDefinition,
  packagedEngineStateMachineArn,
} from '../../shared/stack/packaged-definition';
import { packagedFunctionEnvironment, startLocalEndpoint } from '..';
import { httpApiEvent, LOCAL_CALLER_ARN } from '../http-api-event';
import { importEngineHandlers } from './engine-handlers';

/** The http function's timeout (serverless.yml). */
const HTTP_TIMEOUT_MS = 29_000;

async function main(): Promise<void> {
  const [timeFactorText, waitMsText] = process.argv.slice(2);
  const timeFactor = Number(timeFactorText);
  const endpoint = await startLocalEndpoint({
    reusePackaging: true,
    settings: realEc2Timings(timeFactor),
    log: () => undefined,
  });
  try {
    const { packaging } = await endpoint.ready;
    const { template } = packaging.packaged;
    const { home } = endpoint.seed;
    const engineArn = packagedEngineStateMachineArn(template, home.region, home.accountId);
    const fnEnv = packagedFunctionEnvironment(packaging.packaged);
    // This process is the functions' container: their settings and the endpoint's URLs.
    Object.assign(process.env, endpoint.clientEnv(), fnEnv, {
      STAGE_CONFIG: packaging.packaged.bundledConfigJson,
      AWS_LAMBDA_FUNCTION_NAME: home.functionName,
      ENGINE_STATE_MACHINE_ARN: engineArn,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const engine = await importEngineHandlers();
    endpoint.aws.executions.register({
      arn: engineArn,
      definition: packagedEngineDefinition(template),
      handlers: engine,
      waitMs: Number(waitMsText),
    });
    const { handler: http } = await import('../../../handlers/http');
    const { stepFunctions } = await import('../../../handlers/aws/step-functions');
    const httpRole = endpoint.aws.issueSession(
      `arn:aws:iam::${home.accountId}:role/${fnEnv.SERVICE_NAME}-${fnEnv.STAGE}-HttpEngineRunsRole`,
      'http',
    );
    stepFunctions.config.credentials = async () => httpRole;

    const started = Date.now();
    const at = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
    const body = { wait: true };
    console.log(`${at()} POST /instances/stop ${JSON.stringify(body)}   (as ${LOCAL_CALLER_ARN})`);
    const posted = (await http(
      httpApiEvent({ method: 'POST', action: 'stop', body }),
      lambdaContext('http', HTTP_TIMEOUT_MS),
    )) as { statusCode: number; headers?: Record<string, string>; body: string };
    console.log(
      `${at()} ${posted.statusCode} Location: ${posted.headers?.location ?? '-'}  ${posted.body}`,
    );
    if (posted.statusCode !== 202) throw new Error('the run was not accepted');
    const { runId } = JSON.parse(posted.body) as { runId: string };
    let last = '';
    for (;;) {
      const read = (await http(
        httpApiEvent({ method: 'GET', runId }),
        lambdaContext('http', HTTP_TIMEOUT_MS),
      )) as {
        statusCode: number;
        body: string;
      };
      const view = JSON.parse(read.body) as { status: string; summary?: Record<string, number> };
      if (view.status !== last) {
        console.log(`${at()} GET /runs/${runId} -> ${read.statusCode} ${view.status}`);
        last = view.status;
      }
      if (view.status !== 'RUNNING') {
        console.log(JSON.stringify(view, null, 2));
        if (view.status !== 'SUCCEEDED') process.exitCode = 1;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await endpoint.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
