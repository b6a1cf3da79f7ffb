import type { ReceivedRequest } from './sigv4-verify';

/** The header every admin call must carry: a page cannot send it cross-site without a preflight, which is never granted. */
export const ADMIN_HEADER = 'x-local-aws-admin';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why an admin request must be refused, or undefined when it may run. The admin API is unsigned
 * and can change the world, so a web page must not drive it: a cross-site form or fetch cannot add
 * a custom header without a CORS preflight (answered without any Access-Control-Allow-* header),
 * and a DNS-rebound name arrives with its own Host header instead of a loopback one.
 */
export function adminRefusal(request: ReceivedRequest): string | undefined {
  const hostname = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!LOOPBACK_HOSTS.has(hostname)) {
    return `The admin API answers only a loopback Host (127.0.0.1, localhost or [::1]), not '${request.headers.host ?? ''}'.`;
  }
  if (request.method === 'OPTIONS') return 'The admin API grants no cross-origin access.';
  if (request.headers[ADMIN_HEADER] !== '1') {
    return `The admin API requires the header '${ADMIN_HEADER}: 1' (e.g. curl -H '${ADMIN_HEADER}: 1' …).`;
  }
  return undefined;
}
