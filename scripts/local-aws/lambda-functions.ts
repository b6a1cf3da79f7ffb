/**
 * The functions a local service may invoke, by ARN, each a handler run in this process. Only
 * asynchronous (Event) invocation is modelled, the way EventBridge Scheduler invokes Lambda
 * (Lambda Developer Guide, "Invoking a Lambda function with EventBridge Scheduler"): the call is
 * accepted at once, and the function's own result or error never reaches the invoker.
 */

export type LocalFunctionHandler = (event: unknown) => Promise<unknown>;

export interface LocalInvocation {
  functionArn: string;
  event: unknown;
  /** When the invocation was accepted, on the world clock (ms). */
  acceptedAt: number;
  /** Settles when the handler has finished (never rejects). */
  done: Promise<{ result?: unknown; error?: string }>;
}

export class LocalFunctions {
  private readonly handlers = new Map<string, LocalFunctionHandler>();
  private readonly log: LocalInvocation[] = [];

  constructor(private readonly now: () => number) {}

  register(functionArn: string, handler: LocalFunctionHandler): void {
    this.handlers.set(functionArn, handler);
  }

  has(functionArn: string): boolean {
    return this.handlers.has(functionArn);
  }

  /** Lambda's Event invocation: undefined when no such function exists (ResourceNotFound). */
  invokeAsync(functionArn: string, event: unknown): LocalInvocation | undefined {
    const handler = this.handlers.get(functionArn);
    if (!handler) return undefined;
    const done = Promise.resolve()
      .then(() => handler(structuredClone(event)))
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
      );
    const invocation = { functionArn, event, acceptedAt: this.now(), done };
    this.log.push(invocation);
    return invocation;
  }

  invocations(): LocalInvocation[] {
    return [...this.log];
  }

  /** Resolves once every invocation accepted so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.log.map((i) => i.done));
  }
}
