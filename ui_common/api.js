import { t } from "./i18n.js";

const BASE = "/api/v1";
let token = null;
let onUnauthorized = () => {};

export function useToken(value, unauthorizedHandler) {
  token = value;
  if (unauthorizedHandler) onUnauthorized = unauthorizedHandler;
}

export class ApiError extends Error {
  constructor(code, status, serverMessage) {
    const known = t(`err.${code}`) !== `err.${code}`;
    super(known ? t(`err.${code}`) : serverMessage || t("err.unknown", { code }));
    this.code = code;
    this.status = status;
  }
}

// Every request ends within `timeoutMs`, so no page waits forever on a dead server.
export async function api(method, path, { body, idempotencyKey, timeoutMs = 10000, raw = false } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError(abort.signal.aborted ? "timeout" : "network", 0);
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) {
    if (raw) return response;
    if (response.status === 204) return null;
    return response.json();
  }
  const payload = await response.json().catch(() => null);
  const code = payload?.error?.code || (response.status >= 500 ? "server" : `http_${response.status}`);
  if (response.status === 401) onUnauthorized();
  throw new ApiError(code, response.status, payload?.error?.message);
}

// One key per visitor intent: a retried or repeated tap sends the same key and so gets the same ticket.
export function newIntentKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
