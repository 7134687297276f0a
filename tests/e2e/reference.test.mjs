// The daily screens people judge the product by, at a phone's, a tablet's and a desk's width, against committed
// reference screenshots (tests/e2e/reference/): the message form with its reach, the guardian's month calendar and
// the kiosk waiting and answering. A layout that breaks fails here, not in front of a carer. The city is seeded on a
// fixed day and time so the pages are the same on every run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, run } from '../support/server.mjs';
import { launchPhone, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let browser;

before(async () => {
  server = await startServer({ sites: 1, children: 150, clock: '2026-12-03T07:30:00Z', plans: true });
  browser = await launchPhone();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function staffPage(login) {
  const c = new Client(server.url);
  await c.signIn(login);
  await browser.context.clearCookies();
  await browser.context.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  return browser.context.newPage();
}

test('the message form: choices beside their words, and who it reaches before it is sent', async () => {
  const page = await staffPage('manager1');
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/sites/1/messages/new`);
    assert.match(await page.textContent('[data-qa="reach-line"]'), /家庭/);
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `message-form-${width}`);
  }
  // Choosing a school year asks for the reach again.
  const before = await page.textContent('[data-qa="reach-line"]');
  await page.check('[data-qa="scope-grade"]');
  await page.check('#grade-1');
  await page.waitForFunction((old) => document.querySelector('[data-qa="reach-line"]').textContent !== old, before);
  await page.close();
});

test("the guardian's month: closed days are not offered, each day reads on a phone", async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/family/login`);
  await page.fill('#email', 'guardian1@example.com');
  await page.fill('#password', 'tadaima-demo');
  await page.click('[data-qa="family-login-submit"]');
  await page.waitForURL(/\/family$/);
  const child = await page.getAttribute('[data-qa="contact-link"]', 'href').then((h) => h.match(/children\/(\d+)/)[1]);
  // Mondays, Wednesdays and Fridays of December, leaving at 17:30; one absence: cells with a plan, a time, a rest day.
  await page.goto(`${server.url}/family/children/${child}/plans?month=2026-12`);
  for (const wd of ['1', '3', '5']) await page.check(`input[name="weekday"][value="${wd}"]`);
  await page.fill('#from', '2026-12-04');
  await page.fill('#to', '2026-12-31');
  await page.check('[data-qa="attending-yes"]');
  await page.fill('#leave_time', '17:30');
  await page.click('[data-qa="save-plans"]');
  await page.waitForSelector('[data-qa="plans-saved"]');
  await page.check('#day-2026-12-09');
  await page.check('[data-qa="attending-no"]');
  await page.click('[data-qa="save-plans"]');
  await page.waitForSelector('[data-qa="plans-saved"]');
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/family/children/${child}/plans?month=2026-12`);
    // Sundays are closed at a 学童: no box to pick them.
    assert.equal(await page.locator('td[data-date="2026-12-06"] input').count(), 0);
    assert.match(await page.textContent('td[data-date="2026-12-06"]'), /休所/);
    await assertLaidOut(page);
    await assertAccessible(page);
    assert.match(await page.textContent('td[data-date="2026-12-07"] .short'), /利用\s*17:30/);
    assert.match(await page.textContent('td[data-date="2026-12-09"] .short'), /休み/);
    await assertLooksLikeReference(page, `calendar-${width}`);
  }
  await page.close();
});

test('the kiosk: waiting, then a child in, with the reading above the name', async () => {
  const manager = await staffPage('manager1');
  await manager.goto(`${server.url}/sites/1/kiosks`);
  await manager.fill('#kiosk-name', '正面玄関');
  await manager.click('[data-qa="pairing-form"] button');
  const code = (await manager.textContent('[data-qa="pairing-code"]')).trim();
  await manager.close();
  await browser.context.clearCookies();
  const kiosk = await browser.context.newPage();
  await kiosk.goto(`${server.url}/kiosk?code=${encodeURIComponent(code)}`);
  assert.equal(await kiosk.inputValue('#pair-code'), code, 'the QR code fills the code in');
  await kiosk.click('[data-qa="kiosk-pair"]');
  await kiosk.waitForSelector('#kiosk[data-ready="true"]');
  for (const [width, height] of WIDTHS) {
    await kiosk.setViewportSize({ width, height });
    await assertLaidOut(kiosk);
    await assertLooksLikeReference(kiosk, `kiosk-ready-${width}`);
  }
  await assertAccessible(kiosk);
  await kiosk.close();

  // A child in, at each width (a child each: a second scan would be the same card again). The page's clock is the
  // seeded day's and stands still, so the time shown is the same on every run and the screen waits to be looked at.
  const staff = new Client(server.url);
  await staff.signIn('manager1');
  const list = await staff.get('/children?site_id=1');
  const ids = [...new Set([...list.text.matchAll(/href="\/children\/(\d+)"/g)].map((m) => m[1]))].slice(0, WIDTHS.length);
  const answer = await browser.context.newPage();
  // Installed a minute before the pause, so that the pause is never in the page clock's past on a slow run.
  await answer.clock.install({ time: new Date('2026-12-03T07:31:00Z') });
  await answer.clock.pauseAt(new Date('2026-12-03T07:32:00Z'));
  await answer.goto(`${server.url}/kiosk`);
  await answer.waitForSelector('#kiosk[data-ready="true"]');
  for (const [i, [width, height]] of WIDTHS.entries()) {
    const r = run(['card', 'show', '--child', ids[i]], server.env);
    assert.equal(r.status, 0, r.stderr);
    await answer.setViewportSize({ width, height });
    await answer.keyboard.type(r.stdout.trim());
    await answer.keyboard.press('Enter');
    await answer.waitForSelector('[data-qa=kiosk-result]:not([data-state="ready"]):not([data-state="sending"])');
    assert.equal(await answer.getAttribute('[data-qa=kiosk-result]', 'data-state'), 'in', await answer.textContent('[data-qa=kiosk-result]'));
    assert.match(await answer.textContent('[data-qa=kiosk-time]'), /16:32/);
    await assertLaidOut(answer);
    await assertLooksLikeReference(answer, `kiosk-in-${width}`);
    // back to waiting for the next child
    await answer.clock.runFor(7000);
    await answer.waitForSelector('[data-qa=kiosk-result][data-state="ready"]');
  }
  await answer.close();
});
