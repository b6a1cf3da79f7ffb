// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml variables, not templates
import { configuredStages } from '../../scripts/shared/stack/stages';

describe('Function: configuredStages', () => {
  it("lists serverless.yml's default stage and every named params stage", () => {
    // Prepare (the real serverless.yml)

    // Act
    const stages = configuredStages();

    // Assess
    expect(stages[0]).toBe('dev');
    expect(stages).toEqual(expect.arrayContaining(['dev', 'prod', 'test']));
    expect(stages).not.toContain('default');
  });

  it('reads the fallback of provider.stage and does not list it twice', () => {
    // Prepare
    const yml = [
      'provider:',
      "  stage: ${opt:stage, 'staging'}",
      'params:',
      '  default: {}',
      '  staging: {}',
      '  prod: {}',
    ].join('\n');

    // Act
    const stages = configuredStages(yml);

    // Assess
    expect(stages).toEqual(['staging', 'prod']);
  });
});
