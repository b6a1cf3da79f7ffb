/** How the switch names a failed AWS call: the error's name and AWS's message, nothing else. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The error name AWS answered with (the SDK sets it from the error type). */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
