// Runs the Worker the way a developer does, `npm run dev:worker` (wrangler dev on workerd with a
// local D1 in a fresh directory), for tests that talk HTTP to it. The script and wrangler run in
// their own process group, so stopping it stops workerd too.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, findFreePort, makeTempDir, PROJECT_ROOT, sleep, type EnvVars, type ServerProcess } from './server-process.ts';

/** With --test-scheduled, GET /__scheduled?cron=... runs the cron handler as the trigger would. */
export async function startWorker(options: { env?: EnvVars; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const port = await findFreePort();
  const dir = makeTempDir('assent-worker-');
  const env = cleanEnv({ RESEND_STAND_IN_PORT: '0', ...options.env });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-worker.ts', '--port', String(port), '--persist-to', dir, '--test-scheduled'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const stop = async () => {
    if (!done) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // gone already
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone already
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  process.once('exit', () => {
    if (!done) process.kill(-child.pid!, 'SIGKILL');
  });
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!out.includes('Ready on')) {
    if (done) throw new Error(`dev:worker exited before it was ready\n${out}\n${err}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`dev:worker was not ready in time\n${out}\n${err}`);
    }
    await sleep(100);
  }
  const url = `http://localhost:${port}`;
  return {
    port,
    url,
    databasePath: join(dir, 'd1'),
    env,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => done,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if ((init.method ?? 'GET') !== 'GET' && !headers.has('Origin')) headers.set('Origin', url);
      return fetch(url + path, { redirect: 'manual', ...init, headers });
    },
    stop,
  };
}
