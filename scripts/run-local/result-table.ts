/**
 * Renders a RunResult as a table per account, region and resource: state before and after,
 * outcome and reason, and for a target that could not be worked on, the error with the checks
 * the diagnosis lists. Used by `npm start`; anything else printing results can reuse it.
 */
import type { Outcome, ResourceResult, RunResult, TargetResult } from '../../handlers/core/results';
import { type Paint, painter, type Style, visibleLength } from './ansi';

export interface RenderOptions {
  /** ANSI colours (only for a TTY). Default false. */
  color?: boolean;
  /** Wrap at this many columns. Default 120. */
  width?: number;
  /** Print target verdicts only, no resource rows (e.g. for a dry run). Default false. */
  compact?: boolean;
  /**
   * Target errors already shown in full: a repeat prints its message and a pointer instead of
   * the checks again. Rendering adds the errors it shows to the set.
   */
  shownErrors?: Set<string>;
}

const OUTCOME_STYLE: Record<Outcome, Style[]> = {
  changed: ['green'],
  unchanged: ['dim'],
  skipped: ['yellow'],
  failed: ['red', 'bold'],
  'not-processed': ['yellow'],
};

/** Words wrapped to `width` (a word longer than that is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
      line = '';
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function targetHeading(target: TargetResult, paint: Paint): string {
  const where = paint(`${target.accountId}  ${target.region}`, 'bold');
  if (target.status === 'failed') {
    return `${where}  ${paint('target failed', 'red', 'bold')}  ${paint(seconds(target.durationMs), 'dim')}`;
  }
  if (target.status === 'not-processed') {
    return `${where}  ${paint('not processed', 'yellow')}`;
  }
  const count = `${target.resources.length} resource${target.resources.length === 1 ? '' : 's'}`;
  const dryRun = target.dryRun
    ? `  dry run: ${paint(target.dryRun.verdict, target.dryRun.verdict === 'would-succeed' ? 'green' : 'red')}${target.dryRun.detail ? ` (${target.dryRun.detail})` : ''}`
    : '';
  return `${where}  ${paint('ok', 'green')}, ${count}  ${paint(seconds(target.durationMs), 'dim')}${dryRun}`;
}

/** Indented lines for an error and its checks, wrapped. */
function errorLines(
  target: TargetResult,
  paint: Paint,
  width: number,
  shown: Set<string> | undefined,
): string[] {
  const lines: string[] = [];
  const indent = '    ';
  const text = width - indent.length;
  if (target.error) {
    const key = `${target.accountId}|${target.error.code}|${target.error.message}`;
    for (const line of wrap(target.error.message, text)) lines.push(indent + paint(line, 'red'));
    if (shown?.has(key)) {
      lines.push(`${indent}${paint('(the same as above; what to check is listed there)', 'dim')}`);
      return lines;
    }
    shown?.add(key);
    if (target.error.checks.length > 0) lines.push(`${indent}${paint('What to check:', 'bold')}`);
    target.error.checks.forEach((check, index) => {
      const marker = `${index + 1}. `;
      wrap(check, text - marker.length).forEach((line, n) => {
        lines.push(indent + (n === 0 ? marker : ' '.repeat(marker.length)) + line);
      });
    });
  }
  if (target.reason) for (const line of wrap(target.reason, text)) lines.push(indent + line);
  return lines;
}

interface Row {
  cells: string[];
  outcome: Outcome;
  reason: string;
}

function rowFor(resource: ResourceResult, status: boolean): Row {
  const before = resource.previousState ?? resource.currentState ?? '?';
  const after = resource.currentState ?? '?';
  const states = status ? [after] : [before, after];
  const reason = [
    resource.reason,
    resource.code && !resource.reason?.includes(resource.code) ? `(${resource.code})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    cells: [resource.id, resource.name ?? '', ...states],
    outcome: resource.outcome,
    reason,
  };
}

function resourceLines(
  resources: readonly ResourceResult[],
  status: boolean,
  paint: Paint,
  width: number,
): string[] {
  const headers = ['resource', 'name', ...(status ? ['state'] : ['before', 'after']), 'outcome'];
  const rows = resources.map((r) => rowFor(r, status));
  const widths = headers.map((header, column) =>
    Math.max(
      header.length,
      ...rows.map((row) =>
        column < row.cells.length ? (row.cells[column]?.length ?? 0) : row.outcome.length,
      ),
    ),
  );
  const indent = '    ';
  const gap = '  ';
  const fixed = indent.length + widths.reduce((sum, w) => sum + w + gap.length, 0);
  const reasonWidth = Math.max(30, width - fixed);
  const lines = [
    indent + paint([...headers.map((h, i) => pad(h, widths[i] ?? 0)), 'reason'].join(gap), 'dim'),
  ];
  for (const row of rows) {
    const cells = row.cells.map((cell, i) => pad(cell, widths[i] ?? 0));
    const outcome = pad(
      paint(row.outcome, ...OUTCOME_STYLE[row.outcome]),
      widths[cells.length] ?? 0,
    );
    const reason = row.reason ? wrap(row.reason, reasonWidth) : [''];
    lines.push(`${indent}${[...cells, outcome].join(gap)}${gap}${reason[0]}`.trimEnd());
    for (const more of reason.slice(1)) lines.push(' '.repeat(fixed) + more);
  }
  return lines;
}

/** The whole result: one block per (account, region), in the order the run reported them. */
export function renderRunResult(result: RunResult, options: RenderOptions = {}): string {
  const paint = painter(options.color ?? false);
  const width = Math.max(80, options.width ?? 120);
  const lines: string[] = [];
  for (const target of result.targets) {
    lines.push(`  ${targetHeading(target, paint)}`);
    if (target.status !== 'ok') {
      lines.push(...errorLines(target, paint, width, options.shownErrors));
    } else if (!options.compact && target.resources.length > 0) {
      lines.push(...resourceLines(target.resources, result.action === 'status', paint, width));
    }
  }
  if (result.unmatchedIds.length > 0) {
    lines.push(`  not found in any target: ${result.unmatchedIds.join(', ')}`);
  }
  return lines.join('\n');
}

/** One line: what the run did, in numbers. */
export function summaryLine(result: RunResult, options: Pick<RenderOptions, 'color'> = {}): string {
  const paint = painter(options.color ?? false);
  const s = result.summary;
  const parts = [
    `${s.targets} target${s.targets === 1 ? '' : 's'}`,
    s.targetsFailed > 0 ? paint(`${s.targetsFailed} failed`, 'red') : '0 failed',
    `${s.resources} resources:`,
    paint(`${s.changed} changed`, 'green'),
    `${s.unchanged} unchanged`,
    paint(`${s.skipped} skipped`, 'yellow'),
    s.failed > 0 ? paint(`${s.failed} failed`, 'red') : '0 failed',
    ...(s.notProcessed > 0 ? [`${s.notProcessed} not processed`] : []),
  ];
  return parts.join(', ').replace(':,', ':');
}
