/** `npm run preview -- [--stage <s>] [--days N] [--from YYYY-MM-DD] [--json]`, checked before anything is read. */
import { parseArgs } from 'node:util';
import { isRealDate } from '../../handlers/config/excluded-dates';
import { UsageError } from '../shared/usage-error';

export const PREVIEW_USAGE =
  'usage: npm run preview -- [--stage <stage>] [--days <1-366>] [--from <YYYY-MM-DD>] [--json]';

export interface PreviewArgs {
  /** Absent: every stage serverless.yml configures. */
  stage?: string;
  days: number;
  from: string;
  json: boolean;
}

const STAGE = /^[A-Za-z0-9-]{1,40}$/;
export const DEFAULT_DAYS = 7;
const MAX_DAYS = 366;

export function parsePreviewArgs(argv: readonly string[], today: Date): PreviewArgs {
  let values: { stage?: string; days?: string; from?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        stage: { type: 'string' },
        days: { type: 'string' },
        from: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${PREVIEW_USAGE}`);
  }
  const { stage, from } = values;
  if (stage !== undefined && !STAGE.test(stage)) {
    throw new UsageError(
      `--stage "${stage}" is not a stage name (letters, digits, hyphens)\n${PREVIEW_USAGE}`,
    );
  }
  const days = values.days === undefined ? DEFAULT_DAYS : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new UsageError(
      `--days must be a whole number from 1 to ${MAX_DAYS}, not ${values.days}\n${PREVIEW_USAGE}`,
    );
  }
  if (from !== undefined && !isRealDate(from)) {
    throw new UsageError(
      `--from must be a date YYYY-MM-DD such as 2027-03-22, not ${from}\n${PREVIEW_USAGE}`,
    );
  }
  return {
    ...(stage !== undefined ? { stage } : {}),
    days,
    from: from ?? today.toISOString().slice(0, 10),
    json: values.json === true,
  };
}
