// Starts the built binary on a free loopback port with a fresh SQLite demo city, for API and browser tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createHmac } from 'node:crypto';

// The binary under test: TADAIMA_BINARY (make test runs the sanitizer build), else the development build.
export const BINARY = process.env.TADAIMA_BINARY || new URL('../../build/tadaima', import.meta.url).pathname;

export function run(args, env) {
  return spawnSync(BINARY, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
}

// The server's clock offset (a test clock moves it), for the second-factor codes this process computes.
let clockOffsetMs = 0;

// `clock`: an instant the city is seeded at and the server starts at (a test clock), for pages that must look the
// same on every run (reference screenshots). `plans`: seed the demo's plans too.
export async function startServer({ sites = 3, children = 40, env = {}, testClock = false, clock, plans = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-api-'));
  const base = { TADAIMA_DB: join(dir, 'test.db'), TADAIMA_SECRET_FILE: join(dir, 'secret'), ...env };
  if (testClock || clock) base.TADAIMA_TEST_CLOCK_FILE = join(dir, 'clock');
  if (clock) {
    clockOffsetMs = Math.round((Date.parse(clock) - Date.now()) / 1000) * 1000;
    writeFileSync(base.TADAIMA_TEST_CLOCK_FILE, String(clockOffsetMs / 1000));
  }
  const seed = ['seed-demo', '--sites', String(sites), '--children', String(children), ...(plans ? ['--plans'] : [])];
  for (const args of [['migrate'], seed]) {
    const r = run(args, base);
    if (r.status !== 0) throw new Error(`tadaima ${args.join(' ')} failed: ${r.stderr}`);
  }
  let serving = await serve(base, '127.0.0.1:0');
  const url = `${base.TADAIMA_TLS_CERT ? 'https' : 'http'}://127.0.0.1:${serving.port}`;
  return {
    url, port: serving.port, dir, env: base,
    get proc() { return serving.proc; },
    // The server's time now (its moved clock, when it has one).
    now() { return new Date(Date.now() + clockOffsetMs); },
    // Moves the running server's time to this instant (with testClock); it then runs on from there.
    setClock(iso) {
      clockOffsetMs = Math.round((Date.parse(iso) - Date.now()) / 1000) * 1000;
      writeFileSync(base.TADAIMA_TEST_CLOCK_FILE, String(clockOffsetMs / 1000));
    },
    get lines() { return serving.lines; },
    // Stops the server (SIGTERM: open streams end), awaits `between` while it is down, and starts it again on the
    // same port and database.
    async restart(between) {
      if (serving.proc.exitCode === null) {
        serving.proc.kill('SIGTERM');
        await once(serving.proc, 'exit');
      }
      await between?.();
      serving = await serve(base, `127.0.0.1:${serving.port}`);
    },
    async stop() {
      if (serving.proc.exitCode === null) {
        serving.proc.kill('SIGTERM');
        await once(serving.proc, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `tadaima serve` with the environment, until it says it is listening.
async function serve(env, listen) {
  const proc = spawn(BINARY, ['serve'], { env: { ...process.env, ...env, TADAIMA_LISTEN: listen } });
  const lines = [];
  let buffer = '';
  const port = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        try {
          const j = JSON.parse(line);
          if (j.msg === 'listening') resolve(j.port);
        } catch { /* not JSON */ }
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited early with ${code}: ${lines.join('\n')}`)));
  });
  // Stopped by the tests it exits with 0; anything else (a sanitizer's report, a crash) is told with its last words.
  proc.on('exit', (code, signal) => {
    if (code !== 0) console.error(`tadaima serve on ${listen} exited (${signal ?? code}):\n${lines.slice(-40).join('\n')}`);
  });
  return { proc, port, lines };
}

// What an authenticator app would hold, per server and login: the secret, the last step used, recovery codes.
const authenticators = new Map();

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits), as the apps compute it.
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(bin).padStart(6, '0');
}

// A code that has not been used yet: this step's, else the next step's (accepted for clock drift), else a
// recovery code.
function nextCode(auth) {
  const now = Math.floor((Date.now() + clockOffsetMs) / 30000);
  for (const step of [now, now + 1]) {
    if (step > auth.lastStep) { auth.lastStep = step; return totp(auth.secret, step); }
  }
  return auth.recovery.shift();
}

// A tiny browser: keeps cookies and the last form's CSRF token; passes the second factor like a person with an
// authenticator app.
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.csrf = ''; }
  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async request(method, path, { form, headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let payload = body;
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [k, v] = pair.split('=');
      if (attrs.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(k); else this.cookies.set(k, v);
    }
    const text = await res.text();
    const m = text.match(/name="_csrf" value="([0-9a-f]+)"/);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text };
  }
  get(path, opts) { return this.request('GET', path, opts); }
  post(path, form, { csrf = true } = {}) {
    return this.request('POST', path, { form: csrf ? { ...form, _csrf: this.csrf } : form });
  }
  async signIn(login, password = 'tadaima-demo') {
    await this.get('/login');
    const res = await this.post('/login', { login_id: login, password, next: '/' });
    const location = res.headers.get('location') || '';
    if (res.status !== 303 || !location.startsWith('/mfa')) return res;
    let page = await this.get(location);
    if (page.status === 303) page = await this.get(page.headers.get('location'));
    const key = `${this.base}|${login}`;
    const secret = page.text.match(/data-qa="totp-secret">([A-Z2-7 ]+)</);
    if (secret) {
      const auth = { secret: secret[1].replace(/ /g, ''), lastStep: 0, recovery: [] };
      authenticators.set(key, auth);
      const done = await this.post('/mfa/setup', { code: nextCode(auth), next: '/' });
      auth.recovery = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code>/g)].map((m) => m[1]);
    } else {
      await this.post('/mfa', { code: nextCode(authenticators.get(key)), next: '/' });
    }
    return res;
  }
}
