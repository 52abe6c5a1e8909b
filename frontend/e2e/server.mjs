// What the end-to-end scripts share: `joan serve` on a free port with a fresh data directory
// serving the built app, Debian's Chromium, and a user registered through the API.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.JOAN_BIN ?? resolve(root, '../target/debug/joan');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** Starts `joan serve` (extra `env` on top of ours) and waits until it answers `/healthz`. */
export async function startJoan(env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const data = mkdtempSync(join(tmpdir(), 'joan-e2e-'));
  const server = spawn(bin, ['--data-dir', data, 'serve', '--bind', `127.0.0.1:${port}`, '--metrics-bind', 'off', '--frontend-dir', join(root, 'dist')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env },
  });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(data, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 300 || server.exitCode !== null) {
      await stop();
      throw new Error('joan serve did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop };
}

export const launchChromium = () =>
  chromium.launch({
    executablePath: browserPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });

/** Registers and signs in through the API; the session as the app keeps it in localStorage. */
export async function registerUser(base, { name = 'Ada', email = `e2e-${Date.now()}@example.com`, password = 'correct horse battery' } = {}) {
  const post = async (path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await post('/auth/register', { name, email, password });
  const tokens = await post('/auth/login', { email, password });
  return { email, password, session: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token } };
}
