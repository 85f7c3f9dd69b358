// Debian's Chromium driven by playwright-core: for `chitieu report --pdf` and the browser tests.
// The flags keep it from reaching for Google's services, which this network refuses.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHITIEU_CHROMIUM ?? '/usr/bin/chromium';
}

export class BrowserMissingError extends Error {
  constructor(path: string) {
    super(
      `no Chromium at ${path}: run \`npm run setup:browser\` (Debian's chromium package) or set CHITIEU_CHROMIUM`,
    );
    this.name = 'BrowserMissingError';
  }
}

export async function launchBrowser(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const executablePath = chromiumPath(env);
  if (!existsSync(executablePath)) throw new BrowserMissingError(executablePath);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** An HTML document (styles inline) as an A4 PDF, backgrounds printed. */
export async function htmlToPdf(
  documentHtml: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  const browser = await launchBrowser(env);
  try {
    const page = await browser.newPage();
    await page.setContent(documentHtml, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
