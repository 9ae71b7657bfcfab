import { t, getLang, setLang } from "./i18n.js";

// h("div.card#main", {onclick}, child…): small enough to read, no framework to learn.
export function h(spec, attrs, ...children) {
  const [, tag, rest] = spec.match(/^([a-z0-9]*)(.*)$/i);
  const el = document.createElement(tag || "div");
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === ".") el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  // Anything but a plain object is a first child, 0 included.
  if (attrs !== null && attrs !== undefined && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key in el && key !== "list" && key !== "type") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmtDuration(totalSeconds) {
  const sec = Math.max(0, Math.round(totalSeconds || 0));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  if (h) return t("dur.hms", { h, m });
  if (m) return t("dur.minsec", { m, s: String(s).padStart(2, "0") });
  return t("dur.sec", { s });
}

// Rounded up: a visitor is better told 2 minutes than "0 minutes".
export function fmtWait(seconds) {
  return t("dur.min", { m: Math.max(0, Math.ceil((seconds || 0) / 60)) });
}

export function fmtClock(date, withSeconds = true) {
  const pad = (n) => String(n).padStart(2, "0");
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(date.getSeconds())}` : hm;
}

export function fmtDate(date) {
  return date.toLocaleDateString(getLang() === "zh" ? "zh-CN" : "en-GB", {
    year: "numeric", month: "long", day: "numeric", weekday: "long",
  });
}

export function langButton() {
  return h("button.lang-switch", {
    type: "button",
    onclick: () => setLang(getLang() === "zh" ? "en" : "zh"),
  }, t("lang.switch"));
}

// A message banner that stays until replaced or closed; errors must be read, not missed.
export function notice(message, kind = "error", ms = 0) {
  let bar = document.getElementById("notice");
  if (!bar) {
    bar = h("div#notice", { role: "alert" });
    document.body.append(bar);
  }
  bar.dataset.kind = kind;
  replace(bar, h("span", message), h("button.notice-close", { type: "button", onclick: () => bar.remove() }, "×"));
  if (ms) setTimeout(() => bar.isConnected && bar.textContent.startsWith(message) && bar.remove(), ms);
}

export function clearNotice() {
  document.getElementById("notice")?.remove();
}

// Runs an action that talks to the server: the button is disabled while it runs and any
// failure lands in the notice banner instead of being lost.
export async function guarded(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    notice(err.message || String(err));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// A modal dialog; resolves with what `body` passes to done(), or null when cancelled.
export function dialog(title, build) {
  return new Promise((resolve) => {
    const close = (value) => {
      overlay.remove();
      resolve(value);
    };
    const overlay = h("div.overlay", { role: "dialog", "aria-modal": "true" },
      h("div.dialog",
        h("h2", title),
        build(close),
        h("div.dialog-actions", h("button.secondary", { type: "button", onclick: () => close(null) }, t("cancel")))));
    overlay.addEventListener("keydown", (e) => e.key === "Escape" && close(null));
    document.body.append(overlay);
    overlay.querySelector("input,select,button")?.focus();
  });
}

// Re-rendering on every event would replace a button between a clerk's press and
// release and lose the click; renders wait for the press to end and come once per frame.
export function renderer(render) {
  let dirty = false;
  let pressing = false;
  const flush = () => {
    if (!dirty || pressing) return;
    dirty = false;
    render();
  };
  document.addEventListener("pointerdown", () => (pressing = true), true);
  document.addEventListener("pointerup", () => {
    pressing = false;
    setTimeout(flush, 0); // after the click that this release makes
  }, true);
  return () => {
    dirty = true;
    requestAnimationFrame(flush);
  };
}
