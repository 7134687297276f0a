// Debian's Chromium through playwright-core on a small phone's viewport, and axe-core in the page.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';
import { Client } from './server.mjs';

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
      // A Chromium that crashed may leave a helper writing into its profile for a moment: retried (Node's own
      // retries for ENOTEMPTY), so that a test's cleanup never throws and leaves the other browser and the server up.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10 });
    },
  };
}

// A page of `browser` signed in as staff `login` on `server`: the client's session cookies shared with the browser.
// Returns the client (for requests beside the page) and the page.
export async function signedInPage(browser, server, login) {
  const client = new Client(server.url);
  await client.signIn(login);
  await browser.context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  return { client, page: await browser.context.newPage() };
}

// A page of `browser` where the guardian with this address signed in on the family pages (the demo password); it
// is on the family home.
export async function familyPage(browser, server, email, password = 'tadaima-demo') {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/family/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('[data-qa="family-login-submit"]');
  await page.waitForURL(/\/family$/);
  return page;
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

// Nothing on the page at its current width is wider than the screen, and no text of two characters or more is
// squeezed into a column a character wide (the "one character per line" failure): its text runs over two lines or
// more and no line of it is wider than 1.6 of its font size.
export async function assertLaidOut(page) {
  const width = page.viewportSize().width;
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= width, `${page.url()} is ${wide}px wide at ${width}`);
  const squeezed = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main a, main button, main th, main td, main label, main span, main strong, main p, main li, main h1, main h2, main summary')) {
      const text = (el.innerText || '').trim();
      if (text.length < 2) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = [...range.getClientRects()].filter((x) => x.width > 0);
      const tops = new Set(lines.map((x) => Math.round(x.top)));
      if (tops.size >= 2 && lines.every((x) => x.width < size * 1.6)) {
        out.push(`${el.tagName.toLowerCase()} "${text.slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out.slice(0, 10);
  });
  assert.deepEqual(squeezed, [], `text one character per line on ${page.url()} at ${width}px`);
}

// The screenshot of the visible part of the page against the committed reference tests/e2e/reference/NAME.png:
// the same size, and at most `tolerance` of its pixels different (pixelmatch, anti-aliasing ignored), so a broken
// layout fails the suite. The screenshot is kept under test-results/ (with a picture of the difference when it
// fails). TADAIMA_UPDATE_REFERENCE=1 writes the reference instead; look at it before committing it.
export async function assertLooksLikeReference(page, name, { tolerance = 0.005 } = {}) {
  mkdirSync('test-results', { recursive: true });
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  writeFileSync(`test-results/${name}.png`, shot);
  const reference = new URL(`../e2e/reference/${name}.png`, import.meta.url).pathname;
  if (process.env.TADAIMA_UPDATE_REFERENCE === '1') {
    mkdirSync(new URL('../e2e/reference/', import.meta.url).pathname, { recursive: true });
    writeFileSync(reference, shot);
    return;
  }
  assert.ok(existsSync(reference), `no reference screenshot ${reference}: run with TADAIMA_UPDATE_REFERENCE=1 and look at it`);
  const want = PNG.sync.read(readFileSync(reference));
  const got = PNG.sync.read(shot);
  assert.deepEqual([got.width, got.height], [want.width, want.height], `${name}: the screenshot's size changed`);
  const diff = new PNG({ width: want.width, height: want.height });
  const differing = pixelmatch(want.data, got.data, diff.data, want.width, want.height, { threshold: 0.1 });
  const ratio = differing / (want.width * want.height);
  if (ratio > tolerance) writeFileSync(`test-results/${name}-diff.png`, PNG.sync.write(diff));
  assert.ok(ratio <= tolerance, `${name}: ${(ratio * 100).toFixed(2)}% of the pixels differ from the reference (test-results/${name}-diff.png)`);
}

// A page at a phone's, a tablet's and a desk's width: laid out, axe-clean and like its reference screenshots
// (`${name}-360`, `-768`, `-1366`); left at the tablet's width.
export const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
export async function assertRightAtEveryWidth(page, name) {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 768, height: 1024 });
}

// Clicks what submits a form and waits for the page it leads to.
export async function submitWith(page, selector) {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}
