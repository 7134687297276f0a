// Chromium against the server's own HTTPS (TADAIMA_TLS_CERT/KEY, a certificate made here by the openssl command and
// trusted by Chromium through its public key only): the page arrives over TLS 1.2 or 1.3 with HSTS, a member of
// staff signs in, and the session cookie is a Secure __Host- cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.mjs';
import { launchPhone, assertAccessible } from '../support/browser.mjs';

let server;
let browser;

function openssl(script) {
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-https-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  openssl(`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 ` +
    `-addext subjectAltName=IP:127.0.0.1 -keyout '${key}' -out '${cert}' 2>/dev/null`);
  // Chromium trusts this one key (the SHA-256 of its SubjectPublicKeyInfo), nothing else.
  const spki = openssl(`openssl x509 -in '${cert}' -pubkey -noout | openssl pkey -pubin -outform der | ` +
    'openssl dgst -sha256 -binary | base64');
  server = await startServer({ sites: 1, children: 5, env: { TADAIMA_TLS_CERT: cert, TADAIMA_TLS_KEY: key } });
  browser = await launchPhone({ args: [`--ignore-certificate-errors-spki-list=${spki}`] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a member of staff signs in over HTTPS and gets a Secure session cookie', async () => {
  assert.match(server.url, /^https:/);
  const page = await browser.context.newPage();
  const response = await page.goto(`${server.url}/login`);
  assert.equal(response.status(), 200);
  const security = await response.securityDetails();
  assert.ok(['TLS 1.3', 'TLS 1.2'].includes(security?.protocol), JSON.stringify(security));
  assert.match(response.headers()['strict-transport-security'] ?? '', /max-age=\d+/);
  await assertAccessible(page);
  await page.fill('#login_id', 'staff1');
  await page.fill('#password', 'tadaima-demo');
  await Promise.all([page.waitForNavigation(), page.click('[data-qa="login-submit"]')]);
  assert.equal(new URL(page.url()).pathname, '/');
  const cookies = await browser.context.cookies(server.url);
  const session = cookies.find((c) => c.name.startsWith('__Host-') && c.httpOnly);
  assert.ok(session, `a __Host- session cookie: ${cookies.map((c) => c.name).join(', ')}`);
  assert.equal(session.secure, true);
  await page.close();
});
