// A 300-child nursery's nap hour, against a running server (BENCH_ONLY=nursery in bench/run.sh): every child laid
// down class by class, then a carer per class taps checks for the class's children one after another (each tap a
// POST answered with the redirect, as the tablet's form sends it) while each class's tablet reloads its page every
// two seconds and holds the site's live stream open. Prints the taps' rate and latency, and the pages'.
// Usage: node bench/naps.mjs URL SITE SECONDS
import { Client } from '../tests/support/server.mjs';

const [url, site, seconds] = process.argv.slice(2);
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (x) => x.toFixed(1);

const staff = new Client(url);
await staff.signIn(`staff${site}`);
// The classes and their children, from the roster's page per class.
const page = await staff.get(`/sites/${site}/naps`);
const groups = [...page.text.matchAll(/<option value="(\d+)"/g)].map((m) => m[1]);
const classes = [];
for (const g of groups) {
  const roster = await staff.get(`/sites/${site}/roster?group=${g}`);
  const children = [...new Set([...roster.text.matchAll(/data-child="(\d+)"/g)].map((m) => m[1]))];
  if (children.length) classes.push({ group: g, children });
}
const all = classes.reduce((n, c) => n + c.children.length, 0);

// Lay every class down (one tap per class, as a carer ticks the class and starts).
for (const c of classes) {
  await staff.get(`/sites/${site}/naps?group=${c.group}`);
  const r = await staff.request('POST', `/sites/${site}/naps/start`, {
    form: [...c.children.map((id) => ['child', id]), ['group', c.group], ['_csrf', staff.csrf]],
  });
  if (r.status !== 303) throw new Error(`start: ${r.status}`);
}

// Each class's tablet: its page every two seconds, and the site's live stream held open.
let running = true;
const pageTimes = [];
const streams = [];
const tablets = classes.map(async (c) => {
  const t = new Client(url);
  t.cookies = new Map(staff.cookies);
  const abort = new AbortController();
  streams.push(abort);
  fetch(`${url}/sites/${site}/roster/events?after=0`, { headers: { cookie: t.cookieHeader() }, signal: abort.signal })
    .then(async (res) => { for await (const _ of res.body) { /* the tablet hears every change */ } })
    .catch(() => {});
  while (running) {
    const t0 = performance.now();
    const r = await t.get(`/sites/${site}/naps?group=${c.group}`);
    if (r.status !== 200) throw new Error(`nap page: ${r.status}`);
    pageTimes.push(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
});

// A carer per class: a check for each of the class's children in turn, as fast as answers come.
const tapTimes = [];
const start = performance.now();
const until = start + Number(seconds) * 1000;
await Promise.all(classes.map(async (c) => {
  const carer = new Client(url);
  carer.cookies = new Map(staff.cookies);
  await carer.get(`/sites/${site}/naps?group=${c.group}`);
  let i = 0;
  while (performance.now() < until) {
    const child = c.children[i++ % c.children.length];
    const t0 = performance.now();
    const r = await carer.request('POST', `/sites/${site}/naps/check`, {
      form: [['child', child], ['position', i % 5 === 0 ? 'left' : 'back'], ['group', c.group], ['_csrf', carer.csrf]],
    });
    if (r.status !== 303) throw new Error(`check: ${r.status}`);
    tapTimes.push(performance.now() - t0);
  }
}));
const elapsed = (performance.now() - start) / 1000;
running = false;
await Promise.all(tablets);
for (const s of streams) s.abort();
tapTimes.sort((a, b) => a - b);
pageTimes.sort((a, b) => a - b);
console.log(`naps_children ${all} ${classes.length}`);
console.log(`nap_taps ${(tapTimes.length / elapsed).toFixed(0)} ${fmt(at(tapTimes, 0.5))} ${fmt(at(tapTimes, 0.99))} ${tapTimes.length}`);
console.log(`nap_pages ${pageTimes.length} ${fmt(at(pageTimes, 0.5))} ${fmt(at(pageTimes, 0.99))}`);
