// Nap checks in Chromium on a class tablet: a carer lays six children down, checks each with one tap (two at once with
// the class's buttons), lets a 0-year-old's check go overdue (the test clock), sees its card red, the banner and the
// alarm sound cue, records the check that comes late, wakes a child and prints the day's grid (read back with
// pdftotext). The page at a tablet's, a phone's and a desk's width, axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import {
  launchPhone, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference,
} from '../support/browser.mjs';
import { pdfText } from '../support/mail.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let tablet;

before(async () => {
  // Friday 4 December 2026, 12:25 in Tokyo.
  server = await startServer({ sites: 3, children: 30, plans: true, clock: '2026-12-04T03:25:00Z' });
  tablet = await launchPhone();
});

after(async () => {
  await tablet?.close();
  await server?.stop();
});

// A form's button pressed and the page it leads to loaded.
async function submit(page, selector) {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

test('six children laid down and checked; an overdue check turns red and sounds; the late check is kept', async () => {
  const { client, page } = await signedInPage(tablet, server, 'staff3');
  // Six children arrived this morning (by hand on the roster's page).
  const roster = await client.get('/sites/3/roster');
  const ids = [...new Set([...roster.text.matchAll(/data-child="(\d+)"/g)].map((m) => m[1]))].slice(0, 6);
  assert.equal(ids.length, 6);
  for (const id of ids) {
    await client.get(`/children/${id}/attendance`);
    const res = await client.post(`/children/${id}/attendance`, { direction: 'in', time: '08:30' });
    assert.equal(res.status, 303, res.text.slice(0, 300));
  }
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/3/notebook`);
  await page.click('[data-qa="nap-link"]');
  for (const id of ids) await page.check(`[data-qa="nap-start-pick"][value="${id}"]`);
  await submit(page, '[data-qa="nap-start-save"]');
  assert.equal(await page.locator('[data-qa="nap-row"]').count(), 6);
  // The sound on (a browser plays it only after a tap on the page).
  await page.click('[data-sound]');
  assert.equal(await page.getAttribute('[data-sound]', 'aria-pressed'), 'true');

  // Four minutes on: each checked with a tap; the last two at once with the class's button.
  server.setClock('2026-12-04T03:29:00Z');
  for (const id of ids.slice(0, 4)) await submit(page, `#nap-${id} [data-qa="nap-check-back"]`);
  for (const id of ids.slice(4)) await page.check(`#nap-pick-${id}`);
  await submit(page, '[data-qa="nap-bulk-back"]');
  assert.equal(await page.locator('[data-qa="nap-row"].nap-waiting').count(), 6);

  // Nine minutes after the checks nobody has looked: the 0-year-olds' (every 5 minutes) are overdue.
  server.setClock('2026-12-04T03:38:00Z');
  await page.reload();
  await page.waitForSelector('[data-qa="nap-overdue-banner"]');
  // The page's script has counted down (by the server's clock) and sounded the alarm.
  await page.waitForSelector('#naps[data-beeped="yes"]');
  const overdue = page.locator('[data-qa="nap-row"][data-state="overdue"]');
  assert.ok(await overdue.count() >= 1);
  assert.match(await overdue.first().textContent(), /確認が遅れています/);
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `naps-overdue-${width}`);
  }
  // The check that comes late is kept as late; the missed due stays on the card.
  await page.setViewportSize({ width: 768, height: 1024 });
  const late = await overdue.first().getAttribute('data-child');
  await submit(page, `#nap-${late} [data-qa="nap-check-left"]`);
  assert.match(await page.textContent(`#nap-${late} [data-qa="nap-missed"]`), /遅れた確認 1回/);
  // One wakes up: the day's naps list it.
  await submit(page, `#nap-${late} [data-qa="nap-wake"] button`);
  assert.match(await page.textContent('[data-qa="nap-woke"]'), /遅れた確認 1回/);
  // The day's record printed as the inspectors read it: the link's PDF, read back.
  const href = await page.getAttribute('[data-qa="nap-print"]', 'href');
  const pdf = await page.request.get(new URL(href, server.url).toString());
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  const text = pdfText(await pdf.body());
  assert.match(text, /午睡チェック表/);
  assert.match(text, /12:25/);  // the first column: the children lay down at 12:25
  assert.match(text, /×/);      // the check that came late, crossed where it was due
  const asleep = ids.find((id) => id !== late);
  const name = (await page.textContent(`label[for="nap-pick-${asleep}"]`)).trim();
  assert.ok(text.includes(name), `${name} on the sheet`);
});
