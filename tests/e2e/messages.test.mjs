// Messages in Debian's Chromium: a carer writes an emergency message to the whole site on the compose page; it
// appears in the guardian's app at the top of the inbox with the unread mark, and once opened the guardian leaves
// staff's "not read" list. The guardian then writes back about the child, and staff see it in the conversations.
// axe-core on every page, on a 360×740 phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { launchPhone, assertAccessibleOnPhone as assertAccessible } from '../support/browser.mjs';

let server;
let phone;
let desk;

before(async () => {
  server = await startServer({ sites: 1, children: 10 });
  phone = await launchPhone();
  desk = await launchPhone();
});

after(async () => {
  await phone?.close();
  await desk?.close();
  await server?.stop();
});

// The message goes out through the job queue a moment after it is written: reload the page until `ready` holds,
// a bounded number of times.
async function reloadUntil(page, ready, what) {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await page.reload();
  }
  assert.fail(`${what} did not happen`);
}

test('a broadcast appears unread at the top of the inbox and leaves the not-read list once opened', async () => {
  const staff = new Client(server.url);
  await staff.signIn('staff1');
  await desk.context.addCookies([...staff.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const write = await desk.context.newPage();
  await write.goto(`${server.url}/sites/1/messages/new`);
  await assertAccessible(write);
  // Nothing chosen to say: refused beside the fields.
  await write.click('[data-qa="send-message"]');
  assert.match(await write.textContent('[data-qa="form-errors"]'), /入力内容/);
  assert.match(await write.textContent('#subject-error'), /入力してください/);
  await assertAccessible(write);
  await write.check('[data-qa="scope-site"]');
  await write.fill('[data-qa="subject"]', '台風のため本日は17時で閉所します');
  await write.fill('[data-qa="body"]', 'お迎えをお願いします。');
  await write.check('[data-qa="emergency"]');
  await write.click('[data-qa="send-message"]');
  await write.waitForURL(/\/messages\/\d+\?notice=sent$/);
  const messageUrl = write.url().replace(/\?.*$/, '');
  await reloadUntil(write, async () => Number(await write.textContent('[data-qa="recipients"]')) > 0, 'the fan-out');
  const unreadBefore = await write.locator('[data-qa="unread-row"]').allTextContents();
  assert.ok(unreadBefore.some((t) => /保護者/.test(t)), `the guardian is listed as not read: ${unreadBefore}`);
  await assertAccessible(write);

  const page = await phone.context.newPage();
  await page.goto(`${server.url}/family/login`);
  await page.fill('#email', 'guardian1@example.com');
  await page.fill('#password', 'tadaima-demo');
  await page.click('[data-qa="family-login-submit"]');
  await page.waitForURL(/\/family$/);
  await page.click('[data-qa="inbox-link"]');
  await page.waitForURL(/\/family\/inbox$/);
  const first = page.locator('[data-qa="inbox-item"]').first();
  assert.match(await first.textContent(), /台風のため本日は17時で閉所します/);
  assert.equal(await first.locator('[data-qa="unread"]').count(), 1);
  await assertAccessible(page);
  await first.locator('a').click();
  await page.waitForURL(/\/family\/inbox\/\d+$/);
  assert.match(await page.textContent('[data-qa="notice-body"]'), /お迎えをお願いします。/);
  await assertAccessible(page);

  // Staff's list no longer names the guardian who read it (the family member who has not is still there).
  await write.goto(messageUrl);
  const unreadAfter = await write.locator('[data-qa="unread-row"]').allTextContents();
  assert.equal(unreadAfter.length, unreadBefore.length - 1, `${unreadBefore} → ${unreadAfter}`);
  assert.ok(!unreadAfter.some((t) => /保護者/.test(t)), `${unreadAfter}`);
  assert.equal(Number(await write.textContent('[data-qa="read-count"]')), 1);

  // The guardian writes back about the child; staff see the conversation waiting for them.
  await page.click('[data-qa="write-back"]');
  await page.waitForURL(/\/family\/children\/\d+\/messages\?site=1$/);
  await assertAccessible(page);
  await page.fill('[data-qa="post-body"]', '17時に祖母が迎えに行きます。');
  await page.click('[data-qa="send-post"]');
  await page.waitForURL(/notice=sent/);
  assert.match(await page.textContent('[data-qa="posts"]'), /17時に祖母が迎えに行きます。/);
  await write.goto(`${server.url}/sites/1/threads`);
  await assertAccessible(write);
  assert.equal(await write.locator('[data-qa="waiting"]').count(), 1);
  await write.locator('[data-qa="thread-row"] a').first().click();
  await write.waitForURL(/\/threads\/\d+$/);
  assert.match(await write.textContent('[data-qa="posts"]'), /17時に祖母が迎えに行きます。/);
  await assertAccessible(write);
});
