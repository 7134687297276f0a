// The register and the counts from the command line, for a city's scripts: the file on standard output, or one line on standard
// error and a non-zero exit with nothing on standard output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, BINARY } from '../support/server.mjs';

let server;

before(async () => {
  server = await startServer({ sites: 1, children: 20, clock: '2026-12-03T07:30:00Z', plans: true });
});

after(async () => {
  await server?.stop();
});

function report(args) {
  return spawnSync(BINARY, ['report', 'register', ...args], { env: { ...process.env, ...server.env } });
}

test('tadaima report register writes a workbook or a CSV to standard output', () => {
  const xlsx = report(['--site', '1', '--month', '2026-12']);
  assert.equal(xlsx.status, 0, xlsx.stderr.toString());
  assert.equal(xlsx.stdout.subarray(0, 2).toString('latin1'), 'PK', 'a zip container');
  const csv = report(['--site', '1', '--month', '2026-12', '--format', 'csv']);
  assert.equal(csv.status, 0);
  const text = csv.stdout.toString('utf8');
  assert.ok(text.startsWith('\uFEFF氏名,ふりがな,学年,2026-12-01,'), text.slice(0, 80));
  assert.equal(text.trim().split('\r\n').length, 1 + 20 + 1, 'a head, a line a child, the foot');
  const en = report(['--site', '1', '--month', '2026-12', '--format', 'csv', '--lang', 'en']);
  assert.ok(en.stdout.toString('utf8').startsWith('\uFEFFName,'));
  // Without a site: every site's register, the site's name first on each line.
  const all = report(['--month', '2026-12', '--format', 'csv']).stdout.toString('utf8');
  assert.ok(all.startsWith('\uFEFF施設,氏名,'), all.slice(0, 40));
  assert.equal(all.trim().split('\r\n').length, 1 + 20 + 1);
  const pdf = report(['--month', '2026-12', '--format', 'pdf']);
  assert.equal(pdf.status, 0, pdf.stderr.toString());
  assert.equal(pdf.stdout.subarray(0, 5).toString('latin1'), '%PDF-');
});

test('a bad month, site or format: a line on standard error, nothing on standard output', () => {
  for (const [args, message] of [
    [['--site', '1', '--month', '2027-01'], /まだ来ていない月/],
    [['--site', '1', '--month', '2026-13'], /2026-11 のように/],
    [['--site', '99', '--month', '2026-12'], /その施設はありません/],
    [['--site', '1', '--month', '2026-12', '--format', 'ods'], /xlsx, pdf, csv and csv-cp932/],
  ]) {
    const r = report(args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.equal(r.stdout.length, 0, args.join(' '));
    assert.match(r.stderr.toString(), message);
  }
});

function counts(args) {
  return spawnSync(BINARY, ['report', 'counts', ...args], { env: { ...process.env, ...server.env } });
}

test('tadaima report counts writes the month or the fiscal year of every site', () => {
  const xlsx = counts(['--month', '2026-11']);
  assert.equal(xlsx.status, 0, xlsx.stderr.toString());
  assert.equal(xlsx.stdout.subarray(0, 2).toString('latin1'), 'PK', 'a zip container');
  const pdf = counts(['--month', '2026-11', '--format', 'pdf']);
  assert.equal(pdf.status, 0, pdf.stderr.toString());
  assert.equal(pdf.stdout.subarray(0, 5).toString('latin1'), '%PDF-');
  const sites = counts(['--month', '2026-11', '--format', 'csv']).stdout.toString('utf8');
  assert.ok(sites.startsWith('\uFEFF施設,種別,在籍,'), sites.slice(0, 60));
  const lines = sites.trim().split('\r\n');
  assert.equal(lines.length, 1 + 1 + 1, 'a head, the one site, the total');
  assert.match(lines[1], /,20,/, 'the twenty children enrolled');
  const days = counts(['--month', '2026-11', '--site', '1', '--format', 'csv', '--table', 'days']).stdout.toString('utf8');
  assert.equal(days.trim().split('\r\n').length, 1 + 30, 'a head and a line a day');
  const year = counts(['--year', '2026', '--format', 'csv', '--lang', 'en']);
  assert.equal(year.status, 0, year.stderr.toString());
  assert.ok(year.stdout.toString('utf8').startsWith('\uFEFFSite,Days open,'), year.stdout.toString('utf8').slice(0, 60));
});

test('report counts refuses a bad month, year, survey day, site or format with nothing on standard output', () => {
  for (const [args, message] of [
    [['--month', '2027-01'], /まだ来ていない月/],
    [['--year', '2027'], /まだ始まっていない年度/],
    [['--year', '26'], /4桁/],
    [['--year', '2026', '--survey', '2026-03-01'], /その年度/],
    [['--month', '2026-11', '--site', '99'], /その施設はありません/],
    [['--month', '2026-11', '--format', 'ods'], /xlsx、pdf、csv、csv-cp932/],
  ]) {
    const r = counts(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout.length, 0, args.join(' '));
    assert.match(r.stderr.toString(), message);
  }
});
