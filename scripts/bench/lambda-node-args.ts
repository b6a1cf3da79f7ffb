/**
 * The V8 heap limits Lambda's Node.js runtime starts the function's process with. Its bootstrap
 * (`/var/runtime/bootstrap` in the AWS base images, aws/aws-lambda-base-images, `nodejs14.x` and
 * `nodejs18.x`; "Copyright 2019 Amazon.com") derives them from the function's memory:
 *
 *   new_space=$(expr $AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10)
 *   semi_space=$(expr $new_space / 2)
 *   old_space=$(expr $AWS_LAMBDA_FUNCTION_MEMORY_SIZE - $new_space)
 *   NODE_ARGS=(--expose-gc --max-http-header-size 81920 --max-semi-space-size=$semi_space
 *     --max-old-space-size=$old_space /var/runtime/index.mjs)
 *
 * and execs `node "${NODE_ARGS[@]}"`. They are command-line flags, so they win over the same
 * flags in a function's NODE_OPTIONS (Node parses NODE_OPTIONS first, then the command line:
 * nodejs.org/api/cli.html, "NODE_OPTIONS"). The bench starts the handler's process the same way,
 * with the template's environment (NODE_OPTIONS included), so it measures the process Lambda runs.
 */
export function lambdaNodeArgs(memoryMb: number): string[] {
  // expr divides integers: 256 MB gives a new space of 25, semi-spaces of 12, an old space of 231.
  const newSpace = Math.floor(memoryMb / 10);
  const semiSpace = Math.floor(newSpace / 2);
  const oldSpace = memoryMb - newSpace;
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${semiSpace}`,
    `--max-old-space-size=${oldSpace}`,
  ];
}
