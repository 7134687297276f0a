// The contact notebook in Chromium: a guardian writes the home side on a phone (a fever and medicine), the class's
// staff see that child first on a tablet, fill in the class's lunch and the day for three children at once with a
// photo of the outing, complete the one-year-old's page, publish, and the guardian reads it with the photo. The pages at a phone's, a tablet's and a desk's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, familyPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let phone;
let tablet;

before(async () => {
  // Friday 4 December 2026, 07:30 in Tokyo.
  server = await startServer({ sites: 3, children: 30, plans: true, clock: '2026-12-03T22:30:00Z' });
  phone = await launchPhone();
  tablet = await launchPhone();
});

after(async () => {
  await phone?.close();
  await tablet?.close();
  await server?.stop();
});

// A picture drawn by the browser (shapes, never a person), as the JPEG a phone's camera would hand over.
async function drawnJpeg(page) {
  const data = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1600;
    c.height = 1200;
    const g = c.getContext('2d');
    g.fillStyle = '#8fc1e3';
    g.fillRect(0, 0, 1600, 1200);
    g.fillStyle = '#5a9e4b';
    g.fillRect(0, 800, 1600, 400);
    g.fillStyle = '#f2c14e';
    g.beginPath();
    g.arc(1300, 250, 140, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/jpeg', 0.85);
  });
  return { name: 'IMG_0412.JPG', mimeType: 'image/jpeg', buffer: Buffer.from(data.split(',')[1], 'base64') };
}

// Every photo shown on the page was decoded by the browser (not a broken image).
async function photosDecoded(page) {
  const sizes = await page.$$eval('img[data-qa="nb-photo"]', (imgs) =>
    Promise.all(imgs.map((i) => i.decode().then(() => i.naturalWidth, () => 0))));
  assert.ok(sizes.length > 0, 'no photo on the page');
  for (const w of sizes) assert.ok(w > 0, 'a photo did not decode');
  return sizes;
}

async function looks(page, name) {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `${name}-${width}`);
  }
}

test('the family writes the home side, staff fill in the class and publish, the family reads it', async () => {
  // The guardian, before drop-off.
  const app = await familyPage(phone, server, 'nursery1@example.com');
  const older = await app.getAttribute('[data-qa="notebook-link"] >> nth=0', 'href');
  await app.goto(server.url + older);
  await looks(app, 'family-notebook-form');
  await app.setViewportSize({ width: 360, height: 740 });
  // A typing mistake first: 45 °C is refused with the reason, and nothing is sent.
  await app.fill('#temperature', '45');
  await app.fill('#temperature_time', '07:10');
  await app.click('[data-qa="nb-home-send"]');
  await app.waitForSelector('[data-qa="form-errors"]');
  assert.match(await app.textContent('#temperature-error'), /34\.0〜42\.0/);
  await app.fill('#temperature', '37.8');
  await app.fill('#bed_time', '20:30');
  await app.fill('#wake_time', '06:30');
  await app.getByLabel('半分', { exact: true }).check();
  await app.fill('#medicine', '咳止め（昼食後）');
  await app.click('[data-qa="nb-home-send"]');
  await app.waitForSelector('[data-qa="nb-saved"]');
  await assertAccessible(app);

  // The class's tablet: the feverish child first, flagged.
  const staff = new Client(server.url);
  await staff.signIn('staff3');
  await tablet.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const board = await tablet.context.newPage();
  await board.goto(`${server.url}/sites/3/notebook`);
  const first = board.locator('[data-qa="nb-row"]').first();
  assert.match(await first.textContent(), /森田 陽向/);
  assert.match(await first.textContent(), /発熱 37\.8℃/);
  assert.match(await first.textContent(), /薬あり/);
  await looks(board, 'notebook-class');
  await board.setViewportSize({ width: 768, height: 1024 });

  // Lunch, snack and the day for three children at once: both 森田 children and the next on the list.
  const rows = board.locator('[data-qa="nb-row"]');
  await rows.filter({ hasText: '森田 陽向' }).locator('[data-qa="nb-pick"]').check();
  await rows.filter({ hasText: '森田 結菜' }).locator('[data-qa="nb-pick"]').check();
  await rows.filter({ hasNotText: '森田' }).first().locator('[data-qa="nb-pick"]').check();
  const bulk = board.locator('[data-qa="nb-bulk"]');
  await bulk.getByRole('group', { name: '昼食' }).getByLabel('完食', { exact: true }).check();
  await bulk.getByRole('group', { name: 'おやつ' }).getByLabel('ほぼ完食', { exact: true }).check();
  await board.fill('#bulk-episode', 'みんなで公園に行き、どんぐりを拾いました。');
  await board.setInputFiles('#bulk-photos', await drawnJpeg(board));
  await board.click('[data-qa="nb-bulk-save"]');
  await board.waitForSelector('[data-qa="nb-bulk-done"]');
  assert.match(await board.textContent('[data-qa="nb-bulk-done"]'), /3人/);
  // The one photo is on the three pages.
  assert.equal(await board.locator('[data-qa="nb-photo-count"]').count(), 3);
  // Publishing them: the one-year-old still lacks what is required under three, and is named.
  for (const name of ['森田 陽向', '森田 結菜']) await rows.filter({ hasText: name }).locator('[data-qa="nb-pick"]').check();
  await rows.filter({ hasNotText: '森田' }).first().locator('[data-qa="nb-pick"]').check();
  await board.click('[data-qa="nb-bulk-publish"]');
  await board.waitForSelector('[data-qa="nb-bulk-skipped"]');
  assert.match(await board.textContent('[data-qa="nb-bulk-skipped"]'), /森田 結菜/);

  // The one-year-old's page: the nap, bowel movements and mood, then publish.
  await rows.filter({ hasText: '森田 結菜' }).getByRole('link').click();
  await board.waitForSelector('[data-qa="nb-nursery-form"]');
  assert.equal(await board.inputValue('#episode'), 'みんなで公園に行き、どんぐりを拾いました。');
  await board.fill('#nap_start', '12:30');
  await board.fill('#nap_end', '14:40');
  await board.fill('#bowel_count', '1');
  await board.locator('[data-qa="nb-nursery-form"] fieldset', { hasText: '排便' }).getByLabel('普通', { exact: true }).check();
  await board.locator('[data-qa="nb-nursery-form"] fieldset', { hasText: '機嫌' }).getByLabel('良い', { exact: true }).check();
  await board.click('[data-qa="nb-nursery-save"]');
  await board.waitForSelector('[data-qa="nb-saved"]');
  // The outing's photo is on this page too, as a thumbnail the tablet decoded (at most 320 px).
  const [thumb] = await photosDecoded(board);
  assert.ok(thumb <= 320, `thumbnail ${thumb} px wide`);
  await looks(board, 'notebook-child');
  await board.click('[data-qa="nb-publish"]');
  await board.waitForSelector('[data-qa="nb-published"]');

  // The guardian reads the older child's page (published with the class).
  await app.goto(server.url + older);
  assert.match(await app.textContent('[data-qa="nb-nursery"]'), /どんぐりを拾いました/);
  assert.match(await app.textContent('[data-qa="nb-nursery"]'), /完食/);
  // The outing's photo, sized for the phone (the longer side 1280 px) and decoded.
  assert.deepEqual(await photosDecoded(app), [1280]);
  await assertAccessible(app);
  await assertLooksLikeReference(app, 'family-notebook-read-360');
});
