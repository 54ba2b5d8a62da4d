// Open one page in Debian's headless Chromium and print what it reports, as JSON on stdout.
//
//   node tests/browser/run_page.mjs <url> '<json options>'
//
// Options (all optional):
//   result      JavaScript expression the page sets when done (default "window.testResult");
//               the helper waits until it is neither undefined nor null and prints its value
//   timeout_ms  how long to wait for it (default 60000)
//   diagnostics JavaScript expression evaluated when the wait fails, printed as "diagnostics"
//   screenshot  path of a PNG taken once the result is there
//   viewport    {"width": 960, "height": 540}
//   requests    true: also list every response as {method, url, status} in "requests"
//   chromium    the browser binary (default /usr/bin/chromium)
//   args        extra command-line switches for Chromium
//
// Prints {"ok": true|false, "result": ..., "error": "...", "console": [...], "page_errors": [...],
// "failed_requests": [...]} and exits 0; exits 2 only when the options are not JSON. Shared by the
// browser tests (tests/browser/), so it knows nothing about any one page.
import { chromium } from 'playwright-core';

const [url, rawOptions = '{}'] = process.argv.slice(2);
let options;
try {
  options = JSON.parse(rawOptions);
} catch (error) {
  console.error(`options are not JSON: ${error.message}`);
  process.exit(2);
}
if (!url) {
  console.error('usage: node run_page.mjs <url> [json options]');
  process.exit(2);
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
const report = { ok: false, result: null, error: null, diagnostics: null, console: [], page_errors: [],
  failed_requests: [], requests: [] };
let browser;
let page;
try {
  browser = await chromium.launch({
    executablePath: options.chromium || '/usr/bin/chromium',
    args: [...ARGS, ...(options.args || [])],
  });
  page = await browser.newPage({ viewport: options.viewport || { width: 960, height: 540 } });
  page.on('console', (message) => report.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => report.page_errors.push(String(error)));
  page.on('requestfailed', (request) => report.failed_requests.push(
    `${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (options.requests) {
      report.requests.push({ method: response.request().method(), url: response.url(), status: response.status() });
    }
    if (response.status() >= 400) report.failed_requests.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(url);
  const expression = options.result || 'window.testResult';
  const handle = await page.waitForFunction(`(${expression}) ?? null`, null,
    { timeout: options.timeout_ms ?? 60000, polling: 100 });
  report.result = await handle.jsonValue();
  if (options.screenshot) await page.screenshot({ path: options.screenshot });
  report.ok = true;
} catch (error) {
  report.error = String(error?.message || error);
  if (page && options.diagnostics) {
    report.diagnostics = await page.evaluate(options.diagnostics).catch((failure) => `unavailable: ${failure}`);
  }
  if (page && options.screenshot) await page.screenshot({ path: options.screenshot }).catch(() => {});
} finally {
  if (browser) await browser.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
