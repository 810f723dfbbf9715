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
    // A failed load names no resource in its text: the location says which one.
    else problems.push(`console error: ${text}${message.location()?.url ? ` (${message.location().url})` : ''}`);
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
  // From the top: a full-page picture of a scrolled page draws the fixed header where the view was.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/**
 * Switches the page's colour scheme the way another tab would (Mantine follows the `storage` event of
 * its localStorage key): no reload, no click, so an open dialog or a streaming panel stays as it is.
 */
export async function switchTheme(page, theme) {
  await page.evaluate((scheme) => {
    const key = 'kubechart.theme';
    localStorage.setItem(key, scheme);
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: scheme, storageArea: localStorage }));
  }, theme);
  await page.waitForFunction((scheme) => document.documentElement.getAttribute('data-mantine-color-scheme') === scheme, theme);
}

/** Screenshots the current state in the light theme, then the dark one (`<name>-light`, `<name>-dark`), and leaves it light. */
export async function screenshotThemes(page, name) {
  for (const theme of ['light', 'dark']) {
    await switchTheme(page, theme);
    await screenshot(page, `${name}-${theme}`);
  }
  await switchTheme(page, 'light');
}
