import "../ui_common/base.css";
import "./kiosk.css";
import QRCode from "qrcode";
import { api, newIntentKey } from "../ui_common/api.js";
import { startDevice } from "../ui_common/auth.js";
import { h, replace, fmtWait, langButton, notice, clearNotice } from "../ui_common/dom.js";
import { addStrings, t, localName, onLangChange } from "../ui_common/i18n.js";
import { serverNow } from "../ui_common/live.js";

addStrings({
  zh: {
    "kiosk.title": "自助取号",
    "kiosk.pick_zone": "请选择办理区域",
    "kiosk.pick_category": "请选择办理业务",
    "kiosk.floor": "{n}楼",
    "kiosk.zone_waiting": "等候 {n} 人",
    "kiosk.waiting": "等候 {n} 人",
    "kiosk.about": "约等 {wait}",
    "kiosk.no_wait": "无需等候",
    "kiosk.closed": "暂停取号",
    "kiosk.hours": "取号时间 {hours}",
    "kiosk.quota": "今日号已取完",
    "kiosk.back": "返回",
    "kiosk.home": "回到首页",
    "kiosk.green": "绿色通道",
    "kiosk.green_hint": "老年人、残疾人、孕妇等优先办理",
    "kiosk.green_on": "已选择绿色通道，请选择业务",
    "kiosk.appointment": "预约取号",
    "kiosk.appointment_hint": "请输入预约码，然后选择预约的业务",
    "kiosk.appointment_on": "预约码 {code}，请选择预约的业务",
    "kiosk.appointment_code": "预约码",
    "kiosk.next": "下一步",
    "kiosk.clear": "清除",
    "kiosk.delete": "删除",
    "kiosk.issuing": "正在取号，请稍候…",
    "kiosk.your_number": "您的号码",
    "kiosk.ahead": "前面还有 {n} 人",
    "kiosk.est": "预计等候约 {wait}",
    "kiosk.next_up": "马上就到您，请留意叫号",
    "kiosk.scan": "手机扫码，随时查看排队进度",
    "kiosk.printing": "正在打印号票…",
    "kiosk.printed": "请取走号票，留意叫号",
    "kiosk.paper_out": "打印机缺纸，号票未能打印。您的号码依然有效，请用手机拍下屏幕上的二维码或记下号码。",
    "kiosk.print_failed": "号票打印失败。您的号码依然有效，请用手机拍下屏幕上的二维码或记下号码。",
    "kiosk.printer_down": "打印机暂不可用，取号后请用手机拍下屏幕上的二维码",
    "kiosk.done": "完成",
    "kiosk.priority.green": "绿色通道",
    "kiosk.priority.appointment": "预约",
    "kiosk.card_hello": "您好，{holder}",
    "kiosk.card_hint": "已读取您的身份证，请选择办理业务",
    "kiosk.card_stale": "身份证信息已失效，请重新刷卡",
  },
  en: {
    "kiosk.title": "Take a ticket",
    "kiosk.pick_zone": "Choose an area",
    "kiosk.pick_category": "Choose a service",
    "kiosk.floor": "Floor {n}",
    "kiosk.zone_waiting": "{n} waiting",
    "kiosk.waiting": "{n} waiting",
    "kiosk.about": "about {wait}",
    "kiosk.no_wait": "No wait",
    "kiosk.closed": "Not issuing now",
    "kiosk.hours": "Tickets {hours}",
    "kiosk.quota": "All of today's tickets are taken",
    "kiosk.back": "Back",
    "kiosk.home": "Start",
    "kiosk.green": "Priority lane",
    "kiosk.green_hint": "For the elderly, the disabled, pregnant women",
    "kiosk.green_on": "Priority lane chosen: now choose a service",
    "kiosk.appointment": "I have an appointment",
    "kiosk.appointment_hint": "Enter your appointment code, then choose the service",
    "kiosk.appointment_on": "Appointment {code}: choose the service you booked",
    "kiosk.appointment_code": "Appointment code",
    "kiosk.next": "Next",
    "kiosk.clear": "Clear",
    "kiosk.delete": "Delete",
    "kiosk.issuing": "Issuing your ticket…",
    "kiosk.your_number": "Your number",
    "kiosk.ahead": "{n} people ahead of you",
    "kiosk.est": "Estimated wait: {wait}",
    "kiosk.next_up": "You are next: watch for your number",
    "kiosk.scan": "Scan to follow the queue on your phone",
    "kiosk.printing": "Printing your ticket…",
    "kiosk.printed": "Please take your ticket and watch for your number",
    "kiosk.paper_out": "The printer is out of paper. Your number is still valid: photograph the QR code on the screen or note the number.",
    "kiosk.print_failed": "The ticket could not be printed. Your number is still valid: photograph the QR code on the screen or note the number.",
    "kiosk.printer_down": "The printer is unavailable: after taking a number, photograph the QR code on the screen",
    "kiosk.done": "Done",
    "kiosk.priority.green": "Priority",
    "kiosk.priority.appointment": "Appointment",
    "kiosk.card_hello": "Hello, {holder}",
    "kiosk.card_hint": "Your ID card has been read: choose a service",
    "kiosk.card_stale": "The ID card reading is no longer valid: please place your card on the reader again",
  },
});

const IDLE_MS = 60000;
const TICKET_MS = 30000;
const PRINT_WAIT_MS = 15000;

const root = document.getElementById("app");
const state = {
  zones: [],
  categories: [],
  kioskZone: null,
  screen: "home", // home | categories | appointment | issuing | ticket
  zone: null,
  mode: "normal", // normal | green | appointment
  code: "",
  intent: null, // {sig, key}: one Idempotency-Key per visitor intent
  ticket: null,
  print: "pending", // pending | ok | paper_out | failed
  printerDown: false,
  card: null, // {holder, token}: an ID card read at this kiosk, until a ticket is issued with it
};

let idleTimer = null;
function armIdle() {
  clearTimeout(idleTimer);
  if (state.screen === "home" || state.screen === "issuing") return;
  idleTimer = setTimeout(goHome, state.screen === "ticket" ? TICKET_MS : IDLE_MS);
}
document.addEventListener("pointerdown", armIdle, { capture: true });
document.addEventListener("keydown", armIdle, { capture: true });

function show(screen) {
  state.screen = screen;
  render();
  armIdle();
}

function goHome() {
  Object.assign(state, { zone: state.kioskZone, mode: "normal", code: "", intent: null, ticket: null });
  forgetCard();
  clearNotice();
  show(zonesShown().length > 1 ? "home" : "categories");
}

// A kiosk enrolled for one zone shows only it; zones without categories (无差别 counters) issue nothing.
function zonesShown() {
  return state.zones.filter((z) => (!state.kioskZone || z.code === state.kioskZone) && categoriesOf(z.code).length);
}

function categoriesOf(zone) {
  return state.categories.filter((c) => !zone || c.zone === zone);
}

// The card token stands for the visitor's ID number: it must not outlive their visit, so
// it goes with the ticket it was used for, at the idle reset, or when the server says it lapses.
let cardTimer = null;
function forgetCard() {
  clearTimeout(cardTimer);
  state.card = null;
}

function onCardRead(read) {
  // A card read while a ticket is still shown is the next visitor's.
  if (state.screen === "ticket") goHome();
  forgetCard();
  state.card = { holder: read.holder, token: read.card_token };
  cardTimer = setTimeout(() => {
    forgetCard();
    render();
  }, Date.parse(read.expires_at) - serverNow());
  clearNotice();
  show(state.screen);
}

function cardGreeting() {
  return h("div#card-greeting.card-greeting",
    h("strong", t("kiosk.card_hello", { holder: state.card.holder })),
    h("span", t("kiosk.card_hint")));
}

function header() {
  return h("header.kiosk-head",
    h("h1", t("kiosk.title")),
    langButton());
}

function renderHome() {
  return h("section.screen.home",
    h("h2", t("kiosk.pick_zone")),
    h("div.zone-grid", zonesShown().map((zone) => {
      const waiting = categoriesOf(zone.code).reduce((sum, c) => sum + (c.waiting || 0), 0);
      return h("button.zone", {
        type: "button",
        dataset: { zone: zone.code },
        onclick: () => {
          state.zone = zone.code;
          show("categories");
        },
      },
      h("span.zone-name", localName(zone)),
      h("span.zone-meta", zone.floor ? `${t("kiosk.floor", { n: zone.floor })} · ` : "", t("kiosk.zone_waiting", { n: waiting })));
    })),
    modeBar());
}

function modeBar() {
  return h("div.mode-bar",
    h("button.mode.green", {
      type: "button",
      "aria-pressed": String(state.mode === "green"),
      onclick: () => {
        state.mode = state.mode === "green" ? "normal" : "green";
        state.code = "";
        show(state.zone || zonesShown().length <= 1 ? "categories" : state.screen);
      },
    }, h("strong", t("kiosk.green")), h("small", t("kiosk.green_hint"))),
    h("button.mode.appointment", {
      type: "button",
      "aria-pressed": String(state.mode === "appointment"),
      onclick: () => show("appointment"),
    }, h("strong", t("kiosk.appointment")), h("small", t("kiosk.appointment_hint"))));
}

function categoryStatus(cat) {
  if (cat.state === "quota_exhausted") return h("span.cat-state.quota", t("kiosk.quota"));
  if (cat.state === "closed") {
    return h("span.cat-state.closed", t("kiosk.closed"),
      cat.hours?.length ? h("small", t("kiosk.hours", { hours: cat.hours.join("  ") })) : null);
  }
  return h("span.cat-state.open", cat.waiting ? t("kiosk.about", { wait: fmtWait(cat.estimated_wait_s) }) : t("kiosk.no_wait"));
}

function renderCategories() {
  const cats = categoriesOf(state.zone);
  const modeNote = state.mode === "green" ? t("kiosk.green_on")
    : state.mode === "appointment" ? t("kiosk.appointment_on", { code: state.code }) : null;
  return h("section.screen.categories",
    h("h2", t("kiosk.pick_category")),
    modeNote && h("p.mode-note", { dataset: { mode: state.mode } }, modeNote),
    h("div.cat-grid", cats.map((cat) => h("button.cat", {
      type: "button",
      disabled: cat.state !== "open",
      dataset: { category: cat.code, state: cat.state },
      onclick: (e) => issue(cat, e.currentTarget),
    },
    h("span.cat-name", localName(cat)),
    h("span.cat-waiting", t("kiosk.waiting", { n: cat.waiting ?? 0 })),
    categoryStatus(cat)))),
    h("div.nav-bar",
      zonesShown().length > 1 && h("button.back", { type: "button", onclick: goHome }, t("kiosk.back")),
      state.mode === "normal" ? modeBar() : h("button.back", { type: "button", onclick: goHome }, t("kiosk.home"))));
}

function renderAppointment() {
  const input = h("input#appointment-code", {
    value: state.code,
    inputmode: "numeric",
    autocomplete: "off",
    "aria-label": t("kiosk.appointment_code"),
    oninput: (e) => (state.code = e.target.value.trim().toUpperCase()),
  });
  const press = (key) => {
    if (key === "del") state.code = state.code.slice(0, -1);
    else if (key === "clr") state.code = "";
    else if (state.code.length < 20) state.code += key;
    input.value = state.code;
  };
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clr", "0", "del"];
  return h("section.screen.appointment",
    h("h2", t("kiosk.appointment")),
    h("p", t("kiosk.appointment_hint")),
    input,
    h("div.keypad", keys.map((key) => h("button.key", { type: "button", onclick: () => press(key) },
      key === "del" ? t("kiosk.delete") : key === "clr" ? t("kiosk.clear") : key))),
    h("div.nav-bar",
      h("button.back", { type: "button", onclick: goHome }, t("kiosk.back")),
      h("button.primary.next", {
        type: "button",
        onclick: () => {
          if (!state.code) return input.focus();
          state.mode = "appointment";
          show("categories");
        },
      }, t("kiosk.next"))));
}

async function issue(cat, button) {
  if (state.screen === "issuing") return;
  button.disabled = true;
  const body = { category: cat.code };
  if (state.mode !== "normal") body.priority = state.mode;
  if (state.mode === "appointment") body.appointment_code = state.code;
  if (state.card) body.card_token = state.card.token;
  // A retry after a lost answer must not become a second ticket: same intent, same key.
  const sig = JSON.stringify(body);
  if (state.intent?.sig !== sig) state.intent = { sig, key: newIntentKey() };
  show("issuing");
  try {
    const { ticket } = await api("POST", "/tickets", { body, idempotencyKey: state.intent.key });
    state.ticket = ticket;
    state.intent = null;
    forgetCard();
    state.print = state.printerDown ? "paper_out" : "pending";
    show("ticket");
    // No word from the printer (agent away, jam): the visitor must not wait for paper.
    setTimeout(() => {
      if (state.ticket !== ticket || state.print !== "pending") return;
      state.print = "failed";
      if (state.screen === "ticket") render();
    }, PRINT_WAIT_MS);
  } catch (err) {
    // A card token the server no longer accepts (expired, forged) cannot be fixed by
    // tapping again; already_queued keeps the card for another category.
    const staleCard = body.card_token && err.status === 422;
    if (staleCard) forgetCard();
    show("categories");
    notice(staleCard ? t("kiosk.card_stale") : err.message);
  }
}

function renderIssuing() {
  return h("section.screen.issuing", h("div.spinner"), h("p", t("kiosk.issuing")));
}

function printMessage() {
  const messages = {
    pending: ["info", t("kiosk.printing")],
    ok: ["ok", t("kiosk.printed")],
    paper_out: ["bad", t("kiosk.paper_out")],
    failed: ["bad", t("kiosk.print_failed")],
  };
  const [kind, text] = messages[state.print];
  return h("p#print-status.print-status", { dataset: { kind, print: state.print } }, text);
}

function renderTicket() {
  const ticket = state.ticket;
  const canvas = h("canvas#ticket-qr");
  const url = new URL(ticket.track_url, location.origin).href;
  QRCode.toCanvas(canvas, url, { width: 260, margin: 1, errorCorrectionLevel: "M" }).catch(() => {});
  return h("section.screen.ticket",
    h("p.your-number", t("kiosk.your_number")),
    h("div#ticket-number.ticket-number", ticket.number),
    h("p.ticket-category", localName(ticket, "category_name") || ticket.category,
      ticket.priority !== "normal" ? h("span.badge", t(`kiosk.priority.${ticket.priority}`)) : null),
    h("div.ticket-facts",
      h("p#ticket-ahead", t("kiosk.ahead", { n: ticket.ahead ?? 0 })),
      h("p#ticket-wait", ticket.ahead ? t("kiosk.est", { wait: fmtWait(ticket.estimated_wait_s) }) : t("kiosk.next_up"))),
    h("figure.qr", canvas, h("figcaption", t("kiosk.scan"))),
    printMessage(),
    h("button.primary.done", { type: "button", onclick: goHome }, t("kiosk.done")));
}

function render() {
  const screens = {
    home: renderHome,
    categories: renderCategories,
    appointment: renderAppointment,
    issuing: renderIssuing,
    ticket: renderTicket,
  };
  document.body.dataset.screen = state.screen;
  replace(root, header(),
    state.printerDown && state.screen !== "ticket" ? h("p.printer-down", t("kiosk.printer_down")) : null,
    state.card && state.screen !== "ticket" ? cardGreeting() : null,
    screens[state.screen]());
}
onLangChange(render);

async function loadCatalogue() {
  try {
    const [{ zones }, { categories }] = await Promise.all([api("GET", "/zones"), api("GET", "/categories")]);
    state.zones = zones;
    state.categories = categories;
    if (state.screen === "home" || state.screen === "categories") render();
  } catch (err) {
    notice(err.message, "error", 8000);
  }
}

async function start() {
  const live = startDevice("kiosk", root, {
    screen: false,
    // Opening hours and quotas change with the clock too, so a fresh catalogue per snapshot.
    onSnapshot: loadCatalogue,
    events: {
      "queue.updated": (q) => {
        const cat = state.categories.find((c) => c.code === q.category);
        if (!cat) return;
        cat.waiting = q.waiting;
        if (state.screen === "home" || state.screen === "categories") render();
      },
      "print.result": (result) => {
        if (!state.ticket || result.ticket_id !== state.ticket.id) return;
        state.print = result.ok ? "ok" : result.error === "paper_out" ? "paper_out" : "failed";
        if (state.screen === "ticket") render();
      },
      "id_card.read": onCardRead,
      "device.status": (status) => {
        // Paper running low still prints; everything else means no ticket comes out.
        state.printerDown = !["ok", "paper_low"].includes(status.state);
        render();
      },
    },
  });
  if (!live) return;
  try {
    const me = await api("GET", "/me");
    state.kioskZone = me.device?.zone || null;
  } catch (err) {
    notice(err.message, "error", 8000);
  }
  await loadCatalogue();
  goHome();
  setInterval(loadCatalogue, 60000);
}

start();
