// The city office's screens: the overview of every site moves when a kiosk scans at one of them, without reload; an
// emergency roll-call is started from it, a child confirmed safe and handed over to a guardian, and the overview
// shows the roll-call's progress; the month's counts, the fiscal year's figures and the register at a phone's, a
// tablet's and a desk's width, axe-core clean, against committed reference screenshots. Seeded on a fixed day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, run } from '../support/server.mjs';
import { launchPhone, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let browser;
let page;
let manager;

before(async () => {
  server = await startServer({ sites: 3, children: 40, clock: '2026-12-03T07:30:00Z', plans: true });
  browser = await launchPhone();
  ({ page } = await signedInPage(browser, server, 'admin'));
  manager = new Client(server.url);
  await manager.signIn('manager1');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The children of site 1 and their state on the roster now ("in", "out", …).
async function rosterStates() {
  const roster = await manager.get('/sites/1/roster');
  const out = new Map();
  for (const m of roster.text.matchAll(/<tr id="child-(\d+)" data-child="\d+" data-state="(\w+)"/g)) out.set(m[1], m[2]);
  return out;
}

const tile = (site, field) => `li[data-site="${site}"] [data-field="${field}"]`;

// A child of site 1 comes through the door: the kiosk's scan, through its API, at the server's time.
let door;
async function scanAtSite1(child) {
  door ??= {
    cards: new Map(run(['card', 'show', '--site', '1'], server.env).stdout.trim().split('\n').map((l) => l.split(' '))),
    credential: run(['kiosk', 'create', '--site', '1', '--name', 'door'], server.env).stdout.trim(),
    n: 0,
  };
  const res = await fetch(`${server.url}/api/v1/kiosk/scans`, {
    method: 'POST',
    headers: { authorization: `Bearer ${door.credential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ card: door.cards.get(child), scan_id: `city-${++door.n}`, scanned_at: server.now().toISOString() }),
  });
  assert.equal(res.status, 201);
}

test('the overview moves when a kiosk scans at one of the sites, without a reload', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url}/overview`);
  await page.waitForSelector('#overview[data-live="open"]');
  await page.evaluate(() => { window.notReloaded = true; });
  const before = Number(await page.textContent(tile(1, 'in')));
  const inside = Number(await page.textContent('[data-qa="overview-totals"] [data-total="in"]'));
  // A child of site 1 who is not inside comes through the door.
  const outside = [...(await rosterStates())].find(([, state]) => state !== 'in');
  assert.ok(outside, 'a child outside');
  await scanAtSite1(outside[0]);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).textContent) === n, [tile(1, 'in'), before + 1]);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).textContent) === n,
    ['[data-qa="overview-totals"] [data-total="in"]', inside + 1]);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'updated in place');
  await assertAccessible(page);
});

test('a roll-call is started, a child confirmed safe and handed over, and the overview shows it', async () => {
  // Someone is inside to be listed (whatever the test before left).
  const before = [...(await rosterStates())];
  if (!before.some(([, state]) => state === 'in')) await scanAtSite1(before.find(([, state]) => state !== 'in')[0]);
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/overview`);
  await page.click('[data-qa="rollcall-start"]');
  await page.waitForSelector('[data-qa="rollcall-new"]');
  await assertAccessible(page);
  await page.selectOption('#rollcall-site', '1');
  await page.check('input[name="reason"][value="earthquake"]');
  await page.click('[data-qa="rollcall-submit"]');
  await page.waitForSelector('li.rollcall-child');
  const first = page.locator('li.rollcall-child').first();
  const child = await first.getAttribute('data-child');
  assert.equal(await first.getAttribute('data-state'), 'unchecked');
  await first.locator('button[value="safe"]').click();
  await page.waitForSelector(`li[data-child="${child}"][data-state="safe"]`);
  await assertLaidOut(page);
  await assertAccessible(page);
  // Handed over to the first of the child's guardians.
  await page.click(`li[data-child="${child}"] [data-qa="handover"]`);
  await page.waitForSelector('[data-qa="handover-form"]');
  await assertAccessible(page);
  await page.locator('input[name="to"]').first().check();
  await page.click('[data-qa="handover-submit"]');
  await page.waitForSelector(`li[data-child="${child}"] [data-qa="handed"]`);
  assert.match(await page.textContent(`li[data-child="${child}"] [data-qa="handed"]`), /\d{1,2}:\d{2}/);
  // The banner on the other staff pages, and the roll-call's progress on the city's overview.
  await page.goto(`${server.url}/overview`);
  await page.waitForSelector(`li[data-site="1"] [data-show="rollcall"]:not([hidden])`);
  assert.match(await page.textContent(tile(1, 'rollcall')), /1/);
  const states = await rosterStates();
  assert.notEqual(states.get(child), 'in', 'handed over: out of the building');
  // Closed: the banner leaves the staff pages.
  await page.goto(`${server.url}/sites/1/rollcall`);
  await page.click('[data-qa="rollcall-close"]');
  await page.goto(`${server.url}/counts`);
  assert.equal(await page.locator('.rollcall-banner').count(), 0);
});

test('the counts, the year and the register at three widths', async () => {
  const views = [
    ['/counts?month=2026-12', 'counts', '[data-qa="counts"]'],
    ['/counts/year?year=2026', 'counts-year', '[data-qa="year"]'],
    ['/sites/1/register?month=2026-12', 'register', '[data-qa="register"]'],
  ];
  for (const [path, name, selector] of views) {
    for (const [width, height] of WIDTHS) {
      await page.setViewportSize({ width, height });
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector(selector);
      await assertLaidOut(page);
      await assertAccessible(page);
      await assertLooksLikeReference(page, `${name}-${width}`);
    }
  }
});
