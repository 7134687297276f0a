// A nursery's record (a care journal, a curriculum plan) taken through its approval in Chromium as the demo's nursery
// does it: the head teacher (lead3) opens it from the records waiting for them and checks it — the approval is not
// theirs to give; the head (manager3) approves it at its page, which then shows the three stamps (担任, 主任, 園長).
// `qa` is the pages' data-qa prefix ("journal", "curriculum").
import assert from 'node:assert/strict';
import { signedInPage, submitWith } from './browser.mjs';
import { pdfText } from './mail.mjs';

// Returns the head's page (at a tablet's width) and the printed record's text (pdftotext).
export async function checkApproveAndPrint(browser, server, { list, url, qa }) {
  const lead = await signedInPage(browser, server, 'lead3');
  await lead.page.setViewportSize({ width: 768, height: 1024 });
  await lead.page.goto(`${server.url}${list}`);
  await lead.page.click(`[data-qa="${qa}-waiting"] a`);
  await submitWith(lead.page, `[data-qa="${qa}-check"]`);
  assert.match(await lead.page.textContent(`[data-qa="${qa}-state"]`), /主任確認済み/);
  assert.equal(await lead.page.locator(`[data-qa="${qa}-approve"]`).count(), 0);

  const head = await signedInPage(browser, server, 'manager3');
  await head.page.setViewportSize({ width: 768, height: 1024 });
  await head.page.goto(url);
  await submitWith(head.page, `[data-qa="${qa}-approve"]`);
  assert.match(await head.page.textContent(`[data-qa="${qa}-state"]`), /承認済み/);
  const stamps = await head.page.textContent(`[data-qa="${qa}-stamps"]`);
  for (const who of ['さくら職員3', 'さくら主任3', 'さくら施設長3']) assert.ok(stamps.includes(who), who);

  const href = await head.page.getAttribute(`[data-qa="${qa}-pdf"]`, 'href');
  const pdf = await head.page.request.get(new URL(href, server.url).toString());
  assert.equal(pdf.status(), 200);
  return { page: head.page, printed: pdfText(await pdf.body()) };
}
