/** The message shapes between the benchmark (parent) and a driver (child) over Node's IPC channel. */

export interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}

export type RpcReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

type Methods = Record<string, (params: never) => Promise<unknown>>;

async function answer(methods: Methods, message: RpcRequest): Promise<void> {
  const method = methods[message.method];
  let reply: RpcReply;
  try {
    if (!method) throw new Error(`unknown method ${message.method}`);
    reply = { id: message.id, ok: true, value: await method(message.params as never) };
  } catch (error) {
    reply = {
      id: message.id,
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  process.send?.(reply);
}

/** Child side: answers each request with the method's result, one at a time, in order. */
export function serve(methods: Methods): void {
  let queue = Promise.resolve();
  process.on('message', (message: RpcRequest) => {
    queue = queue.then(() => answer(methods, message));
  });
}

/** Child side, for a driver that serves overlapping invocations (the engine's Map items). */
export function serveConcurrently(methods: Methods): void {
  process.on('message', (message: RpcRequest) => void answer(methods, message));
}
