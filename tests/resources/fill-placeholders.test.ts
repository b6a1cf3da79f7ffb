import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { engineDefinition } from '../../resources/home-stack/engine/state-machine';
import { fillPlaceholders } from '../../resources/home-stack/fill-placeholders';

const SOURCE = 'definition.yml';

describe('Function: fillPlaceholders', () => {
  it('gives a whole placeholder its typed value and a placeholder inside a string its text', () => {
    // Prepare
    const retry = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }];
    const template = {
      Comment: '{{service}}-{{stage}}: the engine',
      MaxConcurrency: '{{children}}',
      States: { A: { Retry: '{{retry}}', Next: 'States.ArrayPartition($.items, {{children}})' } },
    };

    // Act
    const filled = fillPlaceholders(
      template,
      { service: 'svc', stage: 'dev', children: 2, retry },
      SOURCE,
    );

    // Assess
    expect(filled).toEqual({
      Comment: 'svc-dev: the engine',
      MaxConcurrency: 2,
      States: { A: { Retry: retry, Next: 'States.ArrayPartition($.items, 2)' } },
    });
    expect((filled as { States: { A: { Retry: unknown } } }).States.A.Retry).not.toBe(retry);
  });

  it('names a placeholder that has no value', () => {
    // Act + Assess
    expect(() => fillPlaceholders({ Label: '{{label}}' }, {}, SOURCE)).toThrow(
      'definition.yml has the placeholder {{label}}, which has no value',
    );
  });

  it('names a value that no placeholder uses', () => {
    // Act + Assess
    expect(() => fillPlaceholders({ Label: 'Act' }, { stage: 'dev' }, SOURCE)).toThrow(
      'definition.yml has no placeholder for {{stage}}',
    );
  });
});

describe('File: state-machine.asl.yml', () => {
  it('leaves no placeholder unfilled for a stage', () => {
    // Prepare
    const raw = readFileSync('resources/home-stack/engine/state-machine.asl.yml', 'utf8');

    // Act
    const definition = JSON.stringify(
      engineDefinition({
        service: 'svc',
        stage: 'dev',
        maxConcurrency: 40,
        maxChecks: 3,
        waitSeconds: 30,
      }),
    );

    // Assess
    expect(raw).toContain('{{childConcurrency}}');
    expect(definition).not.toContain('{{');
    expect(JSON.parse(definition)).toMatchObject({
      Comment: expect.stringMatching(/^svc-dev: /),
      States: { Act: { MaxConcurrency: 4, ToleratedFailurePercentage: 100 } },
    });
    expect(load(raw)).toMatchObject({ StartAt: 'Plan' });
  });
});
