import { API_BASE } from './config';
import { getSession, setSession, type Session } from './session';

let refreshing: Promise<Session | null> | null = null;

/** Trades the refresh token for a new pair; concurrent callers share one request (the old
 * refresh token is spent by the first). Signs out when the server refuses. */
export function refreshSession(): Promise<Session | null> {
  if (!refreshing) {
    refreshing = (async () => {
      const current = getSession();
      if (!current) return null;
      try {
        const res = await fetch(`${API_BASE}/auth/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: current.refreshToken }),
        });
        if (!res.ok) {
          // Another tab may have refreshed first: take its tokens if they changed.
          const now = getSession();
          if (now && now.refreshToken !== current.refreshToken) return now;
          setSession(null);
          return null;
        }
        const pair = (await res.json()) as { access_token: string; refresh_token: string };
        const next = { accessToken: pair.access_token, refreshToken: pair.refresh_token };
        setSession(next);
        return next;
      } catch {
        return null;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

function withToken(request: Request, token: string | undefined): Request {
  const r = new Request(request);
  if (token) r.headers.set('Authorization', `Bearer ${token}`);
  return r;
}

/** `fetch` with the access token; on a 401 it refreshes once and retries. */
export async function authFetch(input: Request | string, init?: RequestInit): Promise<Response> {
  const request = typeof input === 'string' ? new Request(input, init) : input;
  const retry = request.clone();
  const response = await fetch(withToken(request, getSession()?.accessToken));
  if (response.status !== 401 || !getSession() || request.url.includes('/auth/')) return response;
  const session = await refreshSession();
  if (!session) return response;
  return fetch(withToken(retry, session.accessToken));
}
