// Uploading a master from the browser with the API's resumable multipart protocol, as the CLI
// (client/engine.py) does: parts PUT in parallel straight to their signed URLs, a fresh URL when
// one expires or is refused (403), retries with backoff on transient failures, and the upload id
// kept in localStorage so that choosing the same file after a reload resumes where it stopped.
// Then the table of media files follows the processing state and progress by polling the API.
import { call, describe } from "./api.js";

const CONCURRENCY = 4;
const RETRIES = 5;
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);
const REFRESH_MARGIN_MS = 60_000;

const form = document.querySelector("form[data-upload]");
const progress = form.querySelector("progress");
const status = form.querySelector("[data-result]");
const table = document.querySelector("table[data-assets]");

function say(text, failed = false) {
  status.textContent = text;
  status.classList.toggle("error", failed);
  status.setAttribute("role", failed ? "alert" : "status");
}

function storageKey(file) {
  return `exchange-upload:${form.dataset.programme}:${file.name}:${file.size}:${file.lastModified}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Transfer {
  constructor(file, upload) {
    this.file = file;
    this.upload = upload;
    this.targets = new Map();
    this.refreshing = null;
    this.sent = 0;
    this.take(upload);
  }

  take(upload) {
    for (const part of upload.parts) this.targets.set(part.number, part);
  }

  url() {
    return `${form.dataset.uploads}${this.upload.id}/`;
  }

  // One refresh at a time, shared by every part that needs it.
  refresh() {
    this.refreshing ||= call("GET", this.url()).then((upload) => {
      this.take(upload);
      this.refreshing = null;
    }, (error) => {
      this.refreshing = null;
      throw error;
    });
    return this.refreshing;
  }

  async target(number) {
    let target = this.targets.get(number);
    if (!target || Date.parse(target.expires_at) - Date.now() < REFRESH_MARGIN_MS) {
      await this.refresh();
      target = this.targets.get(number);
    }
    if (!target) throw new Error(`no URL for part ${number}`);
    return target;
  }

  async put(number) {
    const { part_size: size } = this.upload;
    const body = this.file.slice((number - 1) * size, Math.min(number * size, this.file.size));
    let problem = "";
    for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
      const target = await this.target(number);
      try {
        const response = await fetch(target.url, { method: "PUT", body, headers: target.headers || {} });
        if (response.ok) {
          this.sent += body.size;
          this.report();
          return;
        }
        problem = `HTTP ${response.status}`;
        if (response.status === 403) {
          this.targets.delete(number); // expired or refused signature: ask for a fresh URL
        } else if (!RETRYABLE.has(response.status)) {
          throw new Error(`part ${number} refused: ${problem} ${(await response.text()).slice(0, 200)}`);
        }
      } catch (error) {
        if (error.message.startsWith(`part ${number} refused`)) throw error;
        problem = error.message;
      }
      await sleep(Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
    throw new Error(`part ${number} failed after ${RETRIES + 1} attempts: ${problem}`);
  }

  report() {
    const percent = Math.floor((100 * this.sent) / this.file.size);
    progress.value = percent;
    progress.textContent = `${percent} %`;
  }

  async run() {
    const have = new Set(this.upload.received.map((part) => part.number));
    this.sent = this.upload.received.reduce((total, part) => total + part.size, 0);
    this.report();
    const queue = [];
    for (let number = 1; number <= this.upload.part_count; number += 1) if (!have.has(number)) queue.push(number);
    const worker = async () => {
      while (queue.length) await this.put(queue.shift());
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  }
}

async function openUpload(file) {
  const key = storageKey(file);
  const saved = localStorage.getItem(key);
  if (saved) {
    try {
      const upload = await call("GET", `${form.dataset.uploads}${saved}/`);
      if (upload.state === "uploading") {
        say(form.dataset.msgResuming);
        return upload;
      }
    } catch {
      // gone or aborted: start again below
    }
    localStorage.removeItem(key);
  }
  const upload = await call("POST", form.dataset.start, {
    filename: file.name,
    size: file.size,
    content_type: file.type || "application/octet-stream",
  });
  localStorage.setItem(key, upload.id);
  return upload;
}

async function uploadFile(file) {
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const upload = await openUpload(file);
    if (!status.textContent) say(form.dataset.msgUploading);
    await new Transfer(file, upload).run();
    say(form.dataset.msgCompleting);
    const done = await call("POST", `${form.dataset.uploads}${upload.id}/complete/`, {});
    localStorage.removeItem(storageKey(file));
    progress.value = 100;
    say(form.dataset.msgDone);
    if (done.asset) addAssetRow(done.asset);
    watchAssets();
  } catch (error) {
    say(describe(error).join(" "), true);
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = form.querySelector('input[type="file"]').files[0];
  if (file) {
    status.textContent = "";
    uploadFile(file);
  }
});

// Processing: the assets of the programme, polled while any of them is still being worked on.
const BUSY = new Set(["uploaded", "probing", "transcoding"]);
let polling = null;

function stateName(state) {
  return table.dataset[`state${state[0].toUpperCase()}${state.slice(1)}`] || state;
}

function addAssetRow(asset) {
  const body = table.tBodies[0];
  let row = body.querySelector(`tr[data-asset="${asset.id}"]`);
  if (!row) {
    row = body.insertRow();
    row.dataset.asset = asset.id;
    for (const name of ["file", "kind", "state", "progress"]) row.insertCell().dataset.cell = name;
    row.cells[0].dir = "auto";
  }
  row.dataset.kind = asset.kind;
  row.dataset.state = asset.state;
  row.cells[0].textContent = asset.original_filename || "—";
  row.cells[1].textContent = asset.kind;
  row.cells[2].textContent = asset.state_reason ? `${stateName(asset.state)} — ${asset.state_reason}` : stateName(asset.state);
  row.cells[3].textContent = `${asset.progress} %`;
}

async function poll() {
  try {
    let url = `${table.dataset.assets}?page_size=100`;
    const assets = [];
    while (url) {
      const page = await call("GET", url);
      assets.push(...page.results);
      url = page.next;
    }
    for (const asset of assets) addAssetRow(asset);
    if (!assets.some((asset) => BUSY.has(asset.state))) {
      clearInterval(polling);
      polling = null;
    }
  } catch {
    // a missed poll is retried on the next tick
  }
}

function watchAssets() {
  polling ||= setInterval(poll, 1000);
  poll();
}

if (table.querySelector('tr[data-state="uploaded"], tr[data-state="probing"], tr[data-state="transcoding"]')) watchAssets();
