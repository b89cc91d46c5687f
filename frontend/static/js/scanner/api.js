// Talking to the check-in API as a paired device (bearer token, no cookies) or as the
// signed-in organiser/staff member (session cookie + CSRF header on writes).

const DEVICE_KEY = "luyan.scanner.device";

export class NetworkError extends Error {}

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

export function loadDevice() {
  try {
    const device = JSON.parse(localStorage.getItem(DEVICE_KEY) || "null");
    return device && device.device_token ? device : null;
  } catch {
    return null;
  }
}

export function saveDevice(pairing) {
  localStorage.setItem(DEVICE_KEY, JSON.stringify(pairing));
}

export function clearDevice() {
  localStorage.removeItem(DEVICE_KEY);
}

function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return cookie("luyan_csrf") || cookie("csrftoken") || (meta ? meta.content : "");
}

export function locale() {
  return document.documentElement.lang === "zh-Hans" ? "zh" : "en";
}

export async function api(path, { method = "GET", body, timeout = 8000 } = {}) {
  const device = loadDevice();
  const headers = {
    Accept: "application/json",
    "Accept-Language": locale() === "zh" ? "zh-CN,zh;q=0.9" : "en",
  };
  if (device) headers.Authorization = `Bearer ${device.device_token}`;
  else if (method !== "GET") headers["x-csrftoken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: device ? "omit" : "same-origin", // a device needs no cookie at all
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (error) {
    throw new NetworkError(String(error)); // offline, refused, or timed out
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get("Retry-After"));
  return data;
}

// A nonce the server accepts: 8..64 characters of [A-Za-z0-9_-].
export function newNonce() {
  return crypto.randomUUID().replaceAll("-", "");
}
