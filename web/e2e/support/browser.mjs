// Chromium from the system (Debian's package), driven by playwright-core; every page fails its test on
// a console error, an uncaught exception or a Content-Security-Policy violation.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results');

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh context (own localStorage) and page on `baseUrl`. `problems()` lists what went wrong in the
 * page; `expectProblem(re)` allows one console error matching `re` that a scenario provokes on purpose
 * (the browser logs every 4xx answer as an error).
 */
export async function openPage(browser, baseUrl, options = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1360, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const problems = [];
  const allowed = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const index = allowed.findIndex((re) => re.test(text));
    if (index >= 0) allowed.splice(index, 1);
    else problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  await page.exposeFunction('__reportCspViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return {
    context,
    page,
    problems: () => [...problems],
    expectProblem: (re) => allowed.push(re),
    close: () => context.close(),
  };
}

export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  // Let transitions (theme switch, menus closing) finish so the picture shows the settled page.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}
