// A nursery's health records in Chromium on a class tablet: the head of the nursery chooses to tell families of a
// fever; a carer records a fever, a growth measure and an infection for a child, and the child's allergy on its
// record; the class's day then shows the child first with the fever, and the class warned of the infection without
// the child's name. On a guardian's phone the notice says only that there is news; signed in, it shows the
// temperature and leads to the child's health page. The pages at a phone's, a tablet's and a desk's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import {
  launchPhone, familyPage, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference,
} from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let tablet;
let phone;

before(async () => {
  // Friday 4 December 2026, 10:30 in Tokyo.
  server = await startServer({ sites: 3, children: 30, plans: true, clock: '2026-12-04T01:30:00Z' });
  tablet = await launchPhone();
  phone = await launchPhone();
});

after(async () => {
  await tablet?.close();
  await phone?.close();
  await server?.stop();
});

test('a carer records a fever, growth and an infection; the class sees the fever and the warning', async () => {
  // The head of the nursery chooses to tell families of a fever from 37.5 °C.
  const { page: settings } = await signedInPage(tablet, server, 'manager3');
  await settings.setViewportSize({ width: 768, height: 1024 });
  await settings.goto(`${server.url}/sites/3/notebook/settings`);
  await settings.getByLabel('37.5℃以上で知らせる').check();
  await settings.click('[data-qa="nb-settings-save"]');
  await settings.waitForSelector('[data-qa="nb-settings-saved"]');
  assert.equal(await settings.getByLabel('37.5℃以上で知らせる').isChecked(), true);
  await assertAccessible(settings);
  await settings.close();

  const staff = new Client(server.url);
  await staff.signIn('staff3');
  await tablet.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const page = await tablet.context.newPage();
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/3/notebook`);
  await page.locator('[data-qa="nb-row"]', { hasText: '森田 結菜' }).getByRole('link').click();
  await page.click('[data-qa="health-link"]');

  // A typing mistake first: 45 °C is refused with the reason, nothing recorded.
  await page.getByLabel('体温（℃）').fill('45');
  await page.getByLabel('測った時刻').fill('10:10');
  await page.click('[data-qa="health-temperature-save"]');
  await page.waitForSelector('[data-qa="form-errors"]');
  assert.match(await page.textContent('#t-temperature-error'), /34\.0〜42\.0/);
  await page.getByLabel('体温（℃）').fill('38.4');
  await page.click('[data-qa="health-temperature-save"]');
  await page.waitForSelector('[data-qa="health-done"]');
  assert.match(await page.textContent('[data-qa="health-fever"]'), /38\.4℃/);
  assert.match(await page.textContent('[data-qa="health-done"]'), /保護者にお知らせしました/);
  assert.equal(await page.textContent('[data-qa="health-told"]'), '保護者に通知済み');

  for (const [date, height, weight] of [['2026-06-01', '76.5', '9.4'], ['2026-12-01', '80.0', '10.2']]) {
    await page.fill('#g-date', date);
    await page.getByLabel('身長（cm）').fill(height);
    await page.getByLabel('体重（kg）').fill(weight);
    await page.click('[data-qa="health-growth-save"]');
    await page.waitForSelector('[data-qa="health-done"]');
  }
  assert.equal(await page.locator('.growth-chart circle').count(), 4);

  await page.getByLabel('病名').selectOption('influenza');
  await page.getByLabel('発症日').fill('2026-12-03');
  await page.click('[data-qa="health-illness-save"]');
  await page.waitForSelector('[data-qa="health-done"]');

  await page.getByLabel('アレルギー').fill('卵（加熱したものも不可）');
  await page.getByLabel('かかりつけ医').fill('さくら小児科');
  await page.click('[data-qa="health-record-save"]');
  await page.waitForSelector('[data-qa="health-allergies"]');
  await page.goto(page.url().replace(/[?#].*$/, ''));  // from the top, as the page opens
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `health-child-${width}`);
  }

  // The class's day: the child first with the fever measured here; the class warned, the child not named in it.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/3/notebook`);
  const first = page.locator('[data-qa="nb-row"]').first();
  assert.match(await first.textContent(), /森田 結菜/);
  assert.match(await first.textContent(), /園で発熱 38\.4℃（10:10）/);
  const warning = await page.textContent('[data-qa="health-warnings"]');
  assert.match(warning, /インフルエンザ 1人/);
  assert.doesNotMatch(warning, /森田/);
  await assertAccessible(page);
});

test('the family is told there is news, and reads the fever and the child\'s health signed in', async () => {
  const app = await familyPage(phone, server, 'nursery1@example.com');
  await app.goto(`${server.url}/family/inbox`);
  const item = app.locator('a[href^="/family/inbox/"]', { hasText: '森田 結菜さんの体調について' });
  await item.click();
  // The notice's text (as the mail's) does not say what it is; the page, signed in, does.
  assert.doesNotMatch(await app.textContent('[data-qa="notice-body"]'), /38|熱/);
  assert.equal(await app.textContent('[data-qa="notice-reading"]'), '園で発熱 38.4℃（10:10）');
  await app.click('[data-qa="notice-health"]');
  await app.waitForSelector('[data-qa="health-fever"]');
  assert.match(await app.textContent('[data-qa="health-allergies"]'), /卵/);
  assert.equal(await app.locator('.growth-chart circle').count(), 4);
  for (const [width, height] of WIDTHS) {
    await app.setViewportSize({ width, height });
    await assertLaidOut(app);
    await assertAccessible(app);
    await assertLooksLikeReference(app, `family-health-${width}`);
  }
});
