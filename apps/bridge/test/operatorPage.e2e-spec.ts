import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEVNET_KEYS, DevnetUser, startDevnet, waitForMessage, type Devnet } from '@interop/devnet';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import { chromium, type Browser } from 'playwright-core';

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOT = path.join(ROOT, 'bench', 'results', 'operator-page.png');

/** Debian's chromium (CHROMIUM_PATH overrides); playwright-core never downloads a browser here. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `no Chromium found (looked at ${candidates.join(', ')}): install Debian's chromium ` +
        '(as root: apt-get update && apt-get install -y chromium; scripts/test.sh does it) or set CHROMIUM_PATH',
    );
  }
  return found;
}

/**
 * The operator page in headless Chromium against a whole devnet: it loads from the bridge, finds a bridged message
 * by its id and shows it executed with its timeline, and shows chains, epochs, the fee chart, the revenue split and
 * reconciliation, fetching nothing from another origin. Screenshot: bench/results/operator-page.png.
 */
describe('operator page (e2e, headless Chromium)', () => {
  let devnet: Devnet;
  let browser: Browser | undefined;
  let messageId: string;

  beforeAll(async () => {
    const executablePath = chromiumPath();
    const dir = mkdtempSync(path.join(tmpdir(), 'interop-operator-e2e-'));
    devnet = await startDevnet({ kafkaBrokers: requireKafkaBrokers(), logDir: path.join(dir, 'logs') });
    const user = new DevnetUser(devnet, DEVNET_KEYS.users[1]);
    const token = await user.createToken(901n, 'Page Token', 'PGT', 10n ** 21n);
    const sent = await user.bridge(901n, 902n, token, 12_345n);
    messageId = sent.id;
    await waitForMessage(devnet.bridgeUrl, sent.id, { timeoutMs: 180_000 });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  it('finds the bridged message by its id and sees it executed; every panel renders; no external fetch', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(devnet.bridgeUrl) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const response = await page.goto(`${devnet.bridgeUrl}/operator`);
    expect(response?.status()).toBe(200);
    await page.fill('#admin-token', devnet.adminToken);
    await page.click('#token-apply');

    await page.fill('#search-id', messageId);
    await page.click('#search-button');
    const detail = page.locator(`#message-detail [data-message-id="${messageId.toLowerCase()}"]`);
    await detail.waitFor({ timeout: 30_000 });
    expect(await detail.getAttribute('data-message-status')).toBe('executed');
    const steps = await page
      .locator('#message-detail ol.timeline li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step')));
    expect(steps).toEqual(expect.arrayContaining(['sent', 'batched', 'proven', 'relaying', 'executed']));
    expect(steps.at(-1)).toBe('executed');

    // Chains with lag, settled epochs, fee chart, split and reconciliation (admin token entered above).
    await page.locator('#chains-body tr[data-chain-id="901"]').waitFor();
    await page.locator('#chains-body tr[data-chain-id="902"]').waitFor();
    expect(await page.locator('#chains-body tr[data-chain-id="901"] [data-status]').textContent()).toBe('active');
    await page.locator('#epochs-body tr[data-epoch] [data-status="settled"]').first().waitFor();
    await page.locator('#fee-chart svg rect[data-bucket]').first().waitFor();
    const split = page.locator('#fee-split [data-currency="native:901"]');
    await split.waitFor();
    for (const item of ['burn', 'staking rewards', 'treasury']) {
      expect(await split.locator(`tr[data-item="${item}"] td.num`).first().textContent()).toMatch(/^[1-9][\d,]*$/);
    }
    await page.locator('#reconcile-body [data-reconcile="ok"]').waitFor();

    // An epoch opens with its proof's public signals.
    await page.locator('#epochs-body tr[data-epoch]').first().click();
    await page.locator('#epoch-detail [data-epoch-detail]').waitFor();

    // A search by sender lists the message too.
    await page.fill('#search-id', '');
    await page.fill('#search-sender', new DevnetUser(devnet, DEVNET_KEYS.users[1]).address);
    await page.click('#search-button');
    await page.locator(`#messages-body tr[data-message-id="${messageId.toLowerCase()}"]`).waitFor();

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
