/**
 * npm run conform [-- --json]
 *
 * Checks what deploys against definitions AWS publishes or maintains (README.md beside this
 * file). Exit 0 with no finding, 1 with findings, 2 when the check could not run.
 */
import { parseArgs } from 'node:util';
import { conformAll, formatReport } from './run';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
  const report = await conformAll();
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.findings.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`conform could not run: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
