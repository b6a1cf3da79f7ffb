/** Entry point of `npm run targets`; see scripts/targets/README.md. */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { parseTargetsArgs, TargetsArgsError } from './args';
import { generateTargets } from './generate';

async function main(): Promise<number> {
  let args: ReturnType<typeof parseTargetsArgs>;
  try {
    args = parseTargetsArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof TargetsArgsError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  // Credentials come from the default chain (profile, SSO, environment); the SDK also honours
  // AWS_ENDPOINT_URL_ORGANIZATIONS, which the tests point at the local endpoint.
  const client = new OrganizationsClient({ region: args.region });
  try {
    const result = await generateTargets(args, client);
    console.log(result.report);
    return 0;
  } catch (err) {
    console.error(`npm run targets: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
