import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { cliEnvironment } from '../../scripts/shared/stack/cli-env';
import { runCommand, TSX_CLI } from '../../scripts/shared/stack/sls-cli';
import { parseVerifyArgs } from '../../scripts/verify/verify-args';

describe('Function: parseVerifyArgs', () => {
  it('attaches the shipped guardrails by default, and not with --no-shipped-guardrails', () => {
    // Act
    const byDefault = parseVerifyArgs([]);
    const without = parseVerifyArgs(['--no-shipped-guardrails']);

    // Assess
    expect(byDefault.options.shippedGuardrails).toBeUndefined();
    expect(without.options.shippedGuardrails).toBe(false);
  });

  it('reads stages, guardrail files, the home account, the Organization and KMS keys', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'verify-args-'));
    const scp = path.join(dir, 'guardrail.json');
    await writeFile(scp, JSON.stringify({ Version: '2012-10-17', Statement: [] }));
    const key = 'arn:aws:kms:eu-west-1:222222222222:key/k1';

    // Act
    const args = parseVerifyArgs([
      '--stage',
      'prod,test',
      '--stage',
      'dev',
      '--json',
      '--scp',
      scp,
      '--rcp',
      scp,
      '--boundary',
      scp,
      '--home-account',
      '123456789012',
      '--org',
      'o-abcdefghij',
      '--kms-key',
      key,
    ]);

    // Assess
    expect(args.json).toBe(true);
    expect(args.options).toMatchObject({
      stages: ['prod', 'test', 'dev'],
      homeAccountId: '123456789012',
      organizationId: 'o-abcdefghij',
      kmsKeyArns: [key],
      serviceControlPolicies: [{ name: 'guardrail.json' }],
      resourceControlPolicies: [{ name: 'guardrail.json' }],
      permissionBoundary: { name: 'guardrail.json' },
    });
  });

  it.each([
    [['--home-account', '123'], /12-digit/],
    [['--org', 'org-1'], /Organization ID/],
    [['--kms-key', 'key-1'], /not a KMS key ARN/],
    [['--scp', '/nonexistent/scp.json'], /cannot read policy/],
    [['--rcp', '/nonexistent/rcp.json'], /cannot read policy/],
    [['--surprise'], /Unknown option/],
  ])('rejects %j', (argv, message) => {
    // Prepare (argv)

    // Act
    const attempt = () => parseVerifyArgs(argv);

    // Assess
    expect(attempt).toThrow(message);
  });
});

describe('Script: scripts/verify/main.ts', () => {
  it('exits 2 with the usage on a bad flag, before packaging anything', async () => {
    // Prepare
    const args = [TSX_CLI, 'scripts/verify/main.ts', '--home-account', '42'];

    // Act
    const result = await runCommand(process.execPath, args, {
      cwd: REPO_ROOT,
      env: cliEnvironment(tmpdir()),
    });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--home-account must be a 12-digit account ID');
    expect(result.stderr).toContain('Usage: npm run verify -- [options]');
    // A tsx child process: its start-up alone can pass Jest's 5 s default on a loaded machine.
  }, 60_000);
});
