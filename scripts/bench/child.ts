// Child processes of the bench: started, waited for until they print that they are ready, and
// stopped by their own PID (or their own process group, for wrangler and workerd), never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  process: ChildProcess;
  pid: number;
  output(): string;
  /** SIGTERM (to the group when it has one), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Resolves once the output matches; its first group is handed back. */
  ready: RegExp;
  timeoutMs?: number;
  /** Its own process group, so that stopping it stops what it started (wrangler, workerd). */
  group?: boolean;
}

export async function startChild(command: readonly string[], options: StartOptions): Promise<Child & { match: string }> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: PROJECT_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  const stop = async (graceMs = 10_000) => {
    if (done) return;
    const signal = (name: NodeJS.Signals) => {
      try {
        if (options.group) process.kill(-child.pid!, name);
        else child.kill(name);
      } catch {
        // gone already
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  live.add(stop);
  void exited.then(() => live.delete(stop));
  const match = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(2000);
      reject(new Error(`${command.join(' ')} was not ready within ${options.timeoutMs ?? 120_000} ms:\n${output.slice(-3000)}`));
    }, options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = options.ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] ?? found[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command.join(' ')} exited before it was ready:\n${output.slice(-3000)}`));
    });
  });
  return { process: child, pid: child.pid!, output: () => output, stop, match };
}

/** Runs a command to its end; rejects with its output when it fails. */
export function runChild(command: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command.join(' ')} failed (${code}):\n${output.slice(-3000)}`))));
  });
}

/** What is still running when the bench stops early (Ctrl-C, an error): stopped on the way out. */
const live = new Set<(graceMs?: number) => Promise<void>>();
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((stop) => stop(3000)));
}
