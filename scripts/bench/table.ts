/** Renders figures as a Markdown table: readable in a terminal and pasteable into the README. */
import type { Figure, Unit } from './figure';

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'bytes':
      return `${(value / 1000).toFixed(1)} KB`;
    case 'ms':
      return value >= 10_000
        ? `${(value / 1000).toFixed(2)} s`
        : `${value.toFixed(value < 100 ? 1 : 0)} ms`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    case 'calls':
      return `${value.toLocaleString('en-US')} calls`;
    case 'count':
      return value.toLocaleString('en-US');
    case 'percent':
      return `${value.toFixed(value < 10 ? 1 : 0)} %`;
    case 'usd':
      return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
  }
}

function ratioCell(figure: Figure): string {
  if (figure.ratio === undefined || !Number.isFinite(figure.ratio)) return '–';
  const raw = figure.ratio.toFixed(2);
  return figure.ratioText ? `${raw} (${figure.ratioText})` : raw;
}

function goalCells(figure: Figure): [string, string] {
  if (figure.goals.length === 0) return ['–', '–'];
  return [
    figure.goals.map((g) => g.text).join('; '),
    figure.goals.map((g) => (g.met ? 'met' : '**MISSED**')).join('; '),
  ];
}

export function renderTable(figures: readonly Figure[]): string {
  const header = ['#', 'Figure', 'Value', 'Baseline / bound', 'Ratio', 'Goal', 'Result'];
  const rows = figures.map((f) => {
    const reference = f.reference
      ? `${formatValue(f.reference.value, f.unit)} (${f.reference.label})`
      : '–';
    return [
      f.section,
      f.label,
      formatValue(f.value, f.unit),
      reference,
      ratioCell(f),
      ...goalCells(f),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
