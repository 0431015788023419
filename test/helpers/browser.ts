// Shared by the browser tests: Debian's Chromium through playwright-core, navigation that waits
// for its response, axe-core checks, and waiting for mail in the dev mailbox.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { AxeResults, Result as AxeResult } from 'axe-core';
import { expect } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { PROJECT_ROOT } from './server-process.ts';

export const CHROMIUM = '/usr/bin/chromium';
const AXE_SCRIPT = join(PROJECT_ROOT, 'node_modules/axe-core/axe.min.js');

/** Skipped where Chromium is absent, except in CI, where a missing browser must fail loudly. */
export const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // This machine has no network: no background fetches, updates or sync.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Clicks something that navigates; returns the response of the page that finally loaded. */
export async function submitAndWait(p: Page, target: Locator) {
  const [response] = await Promise.all([
    p.waitForEvent('response', { predicate: (r) => r.request().isNavigationRequest(), timeout: 10_000 }),
    target.click(),
  ]);
  await p.waitForLoadState('load');
  // After a redirect (the language switch's 303), the response of the page that loaded.
  let last = response;
  for (let next = response.request().redirectedTo(); next; next = next.redirectedTo()) {
    last = (await next.response()) ?? last;
  }
  return last;
}

export async function runAxe(p: Page): Promise<AxeResults> {
  await p.addScriptTag({ path: AXE_SCRIPT });
  const results = await p.evaluate(() => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  // A run that checked nothing (axe not injected, empty page) must not pass as clean.
  expect(results.passes.length, `axe checked nothing on ${p.url()}`).toBeGreaterThan(0);
  return results;
}

/** Serious and critical violations, one line each (the test fails on them); the rest are logged. */
export function describeViolations(label: string, results: AxeResults): string[] {
  const lines: string[] = [];
  for (const v of results.violations) {
    const line = `${label}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets(v)}`;
    if (v.impact === 'serious' || v.impact === 'critical') lines.push(line);
    else console.log(`axe (${v.impact ?? 'no impact'}, not failing) ${line}`);
  }
  return lines;
}

function targets(v: AxeResult): string {
  return v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}`).join('\n');
}

/** Polls the dev mailbox until a message matches. */
export async function waitForMail(baseUrl: string, match: (mail: DevMail) => boolean, timeoutMs = 10_000): Promise<DevMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/dev/mailbox.json`);
    expect(response.status).toBe(200);
    const mail = ((await response.json()) as DevMail[]).find(match);
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
