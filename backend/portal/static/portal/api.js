// Calls to the exchange's REST API with the page's session: the API stays the one implementation
// of each action. Unsafe methods carry Django's CSRF token (DRF's SessionAuthentication checks it).

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || "error";
    this.errors = body.errors || [];
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

export async function call(method, url, body) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  const init = { method, headers, credentials: "same-origin" };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// An error as a list for an <output>: the API's detail, then each field's problem.
export function describe(error) {
  const lines = [error.message];
  for (const item of error.errors || []) {
    const field = item.field || "";
    const detail = item.detail || "";
    if (detail && detail !== error.message) lines.push(field ? `${field}: ${detail}` : detail);
  }
  return lines;
}
