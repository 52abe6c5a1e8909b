import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/http';
import { authFetch } from './authFetch';
import { getSession, setSession } from './session';

describe('authFetch', () => {
  it('refreshes once for concurrent 401s, retries with the new token', async () => {
    setSession({ accessToken: 'old', refreshToken: 'R1' });
    let refreshes = 0;
    mockFetch(async (r) => {
      if (r.url.endsWith('/auth/refresh')) {
        refreshes += 1;
        expect(await r.json()).toEqual({ refresh_token: 'R1' });
        return json({ access_token: 'new', refresh_token: 'R2', token_type: 'bearer', expires_in: 900 });
      }
      return r.headers.get('authorization') === 'Bearer new' ? json({ ok: true }) : json({ status: 401, detail: 'expired' }, 401);
    });
    const [a, b] = await Promise.all([authFetch('http://localhost/api/v1/tasks'), authFetch('http://localhost/api/v1/goals')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(refreshes).toBe(1);
    expect(getSession()).toEqual({ accessToken: 'new', refreshToken: 'R2' });
  });

  it('signs out when the refresh token is refused', async () => {
    setSession({ accessToken: 'old', refreshToken: 'spent' });
    mockFetch((r) => (r.url.endsWith('/auth/refresh') ? json({ status: 401 }, 401) : json({ status: 401 }, 401)));
    const res = await authFetch('http://localhost/api/v1/tasks');
    expect(res.status).toBe(401);
    expect(getSession()).toBeNull();
  });
});

describe('ApiError', () => {
  it("shows the detail with each field's message", async () => {
    const { ApiError } = await import('./problem');
    const e = new ApiError(422, { detail: 'the request is invalid', errors: [{ field: 'blocks[1].start', message: 'overlaps blocks[0]' }] });
    expect(e.message).toBe('the request is invalid: blocks[1].start: overlaps blocks[0]');
    expect(new ApiError(500, {}).message).toBe('Request failed (500)');
  });
});
