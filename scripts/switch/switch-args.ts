/** `npm run switch -- pause|resume --stage <s> [--region <r>] [--reason "..."]`, checked before any AWS call. */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error';
import type { SwitchCommand } from './run-switch';

export const SWITCH_USAGE =
  'usage: npm run switch -- pause --stage <stage> [--region <region>] [--reason "..."]\n' +
  '       npm run switch -- resume --stage <stage> [--region <region>]';

export interface SwitchArgs {
  command: SwitchCommand;
  stage: string;
  region?: string;
  reason?: string;
}

const STAGE = /^[A-Za-z0-9-]{1,40}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Kept well under StopExecution's cause limit, and readable in the console. */
const MAX_REASON = 500;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the rule
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function parseSwitchArgs(argv: readonly string[]): SwitchArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${SWITCH_USAGE}`);
  }
  const { values, positionals, tokens } = parsed;
  for (const name of ['stage', 'region', 'reason']) {
    const given = tokens.filter((t) => t.kind === 'option' && t.name === name).length;
    if (given > 1) {
      // parseArgs keeps the last one silently: a paste of two commands must not pick a stage.
      throw new UsageError(`--${name} is given ${given} times; give it once\n${SWITCH_USAGE}`);
    }
  }
  const [command, ...extra] = positionals;
  if (command !== 'pause' && command !== 'resume') {
    throw new UsageError(`give pause or resume, not ${command ?? 'nothing'}\n${SWITCH_USAGE}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}\n${SWITCH_USAGE}`);
  const { stage, region, reason } = values;
  if (stage === undefined || !STAGE.test(stage)) {
    throw new UsageError(
      `--stage ${stage === undefined ? 'is required' : `"${stage}" is not a stage name (letters, digits, hyphens)`}\n${SWITCH_USAGE}`,
    );
  }
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(`--region "${region}" is not a region name such as eu-west-1`);
  }
  if (reason !== undefined && command === 'resume') {
    throw new UsageError('--reason belongs to pause (it is written into each stopped execution)');
  }
  if (reason !== undefined && (reason.trim() === '' || reason.length > MAX_REASON)) {
    throw new UsageError(`--reason must be 1-${MAX_REASON} characters`);
  }
  if (reason !== undefined && CONTROL.test(reason)) {
    // It goes into each stopped execution's cause, the pause tags and the terminal.
    throw new UsageError(
      '--reason must not contain control characters (newlines, tabs, escape sequences); write it on one line',
    );
  }
  return {
    command,
    stage,
    ...(region !== undefined ? { region } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    tokens: true,
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      reason: { type: 'string' },
    },
  });
}
