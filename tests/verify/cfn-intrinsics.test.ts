// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are CloudFormation Fn::Sub strings, not templates
import {
  type CfnContext,
  CfnEvaluationError,
  evaluate,
  evaluateCondition,
} from '../../scripts/shared/stack/cfn-intrinsics';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';

const PSEUDO = { partition: 'aws', accountId: '222222222222', region: 'eu-west-1' };

function context(overrides: Partial<CfnContext> = {}): CfnContext {
  return {
    pseudo: PSEUDO,
    parameters: { Name: 'role-x', Empty: '', Keys: ['k1', 'k2'], NoKeys: [''] },
    conditions: {
      HasName: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Name' }, ''] }] },
      HasEmpty: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Empty' }, ''] }] },
      HasKeys: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'NoKeys' }] }, ''] }] },
      Both: { 'Fn::And': [{ Condition: 'HasName' }, { Condition: 'HasEmpty' }] },
      Either: { 'Fn::Or': [{ Condition: 'HasName' }, { Condition: 'HasEmpty' }] },
    },
    ...overrides,
  };
}

describe('Function: evaluate', () => {
  it('resolves pseudo parameters and parameters through Ref', () => {
    // Prepare
    const node = [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }];

    // Act
    const value = evaluate([...node, { Ref: 'Name' }, { Ref: 'Keys' }], context());

    // Assess
    expect(value).toEqual(['aws', '222222222222', 'eu-west-1', 'role-x', ['k1', 'k2']]);
  });

  it('substitutes names, resource attributes and escaped literals in Fn::Sub', () => {
    // Prepare
    const getAtt = jest.fn((id: string, attr: string) => `${id}-${attr}`);
    const node = {
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name} ${Fn.Arn} ${!Literal}',
    };

    // Act
    const value = evaluate(node, context({ getAtt }));

    // Assess
    expect(value).toBe('arn:aws:iam::222222222222:role/role-x Fn-Arn ${Literal}');
    expect(getAtt).toHaveBeenCalledWith('Fn', 'Arn');
  });

  it('prefers the variables of the list form of Fn::Sub over parameters', () => {
    // Prepare
    const node = {
      'Fn::Sub': ['${Name}/${Extra}', { Name: 'override', Extra: { Ref: 'AWS::Region' } }],
    };

    // Act
    const value = evaluate(node, context());

    // Assess
    expect(value).toBe('override/eu-west-1');
  });

  it('joins lists, including a CommaDelimitedList parameter', () => {
    // Prepare
    const node = { 'Fn::Join': [',', [{ 'Fn::Join': ['-', { Ref: 'Keys' }] }, 'x']] };

    // Act
    const value = evaluate(node, context());

    // Assess
    expect(value).toBe('k1-k2,x');
  });

  it('picks a branch of Fn::If and drops AWS::NoValue from lists and objects', () => {
    // Prepare
    const node = {
      List: [
        { 'Fn::If': ['HasName', 'kept', { Ref: 'AWS::NoValue' }] },
        { 'Fn::If': ['HasEmpty', 'dropped', { Ref: 'AWS::NoValue' }] },
      ],
      Gone: { 'Fn::If': ['HasEmpty', 'x', { Ref: 'AWS::NoValue' }] },
    };

    // Act
    const value = evaluate(node, context());

    // Assess
    expect(value).toEqual({ List: ['kept'] });
  });

  it('evaluates Fn::Select over Fn::Split and Fn::GetAtt in both forms', () => {
    // Prepare
    const getAtt = (id: string, attr: string) => `${id}.${attr}`;
    const node = [
      { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] },
      { 'Fn::GetAtt': ['Role', 'Arn'] },
      { 'Fn::GetAtt': 'Role.Arn' },
    ];

    // Act
    const value = evaluate(node, context({ getAtt }));

    // Assess
    expect(value).toEqual(['b', 'Role.Arn', 'Role.Arn']);
  });

  it('throws with the path of an unknown function, name or unsupported attribute', () => {
    // Prepare
    const unknownFn = { Resource: { 'Fn::FindInMap': ['M', 'a', 'b'] } };

    // Act
    const attempts = [
      () => evaluate(unknownFn, context()),
      () => evaluate({ Ref: 'Missing' }, context()),
      () => evaluate({ 'Fn::GetAtt': ['Role', 'Arn'] }, context()),
      () => evaluate({ 'Fn::Select': [5, ['a']] }, context()),
    ];

    // Assess
    expect(attempts[0]).toThrow(/unsupported intrinsic function Fn::FindInMap \(at \$\.Resource/);
    expect(attempts[1]).toThrow(/Ref to unknown name "Missing"/);
    expect(attempts[2]).toThrow(CfnEvaluationError);
    expect(attempts[3]).toThrow(/out of range/);
  });
});

describe('Function: evaluateCondition', () => {
  it('combines Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition references', () => {
    // Prepare
    const ctx = context();

    // Act
    const results = ['HasName', 'HasEmpty', 'HasKeys', 'Both', 'Either'].map((name) =>
      evaluateCondition(name, ctx),
    );

    // Assess
    expect(results).toEqual([true, false, false, false, true]);
  });

  it('rejects an unknown condition and a cycle', () => {
    // Prepare
    const ctx = context({ conditions: { A: { Condition: 'B' }, B: { Condition: 'A' } } });

    // Act
    const unknown = () => evaluateCondition('Nope', ctx);
    const cycle = () => evaluateCondition('A', ctx);

    // Assess
    expect(unknown).toThrow(/unknown condition "Nope"/);
    expect(cycle).toThrow(/condition cycle/);
  });
});

describe('Function: parseCfnYaml', () => {
  it('reads the short tags into the long form the evaluator takes', () => {
    // Prepare
    const text = [
      'A: !Sub "arn:${AWS::Partition}"',
      'B: !If [Cond, !Ref X, !Ref "AWS::NoValue"]',
      'C: !GetAtt Role.Arn',
      'D: !Not [!Equals [!Join ["", !Ref L], ""]]',
    ].join('\n');

    // Act
    const value = parseCfnYaml(text);

    // Assess
    expect(value).toEqual({
      A: { 'Fn::Sub': 'arn:${AWS::Partition}' },
      B: { 'Fn::If': ['Cond', { Ref: 'X' }, { Ref: 'AWS::NoValue' }] },
      C: { 'Fn::GetAtt': ['Role', 'Arn'] },
      D: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'L' }] }, ''] }] },
    });
  });
});
