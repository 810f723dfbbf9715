// How long the editor's live YAML takes to show an edit: from the input event of the Image field to
// the preview showing the new image, in headless Chromium against the release binary (the preview
// renders on the server 250 ms after the last change). Prints p50, p95 and the worst of N samples.
//
//   KUBECHART_BIN=$CARGO_TARGET_DIR/release/kubechart node web/bench/preview-latency.mjs [samples]
import { kubechartApi } from '../e2e/support/api.mjs';
import { launchBrowser, openPage } from '../e2e/support/browser.mjs';
import { editorPage, field } from '../e2e/support/pages.mjs';
import { startServer } from '../e2e/support/server.mjs';

const samples = Number(process.argv[2] ?? 30);
const server = await startServer();
const browser = await launchBrowser();
try {
  const token = await kubechartApi(server.baseUrl).register({
    username: 'bench',
    email: 'bench@example.io',
    password: 'bench-password-1',
  });
  const { page, close } = await openPage(browser, server.baseUrl);
  await page.goto('/login');
  await page.evaluate((value) => localStorage.setItem('kubechart.token', value), token);
  await page.goto('/apps/new?template=web-ingress');
  await page.getByRole('heading', { name: 'New application' }).waitFor();
  await editorPage.waitForPreview(page, 'kind: Deployment');
  await editorPage.section(page, 'Workloads');
  const image = field(page, 'Image');

  const elapsed = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const tag = `ghcr.io/acme/shop:bench-${sample}`;
    // Times are taken in the page: from the input event to the preview's text changing to show it.
    await page.evaluate((expected) => {
      const preview = document.querySelector('[data-testid="preview-yaml"]');
      window.__shown = null;
      window.__typed = null;
      document.addEventListener('input', () => (window.__typed = performance.now()), { once: true, capture: true });
      const observer = new MutationObserver(() => {
        if (preview.textContent.includes(expected)) {
          window.__shown = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(preview, { childList: true, subtree: true, characterData: true });
    }, tag);
    await image.fill(tag);
    await page.waitForFunction(() => window.__shown !== null, null, { timeout: 10_000 });
    elapsed.push(await page.evaluate(() => window.__shown - window.__typed));
  }
  await close();

  elapsed.sort((a, b) => a - b);
  const at = (q) => elapsed[Math.min(elapsed.length - 1, Math.floor(q * elapsed.length))].toFixed(0);
  console.log(`edit → preview, ${samples} samples: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, worst ${at(1)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
