// Pairing: trade the one-time code (from the URL fragment #<code>, which never reaches the
// server's logs, or typed by hand) for a device token kept in localStorage.

import { ApiError, api, NetworkError, saveDevice } from "./api.js";

export function strings() {
  const node = document.getElementById("scanner-strings");
  return node ? JSON.parse(node.textContent) : {};
}

// Returns the saved pairing; throws an Error whose message is already translated.
export async function pairWithCode(code, t = strings()) {
  let answer;
  try {
    answer = await api("/api/v1/checkin/pair", { method: "POST", body: { code: code.trim() } });
  } catch (error) {
    if (error instanceof NetworkError) throw new Error(t.pairing_offline);
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
      throw new Error(t.pairing_failed);
    }
    throw new Error(`${t.pairing_failed} (${error.status || error})`);
  }
  saveDevice(answer);
  return answer;
}

export function bindPairForm(form, errorNode, t = strings()) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = new FormData(form).get("code") || "";
    errorNode.hidden = true;
    form.querySelector("button").disabled = true;
    try {
      await pairWithCode(String(code), t);
      window.location.replace("/scanner");
    } catch (error) {
      errorNode.textContent = error.message;
      errorNode.hidden = false;
    } finally {
      form.querySelector("button").disabled = false;
    }
  });
}

async function pairFromFragment() {
  const t = strings();
  const status = document.getElementById("sc-pair-status");
  const errorNode = document.getElementById("sc-pair-error");
  const form = document.getElementById("sc-pair-form");
  bindPairForm(form, errorNode, t);
  const code = decodeURIComponent(window.location.hash.replace(/^#/, ""));
  if (!code) return;
  // The code is single-use: drop it from the address bar and the history at once.
  history.replaceState(null, "", window.location.pathname);
  status.textContent = t.pairing;
  try {
    await pairWithCode(code, t);
    window.location.replace("/scanner");
  } catch (error) {
    status.textContent = "";
    errorNode.textContent = error.message;
    errorNode.hidden = false;
  }
}

if (document.getElementById("sc-pair-status")) pairFromFragment();
