// Care journals in Chromium: a carer writes the class's journal on a tablet (the day's attendance filled in) and
// submits it; the head teacher (主任) checks it; the head (園長) approves it; the page then shows the three stamps,
// and the printed journal (read back with pdftotext) carries them. The editor and the approved journal at a phone's,
// a tablet's and a desk's width, axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.mjs';
import { launchPhone, signedInPage, assertRightAtEveryWidth, submitWith } from '../support/browser.mjs';
import { checkApproveAndPrint } from '../support/approval.mjs';

let server;
let tablet;

before(async () => {
  // Friday 4 December 2026, 16:00 in Tokyo.
  server = await startServer({ sites: 3, children: 30, plans: true, clock: '2026-12-04T07:00:00Z' });
  tablet = await launchPhone();
});

after(async () => {
  await tablet?.close();
  await server?.stop();
});

test('a class journal is written, submitted, checked by the head teacher, approved by the head and printed', async () => {
  const carer = await signedInPage(tablet, server, 'staff3');
  const page = carer.page;
  // Two children of the first class came this morning.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/3/notebook`);
  await page.click('[data-qa="journal-link"]');
  assert.match(await page.textContent('[data-qa="journal-list"]'), /園全体/);
  await page.click('[data-qa="journal-list"] li:first-child a');
  const url = page.url();
  const ids = await page.$$eval('[data-qa="journal-children"] textarea', (t) => t.map((e) => e.name.slice(8)));
  assert.ok(ids.length >= 2, 'the class has children');
  for (const id of ids.slice(0, 2)) {
    await carer.client.get(`/children/${id}/attendance`);
    const res = await carer.client.post(`/children/${id}/attendance`, { direction: 'in', time: '08:30' });
    assert.equal(res.status, 303, res.text.slice(0, 300));
  }
  await page.reload();
  assert.match(await page.textContent('[data-qa="journal-facts-line"]'), /出席 2人/);
  await page.fill('#j-weather', '晴れ');
  await page.fill('#j-activities', 'ねらい：秋の自然に触れる。\n公園で落ち葉を集めた。');
  await page.fill(`#j-episode-${ids[0]}`, '落ち葉を両手いっぱいに集めて見せてくれた。');
  await page.fill('#j-reflection', '一人ひとりの発見を受け止められた。');
  await assertRightAtEveryWidth(page, 'journal-edit');
  await submitWith(page, '[data-qa="journal-submit"]');
  assert.match(await page.textContent('[data-qa="journal-state"]'), /提出済み/);

  const { page: approved, printed: text } = await checkApproveAndPrint(tablet, server, {
    list: '/sites/3/journals', url, qa: 'journal',
  });
  await assertRightAtEveryWidth(approved, 'journal-approved');
  for (const want of ['保育日誌', '担任', '主任', '園長', 'さくら主任3', 'さくら施設長3', '公園で落ち葉を集めた', '出席 2人'])
    assert.ok(text.includes(want), `${want} printed`);
});
