// The roster at dismissal time on a 150-child site with 30 missing children (open alerts), at a phone's, a tablet's
// and a wall screen's width: the alerts lead with the family's phone and one tap to record what happened, the counts
// add up and filter, a name finds a child, a hand entry names the child and can be undone; the top of the page is
// compared with a committed reference screenshot at each width. The city is seeded on a fixed day and time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';
import { rosterUnderAlerts } from '../support/scenes.mjs';

const DAY = '2026-12-03';  // a Thursday; 16:30 in Tokyo: dismissal (15:00) plus the threshold has passed
let server;
let browser;
let page;
let letInOnClosedDay;  // the child checked in by hand on the day made a closure day

before(async () => {
  server = await startServer({ sites: 1, children: 150, clock: `${DAY}T07:30:00Z`, plans: true });
  rosterUnderAlerts(server.env.TADAIMA_DB, { date: DAY, missing: 30 });
  browser = await launchPhone();
  const staff = new Client(server.url);
  await staff.signIn('staff1');
  await browser.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function counts() {
  const out = {};
  for (const k of ['alert', 'expected', 'in', 'left', 'absent', 'no_plan', 'total']) {
    out[k] = Number(await page.textContent(`[data-count="${k}"]`));
  }
  return out;
}

for (const [width, height] of [[360, 740], [768, 1024], [1366, 768]]) {
  test(`at ${width} px: alerts first, counts that add up, laid out as the reference`, async () => {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/sites/1/roster`);
    await page.waitForSelector('#roster[data-live="open"]');
    const c = await counts();
    assert.equal(c.total, 150);
    assert.equal(c.expected + c.in + c.left + c.absent + c.no_plan, c.total);
    assert.equal(c.alert, 30);
    assert.equal(await page.locator('[data-qa="alert"]').count(), 30);
    // Each alert has the family's phone as a link to call and its answers as buttons.
    const first = page.locator('[data-qa="alert"]').first();
    assert.match(await first.locator('[data-qa="phone"]').first().getAttribute('href'), /^tel:0900000\d{4}$/);
    assert.ok(await first.locator('[data-qa="resolve"]').count() >= 2);
    // The alerted children also lead the cards.
    const cards = await page.$$eval('tr[data-child]', (rows) => rows.slice(0, 30).map((r) => r.classList.contains('alerted')));
    assert.deepEqual(cards, Array(30).fill(true));
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `roster-alerts-${width}`);
  });
}

test('a count filters, a name finds a child, and an alert is recorded in one tap', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url}/sites/1/roster`);
  await page.click('a[data-filter="absent"]');
  await page.waitForURL(/state=absent/);
  const visible = await page.$$eval('tr[data-child]:not([hidden])', (rows) => rows.map((r) => r.dataset.standing));
  assert.equal(visible.length, (await counts()).absent);
  assert.ok(visible.every((s) => s === 'absent'));
  await assertLaidOut(page);

  // The search narrows the cards as one types (and the same query works without script).
  await page.goto(`${server.url}/sites/1/roster`);
  const name = (await page.textContent('tr[data-standing="in"] th a')).trim();
  await page.fill('#roster-q', name);
  const found = await page.$$eval('tr[data-child]:not([hidden]) th a', (as) => as.map((a) => a.textContent.trim()));
  assert.ok(found.length >= 1 && found.every((n) => n === name), `found ${found}`);
  await page.goto(`${server.url}/sites/1/roster?q=${encodeURIComponent(name)}`);
  assert.deepEqual(await page.$$eval('tr[data-child]:not([hidden]) th a', (as) => [...new Set(as.map((a) => a.textContent.trim()))]), [name]);

  // The carer found the first missing child absent without notice: one tap; it counts as absent now.
  await page.goto(`${server.url}/sites/1/roster`);
  const before = await counts();
  const alert = page.locator('[data-qa="alert"]').first();
  const child = await alert.getAttribute('data-child');
  await alert.locator('[data-qa="resolve"][value="absent_without_notice"]').click();
  await page.waitForURL(/notice=alert_resolved/);
  const after = await counts();
  assert.equal(after.alert, before.alert - 1);
  assert.equal(after.expected, before.expected - 1);
  assert.equal(after.absent, before.absent + 1);
  assert.equal(await page.getAttribute(`tr[data-child="${child}"]`, 'data-standing'), 'absent');
});

// On a phone, the first child without a plan is checked in by hand from the roster: its id and name.
async function checkInFirstWithoutPlan() {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.url}/sites/1/roster?state=no_plan`);
  const row = page.locator('tr[data-standing="no_plan"]:not([hidden])').first();
  const child = await row.getAttribute('data-child');
  const name = (await row.locator('th a').textContent()).trim();
  await row.locator('[data-field="button"]').click();
  return { child, name };
}

test('a hand entry names the child at its card and can be undone', async () => {
  const { child, name } = await checkInFirstWithoutPlan();
  await page.waitForURL(new RegExp(`recorded=\\d+#child-${child}$`));
  const recorded = page.locator('[data-qa="recorded"]');
  assert.match(await recorded.textContent(), new RegExp(`${name}.*入室 16:3\\d`));
  assert.equal(await page.getAttribute(`tr[data-child="${child}"]`, 'data-standing'), 'in');
  await assertAccessible(page);
  await assertLaidOut(page);
  await recorded.locator('[data-qa="undo"]').click();
  await page.waitForURL(/notice=undone/);
  assert.equal(await page.getAttribute(`tr[data-child="${child}"]`, 'data-standing'), 'no_plan');
});

test('tomorrow: the plans and absences ahead, nothing to record', async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/1/roster`);
  const expected = Number(await page.textContent('[data-qa="tomorrow-expected"]'));
  await page.click('[data-qa="tomorrow"] a');
  await page.waitForURL(/date=2026-12-04/);
  assert.equal(Number(await page.textContent('[data-count="expected"]')), expected);
  assert.equal(await page.locator('[data-field="button"]').count(), 0);
  assert.equal(await page.locator('[data-qa="roster-alerts"]').count(), 0);
  await assertAccessible(page);
  await assertLaidOut(page);
});

test('a hand entry on a day the site is closed asks first, naming the child and the time', async () => {
  const manager = new Client(server.url);
  await manager.signIn('manager1');
  await manager.get('/sites/1/schedule');
  assert.equal((await manager.post('/sites/1/closures', { date: DAY, reason: '臨時休所' })).status, 303);
  const { child, name } = await checkInFirstWithoutPlan();
  await page.waitForSelector('[data-qa="off-hours"]');
  for (const [width, height] of [[360, 740], [768, 1024], [1366, 768]]) {
    await page.setViewportSize({ width, height });
    assert.match(await page.textContent('[data-qa="off-hours"]'), /今日は休所日です。/);
    assert.match(await page.textContent('[data-qa="off-hours"]'), new RegExp(`${name}.*入室 16:3\\d`));
    await assertAccessible(page);
    await assertLaidOut(page);
  }
  // Going back records nothing; confirming records it and names the child on the roster.
  await page.click('[data-qa="off-hours-back"]');
  await page.waitForSelector(`tr[data-child="${child}"][data-standing="no_plan"]`, { state: 'attached' });
  await page.locator(`tr[data-child="${child}"] [data-field="button"]`).click();
  await page.click('[data-qa="off-hours-confirm"]');
  await page.waitForURL(new RegExp(`recorded=\\d+#child-${child}$`));
  assert.equal(await page.getAttribute(`tr[data-child="${child}"]`, 'data-standing'), 'in');
  letInOnClosedDay = child;
});

test("the month's register: a row a child, a column a day, the name kept while the days scroll", async () => {
  for (const [width, height] of [[360, 740], [768, 1024], [1366, 768]]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/sites/1/register?times=1`);
    assert.match(await page.textContent('[data-qa="register-month"]'), /2026年12月/);
    // The child let in on the closed day is recorded on the 3rd (the fourth cell: name, 1st, 2nd, 3rd).
    const cell = page.locator(`[data-qa="register"] tr[data-child="${letInOnClosedDay}"] td`).nth(2);
    assert.equal(await cell.getAttribute('class'), 'm-attended');
    assert.match(await cell.textContent(), /〇\s*16:3\d/);
    assert.match(await page.getAttribute('[data-qa="register-xlsx"]', 'href'), /month=2026-12&format=xlsx$/);
    await assertAccessible(page);
    await assertLaidOut(page);
  }
});
