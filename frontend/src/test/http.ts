import { vi } from 'vitest';

export type Handler = (request: Request) => Response | undefined | Promise<Response | undefined>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type, ...headers } });
}

/** Replaces `fetch` with `handler`; records every request. */
export function mockFetch(handler: Handler) {
  const requests: Request[] = [];
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    requests.push(request.clone());
    const response = await handler(request);
    return response ?? json({ title: 'Not Found', status: 404, detail: `no mock for ${request.method} ${request.url}` }, 404);
  });
  vi.stubGlobal('fetch', spy);
  return { requests, spy };
}
