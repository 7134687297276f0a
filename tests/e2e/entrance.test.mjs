// A nursery's entrance in Chromium: a guardian opens the family pass on a phone, the entrance tablet reads its QR
// code (here decoded from the phone's screen by zbarimg and typed as a USB reader types it), the guardian records
// both children's drop-off in one go, and at pick-up names the grandmother from the children's lists. The PIN pad
// says so when a PIN is wrong. The pass page and the tablet at a phone's, a tablet's and a desk's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, familyPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let phone;   // the guardian's
let tablet;  // by the nursery's door
let manager;

before(async () => {
  // Friday 4 December 2026, 08:05 in Tokyo.
  server = await startServer({ sites: 3, children: 30, plans: true, clock: '2026-12-03T23:05:00Z' });
  phone = await launchPhone();
  tablet = await launchPhone();
  manager = new Client(server.url);
  await manager.signIn('manager3');
});

after(async () => {
  await phone?.close();
  await tablet?.close();
  await server?.stop();
});

// The QR code on the phone's screen, as a camera would read it.
async function readPass(page) {
  const shot = await page.locator('[data-qa="pass-image"]').screenshot();
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-pass-'));
  try {
    writeFileSync(join(dir, 'pass.png'), shot);
    const r = spawnSync('zbarimg', ['--raw', '-q', join(dir, 'pass.png')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `zbarimg found no code: ${r.stderr}`);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function typeAsReader(page, payload) {
  await page.keyboard.type(payload);
  await page.keyboard.press('Enter');
}

// The pass page with what changes from run to run (the code and the PIN) hidden, for the reference screenshots.
async function hideSecrets(page) {
  await page.evaluate(() => {
    document.querySelector('[data-qa="pass-image"]').style.visibility = 'hidden';
    document.querySelector('[data-qa="pin"]').style.visibility = 'hidden';
  });
}

async function childDay(id) {
  return (await manager.get(`/children/${id}/attendance`)).text;
}

test('a guardian records both children with the family pass, and at pick-up names the grandmother', async () => {
  // The entrance tablet, paired by the nursery's manager.
  await manager.get('/sites/3/kiosks');
  const made = await manager.post('/sites/3/kiosks', { name: '玄関' });
  const code = made.text.match(/data-qa="pairing-code">([A-Z2-9-]+)</)[1];
  const kiosk = await tablet.context.newPage();
  const errors = [];
  kiosk.on('console', (m) => { if (m.type() === 'error' && !/status of (422)/.test(m.text())) errors.push(m.text()); });
  kiosk.on('pageerror', (e) => errors.push(String(e)));
  await kiosk.goto(`${server.url}/kiosk`);
  await kiosk.fill('#pair-code', code);
  await kiosk.click('[data-qa=kiosk-pair]');
  await kiosk.waitForSelector('#kiosk[data-ready="true"]');
  for (const [width, height] of WIDTHS) {
    await kiosk.setViewportSize({ width, height });
    assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /QRコード/);
    await assertLaidOut(kiosk);
    await assertAccessible(kiosk);
    await assertLooksLikeReference(kiosk, `entrance-ready-${width}`);
  }
  await kiosk.setViewportSize({ width: 768, height: 1024 });

  // The guardian's phone: the family home leads to the pass.
  const app = await familyPage(phone, server, 'nursery1@example.com');
  await app.click('[data-qa="pass-link"]');
  await app.waitForURL(/\/family\/pass$/);
  assert.match(await app.textContent('[data-qa="pass-children"]'), /森田 陽向/);
  assert.match(await app.textContent('[data-qa="pin"]'), /^\d{3} \d{3}$/);
  for (const [width, height] of WIDTHS) {
    await app.setViewportSize({ width, height });
    // The code is on the first screen, above anything to read.
    const box = await app.locator('[data-qa="pass-image"]').boundingBox();
    assert.ok(box.y + box.height <= height, `the code is below the fold at ${width}px`);
    await assertLaidOut(app);
    await assertAccessible(app);
    await hideSecrets(app);
    await assertLooksLikeReference(app, `family-pass-${width}`);
    await app.reload();
    await app.click('[data-qa="pin-box"] summary');  // the PIN, opened, laid out too
    await assertLaidOut(app);
    await assertAccessible(app);
    await app.reload();
  }
  await app.setViewportSize({ width: 360, height: 740 });

  // Drop-off: the tablet reads the code and offers both children for 登園.
  const pass = await readPass(app);
  assert.match(pass, /^TDF1-\d+-\d+-[A-Z2-7]{16}$/);
  await typeAsReader(kiosk, pass);
  await kiosk.waitForSelector('[data-qa="kiosk-family"]:not([hidden])');
  assert.match(await kiosk.textContent('[data-qa="family-hello"]'), /森田 由美 さん/);
  const offered = await kiosk.textContent('[data-qa="family-children"]');
  assert.match(offered, /森田 陽向.*登園/s);
  assert.match(offered, /森田 結菜.*登園/s);
  assert.equal(await kiosk.isHidden('.kiosk-pickup'), true, 'nobody is asked who picks up at drop-off');
  await assertLaidOut(kiosk);
  await assertAccessible(kiosk);
  await assertLooksLikeReference(kiosk, 'entrance-family-in-768');
  await kiosk.click('[data-qa="family-confirm"]');
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="in"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /おはようございます/);
  const lines = await kiosk.textContent('[data-qa="kiosk-lines"]');
  assert.match(lines, /森田 陽向　登園 08:05/);
  assert.match(lines, /森田 結菜　登園 08:05/);
  await assertAccessible(kiosk);
  const ids = [...(await manager.get('/children?site_id=3&q=もりた')).text.matchAll(/href="\/children\/(\d+)"/g)]
    .map((m) => m[1]);
  assert.ok(ids.length >= 2);
  for (const id of new Set(ids)) assert.match(await childDay(id), /保護者：森田 由美/);

  // The same code shown again (a photo of the phone): refused.
  await typeAsReader(kiosk, pass);
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="error"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /使用済み/);

  // Pick-up at 16:40: the phone's page shows a fresh code; the tablet offers 降園 and asks who picks up.
  server.setClock('2026-12-04T07:40:00Z');
  await app.reload();
  await typeAsReader(kiosk, await readPass(app));
  await kiosk.waitForSelector('[data-qa="kiosk-family"]:not([hidden])');
  assert.match(await kiosk.textContent('[data-qa="family-children"]'), /降園/);
  await kiosk.waitForSelector('.kiosk-pickup:not([hidden])');
  const choices = await kiosk.textContent('[data-qa="family-pickup"]');
  assert.match(choices, /森田 由美（ご本人）/);
  assert.match(choices, /森田 和子（祖母）/);
  await assertLaidOut(kiosk);
  await assertAccessible(kiosk);
  await kiosk.getByLabel('森田 和子（祖母）').check();
  await assertLooksLikeReference(kiosk, 'entrance-family-out-768');
  await kiosk.click('[data-qa="family-confirm"]');
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="out"]');
  assert.match(await kiosk.textContent('[data-qa="kiosk-lines"]'), /降園 16:40/);
  await manager.signIn('manager3');  // the morning's session has timed out since
  for (const id of new Set(ids)) assert.match(await childDay(id), /お迎え：森田 和子（祖母）/);
  assert.deepEqual(errors, []);
});

test('a wrong PIN on the pad is told in words, and the right one opens the family', async () => {
  const kiosk = tablet.context.pages().find((p) => p.url().endsWith('/kiosk'));
  const app = phone.context.pages().find((p) => p.url().endsWith('/family/pass'));
  const pin = (await app.textContent('[data-qa="pin"]')).replace(/\s/g, '');
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="ready"]', { timeout: 15000 });
  await kiosk.click('[data-qa="kiosk-pin"]');
  await kiosk.waitForSelector('[data-qa="kiosk-pin-pad"]:not([hidden])');
  await assertAccessible(kiosk);
  const wrong = pin === '000000' ? '111111' : '000000';
  for (const d of wrong) await kiosk.click(`.kiosk-keys button[data-key="${d}"]`);
  await kiosk.click('[data-qa="kiosk-pin-ok"]');
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="error"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /暗証番号が違います/);
  await kiosk.click('[data-qa="kiosk-pin"]');
  await kiosk.fill('[data-qa="kiosk-pin-input"]', pin);
  await kiosk.click('[data-qa="kiosk-pin-ok"]');
  await kiosk.waitForSelector('[data-qa="kiosk-family"]:not([hidden])');
  assert.match(await kiosk.textContent('[data-qa="family-hello"]'), /森田 由美 さん/);
  await kiosk.click('[data-qa="family-cancel"]');
  assert.equal(await kiosk.isHidden('[data-qa="kiosk-family"]'), true);
});
