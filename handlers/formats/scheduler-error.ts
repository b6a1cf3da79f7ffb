/**
 * The one base of every error the product throws on purpose. `code` is stable (it is also the
 * error's `name`, which Lambda reports as errorType and Step Functions' Retry/Catch match on),
 * the message says what is wrong and what to do about it, and the error it was raised while
 * handling travels as ES2022 `cause` (never in the message: a cause may carry text from AWS).
 */
export class SchedulerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    // Set by hand: a bundler may rename classes, and `name` must stay the code.
    this.name = code;
    this.code = code;
  }
}
