/** An (account, region) pair that is not in the stage's configured targets. */
export class UnknownTargetError extends Error {
  constructor(accountId: string, region: string) {
    super(`account ${accountId} in ${region} is not a configured target of this stage`);
    this.name = 'UnknownTargetError';
  }
}
