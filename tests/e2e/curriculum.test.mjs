// Curriculum plans in Chromium: a carer opens the month's plans from the class's notebook, writes the class's annual
// plan, then the month's plan — which starts from the year's aims for its term — and submits it; the head teacher
// (主任) checks it from the plans waiting for them; the head (園長) approves it; the printed plan (read back with
// pdftotext) carries the three stamps. The month's list, the editor and the approved plan at a phone's, a tablet's
// and a desk's width, axe-clean.
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

test('a month plan starts from the year\'s aims, is submitted, checked by the head teacher, approved and printed', async () => {
  const carer = await signedInPage(tablet, server, 'staff3');
  const page = carer.page;
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/sites/3/notebook`);
  await page.click('[data-qa="curriculum-link"]');
  assert.match(await page.textContent('[data-qa="curriculum-month"]'), /2026年12月/);
  await assertRightAtEveryWidth(page, 'curriculum-month');
  const month = page.url();

  // The year's plan of the first class: its goal and the aims of Ⅲ期 (September to December).
  await page.click('[data-qa="curriculum-class"] >> text=年間指導計画');
  await page.fill('#c-goal', '一人ひとりが安心して過ごし、友だちと関わって遊ぶ。');
  await page.fill('#c-t3_aims', '秋の自然に触れ、友だちと一緒に遊ぶことを楽しむ。');
  await submitWith(page, '[data-qa="curriculum-save"]');
  assert.match(await page.textContent('[data-qa="curriculum-done"]'), /保存しました/);

  // December's plan: its aims are the year's for Ⅲ期, and it says so.
  await page.goto(month);
  await page.click('[data-qa="curriculum-class"] >> text=月間指導計画');
  assert.equal(await page.inputValue('#c-aims'), '秋の自然に触れ、友だちと一緒に遊ぶことを楽しむ。');
  assert.match(await page.textContent('[data-qa="curriculum-source"]'), /年間指導計画/);
  await page.fill('#c-children', '散歩を喜び、見つけたものを保育者に伝えようとする。');
  await page.fill('#c-content', '落ち葉やどんぐりを集めて遊ぶ。\n体を動かす遊びを楽しむ。');
  await page.fill('#c-family', '散歩の様子を写真で伝える。');
  await assertRightAtEveryWidth(page, 'curriculum-edit');
  await submitWith(page, '[data-qa="curriculum-submit"]');
  assert.match(await page.textContent('[data-qa="curriculum-state"]'), /提出済み/);
  const url = page.url();

  const { page: approved, printed: text } = await checkApproveAndPrint(tablet, server, {
    list: '/sites/3/curriculum', url, qa: 'curriculum',
  });
  await assertRightAtEveryWidth(approved, 'curriculum-approved');
  for (const want of ['月間指導計画', '2026年12月', 'ねらい', '落ち葉やどんぐりを集めて遊ぶ', '担任', '主任', '園長',
    'さくら主任3', 'さくら施設長3'])
    assert.ok(text.includes(want), `${want} printed`);
});
