// The guardian's plans over real HTTP on a server whose clock the test moves: the site's deadline (17:00 the day
// before) decides whether a change is flagged for staff; bad input — a past day, a closed day, a leaving time
// outside the opening hours, nonsense — gets 422 with a clear message in Japanese or English and saves nothing;
// another family's child does not exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../support/server.mjs';

let server;
let guardian;
let child;

before(async () => {
  server = await startServer({ sites: 2, children: 20, testClock: true });
  server.setClock('2026-11-23T07:00:00Z');  // Monday 16:00 in Tokyo
  guardian = new Client(server.url);
  await guardian.get('/family/login');
  const signIn = await guardian.post('/family/login', { email: 'guardian1@example.com', password: 'tadaima-demo' });
  assert.equal(signIn.status, 303);
  const home = await guardian.get('/family');
  child = home.text.match(/href="\/family\/children\/(\d+)\/plans"/)[1];
  await guardian.get(`/family/children/${child}/plans`);
});
after(async () => { await server?.stop(); });

const plan = (fields) => guardian.post(`/family/children/${child}/plans`,
  { month: '2026-11', attending: '1', way_home: 'alone', ...fields });

test('before the deadline a plan changes freely; a second after it, the change is flagged for staff', async () => {
  let r = await plan({ day: '2026-11-24', leave_time: '17:00' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /saved=1&skipped=0&late=0$/);
  server.setClock('2026-11-23T08:00:01Z');  // Monday 17:00:01
  r = await plan({ day: '2026-11-24', leave_time: '18:00' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /late=1$/);
  // An absence is accepted at any hour, even for the same day.
  server.setClock('2026-11-23T21:30:00Z');  // Tuesday 06:30
  await guardian.get(`/family/children/${child}/contact`);
  r = await guardian.post(`/family/children/${child}/contact`, { date: '2026-11-24', kind: 'absence', absence_reason: 'illness' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/family?notice=absence_sent');
});

test('bad days and bad fields are refused with a clear message, and nothing is saved', async () => {
  server.setClock('2026-11-25T01:00:00Z');  // Wednesday 10:00
  const before = await guardian.get(`/family/children/${child}/plans?month=2026-11`);
  const cases = [
    [{ day: '2026-11-24', leave_time: '17:00' }, '11月24日（火）：過ぎた日は選べません。'],
    [{ day: '2026-11-29', leave_time: '17:00' }, '11月29日（日）：休所日です。'],
    [{ day: '2026-11-26', leave_time: '21:00' }, '11月26日（木）：帰る時刻が開所時間外です。'],
    [{ day: '2027-12-01', leave_time: '17:00' }, '1年より先の日は入力できません。'],
    [{ day: '2026-11-26', leave_time: '5時' }, '時刻は「15:30」の形で入力してください。'],
    [{ day: '2026-11-26', attending: 'maybe' }, 'error-summary'],
    [{ day: '2026-11-26', way_home: 'pickup' }, 'お迎えの人を一覧から選んでください。'],
    [{}, '日付を選ぶか、曜日を選んでください。'],
  ];
  for (const [fields, message] of cases) {
    const r = await plan(fields);
    assert.equal(r.status, 422, JSON.stringify(fields));
    assert.ok(r.text.includes(message), `${JSON.stringify(fields)}: ${message}`);
  }
  const after = await guardian.get(`/family/children/${child}/plans?month=2026-11`);
  assert.equal(after.text.match(/未入力/g).length, before.text.match(/未入力/g).length);
  // The same in English, for a guardian who reads English.
  await guardian.get('/lang/en?next=/family');
  await guardian.get(`/family/children/${child}/plans`);
  const r = await plan({ day: '2026-11-24', leave_time: '17:00' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('That day has passed.'));
  await guardian.get('/lang/ja?next=/family');
});

test('another family\'s child does not exist for this guardian', async () => {
  const staff = new Client(server.url);
  await staff.signIn('manager2');
  const list = await staff.get('/children?site_id=2');
  const other = list.text.match(/href="\/children\/(\d+)"/)[1];
  await guardian.get(`/family/children/${child}/plans`);
  assert.equal((await guardian.get(`/family/children/${other}/plans`)).status, 404);
  assert.equal((await guardian.get(`/family/children/${other}/pickup`)).status, 404);
  const r = await guardian.post(`/family/children/${other}/contact`, { date: '2026-11-26', kind: 'absence' });
  assert.equal(r.status, 404);
});
