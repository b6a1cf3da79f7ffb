/** An error shaped like the ones AWS SDK v3 throws: `name` is the service's error code. */
export function awsError(name: string, message = `${name} (test)`): Error {
  const error = new Error(message) as Error & { $fault: string; $metadata: object; Code: string };
  error.name = name;
  error.Code = name;
  error.$fault = 'client';
  error.$metadata = { httpStatusCode: 400 };
  return error;
}

/** Credentials that must never show up in a result or a log line. */
export const LEAKED_ACCESS_KEY = 'ASIAQWERTYUIOPASDFGH';
export const LEAKED_SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDexampleTokenValue0123456789abcdefghijklmnopqrstuvwxyzABCDEF+/==';
export const LEAKED_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
