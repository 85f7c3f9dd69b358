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

/**
 * The footer Chromium prints in each page's bottom margin: "Trang 2/5" (the document's <html
 * lang> picks the word). Chromium fills .pageNumber and .totalPages; the template has no access
 * to the page's styles, so it carries its own.
 */
export function pageFooter(lang: string): string {
  const word = lang === 'en' ? 'Page' : 'Trang';
  return `<div style="width:100%;font-size:9pt;font-family:'Times New Roman',serif;text-align:center;color:#333">${word} <span class="pageNumber"></span>/<span class="totalPages"></span></div>`;
}

/** The print options of a pack: A4, backgrounds, NĐ 30 margins, page numbers in the footer. */
export function pdfOptions(documentHtml: string) {
  const lang = /<html[^>]*\blang="([a-z]+)"/i.exec(documentHtml)?.[1] ?? 'vi';
  return {
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: pageFooter(lang),
    // Nghị định 30/2020/NĐ-CP: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm
    margin: { top: '20mm', bottom: '20mm', left: '30mm', right: '15mm' },
  } as const;
}

/** An HTML document (styles inline) as an A4 PDF, backgrounds printed, pages numbered. */
export async function htmlToPdf(
  documentHtml: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  const browser = await launchBrowser(env);
  try {
    const page = await browser.newPage();
    await page.setContent(documentHtml, { waitUntil: 'load' });
    return await page.pdf(pdfOptions(documentHtml));
  } finally {
    await browser.close();
  }
}
