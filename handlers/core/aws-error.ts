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
