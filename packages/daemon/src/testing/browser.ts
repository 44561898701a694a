import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`, as scripts/ensure-services.mjs does):
 * Playwright drives it as it is, and never downloads a browser of its own.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`node scripts/ensure-services.mjs\` (it installs Debian's chromium)`,
    );
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  // As root, Chromium refuses its sandbox: a test browser on our own pages goes without it.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: root ? ['--no-sandbox'] : [],
    timeout: 30_000,
  });
}

const DOCS = new URL('../../../../docs/console/', import.meta.url);

/** Writes a screenshot for docs/console.md, only when asked (`UPDATE_DOCS=1`), so a run leaves the tree clean. */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_DOCS !== '1') return;
  await mkdir(DOCS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, DOCS).pathname, fullPage: false });
}
