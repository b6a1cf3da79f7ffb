/**
 * Reading AWS SDK v3 errors. EC2 and STS errors arrive as thrown exceptions whose `name` is the
 * service's error code (e.g. `InvalidInstanceID.NotFound`, `DryRunOperation`); network failures
 * carry a Node `code` instead.
 */

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    // SDK v3 sets `name` to the service code; a bare `Error` has name "Error", which says nothing.
    if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
    if (typeof e.Code === 'string' && e.Code !== '') return e.Code;
    if (typeof e.code === 'string' && e.code !== '') return e.code;
    if (typeof e.name === 'string' && e.name !== '') return e.name;
  }
  return 'UnknownError';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (
    err &&
    typeof err === 'object' &&
    typeof (err as { message?: unknown }).message === 'string'
  ) {
    return (err as { message: string }).message;
  }
  return String(err);
}

/**
 * Codes that can concern a single instance of a batch. When a batch call fails with one of
 * these, splitting the batch finds the culprit and lets the others through.
 */
const INSTANCE_SPECIFIC_CODES: ReadonlySet<string> = new Set([
  'IncorrectInstanceState',
  'IncorrectState',
  'UnsupportedOperation',
  'UnauthorizedOperation',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'UnsupportedHibernationConfiguration',
  'OperationNotPermitted',
  'InsufficientInstanceCapacity',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'IncorrectSpotRequestState',
  'InvalidInstanceState',
]);

/** True when the error may be caused by one instance of a batch (so bisecting can isolate it). */
export function isInstanceSpecificError(err: unknown): boolean {
  const code = errorCode(err);
  return INSTANCE_SPECIFIC_CODES.has(code) || code.startsWith('InvalidInstanceID');
}
