/**
 * npm run lint:cfn [-- --stage <s>]... [--packaged <dir>] [--json]
 *
 * Lints what deploys with the checks the field trusts: cdk-nag's AwsSolutions pack and
 * CloudFormation's offline validation, over every stage's packaged template and the
 * target-account templates. Exit 0 when every finding is acknowledged with its evidence
 * (scripts/verify/nag-acknowledgements.ts), 1 on an open finding or a stale
 * acknowledgement, 2 when the lint could not run (bad flags, packaging failed).
 */
import { parseArgs } from 'node:util';
import { formatLintReport, lintCfn } from './run-lint';

const USAGE = `usage: npm run lint:cfn [-- --stage <s>]... [--packaged <dir>] [--json]
  --stage <s>       package and lint this stage (repeatable; default: every stage in serverless.yml)
  --packaged <dir>  lint what \`sls package --stage <s>\` already wrote there (e.g. .serverless)
  --json            print the report as JSON`;

async function main(): Promise<number> {
  let values: { stage?: string[]; packaged?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        stage: { type: 'string', multiple: true },
        packaged: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.stage && values.packaged) {
      throw new Error(
        '--stage and --packaged exclude each other: a packaged directory is one stage',
      );
    }
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const report = await lintCfn({
      ...(values.stage ? { stages: values.stage } : {}),
      ...(values.packaged ? { packagedDir: values.packaged } : {}),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatLintReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    console.error(`lint:cfn could not run: ${(error as Error).message}`);
    return 2;
  }
}

main().then((code) => {
  process.exitCode = code;
});
