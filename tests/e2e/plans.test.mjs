// Plans, absences and the missing-child alert in Debian's Chromium on a 360×740 phone: a guardian fills a month
// with a weekly pattern and reports tomorrow's absence; the next morning a carer sees it in today's changes and
// confirms it; the day after, past opening time plus the threshold, the roster shows the planned child who has not
// come in red. The server runs on a test clock that the test moves. axe-core on every guardian page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, assertAccessible as axeCheck, assertAccessibleOnPhone as assertAccessible } from '../support/browser.mjs';

let server;
let phone;
let wall;

// Tokyo times as instants (UTC+9).
const MONDAY_EVENING = '2026-11-23T11:00:00Z';   // Mon 23 Nov 20:00 in Tokyo
const TUESDAY_MORNING = '2026-11-23T23:10:00Z';  // Tue 24 Nov 08:10
const WEDNESDAY_AFTER = '2026-11-25T04:35:00Z';  // Wed 25 Nov 13:35: opening 13:00 + 30 minutes has passed

before(async () => {
  server = await startServer({ sites: 2, children: 20, testClock: true });
  server.setClock(MONDAY_EVENING);
  phone = await launchPhone();
  wall = await launchPhone();
});

after(async () => {
  await phone?.close();
  await wall?.close();
  await server?.stop();
});


// A carer of site 1 on the wall screen (signed in with the second factor at the server's time).
async function staffRoster() {
  const staff = new Client(server.url);
  await staff.signIn('staff1');
  await wall.context.clearCookies();
  await wall.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const page = await wall.context.newPage();
  await page.goto(`${server.url}/sites/1/roster`);
  return page;
}

test('a guardian plans a month and reports an absence; staff confirm it; a planned child who has not come turns red', async () => {
  const page = await phone.context.newPage();
  await page.goto(`${server.url}/family/login`);
  await page.fill('#email', 'guardian1@example.com');
  await page.fill('#password', 'tadaima-demo');
  await page.click('[data-qa="family-login-submit"]');
  await page.waitForURL(/\/family$/);
  await assertAccessible(page);
  // The app is installable: a manifest, and the service worker registers.
  assert.equal(await page.getAttribute('link[rel="manifest"]', 'href'), '/family/manifest.webmanifest');
  await page.waitForFunction(() => document.documentElement.dataset.sw === 'registered');
  const childName = (await page.textContent('[data-qa="family-child-name"]')).trim();

  // A weekly pattern: every weekday from tomorrow to the end of December, leaving at 17:00 alone.
  await page.click('[data-qa="plans-link"] >> nth=0');
  await page.waitForURL(/\/plans/);
  await assertAccessible(page);
  for (const wd of ['1', '2', '3', '4', '5']) await page.check(`input[name="weekday"][value="${wd}"]`);
  await page.fill('#from', '2026-11-24');
  await page.fill('#to', '2026-12-31');
  await page.check('[data-qa="attending-yes"]');
  await page.fill('#leave_time', '17:00');
  await page.click('[data-qa="save-plans"]');
  // 24–30 November: 5 weekdays; December: 23 weekdays.
  assert.match(await page.textContent('[data-qa="plans-saved"]'), /28日分を保存しました/);
  assert.match(await page.textContent('td[data-date="2026-11-25"] [data-field="status"]'), /利用する 17:00/);
  await assertAccessible(page);

  // Tomorrow's absence, from the phone, late in the evening.
  await page.goto(`${server.url}/family`);
  await page.click('[data-qa="contact-link"] >> nth=0');
  await assertAccessible(page);
  await page.fill('#date', '2026-11-24');
  await page.check('[data-qa="kind-absence"]');
  await page.selectOption('#absence_reason', 'illness');
  await page.fill('#note', '熱があります');
  await page.click('[data-qa="send-contact"]');
  await page.waitForURL(/\/family\?notice=absence_sent/);
  await assertAccessible(page);

  // Tuesday morning: the carer sees it in today's changes, unconfirmed, and confirms it.
  server.setClock(TUESDAY_MORNING);
  let roster = await staffRoster();
  // Two for the child: the absence, and the plan for that day which was entered after the 17:00 deadline.
  assert.equal(await roster.locator('[data-qa="change"].unconfirmed', { hasText: childName }).count(), 2);
  const change = roster.locator('[data-qa="change"]', { hasText: '熱があります' });
  assert.match(await change.textContent(), new RegExp(childName));
  assert.match(await change.textContent(), /欠席/);
  assert.match(await change.textContent(), /2026-11-24/);  // the date itself, never "today"
  assert.match(await change.getAttribute('class'), /unconfirmed/);
  await change.locator('[data-qa="confirm"]').click();
  await roster.waitForURL(/notice=contact_confirmed/);
  await roster.locator('[data-qa="change"]', { hasText: '熱があります' }).locator('[data-qa="confirmed"]').waitFor();
  assert.equal(await roster.locator('[data-qa="change"].unconfirmed', { hasText: childName }).count(), 1);
  const absentRow = roster.locator('tr[data-child]', { hasText: childName });
  assert.equal(await absentRow.getAttribute('data-expectation'), 'absent');
  await roster.close();

  // Wednesday, past opening time plus the threshold, the child planned for today has not come: red, with words.
  server.setClock(WEDNESDAY_AFTER);
  roster = await staffRoster();
  const row = roster.locator('tr[data-child]', { hasText: childName });
  assert.match(await row.getAttribute('class'), /alerted/);
  const alert = roster.locator('[data-qa="alert"]', { hasText: childName });
  assert.match(await alert.locator('[data-alert="not_arrived"]').textContent(), /未到着/);
  assert.equal(await roster.locator('[data-qa="roster-alerts"]').isVisible(), true);
  await axeCheck(roster);  // the roster with an alert, the family's phone and what to record
  // The carer records what happened, in one tap; the alert goes, the child counts as absent, and the day keeps it.
  await alert.locator('[data-qa="resolve"][value="absent_without_notice"]').click();
  await roster.waitForURL(/notice=alert_resolved/);
  assert.equal(await roster.locator('[data-qa="alert"]', { hasText: childName }).count(), 0);
  assert.equal(await roster.locator('tr[data-child]', { hasText: childName }).getAttribute('data-standing'), 'absent');
  await roster.close();
  await page.close();
});
