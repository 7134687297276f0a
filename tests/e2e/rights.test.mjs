// Browser tests of the pages the rules over time and across sites changed, at a phone's, a tablet's and a desk's
// width: a child's page as the site it left sees it, the children list with those who left, a staff account that
// also works at another site as its manager there sees it, and one's own password. Each page is axe-clean, never
// wider than the screen, and saved as a screenshot under test-results/ to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, assertAccessible, assertLaidOut } from '../support/browser.mjs';

let server;
let browser;
let moved;  // a child of site 2 who moved to site 1 today
const WIDTHS = [360, 768, 1366];

function sql(statement) {
  // Waits for the running server's write (its start-up sweep) rather than failing at once on a locked database.
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', server.env.TADAIMA_DB, statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Tokyo's date, n days from today.
function tokyoDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer({ sites: 2, children: 24 });
  browser = await launchPhone();
  // The move, as the city office records it: site 2's placement ends yesterday, site 1's starts today.
  moved = Number(sql("SELECT MIN(child_id) FROM child_placement WHERE site_id = 2"));
  sql(`UPDATE child_placement SET end_date = '${tokyoDate(-1)}' WHERE child_id = ${moved};
       INSERT INTO child_placement (child_id, site_id, start_date, created_at) VALUES (${moved}, 1, '${tokyoDate()}', '2026-01-01T00:00:00.000Z');`);
  // staff1 also works at site 2 now.
  sql(`INSERT INTO staff_role (user_id, site_id, role, created_at) SELECT id, 2, 'staff', '2026-01-01T00:00:00.000Z' FROM staff_user WHERE login_id = 'staff1'`);
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A page in a fresh tab signed in as `login`, at each width: axe, no sideways scrolling, a screenshot.
async function lookAt(login, path, name, check) {
  const c = new Client(server.url);
  await c.signIn(login);
  await browser.context.clearCookies();
  await browser.context.addCookies([...c.cookies].map(([k, v]) => ({ name: k, value: v, url: server.url })));
  const page = await browser.context.newPage();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
    const res = await page.goto(server.url + path);
    assert.equal(res.status(), 200, `${path} as ${login}`);
    await check(page);
    await assertAccessible(page);
    await assertLaidOut(page);  // no sideways scrolling, no name broken a character per line
    await page.screenshot({ path: `test-results/rights-${name}-${width}.png`, fullPage: true });
  }
  await page.close();
}

test('the site a child left sees its own record of the child, and nothing of the family or where it went', async () => {
  const newSite = sql('SELECT name FROM site WHERE id = 1');
  const guardian = sql(`SELECT g.family_name || ' ' || g.given_name FROM guardian g JOIN guardian_child gc ON gc.guardian_id = g.id WHERE gc.child_id = ${moved} LIMIT 1`);
  await lookAt('staff2', `/children/${moved}`, 'former-site-child', async (page) => {
    assert.ok(await page.isVisible('[data-qa=child-history]'));
    const text = await page.textContent('main');
    assert.ok(!text.includes(newSite), 'the new site is not named');
    assert.ok(!text.includes(guardian), 'the guardians are not shown');
    assert.equal(await page.locator('[data-qa=edit-child]').count(), 0);
  });
  await lookAt('staff2', '/children?former=1', 'former-site-list', async (page) => {
    assert.ok(await page.isChecked('input[name=former]'));
    assert.ok((await page.textContent('[data-qa=children-table]')).includes('退所'));
  });
});

test('a manager sees only the roles at their own site of an account that also works elsewhere', async () => {
  const staff1 = sql("SELECT id FROM staff_user WHERE login_id = 'staff1'");
  await lookAt('manager1', `/staff/${staff1}/edit`, 'roles-only', async (page) => {
    assert.ok(await page.isVisible('[data-qa=roles-only]'));
    assert.equal(await page.locator('#password').count(), 0, 'no password field');
    assert.equal(await page.locator('[data-qa=end-sessions]').count(), 0);
    assert.equal(await page.locator('select[name=role_1]').count(), 1);
    assert.equal(await page.locator('select[name=role_2]').count(), 0, 'not the other site');
  });
});

test('staff change their own password from their home page', async () => {
  await lookAt('staff1', '/', 'home', async (page) => {
    assert.ok(await page.isVisible('[data-qa=own-password]'));
  });
  await lookAt('staff1', '/account/password', 'own-password', async (page) => {
    assert.ok(await page.isVisible('[data-qa=own-password-form]'));
  });
  // And the change itself, with a wrong current password first.
  const c = new Client(server.url);
  await c.signIn('staff2');
  await browser.context.clearCookies();
  await browser.context.addCookies([...c.cookies].map(([k, v]) => ({ name: k, value: v, url: server.url })));
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.url}/account/password`);
  await page.fill('#current_password', 'not my password');
  await page.fill('#new_password', 'a new passphrase for staff two');
  await page.fill('#confirm_password', 'a new passphrase for staff two');
  await page.click('[data-qa=own-password-submit]');
  assert.match(await page.textContent('#current_password-error'), /今のパスワードが違います/);
  await assertAccessible(page);
  await page.fill('#current_password', 'tadaima-demo');
  await page.fill('#new_password', 'a new passphrase for staff two');
  await page.fill('#confirm_password', 'a new passphrase for staff two');
  await page.click('[data-qa=own-password-submit]');
  await page.waitForURL(/\/login\?notice=password_changed$/);
  assert.match(await page.textContent('main'), /パスワードを変更しました/);
  await page.close();
});
