// The city office erases a child on a family's request: the form, a preview that names the child and counts what
// will go, a refusal until the box is ticked, then the erasure and its certificate — the PDF served, the signed
// JSON checked by `tadaima erase verify` — while the child is gone from the children's list. The form and the
// preview at a phone's, a tablet's and a desk's width, axe-core clean, against committed reference screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, run } from '../support/server.mjs';
import { launchPhone, signedInPage, assertAccessible, assertLaidOut, assertLooksLikeReference } from '../support/browser.mjs';

const WIDTHS = [[360, 740], [768, 1024], [1366, 768]];
let server;
let browser;
let page;
let admin;

before(async () => {
  server = await startServer({ sites: 2, children: 20, clock: '2026-12-03T07:30:00Z' });
  browser = await launchPhone();
  ({ client: admin, page } = await signedInPage(browser, server, 'admin'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const preview = '/erasures/preview?scope=child&id=5&request=' + encodeURIComponent('受付 2026-0042');

test('the form and the preview at three widths', async () => {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/erasures`);
    await page.waitForSelector('[data-qa="erasure-form"]');
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `erasure-form-${width}`);
    await page.goto(`${server.url}${preview}`);
    await page.waitForSelector('[data-qa="erasure-confirm"]');
    await assertLaidOut(page);
    await assertAccessible(page);
    await assertLooksLikeReference(page, `erasure-preview-${width}`);
  }
});

test('a wrong number is said so, and nothing is erased without the box ticked', async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/erasures`);
  await page.fill('#erasure-id', '99999');
  await page.fill('#erasure-request', 'R-1');
  await page.click('[data-qa="erasure-preview"]');
  assert.match(await page.textContent('#erasure-id-error'), /この番号の記録はありません/);
  await assertAccessible(page);
  await page.goto(`${server.url}${preview}`);
  const name = (await page.textContent('[data-qa="erasure-children"] strong')).trim();
  assert.ok(name.length > 1, 'the child is named for the admin to recognise');
  await page.click('[data-qa="erasure-submit"]');
  await page.waitForSelector('#confirm-error');
  assert.match((await admin.get('/children?q=' + encodeURIComponent(name))).text, /href="\/children\/5"/);
});

test('ticked, the child is erased and the certificate is served and verifies', async () => {
  await page.goto(`${server.url}${preview}`);
  const name = (await page.textContent('[data-qa="erasure-children"] strong')).trim();
  await page.check('[data-qa="erasure-confirm-box"]');
  await page.click('[data-qa="erasure-submit"]');
  await page.waitForSelector('[data-qa="erasure-facts"]');
  assert.match(page.url(), /\/erasures\/\d+\?notice=erasure_done$/);
  await assertAccessible(page);
  assert.equal((await admin.get('/children/5')).status, 404);
  assert.doesNotMatch((await admin.get('/children?q=' + encodeURIComponent(name))).text, /href="\/children\/5"/);

  const id = page.url().match(/\/erasures\/(\d+)/)[1];
  const pdf = await fetch(`${server.url}/erasures/${id}/certificate.pdf`, { headers: { cookie: admin.cookieHeader() } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const json = await fetch(`${server.url}/erasures/${id}/certificate.json`, { headers: { cookie: admin.cookieHeader() } });
  const text = await json.text();
  assert.ok(!text.includes(name), 'no name in the certificate');
  const file = join(mkdtempSync(join(tmpdir(), 'tadaima-erasure-')), 'certificate.json');
  writeFileSync(file, text);
  const verified = run(['erase', 'verify', file], server.env);
  assert.equal(verified.status, 0, verified.stderr);
  writeFileSync(file, text.replace('"scope":"child"', '"scope":"chile"'));
  assert.equal(run(['erase', 'verify', file], server.env).status, 1);
});
