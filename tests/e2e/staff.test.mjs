// Browser tests: Debian's Chromium driven by playwright-core through real flows, with axe-core on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, totp } from '../support/server.mjs';
import { launchPhone, assertAccessible as axeCheck, assertLaidOut } from '../support/browser.mjs';

let server;
let phone;
let context;
const checked = new Set();

before(async () => {
  server = await startServer({ sites: 3, children: 60 });
  phone = await launchPhone();
  ({ context } = phone);
});

after(async () => {
  await phone?.close();
  await server?.stop();
});

async function assertAccessible(page) {
  checked.add(await axeCheck(page));
}

test('a manager signs in, registers a child, finds it by a kana search, on a small phone', async () => {
  const page = await context.newPage();
  const errors = [];
  // Console errors other than the expected 401 and 422 answers (a CSP violation would be one).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) errors.push(m.text());
  });

  await page.goto(`${server.url}/children`);
  assert.match(page.url(), /\/login\?next=%2Fchildren$/);
  await assertAccessible(page);
  await page.fill('#login_id', 'manager1');
  await page.fill('#password', 'wrong password');
  await page.click('[data-qa=login-submit]');
  assert.match(await page.textContent('[data-qa=login-error]'), /ログインIDまたはパスワードが正しくありません/);
  await assertAccessible(page);
  await page.fill('#password', 'tadaima-demo');
  await page.click('[data-qa=login-submit]');
  // A site manager sets up the second factor at the first sign-in, with an authenticator app: here, its math.
  await page.waitForURL(/\/mfa\/setup\?next=%2Fchildren$/);
  await assertAccessible(page);
  assert.ok(await page.isVisible('.qr svg'), 'the QR code is shown');
  const secret = (await page.textContent('[data-qa=totp-secret]')).replace(/ /g, '');
  await page.fill('#code', '000000');
  await page.click('[data-qa=mfa-setup-submit]');
  assert.match(await page.textContent('[data-qa=mfa-error]'), /コードが正しくありません/);
  await page.fill('#code', totp(secret, Math.floor(Date.now() / 30000)));
  await page.click('[data-qa=mfa-setup-submit]');
  await page.waitForSelector('[data-qa=recovery-codes]');
  assert.equal(await page.locator('[data-qa=recovery-codes] li').count(), 10);
  await assertAccessible(page);
  await page.click('[data-qa=mfa-continue]');
  await page.waitForURL(/\/children$/);
  await assertAccessible(page);

  await page.click('[data-qa=new-child]');
  await page.waitForURL(/\/children\/new/);
  await assertAccessible(page);
  // A first try with a kana mistake: the error appears beside the field, and the input is kept.
  await page.fill('#family_name', '渡邉');
  await page.fill('#given_name', 'さくら');
  await page.fill('#family_kana', 'watanabe');
  await page.fill('#given_kana', 'さくら');
  await page.fill('#birth_date', '2018-10-10');
  await page.selectOption('#grade', '2');
  await page.click('[data-qa=save]');
  assert.match(await page.textContent('#family_kana-error'), /ひらがなかカタカナで入力してください/);
  assert.equal(await page.getAttribute('#family_kana', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#family_name'), '渡邉');
  await assertAccessible(page);
  await page.fill('#family_kana', 'わたなべ');
  await page.check('input[name=group_id] >> nth=1');
  await page.click('[data-qa=save]');
  await page.waitForURL(/\/children\/\d+\?notice=saved$/);
  assert.equal(await page.textContent('[data-qa=child-name]'), '渡邉 さくら');
  assert.match(await page.textContent('[data-qa=notice]'), /保存しました/);
  await assertAccessible(page);

  // The search is typed in half-width katakana, as some keyboards and older systems produce it.
  await page.goto(`${server.url}/children`);
  await page.fill('[data-qa=child-search]', 'ﾜﾀﾅﾍﾞ ｻｸﾗ');
  await page.click('[data-qa=child-search-submit]');
  await page.waitForURL(/q=/);
  const table = await page.textContent('[data-qa=children-table]');
  assert.match(table, /渡邉 さくら/);
  assert.match(await page.textContent('[data-qa=result-count]'), /件数 1/);
  await assertAccessible(page);
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});

test('a manager imports a roster: checks the file, sees the errors by line, fixes it and applies it', async () => {
  const page = await context.newPage();  // manager1 is still signed in from the first test
  await page.goto(`${server.url}/sites/1`);
  await page.click('[data-qa=import-roster]');
  await page.waitForURL(/\/sites\/1\/import$/);
  await assertAccessible(page);
  const header = '児童番号,姓,名,せい,めい,生年月日,学年,グループ,保護者番号,保護者姓,保護者名,保護者せい,保護者めい,続柄,メール,電話\r\n';
  const upload = async (rows, mode) => {
    await page.setInputFiles('#file', { name: '名簿.csv', mimeType: 'text/csv', buffer: Buffer.from(header + rows) });
    await page.check(`input[type=radio][name=mode][value=${mode}]`);
    await page.click('[data-qa=import-submit]');
    await page.waitForSelector('[data-qa=import-report]');
  };
  await upload('E-1,取込,太郎,とりこみ,たろう,2019-02-30,1,1年生,,,,,,,,\r\n', 'check');
  assert.match(await page.textContent('[data-qa=import-errors]'), /2\s*生年月日/);
  await assertAccessible(page);
  await upload('E-1,取込,太郎,とりこみ,たろう,2019-02-28,1,1年生,,,,,,,,\r\n', 'check');
  assert.match(await page.textContent('[data-qa=import-children]'), /新規 1/);
  // The check names the child it adds; the same file is registered with one button, without choosing it again.
  assert.match(await page.textContent('[data-qa=import-child-changes]'), /E-1\s*取込 太郎\s*新規/);
  await assertAccessible(page);
  await assertLaidOut(page);
  await page.click('[data-qa=import-apply]');
  await page.waitForSelector('[data-qa=import-report]');
  assert.match(await page.textContent('#report-heading'), /登録しました/);
  await page.goto(`${server.url}/children?q=${encodeURIComponent('とりこみ')}`);
  assert.match(await page.textContent('[data-qa=children-table]'), /取込 太郎/);
  await page.close();
});

test('the staff pages are accessible in English too, by keyboard', async () => {
  await context.clearCookies();  // a new visitor, not the manager of the previous test
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.click('[data-qa=switch-language]');
  await page.waitForSelector('html[lang=en]');
  assert.match(page.url(), /\/login$/);
  // Sign in with the keyboard only.
  await page.focus('#login_id');
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type('tadaima-demo');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/mfa\/setup/);
  await assertAccessible(page);
  const secret = (await page.textContent('[data-qa=totp-secret]')).replace(/ /g, '');
  await page.focus('#code');
  await page.keyboard.type(totp(secret, Math.floor(Date.now() / 30000)));
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-qa=recovery-codes]');
  await assertAccessible(page);
  await page.focus('[data-qa=mfa-continue]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/`);
  for (const path of ['/', '/sites', '/sites/1', '/sites/1/edit', '/sites/1/groups/new', '/children',
    '/children/1', '/children/1/edit', '/guardians', '/guardians/1', '/guardians/1/edit',
    '/guardians/new?child_id=1', '/staff', '/staff/new', '/staff/2/edit', '/staff/1/edit', '/sites/1/import', '/sites/new', '/children/new', '/audit',
    '/counts', '/sites/1/register',
    '/no-such-page']) {
    await page.goto(server.url + path);
    await assertAccessible(page);
    await assertLaidOut(page);  // on a 360 px phone: no sideways scrolling, no word a character per line
  }
  assert.match(await page.textContent('h1'), /We could not complete that/);
  await page.close();
});

test('axe ran on every kind of page', () => {
  assert.ok(checked.size >= 15, `only ${checked.size} pages checked`);
});
