/**
 * npm run verify [-- --stage <s>]... [--json] [--scp file.json]... [--boundary file.json]
 *                   [--home-account <id>] [--org <o-…>] [--kms-key <arn>]... [--region <r>]
 *
 * Proves, offline and from the documents that deploy, who can and cannot reach what: packages
 * each stage, renders every target's role, evaluates the matrix in Strict mode, and checks each
 * policy statically. Exit 0 when everything is as expected, 1 on any mismatch or finding, 2 when
 * verify could not run (bad flags, packaging failed).
 */
import { formatReport } from './report';
import { verify } from './run-verify';
import { parseVerifyArgs, USAGE, type VerifyArgs } from './verify-args';

async function main(): Promise<number> {
  let parsed: VerifyArgs;
  try {
    parsed = parseVerifyArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const report = await verify(parsed.options);
    console.log(parsed.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    console.error(`verify could not run: ${(error as Error).message}`);
    return 2;
  }
}

main().then((code) => {
  process.exitCode = code;
});
