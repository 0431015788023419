// A new operator made with the real command line signs in to the real server: the setup link
// the command prints, a password chosen on it, the console's first page.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, PROJECT_ROOT, removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
let server: ServerProcess;

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: PROJECT_ROOT, env: cleanEnv({ DATABASE_PATH: server.databasePath }) }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  server = await startServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe('npm run cli -- operator', () => {
  it('creates an owner whose setup link leads into the console of the running server', async () => {
    const created = await cli(['operator', 'create', '--email', 'owner@shop.example', '--role', 'owner']);
    expect(created.code, created.stderr).toBe(0);
    const link = /(https?:\/\/\S+\/admin\/setup\/[\w-]+)/.exec(created.stdout)?.[1];
    expect(link).toBeDefined();
    expect((await cli(['operator', 'list'])).stdout).toMatch(/owner@shop\.example {2}owner {2}every site {2}setup pending/);

    const origin = `http://localhost:${server.port}`;
    const password = 'a long and private passphrase';
    const setup = await server.fetch(new URL(link!).pathname, {
      method: 'POST',
      body: new URLSearchParams({ password, repeat: password }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
      redirect: 'manual',
    });
    expect(setup.status).toBe(303);
    const cookie = /assent_admin=[^;]+/.exec(setup.headers.get('Set-Cookie') ?? '')![0];
    // http://localhost: no Secure flag, or the browser would never send it back.
    expect(setup.headers.get('Set-Cookie')).not.toMatch(/Secure/i);
    const home = await server.fetch('/admin', { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Demo Shop');
    expect((await cli(['operator', 'list'])).stdout).toContain('active');

    expect((await cli(['operator', 'disable', '--email', 'owner@shop.example'])).code).toBe(0);
    expect((await server.fetch('/admin', { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(303);
  }, 60_000);

  it('says what is wrong, exit 1, and makes nothing', async () => {
    const bad = await cli(['operator', 'create', '--email', 'ed@shop.example', '--role', 'admin']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--role: must be owner, editor or viewer, got "admin"');
    expect((await cli(['operator', 'list'])).stdout).not.toContain('ed@shop.example');
    expect((await cli(['operator', 'reset', '--email', 'nobody@shop.example'])).code).toBe(1);
    expect((await cli(['operator', 'frobnicate'])).code).toBe(2);
  }, 60_000);

  it('in parallel: a setup link opens one session only, and ten guesses at once get five tries', async () => {
    const created = await cli(['operator', 'create', '--email', 'racer@shop.example', '--role', 'viewer']);
    const link = new URL(/(https?:\/\/\S+\/admin\/setup\/[\w-]+)/.exec(created.stdout)![1]!).pathname;
    const origin = `http://localhost:${server.port}`;
    const post = (path: string, fields: Record<string, string>) =>
      server.fetch(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin }, redirect: 'manual' });
    const password = 'a long and private passphrase';
    const setups = await Promise.all(Array.from({ length: 8 }, () => post(link, { password, repeat: password })));
    expect(setups.map((res) => res.status).sort()).toEqual([303, 404, 404, 404, 404, 404, 404, 404]);
    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => post('/admin/login', { email: 'racer@shop.example', password: `wrong guess ${i}` })));
    expect(guesses.map((res) => res.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  }, 60_000);
});
