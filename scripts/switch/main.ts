/**
 * npm run switch -- pause --stage <stage> [--region <r>] [--reason "..."]
 * npm run switch -- resume --stage <stage> [--region <r>]
 *
 * The stage's kill switch (scripts/switch/README.md): pause disables every schedule in the
 * stage's schedule group and stops every running engine execution; resume enables the schedules
 * again (stopped executions are not restarted). Real AWS, credentials from the default chain.
 * Exit 0 when every step succeeded, 1 when any failed (each is named), 2 on bad arguments.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { stageSettings } from '../shared/stack/stage-settings';
import { UsageError } from '../shared/usage-error';
import { exitCodeOf, renderSwitchReport } from './render-report';
import { runSwitch } from './run-switch';
import { parseSwitchArgs } from './switch-args';

async function main(): Promise<number> {
  const args = parseSwitchArgs(process.argv.slice(2));
  const settings = stageSettings(args.stage);
  const region = args.region ?? process.env.AWS_REGION ?? settings.defaultRegion;
  if (!region) throw new UsageError('give --region (serverless.yml names no default region)');
  const clients = {
    scheduler: new SchedulerClient({ region }),
    sfn: new SFNClient({ region }),
    sts: new STSClient({ region }),
  };
  console.log(`${args.command} stage ${args.stage} of ${settings.service} in ${region}`);
  const report = await runSwitch(clients, {
    command: args.command,
    service: settings.service,
    stage: args.stage,
    region,
    ...(args.reason !== undefined ? { reason: args.reason } : {}),
    keepDisabled: settings.disabledSchedules,
  });
  for (const line of renderSwitchReport(report)) console.log(line);
  return exitCodeOf(report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
