import "../ui_common/base.css";
import "./counter.css";
import { api } from "../ui_common/api.js";
import { staffSession, logout, checkSession } from "../ui_common/auth.js";
import { h, replace, fmtDuration, langButton, notice, guarded, dialog, renderer } from "../ui_common/dom.js";
import { createHall, ticketNumber } from "../ui_common/hallstate.js";
import { addStrings, t, localName, onLangChange } from "../ui_common/i18n.js";
import { connectLive, secondsSince } from "../ui_common/live.js";

addStrings({
  zh: {
    "counter.title": "窗口叫号终端",
    "counter.pick_window": "请选择签到窗口",
    "counter.post": "岗位",
    "counter.post_a": "A岗",
    "counter.post_b": "B岗",
    "counter.sign_out": "签退",
    "counter.signed_in_by": "{name} 在岗",
    "counter.serves_all": "全部业务（无差别窗口）",
    "counter.current": "当前号码",
    "counter.none": "暂无办理中的号码",
    "counter.status.called": "已呼叫，等待群众到窗口",
    "counter.status.serving": "办理中",
    "counter.waited": "等候时长 {d}",
    "counter.service": "办理用时",
    "counter.limit": "限时 {m} 分钟",
    "counter.queue": "本窗口可办的等候号码（{n}）",
    "counter.queue_empty": "暂无等候",
    "counter.paused": "暂停服务中：{reason}",
    "counter.call_next": "叫号",
    "counter.recall": "重呼",
    "counter.start": "开始办理",
    "counter.finish": "办结",
    "counter.no_show": "未到",
    "counter.transfer": "转移",
    "counter.pause": "暂停",
    "counter.resume": "恢复服务",
    "counter.call_number": "指定叫号",
    "counter.nobody": "当前没有等候的号码",
    "counter.transfer_to_category": "转到业务",
    "counter.transfer_to_window": "转到窗口",
    "counter.transferred": "{number} 已转移",
    "counter.pause_reason": "暂停原因",
    "counter.reason.meeting": "会议",
    "counter.reason.training": "培训",
    "counter.reason.meal": "用餐",
    "counter.reason.away": "临时离开",
    "counter.reason.other": "其他原因",
    "counter.number": "号码，如 A012",
    "counter.priority.green": "绿色通道",
    "counter.priority.appointment": "预约",
    "counter.transferred_in": "转入",
  },
  en: {
    "counter.title": "Counter terminal",
    "counter.pick_window": "Choose the window to sign in to",
    "counter.post": "Post",
    "counter.post_a": "Post A",
    "counter.post_b": "Post B",
    "counter.sign_out": "Sign out",
    "counter.signed_in_by": "{name} on duty",
    "counter.serves_all": "Every service (general window)",
    "counter.current": "Current ticket",
    "counter.none": "No ticket at the window",
    "counter.status.called": "Called, waiting for the visitor",
    "counter.status.serving": "Serving",
    "counter.waited": "Waited {d}",
    "counter.service": "Service time",
    "counter.limit": "Limit {m} min",
    "counter.queue": "Waiting for this window ({n})",
    "counter.queue_empty": "Nobody waiting",
    "counter.paused": "Paused: {reason}",
    "counter.call_next": "Call next",
    "counter.recall": "Recall",
    "counter.start": "Start",
    "counter.finish": "Finish",
    "counter.no_show": "No-show",
    "counter.transfer": "Transfer",
    "counter.pause": "Pause",
    "counter.resume": "Resume",
    "counter.call_number": "Call a number",
    "counter.nobody": "Nobody is waiting",
    "counter.transfer_to_category": "To a service",
    "counter.transfer_to_window": "To a window",
    "counter.transferred": "{number} transferred",
    "counter.pause_reason": "Reason for the pause",
    "counter.reason.meeting": "Meeting",
    "counter.reason.training": "Training",
    "counter.reason.meal": "Meal break",
    "counter.reason.away": "Briefly away",
    "counter.reason.other": "Other",
    "counter.number": "Number, e.g. A012",
    "counter.priority.green": "Priority",
    "counter.priority.appointment": "Appointment",
    "counter.transferred_in": "Transferred",
  },
});

// Amber from this share of the category's time limit, red past it (限时办结 分级预警).
const AMBER_AT = 0.8;
const root = document.getElementById("app");
const { hall, reset, apply } = createHall();
let me = null;
let windowNo = null;
let categories = [];
let queue = [];

const win = () => hall.windows.find((w) => w.number === windowNo) || { number: windowNo, state: "open" };
const catOf = (code) => categories.find((c) => c.code === code);
const catName = (code, fallback) => (catOf(code) ? localName(catOf(code)) : fallback || code);

// ---- sign-in ----

async function pickWindow() {
  const body = await api("GET", "/hall");
  reset(body);
  return new Promise((resolve) => {
    let post = "A";
    const postButtons = ["A", "B"].map((p) => h("button.post", {
      type: "button",
      dataset: { post: p },
      "aria-pressed": String(p === post),
      onclick: () => {
        post = p;
        postButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.post === p)));
      },
    }, t(`counter.post_${p.toLowerCase()}`)));
    replace(root,
      topBar(),
      h("section.sign-in",
        h("h1", t("counter.pick_window")),
        h("div.post-choice", h("span", t("counter.post")), postButtons),
        h("div.window-choice", hall.windows.map((w) => h("button.window-pick", {
          type: "button",
          dataset: { window: w.number },
          onclick: (e) => guarded(e.currentTarget, async () => {
            await api("POST", `/windows/${w.number}/sign-in`, { body: { post } });
            resolve(w.number);
          }),
        },
        h("strong", t("window.n", { n: w.number })),
        h("small", w.categories?.includes("*") ? t("counter.serves_all") : (w.categories || []).map(catName).join("、")),
        w.clerk && h("small.taken", t("counter.signed_in_by", { name: w.clerk.name })))))));
  });
}

// ---- workstation ----

const ACTIONS = [
  { id: "call-next", key: "F1", label: "counter.call_next", when: (w, tk) => !tk && w.state !== "paused", run: callNext },
  { id: "recall", key: "F2", label: "counter.recall", when: (w, tk) => tk?.status === "called", run: () => post("recall") },
  { id: "start", key: "F3", label: "counter.start", when: (w, tk) => tk?.status === "called", run: () => post("start") },
  { id: "finish", key: "F4", label: "counter.finish", when: (w, tk) => !!tk, run: () => post("finish") },
  { id: "no-show", key: "F5", label: "counter.no_show", when: (w, tk) => tk?.status === "called", run: () => post("no-show") },
  { id: "transfer", key: "F6", label: "counter.transfer", when: (w, tk) => !!tk, run: transfer },
  { id: "pause", key: "F7", label: "counter.pause", when: (w, tk) => !tk && w.state !== "paused", run: pause },
  { id: "resume", key: "F7", label: "counter.resume", when: (w) => w.state === "paused", run: () => post("resume") },
  { id: "call-number", key: "F8", label: "counter.call_number", when: (w, tk) => !tk && w.state !== "paused", run: () => callNumber() },
];

// The screen changes with the `window.updated` that every action emits, never with the
// HTTP answer: answers to quick successive actions can arrive out of order, events cannot.
async function post(action, body) {
  const result = await api("POST", `/windows/${windowNo}/${action}`, { body });
  refreshQueue();
  return result;
}

async function callNext() {
  const result = await post("call-next");
  if (!result) notice(t("counter.nobody"), "info", 4000);
}

async function callNumber(number) {
  const chosen = number || await dialog(t("counter.call_number"), (done) => {
    const input = h("input#call-number-input", { placeholder: t("counter.number"), autocomplete: "off" });
    return h("form.call-number", { onsubmit: (e) => { e.preventDefault(); done(input.value.trim().toUpperCase()); } },
      input,
      h("div.choice-list", queue.slice(0, 12).map((tk) => h("button", { type: "button", onclick: () => done(tk.number) }, tk.number))),
      h("button.primary", { type: "submit" }, t("confirm")));
  });
  if (chosen) await post("call", { number: chosen });
}

async function transfer() {
  const target = await dialog(t("counter.transfer"), (done) => h("div.transfer",
    h("h3", t("counter.transfer_to_category")),
    h("div.choice-list", categories.map((c) => h("button", {
      type: "button", dataset: { category: c.code }, onclick: () => done({ category: c.code }),
    }, `${c.code} ${localName(c)}`))),
    h("h3", t("counter.transfer_to_window")),
    h("div.choice-list", hall.windows.filter((w) => w.number !== windowNo).map((w) => h("button", {
      type: "button", dataset: { window: w.number }, onclick: () => done({ window: w.number }),
    }, t("window.n", { n: w.number }))))));
  if (!target) return;
  const number = ticketNumber(win().ticket);
  await post("transfer", target);
  notice(t("counter.transferred", { number }), "ok", 3000);
}

async function pause() {
  const reason = await dialog(t("counter.pause_reason"), (done) => {
    const other = h("input#pause-other", { placeholder: t("counter.reason.other"), maxLength: 40 });
    return h("div.pause",
      h("div.choice-list", ["meeting", "training", "meal", "away"].map((r) => h("button", {
        type: "button", dataset: { reason: r }, onclick: () => done(t(`counter.reason.${r}`)),
      }, t(`counter.reason.${r}`)))),
      h("form", { onsubmit: (e) => { e.preventDefault(); other.value.trim() && done(other.value.trim()); } },
        other, h("button.primary", { type: "submit" }, t("confirm"))));
  });
  if (reason) await post("pause", { reason });
}

function serviceLevel(ticket) {
  const limit = catOf(ticket.category)?.service_limit_min;
  if (!limit) return "ok";
  const share = secondsSince(ticket.started_at || ticket.called_at) / (limit * 60);
  return share >= 1 ? "red" : share >= AMBER_AT ? "amber" : "ok";
}

function currentCard() {
  const w = win();
  const tk = w.ticket && typeof w.ticket === "object" ? w.ticket : null;
  if (w.state === "paused") {
    return h("section#current.current.paused", h("p.paused-text", t("counter.paused", { reason: w.pause_reason || "" })));
  }
  if (!tk) return h("section#current.current.empty", h("p.muted", t("counter.none")));
  const limit = catOf(tk.category)?.service_limit_min;
  const waited = tk.called_at ? (Date.parse(tk.called_at) - Date.parse(tk.issued_at)) / 1000 : secondsSince(tk.issued_at);
  return h("section#current.current", { dataset: { status: tk.status } },
    h("p.muted", t("counter.current")),
    h("div#current-number.current-number", tk.number),
    h("p.current-cat", catName(tk.category, tk.category_name),
      tk.priority !== "normal" && h("span.badge", t(`counter.priority.${tk.priority}`))),
    h("p#current-status.current-status", t(`counter.status.${tk.status}`)),
    h("p#waited", t("counter.waited", { d: fmtDuration(waited) })),
    h("div#service-timer.service-timer", { dataset: { level: serviceLevel(tk) } },
      h("span", t("counter.service")),
      h("strong.timer-value", fmtDuration(secondsSince(tk.started_at || tk.called_at))),
      limit && h("small", t("counter.limit", { m: limit }))));
}

function actionBar() {
  const w = win();
  const tk = w.ticket && typeof w.ticket === "object" ? w.ticket : null;
  return h("section.actions", ACTIONS.filter((a) => a.id !== (w.state === "paused" ? "pause" : "resume")).map((a) => h(
    `button#act-${a.id}.action`,
    {
      type: "button",
      disabled: !a.when(w, tk),
      dataset: { action: a.id, key: a.key },
      onclick: (e) => guarded(e.currentTarget, a.run),
    },
    h("span", t(a.label)), h("kbd", a.key))));
}

function queuePanel() {
  return h("section.queue",
    h("h2", t("counter.queue", { n: queue.length })),
    queue.length === 0 ? h("p.muted", t("counter.queue_empty")) : null,
    h("ol#queue", queue.map((tk) => h("li", { dataset: { number: tk.number } },
      h("span.q-number", tk.number),
      h("span.q-cat", catName(tk.category, tk.category_name)),
      tk.priority !== "normal" && h("span.badge", t(`counter.priority.${tk.priority}`)),
      tk.transferred_to_window === windowNo && h("span.badge.transferred", t("counter.transferred_in")),
      h("span.q-wait", fmtDuration(secondsSince(tk.issued_at)))))));
}

function topBar() {
  const w = windowNo && win();
  return h("header.counter-head",
    h("h1", t("counter.title")),
    w && h("span#who.who", t("window.n", { n: windowNo }), " · ",
      w.clerk?.post ? t(`counter.post_${w.clerk.post.toLowerCase()}`) : "", " · ",
      me.user?.name || "", me.user?.staff_no ? `（${me.user.staff_no}）` : ""),
    h("span.spacer"),
    langButton(),
    windowNo && h("button#sign-out", {
      type: "button",
      onclick: (e) => guarded(e.currentTarget, async () => {
        await api("POST", `/windows/${windowNo}/sign-out`);
        location.reload();
      }),
    }, t("counter.sign_out")),
    h("button#logout", { type: "button", onclick: () => logout("counter") }, t("login.logout")));
}

function render() {
  if (!windowNo) return;
  replace(root, topBar(), h("div.desk", h("div.desk-main", currentCard(), actionBar()), queuePanel()));
}

const renderSoon = renderer(render);
let queueTimer = null;
function refreshQueue() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(async () => {
    try {
      queue = (await api("GET", `/windows/${windowNo}/queue`)).tickets;
      renderSoon();
    } catch (err) {
      notice(err.message, "error", 5000);
    }
  }, 200);
}

function tickTimers() {
  const w = win();
  const tk = w.ticket && typeof w.ticket === "object" ? w.ticket : null;
  const timer = document.getElementById("service-timer");
  if (tk && timer) {
    timer.querySelector(".timer-value").textContent = fmtDuration(secondsSince(tk.started_at || tk.called_at));
    timer.dataset.level = serviceLevel(tk);
  }
  document.querySelectorAll("#queue li").forEach((li) => {
    const q = queue.find((x) => x.number === li.dataset.number);
    if (q) li.querySelector(".q-wait").textContent = fmtDuration(secondsSince(q.issued_at));
  });
}

document.addEventListener("keydown", (e) => {
  if (!windowNo || document.querySelector(".overlay")) return;
  const action = ACTIONS.find((a) => a.key === e.key && document.getElementById(`act-${a.id}`));
  if (!action) return;
  e.preventDefault();
  document.getElementById(`act-${action.id}`).click();
});

onLangChange(() => (windowNo ? render() : location.reload()));

async function start() {
  const session = await staffSession("counter", root, ["clerk", "supervisor", "admin"]);
  me = session.me;
  try {
    categories = (await api("GET", "/categories")).categories;
    windowNo = me.window || await pickWindow();
  } catch (err) {
    notice(err.message);
    setTimeout(start, 5000);
    return;
  }
  const refresh = (name) => (payload) => {
    apply[name]?.(payload);
    renderSoon();
    refreshQueue();
  };
  const events = Object.fromEntries(["ticket.issued", "ticket.called", "ticket.finished", "ticket.no_show",
    "ticket.transferred", "ticket.reinstated", "window.updated", "queue.updated"].map((name) => [name, refresh(name)]));
  // The server sends a terminal only its window's events and its categories' queues, chosen
  // when it connects: when a supervisor changes what the window serves, connect again.
  const servesNow = () => String(win()?.categories || []);
  events["window.updated"] = (w) => {
    const before = servesNow();
    refresh("window.updated")(w);
    if (w.number === windowNo && before !== servesNow()) {
      socket.disconnect();
      socket.connect();
    }
  };
  const socket = connectLive({
    auth: { token: session.token },
    onSnapshot: (snap) => {
      reset(snap.hall);
      renderSoon();
      refreshQueue();
    },
    onRefused: checkSession,
    events,
  });
  render();
  refreshQueue();
  setInterval(tickTimers, 1000);
}

start();
