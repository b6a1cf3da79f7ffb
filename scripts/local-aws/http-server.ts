import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedRequest } from './sigv4-verify';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type RequestHandler = (request: ReceivedRequest) => Promise<HttpAnswer>;

/**
 * A guard against runaway bodies, above every payload limit the services model (PutEvents: 1 MB of
 * entries, plus the JSON around them): the service decides what is too large, with AWS's error.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Loopback only: the endpoint hands out credentials and must not be reachable from the network. */
const HOST = '127.0.0.1';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(port: number, handler: RequestHandler): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void serve(req, res, handler);
  });
  // Long enough for clients to reuse idle sockets as they would with AWS: Node's agent drops a
  // socket once the server's advertised timeout is near, so 1 s meant a new connection per call.
  // close() ends the kept-alive sockets itself.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const chosen = (server.address() as AddressInfo).port;
  return { url: `http://${HOST}:${chosen}`, port: chosen, close: () => close(server) };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: RequestHandler,
): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === undefined) {
      send(res, {
        status: 413,
        headers: { 'content-type': 'text/plain' },
        body: 'Request body too large',
      });
      return;
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? (values[0] ?? '') : values;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    send(
      res,
      await handler({ method: req.method ?? 'GET', path: url.pathname, query, headers, body }),
    );
  } catch (error) {
    send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: String(error) });
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
