// The kiosk and the live roster in Chromium: a kiosk paired with a code, scans typed as a USB reader types them
// (the payload and Enter, with no field focused), scans kept in IndexedDB while offline and sent in scan order when
// the network returns, and a wall-screen roster in a second browser that changes without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, run } from '../support/server.mjs';
import { launchPhone, assertAccessible } from '../support/browser.mjs';

let server;
let door;   // the tablet by the door
let wall;   // the staff room's screen
let manager;
let children;
const cards = new Map();

before(async () => {
  server = await startServer({ sites: 2, children: 24 });
  door = await launchPhone();
  wall = await launchPhone();
  manager = new Client(server.url);
  await manager.signIn('manager1');
  const list = await manager.get('/children?site_id=1');
  children = [...new Set([...list.text.matchAll(/href="\/children\/(\d+)"/g)].map((m) => m[1]))].slice(0, 7);
  for (const id of children) {
    const r = run(['card', 'show', '--child', id], server.env);
    assert.equal(r.status, 0, r.stderr);
    cards.set(id, r.stdout.trim());
  }
});

after(async () => {
  await door?.close();
  await wall?.close();
  await server?.stop();
});

// What the roster says of a child, read by staff over HTTP (not from the page under test).
async function dayOf(id) {
  const page = await manager.get(`/children/${id}/attendance`);
  return page.text;
}

async function scan(page, payload) {
  await page.keyboard.type(payload);
  await page.keyboard.press('Enter');
}

test('a kiosk pairs with a code, scans typed by a USB reader, and the roster on the wall follows without a reload', async () => {
  // The manager makes a code on the Kiosks page.
  await manager.get('/sites/1/kiosks');
  const made = await manager.post('/sites/1/kiosks', { name: '正面玄関' });
  const code = made.text.match(/data-qa="pairing-code">([A-Z2-9-]+)</)[1];

  const kiosk = await door.context.newPage();
  const errors = [];
  kiosk.on('console', (m) => { if (m.type() === 'error' && !/status of (422)/.test(m.text())) errors.push(m.text()); });
  kiosk.on('pageerror', (e) => errors.push(String(e)));
  await kiosk.goto(`${server.url}/kiosk`);
  await assertAccessible(kiosk);
  await kiosk.fill('#pair-code', 'XXXX-XXXX');
  await kiosk.click('[data-qa=kiosk-pair]');
  assert.match(await kiosk.textContent('#pair-error'), /登録コードが正しくありません/);
  await kiosk.fill('#pair-code', code.toLowerCase());
  await kiosk.click('[data-qa=kiosk-pair]');
  await kiosk.waitForSelector('#kiosk[data-ready="true"]');
  assert.match(await kiosk.textContent('h1'), /./);
  await assertAccessible(kiosk);

  // The wall screen: a staff member's roster.
  const staff = new Client(server.url);
  await staff.signIn('staff1');
  await wall.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const roster = await wall.context.newPage();
  await roster.goto(`${server.url}/sites/1/roster`);
  await roster.waitForSelector('#roster[data-live="open"]');
  await assertAccessible(roster);
  await roster.evaluate(() => { window.notReloaded = true; });
  const first = children[0];
  assert.equal(await roster.getAttribute(`tr[data-child="${first}"]`, 'data-state'), 'not_arrived');
  const before = Number(await roster.textContent('[data-count="in"]'));

  // A USB reader types the payload and Enter; nothing is focused.
  await scan(kiosk, cards.get(first));
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="in"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /おかえりなさい/);
  assert.notEqual((await kiosk.textContent('[data-qa=kiosk-name]')).trim(), '');
  assert.notEqual((await kiosk.textContent('[data-qa=kiosk-name] rt')).trim(), '', 'the name has its reading above it');
  assert.match(await kiosk.textContent('[data-qa=kiosk-mark]'), /入室/);
  await assertAccessible(kiosk);

  // The roster changes by itself.
  await roster.waitForSelector(`tr[data-child="${first}"][data-state="in"]`);
  assert.equal(Number(await roster.textContent('[data-count="in"]')), before + 1);
  assert.equal(await roster.evaluate(() => window.notReloaded), true);

  // The same card again at once: already recorded.
  await scan(kiosk, cards.get(first));
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="already"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /にゅうしつは もう きろくしました/, 'a repeat says which it was');
  // The screen returns to waiting by itself: the next child does not see this one's name.
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="ready"]', { timeout: 15000 });
  assert.equal((await kiosk.textContent('[data-qa=kiosk-name]')).trim(), '');

  // A card that is not ours.
  await scan(kiosk, 'TD1-999-AAAAAAAAAAAAAAAA');
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="error"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /読み取れません/);
  assert.deepEqual(errors, []);
});

test('offline, three scans wait in the browser with their times and are recorded when the network returns', async () => {
  const kiosk = door.context.pages().find((p) => p.url().endsWith('/kiosk'));
  const roster = wall.context.pages().find((p) => p.url().includes('/roster'));
  const three = children.slice(1, 4);
  // The kiosk keeps its site's names on the device, to name a child while offline.
  await kiosk.waitForSelector('#kiosk[data-names]', { state: 'attached' });
  assert.ok(Number(await kiosk.getAttribute('#kiosk', 'data-names')) >= children.length);
  const childPage = await manager.get(`/children/${three[2]}`);
  const lastName = childPage.text.match(/data-qa="child-name">([^<]+)/)[1].trim();
  await door.context.setOffline(true);
  const times = [];
  for (const id of three) {
    times.push(new Date());
    await scan(kiosk, cards.get(id));
    await kiosk.waitForSelector(`[data-qa=kiosk-queue][data-count="${times.length}"]`);
  }
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /つながっていません/);
  assert.equal((await kiosk.textContent('[data-qa=kiosk-name] ruby')).startsWith(lastName), true,
    'offline, the screen still names the child');
  assert.match(await kiosk.textContent('[data-qa=kiosk-queue]'), /送信待ち：3件/);
  for (const id of three) assert.match(await dayOf(id), /この日の記録はありません/);

  await door.context.setOffline(false);
  await kiosk.waitForSelector('[data-qa=kiosk-queue][data-count="0"]', { state: 'attached' });
  // Recorded, each at the time it was scanned (Tokyo time, to the minute), and on the wall.
  for (let i = 0; i < three.length; i += 1) {
    const hhmm = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false })
      .format(times[i]);
    const text = await dayOf(three[i]);
    assert.doesNotMatch(text, /この日の記録はありません/);
    assert.ok(text.includes(hhmm), `the entry of ${three[i]} at ${hhmm}`);
    await roster.waitForSelector(`tr[data-child="${three[i]}"][data-state="in"]`);
  }
});

test('a dropped connection: the roster catches up with what happened while it was away', async () => {
  const roster = wall.context.pages().find((p) => p.url().includes('/roster'));
  const id = children[4];
  // A second kiosk, made by the operator command, scanning through the API with its credential.
  const credential = run(['kiosk', 'create', '--site', '1', '--name', 'api'], server.env).stdout.trim();
  // The server restarts: the roster's stream ends and it waits to reconnect.
  await server.restart(() => roster.waitForSelector('#roster[data-live="reconnecting"]'));
  const res = await fetch(`${server.url}/api/v1/kiosk/scans`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ card: cards.get(id), scan_id: 'catch-up-1', scanned_at: new Date().toISOString() }),
  });
  assert.equal(res.status, 201);
  await roster.waitForSelector(`tr[data-child="${id}"][data-state="in"]`);
  await roster.waitForSelector('#roster[data-live="open"]');
  assert.equal(await roster.evaluate(() => window.notReloaded), true);
});

test('a revoked kiosk stops at once and says so', async () => {
  const kiosk = door.context.pages().find((p) => p.url().endsWith('/kiosk'));
  const list = await manager.get('/sites/1/kiosks');
  const id = list.text.match(/action="\/kiosks\/(\d+)\/revoke"/)[1];
  assert.equal((await manager.post(`/kiosks/${id}/revoke`, {})).status, 303);
  await scan(kiosk, cards.get(children[5]));
  await kiosk.waitForSelector('[data-qa=kiosk-result][data-state="error"]');
  assert.match(await kiosk.textContent('[data-qa=kiosk-direction]'), /取り消されました/);
  assert.match(await dayOf(children[5]), /この日の記録はありません/);
  // and forgets the names it kept
  await kiosk.waitForSelector('#kiosk[data-names="0"]', { state: 'attached' });
  await kiosk.reload();
  await kiosk.waitForSelector('[data-qa=kiosk-revoked]');
});

// A video of the printed card for Chromium's fake camera: the card's PDF rasterised in grey (pdftoppm), centred on
// a white 640×480 frame, as a one-frame YUV4MPEG2 file (Y = the grey image, U = V = 128), which Chromium loops.
async function cardVideo(id, dir) {
  const res = await fetch(`${server.url}/children/${id}/card.pdf`, { headers: { cookie: manager.cookieHeader() } });
  assert.equal(res.status, 200);
  writeFileSync(join(dir, 'card.pdf'), Buffer.from(await res.arrayBuffer()));
  execFileSync('pdftoppm', ['-r', '150', '-gray', '-singlefile', join(dir, 'card.pdf'), join(dir, 'card')]);
  const pgm = readFileSync(join(dir, 'card.pgm'));
  const [, w, h] = pgm.toString('latin1', 0, 40).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/).map(Number);
  const offset = pgm.length - w * h;
  const W = 640;
  const H = 480;
  const y = Buffer.alloc(W * H, 255);
  const left = Math.floor((W - w) / 2);
  const top = Math.floor((H - h) / 2);
  for (let row = 0; row < h; row += 1) pgm.copy(y, (top + row) * W + left, offset + row * w, offset + (row + 1) * w);
  const file = join(dir, 'card.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y,
    Buffer.alloc((W / 2) * (H / 2) * 2, 128)]));
  return file;
}

test('the tablet camera reads a card held up to it (zxing-wasm served by the server)', async () => {
  const id = children[6];
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-camera-'));
  const video = await cardVideo(id, dir);
  const camera = await launchPhone({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`] });
  try {
    await camera.context.grantPermissions(['camera'], { origin: server.url });
    const credential = run(['kiosk', 'create', '--site', '1', '--name', 'camera'], server.env).stdout.trim();
    await camera.context.addCookies([{ name: 'tadaima_kiosk', value: credential, url: server.url }]);
    const page = await camera.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const fetched = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.goto(`${server.url}/kiosk`);
    await page.waitForSelector('#kiosk[data-ready="true"]');
    await page.click('[data-qa=kiosk-camera]');
    await page.waitForSelector('[data-qa=kiosk-result][data-state="in"]');
    assert.notEqual((await page.textContent('[data-qa=kiosk-name]')).trim(), '');
    assert.doesNotMatch(await dayOf(id), /この日の記録はありません/);
    // Everything came from this server: the decoder's script and its WebAssembly too.
    assert.ok(fetched.some((u) => /zxing_reader\.[0-9a-f]+\.wasm$/.test(u)), 'the wasm was fetched from the server');
    assert.deepEqual(fetched.filter((u) => !u.startsWith(server.url)), []);
    assert.deepEqual(errors, []);
  } finally {
    await camera.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
