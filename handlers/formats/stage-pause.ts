/**
 * The stage's pause switch as tags on its engine state machine (`<service>-<stage>-engine`):
 * `npm run switch -- pause` writes them, `resume` removes them, and every entry point that could
 * start or act on a run reads them per invocation (handlers/aws/pause-gate.ts). Any of the keys
 * present means paused, so a half-written pause still holds.
 *
 * Step Functions tag values: at most 256 characters of Unicode letters, digits, white space and
 * `_ . : / = + - @` (TagResource API reference), so the reason is written in that set.
 */

export interface StagePause {
  /** The ARN of who paused (sts:GetCallerIdentity). */
  by: string;
  /** ISO 8601 UTC time of the pause. */
  at: string;
  reason: string;
}

export interface Tag {
  key?: string | undefined;
  value?: string | undefined;
}

const MAX_TAG_VALUE = 256;
const FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:[\w-]{1,64}(?::[\w$-]+)?$/;

/**
 * The stage's engine beside a function: the same partition, region and account as the function's
 * own ARN (the context's invokedFunctionArn, possibly with a version or alias), named
 * `<service>-<stage>-engine` as serverless.yml names it. Undefined for anything but a Lambda ARN.
 */
export function engineArnBeside(
  functionArn: string | undefined,
  service: string,
  stage: string,
): string | undefined {
  const match = FUNCTION_ARN.exec(functionArn ?? '');
  if (!match) return undefined;
  const [, partition, region, account] = match;
  return `arn:${partition}:states:${region}:${account}:stateMachine:${service}-${stage}-engine`;
}
const OUTSIDE_TAG_VALUE = /[^\p{L}\p{N}\s_.:/=+\-@]/gu;

export function pauseTagKeys(service: string) {
  return {
    by: `${service}:paused-by`,
    at: `${service}:paused-at`,
    reason: `${service}:paused-reason`,
  } as const;
}

/** A value Step Functions accepts as a tag value: other characters become spaces, cut to 256. */
export function tagValue(text: string): string {
  return text.replace(OUTSIDE_TAG_VALUE, ' ').slice(0, MAX_TAG_VALUE);
}

/** The tags a pause writes. */
export function pauseTags(service: string, pause: StagePause): Array<Required<Tag>> {
  const keys = pauseTagKeys(service);
  return [
    { key: keys.by, value: tagValue(pause.by) },
    { key: keys.at, value: tagValue(pause.at) },
    { key: keys.reason, value: tagValue(pause.reason) },
  ];
}

/** The pause the tags hold, or undefined when none of its keys is present. */
export function pauseFromTags(service: string, tags: readonly Tag[]): StagePause | undefined {
  const keys = pauseTagKeys(service);
  const value = (key: string) => tags.find((tag) => tag.key === key)?.value;
  const [by, at, reason] = [value(keys.by), value(keys.at), value(keys.reason)];
  if (by === undefined && at === undefined && reason === undefined) return undefined;
  return { by: by ?? '(unknown)', at: at ?? '(unknown)', reason: reason ?? '(none given)' };
}

/** What a refused run answers: who paused, when, why, and how to resume. */
export function pausedMessage(stage: string, pause: StagePause): string {
  return `stage ${stage} is paused by ${pause.by} at ${pause.at} (reason: ${pause.reason}); no run starts or acts until npm run switch -- resume --stage ${stage}`;
}
