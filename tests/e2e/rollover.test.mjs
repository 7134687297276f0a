// The city office prepares the school-year rollover in December: the form offers the coming 1 April, a wrong day
// is refused in words, the preview counts per site who moves up, who leaves and who is new, nothing happens until
// the box is ticked, then the rollover is planned for midnight on the day (the date is still to come) and can be
// cancelled. The form and the preview at a phone's, a tablet's and a desk's width, axe-core clean, against
// committed reference screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { launchPhone, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let browser;
let page;
let admin;

before(async () => {
  server = await startServer({ sites: 3, children: 60, clock: '2026-12-03T07:30:00Z' });
  browser = await launchPhone();
  ({ client: admin, page } = await signedInPage(browser, server, 'admin'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the form and the preview at three widths', async () => {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/rollover`);
    await page.waitForSelector('[data-qa="rollover-form"]');
    assert.equal(await page.inputValue('#rollover-date'), '2027-04-01');
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `rollover-form-${width}`);
    await page.goto(`${server.url}/rollover/preview?date=2027-04-01`);
    await page.waitForSelector('[data-qa="rollover-confirm"]');
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `rollover-preview-${width}`);
  }
});

test('the children page leads to it, a day that is not 1 April is refused, and nothing happens unticked', async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/children`);
  await page.click('[data-qa="rollover-link"]');
  await page.fill('#rollover-date', '2027-04-02');
  await page.click('[data-qa="rollover-preview"]');
  assert.match(await page.textContent('#rollover-date-error'), /4月1日/);
  await assertAccessible(page);
  await page.goto(`${server.url}/rollover/preview?date=2027-04-01`);
  const sites = await page.locator('[data-qa="rollover-site"]').count();
  assert.equal(sites, 3);
  await page.click('[data-qa="rollover-submit"]');
  await page.waitForSelector('#confirm-error');
  assert.match((await admin.get('/rollover')).text, /data-qa="no-rollovers"/);
});

test('ticked, it is planned for the day, and can be cancelled', async () => {
  await page.goto(`${server.url}/rollover/preview?date=2027-04-01`);
  await page.check('[data-qa="rollover-confirm-box"]');
  await page.click('[data-qa="rollover-submit"]');
  await page.waitForSelector('[data-qa="rollovers"]');
  assert.match(page.url(), /\/rollover\?notice=rollover_planned$/);
  assert.equal((await page.textContent('[data-qa="rollover-state"]')).trim(), '予約済み');
  await assertAccessible(page);
  await page.click('[data-qa="rollover-cancel"]');
  await page.waitForSelector('.notice, [role="status"]');
  assert.equal((await page.textContent('[data-qa="rollover-state"]')).trim(), '取り消し');
  assert.equal(await page.locator('[data-qa="rollover-cancel"]').count(), 0);
});
