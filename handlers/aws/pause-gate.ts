/**
 * The stage's pause switch, read on every run (never cached: a switch read once at cold start
 * would not stop a warm container). One Step Functions ListTagsForResource on the engine state
 * machine, whose tags `npm run switch` writes (handlers/formats/stage-pause.ts). The execution
 * roles may read those tags, never write them (scripts/switch/README.md).
 *
 * Fail closed: when the tags cannot be read (no permission, no state machine, an outage), no run
 * starts, and the error says why.
 */
import {
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { describeError } from '../core/diagnose';
import { SchedulerError } from '../formats/scheduler-error';
import {
  engineArnBeside,
  pausedMessage,
  pauseFromTags,
  type StagePause,
} from '../formats/stage-pause';

/** The stage is paused: the run is refused before it starts or acts. */
export class StagePausedError extends SchedulerError {
  constructor(
    readonly stage: string,
    readonly pause: StagePause,
  ) {
    super('StagePausedError', pausedMessage(stage, pause));
  }
}

/** The switch could not be read, so the run is refused as if paused. */
export class PauseSwitchUnreadableError extends SchedulerError {
  constructor(stateMachineArn: string, reason: string, options?: ErrorOptions) {
    super(
      'PauseSwitchUnreadableError',
      `the stage's pause switch (tags of ${stateMachineArn}) could not be read: ${reason}; no run starts until it can`,
      options,
    );
  }
}

export interface PauseGateOptions {
  client: SFNClient;
  /**
   * ENGINE_STATE_MACHINE_ARN as given (the http and starter functions get it by !Ref; local runs
   * set it); without it, the engine beside the invoked function (engineArnBeside).
   */
  stateMachineArn: string | undefined;
  service: string;
  stage: string;
}

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/**
 * Resolves when the stage runs; throws StagePausedError or PauseSwitchUnreadableError. Takes the
 * invoked function's ARN (the Lambda context's invokedFunctionArn).
 */
export type PauseGate = (functionArn?: string) => Promise<void>;

export function createPauseGate(options: PauseGateOptions): PauseGate {
  const { client, service, stage } = options;
  return async (functionArn) => {
    const stateMachineArn = options.stateMachineArn ?? engineArnBeside(functionArn, service, stage);
    if (stateMachineArn === undefined || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new PauseSwitchUnreadableError(
        String(stateMachineArn ?? functionArn),
        `neither ENGINE_STATE_MACHINE_ARN nor the invoked function ARN names the stage engine (sls invoke local has no function ARN: add --env ENGINE_STATE_MACHINE_ARN=arn:<partition>:states:<region>:<account>:stateMachine:${service}-${stage}-engine)`,
      );
    }
    let out: ListTagsForResourceCommandOutput;
    try {
      out = await client.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
    } catch (err) {
      const { code, message } = describeError(err);
      throw new PauseSwitchUnreadableError(stateMachineArn, `${code}: ${message}`, { cause: err });
    }
    const pause = pauseFromTags(service, out.tags ?? []);
    if (pause) throw new StagePausedError(stage, pause);
  };
}
