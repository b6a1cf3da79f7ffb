/** The switch's report as lines for a terminal: each schedule and execution with its outcome. */
import type { SwitchReport } from './run-switch';

const SCHEDULE_WORDS = {
  pause: { changed: 'disabled', unchanged: 'already DISABLED' },
  resume: { changed: 'enabled', unchanged: 'already ENABLED' },
} as const;

export function renderSwitchReport(report: SwitchReport): string[] {
  const lines: string[] = [];
  if (report.caller) lines.push(`${report.command} as ${report.caller}`);
  if (report.gate && report.gate.outcome !== 'failed') {
    lines.push(
      report.gate.outcome === 'set'
        ? `pause tags set on ${report.stateMachineArn}: every new run is refused`
        : `pause tags removed from ${report.stateMachineArn}: runs may start`,
    );
  }
  const schedules = report.schedules;
  if (schedules) {
    lines.push(`schedules in group ${report.group}:`);
    if (schedules.groupMissing) lines.push('  (no such group: the stage has no schedules here)');
    else if (!schedules.listError && schedules.outcomes.length === 0) lines.push('  (none)');
    for (const s of schedules.outcomes) {
      const words =
        s.outcome === 'failed'
          ? `FAILED: ${s.error ?? ''}`
          : s.outcome === 'kept-disabled'
            ? 'left DISABLED (configured enabled: false)'
            : SCHEDULE_WORDS[report.command][s.outcome];
      lines.push(`  ${s.name}: ${words}`);
    }
  }
  const executions = report.executions;
  if (executions) {
    lines.push(`running executions of ${report.stateMachineArn ?? 'the engine'}:`);
    if (executions.stateMachineMissing) lines.push('  (no such state machine)');
    else if (!executions.listError && executions.outcomes.length === 0) lines.push('  (none)');
    for (const e of executions.outcomes) {
      lines.push(
        `  ${e.name}: ${e.outcome === 'stopped' ? 'stopped' : `FAILED: ${e.error ?? ''}`}`,
      );
    }
  }
  if (report.command === 'resume' && report.failures.length === 0) {
    lines.push('executions stopped by a pause are not restarted: the next scheduled run acts');
  }
  if (report.failures.length > 0) {
    lines.push(`${report.command} FAILED for ${report.failures.length}:`);
    for (const failure of report.failures) lines.push(`  ${failure}`);
  } else {
    lines.push(
      changedAnything(report)
        ? `${report.command}: done`
        : `${report.command}: nothing to change (already ${report.command === 'pause' ? 'paused' : 'resumed'})`,
    );
  }
  return lines;
}

export function changedAnything(report: SwitchReport): boolean {
  return (
    (report.schedules?.outcomes.some((s) => s.outcome === 'changed') ?? false) ||
    (report.executions?.outcomes.some((e) => e.outcome === 'stopped') ?? false)
  );
}

/** 0 when every step succeeded, 1 when anything failed (the lines name it). */
export function exitCodeOf(report: SwitchReport): number {
  return report.failures.length === 0 ? 0 : 1;
}
