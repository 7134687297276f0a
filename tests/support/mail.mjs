// A real SMTP server on loopback for tests (Debian's python3-aiosmtpd writing a Maildir), and the tools that read
// what tadaima prints: pdftotext for a letter's text, pdftoppm + zbarimg for its QR code.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

function accepts(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export async function startSmtp() {
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-smtp-'));
  const maildir = join(dir, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 12000);
  const proc = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });
  // Bounded: ready when it accepts connections.
  for (let i = 0; i < 400 && !(await accepts(port)); i++) await delay(25);
  if (!(await accepts(port))) throw new Error('aiosmtpd did not start');
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails() {
      return readdirSync(join(maildir, 'new')).map((f) => parseMail(readFileSync(join(maildir, 'new', f), 'utf8')));
    },
    // Waits (bounded, 30 s) until a mail to this address has arrived; the server's job worker sends it.
    async waitFor(to, count = 1) {
      for (let i = 0; i < 600; i++) {
        const found = this.mails().filter((m) => m.to === to);
        if (found.length >= count) return found[count - 1];
        await delay(50);
      }
      throw new Error(`no mail to ${to} arrived`);
    },
    async stop() {
      if (proc.exitCode === null) { proc.kill('SIGTERM'); await once(proc, 'exit'); }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function decodeWords(value) {
  const words = [...value.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)];
  return words.length ? words.map((w) => Buffer.from(w[1], 'base64').toString('utf8')).join('') : value;
}

export function parseMail(raw) {
  const text = raw.replace(/\r?\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = text.slice(0, split).replace(/\n[ \t]/g, ' ');
  const field = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) || [])[1] || '';
  return {
    to: field('To'), subject: decodeWords(field('Subject')), messageId: field('Message-ID'), date: field('Date'),
    body: Buffer.from(text.slice(split + 2).replace(/\s/g, ''), 'base64').toString('utf8'),
  };
}

// The first link in a mail body.
export function linkIn(body) { return (body.match(/https?:\/\/\S+/) || [])[0]; }

function withPdf(bytes, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tadaima-pdf-'));
  try {
    writeFileSync(join(dir, 'letter.pdf'), bytes);
    return fn(dir, join(dir, 'letter.pdf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pdfText(bytes) {
  return withPdf(bytes, (dir, pdf) => {
    const r = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout;
  });
}

// Renders the PDF's first page as an image, as a phone camera would see it printed, and decodes its QR code.
export function qrInPdf(bytes) {
  return withPdf(bytes, (dir, pdf) => {
    const r1 = spawnSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', pdf, join(dir, 'page')]);
    if (r1.status !== 0) throw new Error(`pdftoppm failed: ${r1.stderr}`);
    const png = readdirSync(dir).find((f) => f.endsWith('.png'));
    const r2 = spawnSync('zbarimg', ['--raw', '-q', join(dir, png)], { encoding: 'utf8' });
    if (r2.status !== 0) throw new Error(`zbarimg found no code: ${r2.stderr}`);
    return r2.stdout.trim();
  });
}
