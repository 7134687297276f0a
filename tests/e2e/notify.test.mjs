// Notifications in Debian's Chromium on a 360×740 phone: a carer checks a child in; the guardian's app shows the
// notice as unread in the header and the inbox, opening it marks it read, and staff see it read on the delivery
// page. The settings page saves quiet hours and offers push for this phone. axe-core on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, assertAccessibleOnPhone as assertAccessible } from '../support/browser.mjs';

let server;
let phone;
let wall;

before(async () => {
  server = await startServer({ sites: 1, children: 10 });
  phone = await launchPhone();
  wall = await launchPhone();
});

after(async () => {
  await phone?.close();
  await wall?.close();
  await server?.stop();
});


test('a check-in reaches the guardian\'s inbox unread; opening it marks it read for staff too', async () => {
  const page = await phone.context.newPage();
  await page.goto(`${server.url}/family/login`);
  await page.fill('#email', 'guardian1@example.com');
  await page.fill('#password', 'tadaima-demo');
  await page.click('[data-qa="family-login-submit"]');
  await page.waitForURL(/\/family$/);
  await page.waitForFunction(() => document.documentElement.dataset.sw === 'registered');
  const child = (await page.getAttribute('[data-qa="plans-link"]', 'href')).match(/children\/(\d+)/)[1];
  assert.equal(await page.locator('[data-qa="unread-count"]').count(), 0);

  // A carer checks the child in by hand.
  const staff = new Client(server.url);
  await staff.signIn('staff1');
  await staff.get(`/children/${child}/attendance`);
  const recorded = await staff.post(`/children/${child}/attendance`, { direction: 'in', off_hours_ok: '1' });  // at any hour the suite runs
  assert.equal(recorded.status, 303);

  await page.reload();
  assert.equal((await page.textContent('[data-qa="unread-count"]')).trim().slice(0, 1), '1');
  await page.click('[data-qa="inbox-link"]');
  await page.waitForURL(/\/family\/inbox$/);
  const item = page.locator('[data-qa="inbox-item"]').first();
  assert.match(await item.textContent(), /入室しました/);
  assert.equal(await item.locator('[data-qa="unread"]').count(), 1);
  await assertAccessible(page);
  await item.locator('a').click();
  await page.waitForURL(/\/family\/inbox\/\d+$/);
  assert.match(await page.textContent('[data-qa="notice-body"]'), /入室しました。\n時刻：/);
  await assertAccessible(page);
  await page.goto(`${server.url}/family/inbox`);
  assert.equal(await page.locator('[data-qa="unread"]').count(), 0);
  assert.equal(await page.locator('[data-qa="unread-count"]').count(), 0);

  // Staff see who read it, on a page that is itself accessible.
  await wall.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const desk = await wall.context.newPage();
  await desk.goto(`${server.url}/sites/1/notices`);
  await assertAccessible(desk);
  await desk.locator('[data-qa="notice-row"] a').first().click();
  await desk.waitForURL(/\/notices\/\d+$/);
  const rows = desk.locator('[data-qa="delivery"]');
  assert.ok(await rows.count() >= 1);
  const readCells = await desk.locator('[data-qa="read-state"]').allTextContents();
  assert.ok(readCells.some((t) => /\d{1,2}:\d{2}/.test(t)), `one recipient has read it: ${readCells}`);
  await assertAccessible(desk);
});

test('the settings page saves quiet hours, refuses half of them in Japanese, and offers push for this phone', async () => {
  const page = await phone.context.newPage();
  await page.goto(`${server.url}/family/settings`);
  await assertAccessible(page);
  await page.waitForFunction(() => document.querySelector('[data-push-status]')?.textContent !== '');
  assert.equal(await page.isVisible('[data-push="on"]'), true);
  await page.fill('#quiet_start', '21:00');
  await page.click('[data-qa="save-settings"]');
  assert.match(await page.textContent('[data-qa="form-errors"]'), /入力内容/);
  assert.match(await page.textContent('#quiet_end-error'), /開始と終了の両方/);
  await assertAccessible(page);
  await page.fill('#quiet_end', '07:00');
  await page.uncheck('[data-qa="attendance-email"]');
  await page.click('[data-qa="save-settings"]');
  await page.waitForURL(/notice=saved/);
  assert.equal(await page.inputValue('#quiet_start'), '21:00');
  assert.equal(await page.isChecked('[data-qa="attendance-email"]'), false);
  assert.equal(await page.isChecked('[data-qa="alert-email"]'), true);
});
