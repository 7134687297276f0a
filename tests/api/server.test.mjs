// API tests: the built binary over real HTTP on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BINARY, startServer, Client, run } from '../support/server.mjs';

let server;
const METRICS_TOKEN = 'a-metrics-token-for-the-api-tests';
before(async () => { server = await startServer({ env: { TADAIMA_METRICS_TOKEN: METRICS_TOKEN } }); });
after(async () => { await server.stop(); });

// Sends raw bytes and collects what comes back until the server closes the connection.
async function raw(bytes) {
  const socket = net.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks = [];
  socket.on('data', (c) => chunks.push(c));
  socket.on('error', () => {});
  socket.write(bytes);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

test('health reports ok, the database kind and the schema version', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  const latest = readdirSync(new URL('../../migrations/sqlite/', import.meta.url)).length;
  assert.deepEqual(await res.json(), { database: 'sqlite', schema_version: latest, status: 'ok' });
});

test('every response carries the security headers and a request id', async () => {
  for (const path of ['/healthz', '/login', '/no-such-page']) {
    const res = await fetch(server.url + path, { redirect: 'manual' });
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    assert.match(res.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  }
});

test('metrics are Prometheus text with counts and latency histograms per route, for the operators\' token only', async () => {
  await fetch(`${server.url}/healthz`);
  assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } })).status, 401);
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /tadaima_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(text, /tadaima_http_request_duration_seconds_count\{route="\/healthz"\} \d+/);
});

test('an unknown route is a 404 page in Japanese, or in English after the switch', async () => {
  const c = new Client(server.url);
  let res = await c.get('/no-such-page');
  assert.equal(res.status, 404);
  assert.match(res.text, /ページが見つかりません。/);
  res = await c.get('/lang/en?next=/login');
  assert.equal(res.status, 303);
  res = await c.get('/no-such-page');
  assert.match(res.text, /Page not found\./);
  assert.match(res.text, /<html lang="en">/);
});

test('static assets have content-hashed URLs and a long cache', async () => {
  const page = await (await fetch(`${server.url}/login`)).text();
  const href = page.match(/href="(\/static\/app\.[0-9a-f]{16}\.css)"/)[1];
  const res = await fetch(server.url + href);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(res.headers.get('content-type'), /^text\/css/);
  assert.equal((await fetch(`${server.url}/static/app.css`)).status, 404);
});

test('a signed-in manager creates, edits and finds a child by kana', async () => {
  const c = new Client(server.url);
  let res = await c.signIn('manager1');
  assert.equal(res.status, 303);
  await c.get('/children/new?site_id=1');
  res = await c.post('/children', {
    family_name: '髙﨑', given_name: '①子', family_kana: 'たかさき', given_kana: 'いちこ',
    birth_date: '2019-07-07', grade: '1', site_id: '1', group_id: '1', start_date: '2026-04-01', end_date: '',
  });
  assert.equal(res.status, 303, res.text);
  const path = res.headers.get('location').split('?')[0];
  assert.match(path, /^\/children\/\d+$/);
  await c.get(`${path}/edit`);
  res = await c.post(path, {
    family_name: '髙﨑', given_name: '一子', family_kana: 'タカサキ', given_kana: 'イチコ',
    birth_date: '2019-07-07', grade: '1', site_id: '1', group_id: '2', start_date: '2026-04-01', end_date: '',
  });
  assert.equal(res.status, 303, res.text);
  res = await c.get(`/children?q=${encodeURIComponent('ﾀｶｻｷ')}`);
  assert.equal(res.status, 200);
  assert.match(res.text, /髙﨑 一子/);
  res = await c.get(path);
  assert.match(res.text, /タカサキ イチコ/);
  assert.match(res.text, /2年生/);
});

test('a form post without the CSRF token is refused with 403', async () => {
  const c = new Client(server.url);
  await c.signIn('admin');
  const res = await c.post('/sites', { kind: 'gakudo', name: 'CSRFなし' }, { csrf: false });
  assert.equal(res.status, 403);
  const list = await c.get(`/sites?q=${encodeURIComponent('CSRFなし')}`);
  assert.doesNotMatch(list.text, /CSRFなし<\/a>/);
});

test('a malformed form body is a 400 with a message', async () => {
  const c = new Client(server.url);
  await c.signIn('admin');
  const res = await c.request('POST', '/sites', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${c.csrf}&name=%ZZ`,
  });
  assert.equal(res.status, 400);
  assert.match(res.text, /送信された内容を読み取れませんでした/);
});

test('a malformed request line is a 400', async () => {
  const reply = await raw('THIS IS NOT HTTP\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 400 /);
});

test('an oversized body is refused with 413 before it is read', async () => {
  const c = new Client(server.url);
  await c.get('/login');
  const big = 'x'.repeat(1024 * 1024 + 1);
  const res = await c.request('POST', '/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `login_id=${big}`,
  });
  assert.equal(res.status, 413);
  assert.match(res.text, /送信された内容が大きすぎます/);
});

// A request sent as raw bytes (the body with a Content-Length, or chunked), with a browser's cookies; the status
// the server answered, even when it closed the connection before the whole body was sent.
async function post(client, path, contentType, body, { chunked = false } = {}) {
  const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: ${contentType}`,
    `Cookie: ${client.cookieHeader()}`, 'Connection: close'];
  let payload = body;
  if (chunked) {
    head.push('Transfer-Encoding: chunked');
    const parts = [];
    for (let i = 0; i < body.length; i += 65536) {
      const piece = body.subarray(i, i + 65536);
      parts.push(Buffer.from(piece.length.toString(16) + '\r\n'), piece, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    payload = Buffer.concat(parts);
  } else {
    head.push(`Content-Length: ${body.length}`);
  }
  // The server may answer and close before it has read everything: a write error then is expected.
  const socket = net.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks = [];
  socket.on('data', (c) => chunks.push(c));
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.on('error', () => {});
  socket.write(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), payload]));
  await closed;
  const reply = Buffer.concat(chunks).toString('utf8');
  const m = reply.match(/^HTTP\/1\.1 (\d{3}) /);
  return m ? Number(m[1]) : 0;
}

// A multipart form as a browser sends it: text fields, then files.
function multipart(fields, files) {
  const boundary = '----tadaimaApiTestBoundary';
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const [name, filename, data] of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
      'Content-Type: application/pdf\r\n\r\n'), data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

// A PDF of about `size` bytes, as the message form checks them (its header and its end marker).
function pdf(size) {
  const head = Buffer.from('%PDF-1.4\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x20), tail]);
}

test('body limits are the route\'s, decided before the body is read, for declared and chunked bodies alike', async () => {
  const c = new Client(server.url);
  await c.signIn('staff1');
  await c.get('/sites/1/messages/new');
  // Two PDFs of 800 kB: 1.6 MB in all, within the documented 3 × 2 MB, through the page.
  for (const chunked of [false, true]) {
    const form = multipart({ _csrf: c.csrf, scope: 'site', subject: `大きな添付 ${chunked}`, body: '本文です。' },
      [['files', 'a.pdf', pdf(800 * 1024)], ['files', 'b.pdf', pdf(800 * 1024)]]);
    assert.equal(await post(c, '/sites/1/messages', form.type, form.body, { chunked }), 303, `chunked: ${chunked}`);
  }
  // Beyond the upload limit (8 MiB), refused either way.
  const huge = multipart({ _csrf: c.csrf, scope: 'site', subject: 'x', body: 'x' }, [['files', 'c.pdf', pdf(9 << 20)]]);
  for (const chunked of [false, true]) {
    assert.equal(await post(c, '/sites/1/messages', huge.type, huge.body, { chunked }), 413, `chunked: ${chunked}`);
  }
  // A form or JSON above 1 MiB, or files where the route takes none, are refused either way.
  const form = Buffer.from(`_csrf=${c.csrf}&subject=${'x'.repeat((1 << 20) + 1)}`);
  const json = Buffer.from(JSON.stringify({ card: 'x'.repeat((1 << 20) + 1) }));
  const files = multipart({ _csrf: c.csrf }, [['file', 'd.pdf', pdf(2 << 20)]]);
  for (const chunked of [false, true]) {
    assert.equal(await post(c, '/sites/1/messages', 'application/x-www-form-urlencoded', form, { chunked }), 413);
    assert.equal(await post(c, '/api/v1/kiosk/scans', 'application/json', json, { chunked }), 413);
    assert.equal(await post(c, '/sites/1/schedule', files.type, files.body, { chunked }), 413);
  }
});

test('oversized headers are refused with 431', async () => {
  const reply = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
  assert.match(reply, /^HTTP\/1\.1 431 /);
});

test('a connection is kept alive for several requests', async () => {
  const reply = await raw(
    'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(reply.match(/HTTP\/1\.1 200 OK/g).length, 2);
});

test('serve refuses a database whose schema is behind and says to migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-empty-'));
  try {
    const r = run(['serve'], { TADAIMA_DB: join(dir, 'empty.db'), TADAIMA_LISTEN: '127.0.0.1:0' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Run `tadaima migrate` first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help lists the subcommands and the configuration', () => {
  const r = run(['--help'], {});
  assert.equal(r.status, 0);
  for (const word of ['serve', 'migrate', 'seed-demo', 'TADAIMA_DB', 'TADAIMA_LISTEN', 'TADAIMA_SECRET_FILE']) {
    assert.ok(r.stdout.includes(word), word);
  }
});

test('log lines are JSON with a request id and never a name or token', async () => {
  const c = new Client(server.url);
  await c.signIn('manager1');
  await c.get(`/children?q=${encodeURIComponent('やまだ')}`);
  const requestLines = server.lines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
  assert.ok(requestLines.length > 0);
  for (const l of requestLines) assert.match(l.request_id, /^[0-9a-f]{16}$/);
  const all = server.lines.join('\n');
  assert.doesNotMatch(all, /やまだ|manager1|tadaima-demo/);
  assert.ok(!all.includes(c.cookies.get('tadaima_session')));
});

test('SIGTERM stops the server cleanly with exit code 0, closing idle connections', async () => {
  const own = await startServer({ sites: 1, children: 1 });
  const socket = net.connect(own.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await once(socket, 'data');  // the connection is now idle and kept alive
  const closed = once(socket, 'close');
  own.proc.kill('SIGTERM');
  const [code] = await once(own.proc, 'exit');
  await closed;
  assert.equal(code, 0);
  assert.ok(own.lines.some((l) => l.includes('"msg":"stopped"')));
  await own.stop();
});

test('audit verify passes on an untouched trail and names the entry someone edited', async () => {
  const own = await startServer({ sites: 1, children: 2 });
  try {
    const c = new Client(own.url);
    await c.signIn('admin', 'wrong password');
    await c.signIn('admin');
    await c.get('/children');
    let r = run(['audit', 'verify'], own.env);
    assert.equal(r.status, 0, r.stderr);
    const checked = Number(r.stdout.match(/(\d+) entries checked; the chain is intact/)[1]);
    assert.ok(checked >= 5, r.stdout);  // failed sign-in, password, second-factor set-up, sign-in, the list
    // What someone with access to the database file might do: remove the guard, turn a failure into a success.
    const sql = "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET outcome = 'ok' WHERE action = 'signin' AND outcome = 'failed';";
    const tamper = spawnSync('sqlite3', ['-cmd', '.timeout 10000', own.env.TADAIMA_DB, sql], { encoding: 'utf8' });
    assert.equal(tamper.status, 0, tamper.stderr);
    r = run(['audit', 'verify'], own.env);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /entry 1 has been altered/);
  } finally {
    await own.stop();
  }
});

test('audit head prints one line a city keeps, and verify --head finds the newest entries cut off', async () => {
  const own = await startServer({ sites: 1, children: 2 });
  try {
    const c = new Client(own.url);
    await c.signIn('admin');
    await c.get('/children');
    const head = run(['audit', 'head'], own.env);
    assert.equal(head.status, 0, head.stderr);
    assert.match(head.stdout, /^tadaima-audit-head id=\d+ hash=[0-9a-f]{64} at=\S+\n$/);
    const kept = join(own.dir, 'heads.txt');
    writeFileSync(kept, head.stdout);
    // The server writes the head to its log too: at start (and stop, and hourly).
    await own.restart();
    const logged = own.lines.find((l) => l.includes('"msg":"audit head"'));
    assert.ok(logged);
    assert.equal(JSON.parse(logged).audit_head_hash, head.stdout.match(/hash=([0-9a-f]{64})/)[1]);
    await c.signIn('admin');
    await c.get('/children');
    let r = run(['audit', 'verify', '--head', kept], own.env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /holds the 1 head\(s\) kept/);
    // Someone with the database file deletes the newest entries: the chain left is whole, the kept head is not there.
    const id = Number(head.stdout.match(/id=(\d+)/)[1]);
    const sql = `DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE id >= ${id - 2};`;
    const tamper = spawnSync('sqlite3', ['-cmd', '.timeout 10000', own.env.TADAIMA_DB, sql], { encoding: 'utf8' });
    assert.equal(tamper.status, 0, tamper.stderr);
    assert.equal(run(['audit', 'verify'], own.env).status, 0);
    r = run(['audit', 'verify', '--head', kept], own.env);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`entry ${id}, kept as a head, is gone`));
  } finally {
    await own.stop();
  }
});

test('a command never makes a new secret beside a database that has one, nor takes another database\'s', async () => {
  const own = await startServer({ sites: 1, children: 2 });
  own.proc.kill('SIGTERM');
  await once(own.proc, 'exit');
  const env = { ...own.env };
  // The secret file lost: refused, and no new file appears.
  rmSync(env.TADAIMA_SECRET_FILE);
  let r = run(['card', 'show', '--site', '1'], env);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /secret file .* is missing, and this database was set up with a secret/);
  assert.equal(run(['audit', 'verify'], env).status, 1);
  assert.throws(() => readFileSync(env.TADAIMA_SECRET_FILE));
  // Another secret: refused too.
  writeFileSync(env.TADAIMA_SECRET_FILE, 'another-secret-0123456789abcdef0123456789\n');
  r = run(['serve'], { ...env, TADAIMA_LISTEN: '127.0.0.1:0' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is not this database's own/);
  // A new, empty database gets a secret of its own at migrate.
  const fresh = { TADAIMA_DB: join(own.dir, 'fresh.db'), TADAIMA_SECRET_FILE: join(own.dir, 'fresh.key') };
  assert.equal(run(['migrate'], fresh).status, 0);
  assert.ok(readFileSync(fresh.TADAIMA_SECRET_FILE, 'utf8').trim().length >= 32);
  await own.stop();
});

test('ten failed sign-ins lock an account, and no answer tells whether a login id exists', async () => {
  const own = await startServer({ sites: 1, children: 1 });
  try {
    const c = new Client(own.url);
    const normalise = (text, login) => text.replaceAll(`value="${login}"`, 'value="LOGIN"');
    const unknown = await c.signIn('nobody-here', 'wrong password');
    const wrong = await c.signIn('staff1', 'wrong password');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(normalise(unknown.text, 'nobody-here'), normalise(wrong.text, 'staff1'));
    for (let i = 0; i < 9; i++) assert.equal((await c.signIn('staff1', `wrong ${i}`)).status, 401);
    const locked = await c.signIn('staff1', 'tadaima-demo');
    assert.equal(locked.status, 401, 'the right password is refused while locked');
    assert.equal(normalise(locked.text, 'staff1'), normalise(wrong.text, 'staff1'));
    assert.equal(c.cookies.has('tadaima_session'), false);
  } finally {
    await own.stop();
  }
});

test('user create makes a first municipal admin from the command line, who can then sign in', async () => {
  const own = await startServer({ sites: 1, children: 1 });
  try {
    const create = (args, input) => spawnSync(BINARY,
      ['user', 'create', ...args], { env: { ...process.env, ...own.env }, input, encoding: 'utf8' });
    let r = create(['--login', 'city.ops', '--name', '運用 担当', '--role', 'municipal_admin'], 'a long operator passphrase\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /created account \d+ \(municipal_admin\)/);
    const c = new Client(own.url);
    assert.equal((await c.signIn('city.ops', 'a long operator passphrase')).status, 303);
    assert.equal((await c.get('/audit')).status, 200);

    r = create(['--login', 'city.ops', '--name', 'x', '--role', 'municipal_admin'], 'another long passphrase\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already taken/);
    r = create(['--login', 'carer.x', '--name', 'x', '--role', 'staff'], 'another long passphrase\n');
    assert.match(r.stderr, /--site is required/);
    r = create(['--login', 'carer.x', '--name', 'x', '--role', 'staff', '--site', '99'], 'another long passphrase\n');
    assert.match(r.stderr, /no site 99/);
    r = create(['--login', 'carer.x', '--name', 'x', '--role', 'staff', '--site', '1'], 'password1\n');
    assert.match(r.stderr, /most common passwords/);
    r = create(['--login', 'carer.x', '--name', 'x', '--role', 'staff', '--site', '1'], 'a carer passphrase\n');
    assert.equal(r.status, 0, r.stderr);
  } finally {
    await own.stop();
  }
});

test('user reset-mfa makes an account set up its second factor again and ends its sessions', async () => {
  const own = await startServer({ sites: 1, children: 1 });
  try {
    const c = new Client(own.url);
    await c.signIn('manager1');
    assert.equal((await c.get('/children')).status, 200);
    const r = run(['user', 'reset-mfa', '--login', 'manager1'], own.env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await c.get('/children')).status, 303, 'the session has ended');
    const again = new Client(own.url);
    await again.get('/login');
    const login = await again.post('/login', { login_id: 'manager1', password: 'tadaima-demo', next: '/' });
    const setup = await again.get(login.headers.get('location'));
    assert.equal(setup.headers.get('location'), '/mfa/setup?next=%2F', 'set up again, not asked for the old code');
    assert.equal(run(['user', 'reset-mfa', '--login', 'nobody'], own.env).status, 1);
  } finally {
    await own.stop();
  }
});

test('roster import reports a dry run in Japanese, applies with --apply, and a second run changes nothing', async () => {
  const own = await startServer({ sites: 1, children: 0 });
  try {
    const file = join(own.dir, 'roster.csv');
    writeFileSync(file, '\ufeff児童番号,姓,名,せい,めい,生年月日,学年,グループ,保護者番号,保護者姓,保護者名,保護者せい,保護者めい,続柄,メール,電話\r\n'
      + 'K-1,試験,花子,しけん,はなこ,2019-06-01,1,1年生,H-1,試験,母子,しけん,ははこ,母,haha@example.com,\r\n');
    let r = run(['roster', 'import', '--site', '1', file], own.env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /児童: 1 \/ 0 \/ 0/);
    assert.match(r.stdout, /確認のみです/);
    r = run(['roster', 'import', '--site', '1', file, '--apply'], own.env);
    assert.match(r.stdout, /登録しました/);
    r = run(['roster', 'import', '--site', '1', file, '--apply', '--lang', 'en'], own.env);
    assert.match(r.stdout, /Children: 0 \/ 0 \/ 1/);
    const c = new Client(own.url);
    await c.signIn('manager1');
    assert.match((await c.get(`/children?q=${encodeURIComponent('シケン')}`)).text, /試験 花子/);
    writeFileSync(file, 'not,a,roster\r\n');
    r = run(['roster', 'import', '--site', '1', file, '--apply'], own.env);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /1行目 「名」: 見出しの項目名が違います/);
  } finally {
    await own.stop();
  }
});
