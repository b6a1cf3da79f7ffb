/** An error answered to the client in the service's own XML error shape. */
export class AwsError extends Error {
  override name = 'AwsError';

  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }

  /** STS's <Type>: Sender for client faults, Receiver for server faults. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.httpStatus >= 500 ? 'Receiver' : 'Sender';
  }
}
