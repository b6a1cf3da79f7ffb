/** A bad command-line flag or value: the scripts print its message (and their usage) and exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
