// A 300-child nursery's morning, against a running server (BENCH_ONLY=nursery in bench/run.sh):
//   - every family checks in at the entrance tablet with its PIN, 16 at once: a lookup and a stamp each, timed
//     from the PIN to the stamp's answer (arrival, then the same at pick-up naming the guardian);
//   - guardians send the notebook's home side at 50/s while a carer's tablet reloads the class's day: its latency.
// Usage: node bench/nursery.mjs URL KIOSK_CREDENTIAL EMAILS_FILE SITE
import { readFileSync } from 'node:fs';
import { Client } from '../tests/support/server.mjs';

const [url, credential, emailsFile, site] = process.argv.slice(2);
const emails = readFileSync(emailsFile, 'utf8').trim().split('\n');
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (x) => x.toFixed(1);

// Several at a time over a list.
async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// Each family: signed in, its PIN from the pass page, its first child's notebook page.
const families = [];
await pool(emails, 4, async (email) => {
  const c = new Client(url);
  await c.get('/family/login');
  const r = await c.post('/family/login', { email, password: 'tadaima-demo' });
  if (r.status !== 303) throw new Error(`sign-in of ${email}: ${r.status}`);
  const pass = await c.get('/family/pass');
  const pin = (pass.text.match(/data-qa="pin">(\d{3}) (\d{3})</) || []).slice(1).join('');
  const home = await c.get('/family');
  const child = (home.text.match(/href="\/family\/children\/(\d+)\/notebook"/) || [])[1];
  if (pin && child) families.push({ c, pin, child });
});

async function kiosk(path, body) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function checkIns(direction) {
  const times = [];
  const started = performance.now();
  await pool(families, 16, async (f) => {
    const t0 = performance.now();
    const found = await kiosk('/api/v1/kiosk/family', { pin: f.pin });
    const children = found.children.filter((c) => c.next === direction).map((c) => ({ id: c.id, direction }));
    if (children.length === 0) return;
    const body = { ticket: found.ticket, stamp_id: `b${direction}${f.pin}`, children };
    if (direction === 'out') body.pickup = 'self';
    await kiosk('/api/v1/kiosk/family/stamp', body);
    times.push(performance.now() - t0);
  });
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return `${(times.length / seconds).toFixed(0)} ${fmt(at(times, 0.5))} ${fmt(at(times, 0.99))} ${times.length}`;
}

console.log(`families ${families.length}`);
console.log(`checkin_in ${await checkIns('in')}`);
console.log(`checkin_out ${await checkIns('out')}`);

// Home sides at 50/s (each a page load for its version and the send) while the class's day reloads one at a time.
const staff = new Client(url);
await staff.signIn(`staff${site}`);
let sending = true;
const pageTimes = [];
const reader = (async () => {
  while (sending) {
    const t0 = performance.now();
    const r = await staff.get(`/sites/${site}/notebook`);
    if (r.status !== 200) throw new Error(`class page: ${r.status}`);
    pageTimes.push(performance.now() - t0);
  }
})();
const sendTimes = [];
const start = performance.now();
await Promise.all(families.map((f, i) => (async () => {
  const due = start + (i * 1000) / 50;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  const t0 = performance.now();
  const page = await f.c.get(`/family/children/${f.child}/notebook`);
  const version = (page.text.match(/name="version" value="(\d+)"/) || [])[1] || '0';
  const r = await f.c.post(`/family/children/${f.child}/notebook`, {
    version, temperature: '36.7', temperature_time: '07:00', bed_time: '20:30', wake_time: '06:30',
    breakfast: 'all', bowel_count: '1', bowel_state: 'normal', mood: 'good', note: 'bench',
  });
  if (r.status !== 303) throw new Error(`home side: ${r.status}`);
  sendTimes.push(performance.now() - t0);
})()));
const sendSeconds = (performance.now() - start) / 1000;
sending = false;
await reader;
pageTimes.sort((a, b) => a - b);
sendTimes.sort((a, b) => a - b);
console.log(`home_sides ${(sendTimes.length / sendSeconds).toFixed(0)} ${fmt(at(sendTimes, 0.5))} ${fmt(at(sendTimes, 0.99))}`);
console.log(`class_page ${pageTimes.length} ${fmt(at(pageTimes, 0.5))} ${fmt(at(pageTimes, 0.99))}`);
