/**
 * The commercial (`aws` partition) regions, as the SDK's partitions table (the SDK 3.1164.0)
 * lists them: the regions a SigV4 credential scope may name here. The endpoint stands in for every
 * regional STS and EC2 endpoint of that partition, so any of them is served (with whatever the
 * seed puts there). Deliberately not handlers/formats/regions.ts: the endpoint plays AWS, so it
 * must not inherit a gap in the list of the code it tests.
 */
const AWS_PARTITION_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]);

export function isAwsRegion(name: string): boolean {
  return AWS_PARTITION_REGIONS.has(name);
}
