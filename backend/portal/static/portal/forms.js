// Forms marked data-api="<API URL>" submit to the API with the session instead of reloading the
// page: the inputs become the JSON body the API documents (data-list: comma-separated → array;
// data-many: checked boxes of one name → array; data-bool: a checkbox → true/false), or a
// multipart body with data-multipart. data-then="reload" reloads on success. Forms marked
// data-join submit as GET with repeated names joined by commas (the API's list parameters).
import { call, describe } from "./api.js";

function jsonBody(form) {
  const body = {};
  for (const input of form.elements) {
    if (!input.name || input.disabled) continue;
    if (input.hasAttribute("data-many")) {
      body[input.name] = body[input.name] || [];
      if (input.checked) body[input.name].push(input.value);
    } else if (input.hasAttribute("data-bool")) {
      body[input.name] = input.checked;
    } else if (input.hasAttribute("data-list")) {
      body[input.name] = input.value.split(/[,،、]/).map((v) => v.trim()).filter(Boolean);
    } else if (input.value !== "") {
      body[input.name] = input.type === "number" ? Number(input.value) : input.value;
    }
  }
  return body;
}

function show(output, lines, failed) {
  if (!output) return;
  output.replaceChildren(...lines.map((line) => {
    const p = document.createElement("p");
    p.textContent = line;
    return p;
  }));
  output.classList.toggle("error", failed);
  output.setAttribute("role", failed ? "alert" : "status");
}

async function submitToApi(event) {
  const form = event.target;
  event.preventDefault();
  const output = form.querySelector("[data-result]");
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const body = form.hasAttribute("data-multipart") ? new FormData(form) : jsonBody(form);
    await call(form.dataset.method || "POST", form.dataset.api, body);
    if (form.dataset.then === "reload") {
      window.location.reload();
      return;
    }
    show(output, [form.dataset.done || "✓"], false);
  } catch (error) {
    show(output, describe(error), true);
  } finally {
    button.disabled = false;
  }
}

function submitJoined(event) {
  const form = event.target;
  event.preventDefault();
  const values = new Map();
  for (const [name, value] of new FormData(form)) {
    values.set(name, [...(values.get(name) || []), value]);
  }
  const query = new URLSearchParams([...values].map(([name, list]) => [name, list.join(",")]));
  window.location.assign(`${form.action}?${query}`);
}

for (const form of document.querySelectorAll("form[data-api]")) form.addEventListener("submit", submitToApi);
for (const form of document.querySelectorAll("form[data-join]")) form.addEventListener("submit", submitJoined);
