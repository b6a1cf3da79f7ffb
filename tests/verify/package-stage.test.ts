import { readFileSync } from 'node:fs';
import { withoutOfflinePlugin } from '../../scripts/shared/stack/package-stage';
import { SERVERLESS_YML } from '../../scripts/shared/stack/paths';

describe('Function: withoutOfflinePlugin', () => {
  it("removes only serverless-offline from the real serverless.yml's plugins", () => {
    // Prepare
    const yml = readFileSync(SERVERLESS_YML, 'utf8');

    // Act
    const stripped = withoutOfflinePlugin(yml);

    // Assess
    const removed = yml.split('\n').filter((line) => !stripped.split('\n').includes(line));
    expect(removed.map((line) => line.trim().replace(/\s*#.*$/, ''))).toEqual([
      '- serverless-offline',
    ]);
    expect(stripped).toContain('- serverless-esbuild');
  });

  it('leaves other plugins alone, including ones whose name starts the same', () => {
    // Prepare
    const yml =
      'plugins:\n  - serverless-offline-ssm\n  - "serverless-offline" # local\n  - other\n';

    // Act
    const stripped = withoutOfflinePlugin(yml);

    // Assess
    expect(stripped).toBe('plugins:\n  - serverless-offline-ssm\n  - other\n');
  });
});
