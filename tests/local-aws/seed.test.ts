import { loadSeedFile, parseSeed, type SeedInput } from '../../scripts/local-aws';

/** The shipped seed, as a mutable copy to break in one place per test. */
function seedCopy(): SeedInput {
  return structuredClone(loadSeedFile()) as SeedInput;
}

describe('seed loading', () => {
  it('loads the shipped seed: home, four target accounts, instances in every interesting state', () => {
    // Act
    const seed = loadSeedFile();

    // Assess
    expect(seed.home).toMatchObject({
      accountId: '111111111111',
      executionRoleName: 'xacct-ec2-local-eu-west-1-exec',
    });
    expect(seed.accounts.map((account) => account.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
    const states = new Set(
      seed.accounts.flatMap((account) =>
        Object.values(account.regions).flatMap((region) =>
          region.instances.map((instance) => instance.state),
        ),
      ),
    );
    expect(states).toEqual(new Set(['running', 'stopped', 'pending', 'stopping', 'terminated']));
  });

  it('keeps each target role parameter set renderable into the template', () => {
    // Act
    const parameters = loadSeedFile().accounts.flatMap((account) =>
      account.roles.flatMap((role) =>
        role.parameters ? [[account.accountId, role.parameters] as const] : [],
      ),
    );

    // Assess
    expect(parameters.map(([accountId]) => accountId)).toEqual([
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(
      parameters.find(([accountId]) => accountId === '444444444444')?.[1].ExecutionRoleName,
    ).not.toBe(loadSeedFile().home.executionRoleName);
  });

  it.each([
    [
      'a duplicate instance ID',
      (seed: SeedInput) => {
        const instances = seed.accounts[1]?.regions?.['eu-west-1']?.instances;
        const first = instances?.[0];
        if (instances && first) instances.push({ ...first });
      },
      /instance i-0222a000000000001 is listed twice/,
    ],
    [
      'a home role that is not in the home account',
      (seed: SeedInput) => {
        seed.home.executionRoleName = 'missing-role';
      },
      /home account has no role named missing-role/,
    ],
    [
      'an unknown field',
      (seed: SeedInput) => {
        Object.assign(seed.home, { colour: 'blue' });
      },
      /colour/,
    ],
    [
      'a malformed instance ID',
      (seed: SeedInput) => {
        const first = seed.accounts[0]?.regions?.['eu-west-1']?.instances[0];
        if (first) first.instanceId = 'i-XYZ';
      },
      /must be i- plus 8 or 17 lowercase hex characters/,
    ],
    [
      'a zone outside its region',
      (seed: SeedInput) => {
        const first = seed.accounts[0]?.regions?.['eu-west-1']?.instances[0];
        if (first) first.availabilityZone = 'us-east-1a';
      },
      /zone us-east-1a is not in eu-west-1/,
    ],
  ])('refuses %s', (_case, breakIt, message) => {
    // Prepare
    const seed = seedCopy();
    breakIt(seed);

    // Act
    const parse = () => parseSeed(seed, 'test seed');

    // Assess
    expect(parse).toThrow(message);
  });
});
