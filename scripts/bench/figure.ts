/**
 * One measured figure with what it is compared against. Every row of the table and every entry
 * of the JSON is a Figure, so the two can never disagree.
 */

export type Unit = 'bytes' | 'ms' | 'MB' | 'calls' | 'count' | 'percent' | 'usd';

export interface Reference {
  /** What the value is compared with, e.g. "serverless-esbuild defaults" or "lower bound". */
  label: string;
  value: number;
}

export interface Goal {
  /** The goal in words, e.g. "≤ 900 KB" or "≥ 3× smaller". */
  text: string;
  met: boolean;
}

export interface Figure {
  /** Stable key for the JSON, e.g. "bundle.instances.js". */
  id: string;
  section: string;
  label: string;
  value: number;
  unit: Unit;
  reference?: Reference;
  /** value / reference.value. */
  ratio?: number;
  /** How to read the ratio, e.g. "3.4× smaller" (empty when the raw ratio says it). */
  ratioText?: string;
  /** One or more goals (a figure may have a limit and a ratio goal). */
  goals: Goal[];
  note?: string;
}

export function ratioOf(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : value / reference;
}

/** "3.4× smaller" / "3.4× faster" style text for a ratio below one. */
export function timesText(ratio: number, less: string, more: string): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '';
  return ratio <= 1 ? `${(1 / ratio).toFixed(1)}× ${less}` : `${ratio.toFixed(2)}× ${more}`;
}

export function atMost(value: number, limit: number, text: string): Goal {
  return { text, met: value <= limit };
}

export function atLeast(value: number, limit: number, text: string): Goal {
  return { text, met: value >= limit };
}

/** The whole run: what the table prints and .bench/*.json stores. */
export interface BenchReport {
  mode: 'full' | 'quick';
  startedAt: string;
  durationMs: number;
  machine: Machine;
  figures: Figure[];
  notes: string[];
  /** Raw material behind the figures (per-run samples, call breakdowns). */
  details: Record<string, unknown>;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryMB: number;
}
