// Guardian onboarding over real HTTP, with mail through a real SMTP server on loopback: the registration letter's
// QR code and code, bad input with clear messages in Japanese and English, throttling, and sign-in that does not
// tell who is registered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';
import { startSmtp, linkIn, pdfText, qrInPdf } from '../support/mail.mjs';

let server;
let smtp;
before(async () => {
  smtp = await startSmtp();
  server = await startServer({ sites: 2, children: 20, env: { TADAIMA_SMTP_URL: smtp.url } });
});
after(async () => { await server?.stop(); await smtp?.stop(); });

async function printLetter(childId) {
  const staff = new Client(server.url);
  await staff.signIn('manager1');
  await staff.get(`/children/${childId}`);
  const res = await fetch(`${server.url}/children/${childId}/letter`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: staff.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ days: '30', _csrf: staff.csrf }).toString(),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  return Buffer.from(await res.arrayBuffer());
}

// A child at the manager's site, from the children list.
async function childIds() {
  const staff = new Client(server.url);
  await staff.signIn('manager1');
  const page = await staff.get('/children?site_id=1');
  return [...new Set([...page.text.matchAll(/href="\/children\/(\d+)"/g)].map((m) => m[1]))];
}

test('a letter carries the child, its code and a QR code of the registration URL; the guardian registers by mail', async () => {
  const [child] = await childIds();
  const pdf = await printLetter(child);
  const text = pdfText(pdf);
  const code = text.match(/[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/)[0];
  assert.match(text, /保護者登録のご案内/);
  assert.equal(qrInPdf(pdf), `${server.url}/register?code=${code}`);

  const parent = new Client(server.url);
  const form = await parent.get(`/register?code=${code}`);
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`value="${code}"`));
  const sent = await parent.post('/register', {
    code, display_name: '試験 花子', email: 'hanako@example.test', password: 'a long family passphrase', language: 'ja',
  });
  assert.equal(sent.status, 200);
  const mail = await smtp.waitFor('hanako@example.test');
  assert.equal(mail.subject, '【ただいま市】メールアドレスの確認');
  assert.match(mail.messageId, /^<mail\.confirm_email\.\d+@127\.0\.0\.1>$/);
  const link = linkIn(mail.body);
  assert.ok(link.startsWith(`${server.url}/register/confirm?t=`), mail.body);
  await parent.get(link.slice(server.url.length));
  const done = await parent.post('/register/confirm', { t: new URL(link).searchParams.get('t') });
  assert.equal(done.status, 303);
  const home = await parent.get('/family');
  assert.equal(home.status, 200);
  assert.match(home.text, /data-qa="family-child-name"/);
  // The family session cookie stays for 30 days on the guardian's phone, HttpOnly and SameSite.
  const again = new Client(server.url);
  await again.get('/family/login');
  const login = await again.post('/family/login', { email: 'hanako@example.test', password: 'a long family passphrase' });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('tadaima_family='));
  assert.match(cookie, /Max-Age=2592000/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
});

test('a wrong code gets a clear message in the user\'s language, and guessing is stopped', async () => {
  const ja = new Client(server.url);
  await ja.get('/register');
  const form = { code: 'WXYZ-WXYZ-WXYZ', display_name: '試験', email: 'guess@example.test', password: 'a long family passphrase' };
  const r1 = await ja.post('/register', form);
  assert.equal(r1.status, 422);
  assert.match(r1.text, /登録コードが正しくありません/);
  const en = new Client(server.url);
  await en.get('/lang/en?next=/register');
  await en.get('/register');
  const r2 = await en.post('/register', form);
  assert.equal(r2.status, 422);
  assert.match(r2.text, /The registration code is not correct/);
  let last;
  for (let i = 0; i < 10; i++) last = await ja.post('/register', form);
  assert.equal(last.status, 429);
  assert.ok(last.headers.get('retry-after'));
});

test('a form without its CSRF token, and links that were tampered with, are refused', async () => {
  const c = new Client(server.url);
  await c.get('/register');
  const noToken = await c.post('/register', { code: 'x' }, { csrf: false });
  assert.equal(noToken.status, 403);
  assert.equal((await c.get('/register/confirm?t=1.AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
  assert.equal((await c.get('/family/invitation?t=nonsense')).status, 404);
});

test('guardian sign-in answers alike for an unknown address and a wrong password', async () => {
  const c = new Client(server.url);
  await c.get('/family/login');
  const a = await c.post('/family/login', { email: 'hanako@example.test', password: 'not the password' });
  const b = await c.post('/family/login', { email: 'nobody@example.test', password: 'not the password' });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  const message = (t) => t.match(/data-qa="login-error">([^<]*)</)[1];
  assert.equal(message(a.text), message(b.text));
});
