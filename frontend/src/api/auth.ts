import { api } from './client';
import { unwrap } from './problem';
import { getSession, setSession } from './session';

export async function login(email: string, password: string): Promise<void> {
  const pair = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
  setSession({ accessToken: pair.access_token, refreshToken: pair.refresh_token });
}

export async function register(email: string, password: string, name: string): Promise<void> {
  unwrap(await api.POST('/api/v1/auth/register', { body: { email, password, name } }));
  await login(email, password);
}

/** Ends this session on the server (or every session with `everywhere`), then locally. */
export async function logout(everywhere = false): Promise<void> {
  const session = getSession();
  try {
    if (session) {
      await api.POST('/api/v1/auth/logout', {
        body: everywhere ? undefined : { refresh_token: session.refreshToken },
      });
    }
  } finally {
    setSession(null);
  }
}
