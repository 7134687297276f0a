// Debian's Chromium through playwright-core on a small phone's viewport, and axe-core in the page.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A fresh profile in a temporary directory, 360×740, Japanese. close() removes the profile. `args`: more
// Chromium flags (a fake camera, say).
export async function launchPhone({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'tadaima-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', args: [...FLAGS, ...args], headless: true,
    viewport: { width: 360, height: 740 }, locale: 'ja-JP',
  });
  // A context closes by itself only when Chromium died: say so where the test's failure will be read.
  let closing = false;
  context.on('close', () => { if (!closing) console.error('chromium: the browser closed by itself (it crashed or was killed)'); });
  return {
    context,
    async close() {
      closing = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs axe-core (WCAG 2.x A and AA rules) in the page; any violation fails the test with its details. Returns the
// page's path, for tests that count the pages they checked.
export async function assertAccessible(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(result, [], `axe violations on ${page.url()}`);
  return new URL(page.url()).pathname;
}

// On a phone-sized page: axe, and nothing wider than the 360 px screen (no sideways scrolling).
export async function assertAccessibleOnPhone(page) {
  await assertAccessible(page);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${page.url()} is ${wide}px wide`);
}
