/**
 * AWS partitions by region, as the SDK's endpoint rules define them (regionRegex of each
 * partition in @aws-sdk/core's util-endpoints partitions.js; tests/unit/formats/partition.test.ts checks
 * they agree). Caller ARNs are pinned to the stack's own partition: an ARN of another one
 * (`arn:aws-cn:` in a commercial stack, or a made-up `arn:awsevil:`) names no caller here.
 */
const PARTITIONS: ReadonlyArray<readonly [string, RegExp]> = [
  ['aws', /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/],
  ['aws-cn', /^cn-\w+-\d+$/],
  ['aws-eusc', /^eusc-(de)-\w+-\d+$/],
  ['aws-iso', /^us-iso-\w+-\d+$/],
  ['aws-iso-b', /^us-isob-\w+-\d+$/],
  ['aws-iso-e', /^eu-isoe-\w+-\d+$/],
  ['aws-iso-f', /^us-isof-\w+-\d+$/],
  ['aws-us-gov', /^us-gov-\w+-\d+$/],
];

/** Every partition's name, e.g. for a pattern of ARNs from any real partition. */
export const PARTITION_NAMES: readonly string[] = PARTITIONS.map(([name]) => name);

/** The partition of a region, or undefined for a name no partition has. */
export function partitionOf(region: string): string | undefined {
  return PARTITIONS.find(([, pattern]) => pattern.test(region))?.[0];
}
