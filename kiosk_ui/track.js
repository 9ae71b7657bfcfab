import "../ui_common/base.css";
import "./track.css";
import { api } from "../ui_common/api.js";
import { h, replace, fmtWait, fmtClock, langButton } from "../ui_common/dom.js";
import { addStrings, t, localName, onLangChange } from "../ui_common/i18n.js";
import { connectLive } from "../ui_common/live.js";

addStrings({
  zh: {
    "track.title": "排队进度",
    "track.number": "您的号码",
    "track.ahead": "前面还有",
    "track.est": "预计等候约 {wait}",
    "track.called": "请到 {window} 号窗口办理",
    "track.serving": "正在 {window} 号窗口办理",
    "track.done": "已办结，感谢您的耐心等候",
    "track.no_show": "已过号，请到服务台咨询",
    "track.updated": "更新于 {time}",
    "track.gone": "没有找到这张号票，可能已过期",
  },
  en: {
    "track.title": "Your place in the queue",
    "track.number": "Your number",
    "track.ahead": "People ahead",
    "track.est": "Estimated wait: {wait}",
    "track.called": "Please go to window {window}",
    "track.serving": "Being served at window {window}",
    "track.done": "Done, thank you for waiting",
    "track.no_show": "Your number was called but missed: ask at the information desk",
    "track.updated": "Updated {time}",
    "track.gone": "This ticket was not found; it may have expired",
  },
});

const root = document.getElementById("app");
const token = document.body.dataset.track;
let ticket = null;
let failure = null;
let updatedAt = null;

function statusBlock() {
  if (ticket.status === "waiting") {
    return h("div.status.waiting", { dataset: { status: "waiting" } },
      h("p.label", t("track.ahead")),
      h("p#track-ahead.big", String(ticket.ahead ?? 0)),
      h("p#track-wait", t("track.est", { wait: fmtWait(ticket.estimated_wait_s) })));
  }
  const text = ticket.status === "called" || ticket.status === "serving"
    ? t(`track.${ticket.status}`, { window: ticket.window }) : t(`track.${ticket.status}`);
  return h("div.status", { dataset: { status: ticket.status } }, h("p#track-status.big-text", text));
}

function render() {
  document.title = t("track.title");
  if (!ticket) {
    replace(root, h("header.track-head", h("h1", t("track.title")), langButton()),
      failure && h("p.setup-needed", failure));
    return;
  }
  replace(root,
    h("header.track-head", h("h1", t("track.title")), langButton()),
    h("section.card",
      h("p.label", t("track.number")),
      h("p#track-number.number", ticket.number),
      ticket.category_name && h("p#track-category.category", localName(ticket, "category_name")),
      statusBlock()),
    updatedAt && h("p.muted.updated", t("track.updated", { time: fmtClock(updatedAt) })));
}
onLangChange(render);

let pending = null;
// Events only say "something moved"; a burst of them needs one fetch, not one each.
function refresh() {
  clearTimeout(pending);
  pending = setTimeout(load, 300);
}

async function load() {
  try {
    const data = await api("GET", `/track/${encodeURIComponent(token)}`);
    ticket = data.ticket || data;
    failure = null;
    updatedAt = new Date();
  } catch (err) {
    failure = err.status === 404 ? t("track.gone") : err.message;
  }
  render();
}

render();
load();
connectLive({
  auth: { track: token },
  onSnapshot: refresh,
  events: { "queue.updated": refresh, "ticket.called": refresh },
  onRefused: () => false,
});
// Phones sleep and drop sockets without telling anyone; a slow poll keeps the page honest.
setInterval(load, 60000);
