// The portal in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): people
// sign in, search, upload, play, license and fetch the dubbing kit as they would. Reads the
// scenario from the JSON file named by argv[2]; prints one JSON object of what it saw on stdout
// (pytest asserts on it), and saves a screenshot of each step.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { base, password, programme, screenshots } = scenario;
const seen = { steps: [], console: [] };

const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
};

async function shot(page, name) {
  const path = join(screenshots, `${String(seen.steps.length + 1).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function step(page, name, run) {
  let result;
  try {
    result = (await run()) || {};
  } catch (error) {
    await shot(page, `${name}-failed`).catch(() => {});
    error.message = `${name}: ${error.message} (at ${page.url()})`;
    throw error;
  }
  result.screenshot = await shot(page, name);
  seen.steps.push({ ...result, name });
  return result;
}

async function person(browser, username, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: "en-GB", acceptDownloads: true });
  // Every text the upload's status line shows, however briefly (init scripts are not subject to the CSP).
  await context.addInitScript(() => {
    window.statusHistory = [];
    document.addEventListener("DOMContentLoaded", () => {
      const status = document.querySelector("#upload-status");
      if (!status) return;
      new MutationObserver(() => window.statusHistory.push(status.textContent)).observe(
        status, { childList: true, characterData: true, subtree: true });
    });
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") seen.console.push(`${username}: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.console.push(`${username}: ${error.message}`));
  await page.goto(`${base}/sign-in/`);
  await page.fill("#id_username", username);
  await page.fill("#id_password", password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main button[type="submit"]')]);
  return { context, page };
}

async function chooseLanguage(page, code) {
  await page.selectOption("#language", code);
  await page.click("form.language button");
  await page.waitForSelector(`html[lang="${code}"]`);
}

// Where two elements sit, so a right-to-left page can be checked for mirroring, not just its dir.
async function layout(page) {
  return page.evaluate(() => {
    // The box of an element's text (not of the block, which spans the line in either direction).
    const box = (selector) => {
      const element = document.querySelector(selector);
      if (!element) return null;
      const range = document.createRange();
      range.selectNodeContents(element);
      const { left, right, top, bottom } = range.getBoundingClientRect();
      return { left, right, top, bottom };
    };
    return {
      dir: document.documentElement.dir,
      lang: document.documentElement.lang,
      width: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      brand: box(".bar .brand"),
      language: box("form.language"),
      heading: box("main h1"),
    };
  });
}

async function main() {
  const browser = await chromium.launch(LAUNCH);
  try {
    // 1. PTV's editor signs in, switches to Urdu, and searches typing on an Arabic keyboard.
    const editor = await person(browser, scenario.users.editor);
    let page = editor.page;
    await step(page, "signed-in", async () => ({ heading: await page.textContent("main h1") }));
    await chooseLanguage(page, "ur");
    await step(page, "search-urdu", async () => {
      await page.fill("#q", scenario.query);
      await Promise.all([page.waitForURL(/[?]q=/), page.click(".search-box button")]);
      const link = page.locator(`a[href="/programmes/${programme}/"]`);
      return {
        found: await link.count(),
        title: await link.first().textContent(),
        titleLang: await link.locator("span").first().getAttribute("lang"),
        layout: await layout(page),
      };
    });

    // 2. The programme page, then the delivery page: a master uploaded in parts; a reload halfway
    //    through, the same file chosen again resumes the upload; then processing until ready.
    await chooseLanguage(page, "en");
    await page.click(`a[href="/programmes/${programme}/"]`);
    await step(page, "programme", async () => ({ heading: await page.textContent("main h1") }));
    await step(page, "uploaded-and-ready", async () => {
      await page.goto(`${base}/programmes/${programme}/deliver/`);
      let allowed = 2;
      const held = [];
      const parts = [];
      await page.route("**/api/v1/storage/parts/**", (route) => {
        parts.push(route.request().url());
        if (allowed-- > 0) route.continue();
        else held.push(route); // the link "drops": these parts never arrive
      });
      await page.setInputFiles("#master-file", scenario.master);
      await page.click('#upload-form button[type="submit"]');
      await page.waitForFunction(() => Number(document.querySelector("#upload-progress").value) > 0);
      const before = await page.evaluate(() => ({
        progress: Number(document.querySelector("#upload-progress").value),
        saved: Object.keys(localStorage).filter((key) => key.startsWith("exchange-upload:")).length,
      }));
      // Reloaded while parts hang: the page's script dies with the upload half done.
      await page.reload();
      await Promise.all(held.map((route) => route.abort().catch(() => {})));
      await page.unroute("**/api/v1/storage/parts/**");
      await page.setInputFiles("#master-file", scenario.master);
      await page.click('#upload-form button[type="submit"]');
      await page.waitForSelector('tr[data-kind="source"][data-state="ready"]', { timeout: 150_000 });
      await page.waitForSelector('tr[data-kind="hls"][data-state="ready"]', { timeout: 30_000 });
      return {
        before,
        statusHistory: await page.evaluate(() => window.statusHistory),
        partsRequestedBeforeReload: parts.length,
        status: await page.textContent("#upload-status"),
        saved: await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("exchange-upload:")).length),
        rows: await page.$$eval("#assets tbody tr", (rows) => rows.map((row) => [row.dataset.kind, row.dataset.state])),
      };
    });

    // 3. The preview in hls.js: Chinese subtitles chosen, their cue on screen.
    await page.goto(`${base}/programmes/${programme}/`);
    await step(page, "preview-chinese-subtitles", async () => {
      await page.waitForSelector("#subtitle-track:not([disabled])", { timeout: 60_000 });
      const subtitleChoices = await page.$$eval("#subtitle-track option", (options) => options.map((o) => o.lang || o.value));
      const zh = await page.$eval("#subtitle-track", (select) =>
        [...select.options].find((option) => option.lang === "zh-Hans")?.value);
      await page.selectOption("#subtitle-track", zh);
      await page.evaluate(() => { const video = document.querySelector("#video"); video.muted = true; return video.play(); });
      const cue = await page.waitForFunction(() => {
        for (const track of document.querySelector("#video").textTracks) {
          if (track.mode !== "showing") continue;
          for (const cue of track.activeCues || []) if (cue.text) return { lang: track.language, text: cue.text };
        }
        return null;
      }, null, { timeout: 60_000 }).then((handle) => handle.jsonValue());
      await page.evaluate(() => document.querySelector("#video").pause());
      return {
        subtitleChoices,
        cue,
        audioChoices: await page.$$eval("#audio-track option", (options) => options.map((o) => o.lang || o.textContent)),
        currentTime: await page.$eval("#video", (video) => video.currentTime),
      };
    });
    await editor.context.close();

    // 4. CCTV's licensing manager asks for exclusive VOD rights in China; PTV's approves; the same
    //    rights asked again are refused, naming the licence they conflict with.
    const buyer = await person(browser, scenario.users.buyer);
    page = buyer.page;
    const requestRights = async () => {
      await page.goto(`${base}/programmes/${programme}/`);
      await page.fill("#request-territories", "CN");
      await page.check('#request-form input[name="media"][value="vod"]');
      await page.fill("#request-subtitle-languages", "zh-Hans");
      await page.fill("#request-start", scenario.window.start);
      await page.fill("#request-end", scenario.window.end);
      await page.check('#request-form input[name="exclusive"]');
      await page.click('#request-form button[type="submit"]');
      await page.waitForFunction(() => document.querySelector("#request-form [data-result]").textContent.trim());
      return page.$eval("#request-form [data-result]", (output) => ({
        text: output.textContent, role: output.getAttribute("role"),
      }));
    };
    await step(page, "licence-requested", async () => ({ result: await requestRights() }));

    const seller = await person(browser, scenario.users.seller);
    await seller.page.goto(`${base}/licensing/`);
    await step(seller.page, "licence-approved", async () => {
      await seller.page.fill(".request input[name='reason']", "موافق — 同意");
      await Promise.all([seller.page.waitForEvent("load"), seller.page.click(".request form.decision button.primary")]);
      return {
        state: await seller.page.getAttribute(".request dd[data-state]", "data-state"),
        granted: await seller.page.$$eval("#granted-heading + .table-wrap td[data-state]", (cells) => cells.map((c) => c.dataset.state)),
      };
    });
    await seller.context.close();
    await step(page, "conflict-named", async () => ({ result: await requestRights() }));
    await page.goto(`${base}/licensing/`);
    await step(page, "licences-of-the-licensee", async () => ({
      states: await page.$$eval("#licences-heading + .table-wrap td[data-state]", (cells) => cells.map((c) => c.dataset.state)),
    }));
    await buyer.context.close();

    // 5. CCTV's dubbing team downloads the kit.
    const dubbing = await person(browser, scenario.users.dubbing);
    page = dubbing.page;
    await page.goto(`${base}/programmes/${programme}/dubbing/`);
    await step(page, "dubbing-kit", async () => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click('#kit-form button[type="submit"]')]);
      const path = join(screenshots, "dubbing-kit.zip");
      await download.saveAs(path);
      return { kit: path, filename: download.suggestedFilename(), url: download.url() };
    });

    // 6. The same pages in Arabic, right to left, at desktop and phone widths.
    await chooseLanguage(page, "ar");
    await page.goto(`${base}/programmes/${programme}/`);
    await step(page, "arabic-programme", async () => ({ layout: await layout(page) }));
    await page.goto(`${base}/licensing/`);
    await step(page, "arabic-licensing", async () => ({ layout: await layout(page) }));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/?q=${encodeURIComponent(scenario.query)}`);
    await step(page, "arabic-catalogue-phone", async () => ({ layout: await layout(page) }));
    await dubbing.context.close();
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.stdout.write(JSON.stringify(seen)),
  (error) => {
    process.stdout.write(JSON.stringify({ ...seen, error: String(error.stack || error) }));
    process.exitCode = 1;
  },
);
