// Scenes the browser tests and the benchmark set up in a demo city's SQLite database, as the day would have made
// them: a roster at dismissal time with many children in, some gone home and some missing (open alerts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export function sqlite(db, statement) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// An instant on `date` (Tokyo) at hh:mm, as the database stores instants (UTC).
export function tokyoInstant(date, hhmm) {
  return new Date(`${date}T${hhmm}:00+09:00`).toISOString();
}

// At a 学童 site on `date`, of the children planned to attend: the first `missing` have not come (past dismissal
// plus the threshold these are open alerts), every other one came in after school, and every fourth of those has
// gone home. Returns the number of children planned.
export function rosterUnderAlerts(db, { site = 1, date, missing = 30 }) {
  const planned = sqlite(db, `SELECT child_id FROM attendance_plan WHERE site_id = ${site} AND plan_date = '${date}' AND attending = 1 ORDER BY child_id`)
    .split('\n').filter(Boolean).map(Number);
  assert.ok(planned.length > missing, `only ${planned.length} children planned at site ${site} on ${date}`);
  const rows = [];
  planned.slice(missing).forEach((child, i) => {
    const inAt = tokyoInstant(date, `15:${String(5 + (i % 50)).padStart(2, '0')}`);
    rows.push(`(${child}, ${site}, '${date}', 'in', '${inAt}', 'staff', '${inAt}')`);
    if (i % 4 === 0) {
      const outAt = tokyoInstant(date, `16:${String(i % 30).padStart(2, '0')}`);
      rows.push(`(${child}, ${site}, '${date}', 'out', '${outAt}', 'staff', '${outAt}')`);
    }
  });
  sqlite(db, `INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, created_at) VALUES ${rows.join(', ')}`);
  return planned.length;
}
