import "../ui_common/base.css";
import "./display.css";
import { api } from "../ui_common/api.js";
import { startDevice } from "../ui_common/auth.js";
import { h, replace, fmtClock, fmtDate } from "../ui_common/dom.js";
import { createHall, ticketNumber } from "../ui_common/hallstate.js";
import { addStrings, t, localName, onLangChange } from "../ui_common/i18n.js";
import { createVoiceQueue } from "./voice.js";

addStrings({
  zh: {
    "lobby.latest": "正在叫号",
    "lobby.goto": "请到 {window} 号窗口",
    "lobby.recall": "重呼",
    "lobby.recent": "最近叫号",
    "lobby.windows": "窗口",
    "lobby.queues": "等候人数",
    "lobby.waiting": "{n} 人",
    "lobby.none": "暂无叫号",
    "lobby.idle": "空闲",
    "lobby.notice": "请留意叫号与语音提示，过号请到服务台咨询。办事请备齐材料，老年人、残疾人等可走绿色通道优先办理。",
    "lobby.sound": "点击屏幕开启语音播报",
  },
  en: {
    "lobby.latest": "Now calling",
    "lobby.goto": "Please go to window {window}",
    "lobby.recall": "Recall",
    "lobby.recent": "Recent calls",
    "lobby.windows": "Windows",
    "lobby.queues": "Waiting",
    "lobby.waiting": "{n}",
    "lobby.none": "No calls yet",
    "lobby.idle": "Free",
    "lobby.notice": "Please watch and listen for your number; if you missed it, ask at the information desk. The elderly and the disabled may use the priority lane.",
    "lobby.sound": "Tap the screen to turn on voice announcements",
  },
});

const FLASH_MS = 6000;
const root = document.getElementById("app");
const zone = new URLSearchParams(location.search).get("zone");
const { hall, reset, apply } = createHall();
let categories = [];
let zones = [];
let flashUntil = 0;

const soundHint = h("button.sound-hint", {
  type: "button",
  hidden: true,
  onclick: () => (soundHint.hidden = true),
});
const voice = createVoiceQueue({ onBlocked: () => (soundHint.hidden = false) });

const inZone = (item) => !zone || item.zone === zone;
const named = (list, code, fallback) => {
  const item = list.find((x) => x.code === code);
  return item ? localName(item) : fallback || code;
};

function latestPanel() {
  const call = hall.recent_calls.find(inZone);
  const flashing = Date.now() < flashUntil;
  if (!call) return h("section#latest.latest", h("h2", t("lobby.latest")), h("p.none", t("lobby.none")));
  return h(flashing ? "section#latest.latest.flash" : "section#latest.latest",
    h("h2", t("lobby.latest"), call.recall ? h("span.recall", t("lobby.recall")) : null),
    h("div#latest-number.latest-number", ticketNumber(call.ticket)),
    h("div#latest-window.latest-window", t("lobby.goto", { window: call.window })),
    h("p.announce", call.announce));
}

function recentPanel() {
  // A recall repeats a call; the list shows each ticket once, at its latest call.
  const seen = new Set();
  const calls = hall.recent_calls.filter(inZone).filter((c) => {
    const key = `${ticketNumber(c.ticket)}|${c.window}`;
    return !seen.has(key) && seen.add(key);
  }).slice(1, 9);
  return h("section.recent",
    h("h2", t("lobby.recent")),
    h("ol#recent-calls", calls.map((c) => h("li",
      h("span.num", ticketNumber(c.ticket)),
      h("span.arrow", "→"),
      h("span.win", t("window.n", { n: c.window }))))));
}

function windowsPanel() {
  const windows = hall.windows.filter(inZone).sort((a, b) => a.number - b.number);
  return h("section.windows",
    h("h2", t("lobby.windows")),
    h("div#window-grid.window-grid", windows.map((w) => {
      const paused = w.state === "paused" || w.state === "closed";
      return h("div.win-cell", { dataset: { window: w.number, state: w.state } },
        h("span.win-no", t("window.n", { n: w.number })),
        h("span.win-now", paused ? t("state.paused") : ticketNumber(w.ticket) || t("lobby.idle")));
    })));
}

function queuesPanel() {
  return h("section.queues",
    h("h2", t("lobby.queues")),
    h("ul#queue-list", hall.queues.filter(inZone).map((q) => h("li", { dataset: { category: q.category } },
      h("span.q-name", named(categories, q.category, q.name)),
      h("span.q-count", t("lobby.waiting", { n: q.waiting }))))));
}

const clock = h("div.clock");
function tick() {
  const now = new Date();
  replace(clock, h("span.time", fmtClock(now)), h("span.date", fmtDate(now)));
}
setInterval(tick, 1000);

// The frame is built once: rebuilding the ticker would restart its scrolling on every
// event, and a busy hall would never see the end of the notice.
const hallName = h("h1#hall-name");
const zoneTag = h("span.zone-tag", { hidden: !zone });
const body = h("div.lobby-body");
const tickerText = h("div.ticker-text");
replace(root, h("header.lobby-head", hallName, zoneTag, clock), body, h("footer.ticker", tickerText), soundHint, voice.list);

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function render() {
  tick();
  setText(hallName, hall.hall?.name || "");
  if (zone) setText(zoneTag, named(zones, zone));
  setText(tickerText, hall.hall?.notice || t("lobby.notice"));
  setText(soundHint, t("lobby.sound"));
  replace(body,
    h("div.lobby-left", latestPanel(), recentPanel()),
    h("div.lobby-right", windowsPanel(), queuesPanel()));
}
onLangChange(render);

function onCall(call) {
  apply["ticket.called"](call);
  if (!inZone(call)) return;
  flashUntil = Date.now() + FLASH_MS;
  setTimeout(render, FLASH_MS + 50);
  voice.enqueue({ text: call.announce, number: ticketNumber(call.ticket), window: call.window, recall: call.recall });
  render();
}

async function loadCatalogue() {
  try {
    const [c, z] = await Promise.all([api("GET", "/categories"), api("GET", "/zones")]);
    categories = c.categories;
    zones = z.zones;
  } catch {
    // Names fall back to the codes the queues carry; the screen keeps working.
  }
}

async function start() {
  await loadCatalogue();
  render();
  const refresh = (name) => (payload) => {
    apply[name](payload);
    render();
  };
  startDevice("display", root, {
    onSnapshot: (snap) => {
      reset(snap.hall);
      render();
      loadCatalogue().then(render);
    },
    events: {
      "ticket.called": onCall,
      "window.updated": refresh("window.updated"),
      "queue.updated": refresh("queue.updated"),
    },
  });
}

start();
