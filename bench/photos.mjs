// Photos on the contact notebook, against a running server (part of BENCH_ONLY=nursery in bench/run.sh): a carer
// adds a 12-megapixel iPhone HEIC to a child's page, one after another, and each is timed from the upload's start to
// the served JPEG received (the upload, the page it returns to, the photo). The server's memory before and at its
// peak, from /proc.
// Usage: node bench/photos.mjs URL SERVER_PID HEIC_FILE SITE COUNT
import { readFileSync } from 'node:fs';
import { Client } from '../tests/support/server.mjs';

const [url, pid, file, site, count] = process.argv.slice(2);
const heic = readFileSync(file);
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const memory = (field) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))[1]) / 1024;

const staff = new Client(url);
await staff.signIn(`staff${site}`);
const list = await staff.get(`/sites/${site}/notebook`);
const child = (list.text.match(/href="\/children\/(\d+)\/notebook/) || [])[1];
if (!child) throw new Error('no child at the site');
const rssBefore = memory('VmRSS');
const uploads = [];
const totals = [];
for (let i = 0; i < Number(count); i++) {
  const page = `/children/${child}/notebook`;
  await staff.get(page);
  const form = new FormData();
  form.append('_csrf', staff.csrf);
  form.append('photos', new Blob([heic], { type: 'image/heic' }), `IMG_${1000 + i}.HEIC`);
  const t0 = performance.now();
  const up = await staff.request('POST', `${page}/photos`, { body: form });
  if (up.status !== 303) throw new Error(`upload: ${up.status} ${up.text.slice(0, 200)}`);
  uploads.push(performance.now() - t0);
  const shown = await staff.get(page);
  const ids = [...shown.text.matchAll(/src="\/photos\/(\d+)\?size=thumb"/g)].map((m) => Number(m[1]));
  const res = await fetch(`${url}/photos/${Math.max(...ids)}`, { headers: { cookie: staff.cookieHeader() } });
  const jpeg = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error(`served: ${res.status}`);
  totals.push(performance.now() - t0);
}
uploads.sort((a, b) => a - b);
totals.sort((a, b) => a - b);
console.log(`photo_upload ${uploads.length} ${at(uploads, 0.5).toFixed(0)} ${uploads[uploads.length - 1].toFixed(0)}`);
console.log(`photo_served ${at(totals, 0.5).toFixed(0)} ${totals[totals.length - 1].toFixed(0)}`);
console.log(`photo_memory ${rssBefore.toFixed(0)} ${memory('VmHWM').toFixed(0)} ${(heic.length / 1048576).toFixed(1)}`);
