// The city office sets how long each kind of record is kept: reached from the erasures page, every kind with its
// default, range and today's cutoff; a period outside its range is refused in words beside its field and nothing is
// saved; a good one is saved and shown. At a phone's, a tablet's and a desk's width, axe-core clean, against
// committed reference screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { launchPhone, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let browser;
let page;

before(async () => {
  server = await startServer({ sites: 2, children: 10, clock: '2026-12-03T07:30:00Z' });
  browser = await launchPhone();
  ({ page } = await signedInPage(browser, server, 'admin'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the periods at three widths', async () => {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/retention`);
    await page.waitForSelector('[data-qa="retention-form"]');
    assert.equal(await page.inputValue('#months-attendance'), '60');
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `retention-${width}`);
  }
});

test('a period out of range is refused beside its field; a good one is saved', async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/erasures`);
  await page.click('[data-qa="retention-link"]');
  await page.fill('#months-plans', '3');
  await page.fill('#months-notifications', '18');
  await page.click('[data-qa="retention-save"]');
  assert.match(await page.textContent('#months-plans-error'), /範囲内の月数/);
  await assertAccessible(page);
  await page.goto(`${server.url}/retention`);
  assert.equal(await page.inputValue('#months-notifications'), '13', 'nothing saved from a refused form');
  await page.fill('#months-notifications', '18');
  await page.click('[data-qa="retention-save"]');
  await page.waitForURL(/notice=retention_saved/);
  assert.equal(await page.inputValue('#months-notifications'), '18');
  assert.match(await page.textContent('[data-qa="retention-notifications"]'), /2025-06-03/);
});
