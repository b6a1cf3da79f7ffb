import { loadSeedFile, parseSeed, type SeedInput } from '../../scripts/local-aws';

type Place = NonNullable<SeedInput['accounts'][number]['regions']>[string];

/** A copy of the shipped seed with 222222222222 eu-west-1's RDS resources changed by `change`. */
function seedWith(change: (place: Place) => void): SeedInput {
  const seed = structuredClone(loadSeedFile()) as SeedInput;
  const place = seed.accounts.find((a) => a.accountId === '222222222222')?.regions?.['eu-west-1'];
  if (!place) throw new Error('seed has no 222222222222 eu-west-1');
  change(place);
  return seed;
}

const instance = (place: Place, id: string) => {
  const found = place.dbInstances?.find((db) => db.id === id);
  if (!found) throw new Error(`seed has no DB instance ${id}`);
  return found;
};

describe('local-aws: RDS in the seed', () => {
  it('loads the shipped seed with its RDS resources', () => {
    // Act
    const seed = loadSeedFile();

    // Assess
    const counts = seed.accounts.flatMap((account) =>
      Object.entries(account.regions)
        .filter(([, place]) => place.dbInstances.length + place.dbClusters.length > 0)
        .map(([region, place]) => [
          `${account.accountId} ${region}`,
          place.dbInstances.length,
          place.dbClusters.length,
        ]),
    );
    expect(counts).toEqual([
      ['222222222222 eu-west-1', 7, 2],
      ['222222222222 us-east-1', 2, 2],
      ['333333333333 eu-central-1', 2, 1],
    ]);
  });

  it.each<[string, (place: Place) => void, string]>([
    [
      'a member whose status is not its cluster’s',
      (place) => {
        instance(place, 'aurora-pg-reader').status = 'stopped';
      },
      "DB instance aurora-pg-reader: status must equal its cluster's (available)",
    ],
    [
      'a member of a cluster that is not there',
      (place) => {
        instance(place, 'aurora-pg-reader').clusterId = 'gone';
      },
      'DB instance aurora-pg-reader: cluster gone is not in 222222222222 eu-west-1',
    ],
    [
      'a replica of a source that is not there',
      (place) => {
        instance(place, 'orders-replica').readReplicaSourceId = 'gone';
      },
      'DB instance orders-replica: source gone is not in 222222222222 eu-west-1',
    ],
    [
      'a zone of another region',
      (place) => {
        instance(place, 'app-postgres').availabilityZone = 'us-east-1a';
      },
      'DB instance app-postgres: zone us-east-1a is not in eu-west-1',
    ],
    [
      'an identifier listed twice',
      (place) => {
        place.dbInstances?.push({ ...instance(place, 'app-postgres') });
      },
      '222222222222 eu-west-1: a DB instance id is listed twice',
    ],
    [
      'an identifier RDS would refuse',
      (place) => {
        instance(place, 'app-postgres').id = 'App_Postgres';
      },
      'must be a letter then letters, digits or single hyphens',
    ],
  ])('refuses %s, naming the resource and the fix', (_case, change, expected) => {
    // Act
    const load = () => parseSeed(seedWith(change));

    // Assess
    expect(load).toThrow(expected);
  });
});
