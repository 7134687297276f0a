// Kiosk time from Enter to the child's name on the screen, in Chromium, against a running server: the kiosk's
// cookie holds a credential made by `tadaima kiosk create`; each scan is typed as a USB reader types it.
// Usage: node bench/kiosk_latency.mjs URL CREDENTIAL CARDS_FILE [SCANS]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, credential, cardsFile, scansArg] = process.argv.slice(2);
const cards = readFileSync(cardsFile, 'utf8').trim().split('\n').map((l) => l.split(' ')[1]);
const scans = Math.min(Number(scansArg || 40), cards.length);
const profile = mkdtempSync(join(tmpdir(), 'tadaima-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1024, height: 768 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await context.addCookies([{ name: 'tadaima_kiosk', value: credential, url }]);
const page = await context.newPage();
await page.goto(`${url}/kiosk`);
await page.waitForSelector('#kiosk[data-ready="true"]');
const times = [];
for (let i = 0; i < scans; i += 1) {
  await page.keyboard.type(cards[i]);
  // From the Enter key's event to the name in the DOM, measured in the page.
  const ms = await page.evaluate(() => new Promise((resolve) => {
    const name = document.querySelector('[data-qa=kiosk-name]');
    const result = document.querySelector('[data-qa=kiosk-result]');
    let start = 0;
    const observer = new MutationObserver(() => {
      if (start && result.dataset.state !== 'sending' && name.textContent) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    });
    observer.observe(result, { subtree: true, childList: true, characterData: true, attributes: true });
    name.textContent = '';
    document.addEventListener('keydown', () => { start = performance.now(); }, { once: true, capture: true });
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }));
  times.push(ms);
}
await context.close();
rmSync(profile, { recursive: true, force: true });
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`${scans} ${at(0.5).toFixed(1)} ${at(0.95).toFixed(1)}`);
