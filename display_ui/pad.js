import "../ui_common/base.css";
import "./display.css";
import { api } from "../ui_common/api.js";
import { startDevice } from "../ui_common/auth.js";
import { h, replace, langButton } from "../ui_common/dom.js";
import { createHall } from "../ui_common/hallstate.js";
import { addStrings, t, onLangChange } from "../ui_common/i18n.js";
import { serverNow } from "../ui_common/live.js";

addStrings({
  zh: {
    "pad.welcome": "欢迎评价我们的服务",
    "pad.clerk": "为您服务的是",
    "pad.staff_no": "工号 {no}",
    "pad.no_clerk": "{n}号窗口",
    "pad.ask": "请您对本次服务作出评价",
    "pad.ticket": "号码 {number}",
    "pad.level5": "非常满意",
    "pad.level4": "满意",
    "pad.level3": "基本满意",
    "pad.level2": "不满意",
    "pad.level1": "非常不满意",
    "pad.why": "请告诉我们哪方面不满意（可多选）",
    "pad.reason.efficiency": "服务效率",
    "pad.reason.skill": "服务水平",
    "pad.reason.attitude": "服务态度",
    "pad.comment": "其他意见（选填）",
    "pad.submit": "提交评价",
    "pad.back": "返回",
    "pad.pick_reason": "请至少选择一项",
    "pad.thanks": "感谢您的评价！",
    "pad.left": "{s} 秒后自动结束",
  },
  en: {
    "pad.welcome": "Please rate our service",
    "pad.clerk": "You are served by",
    "pad.staff_no": "Staff no. {no}",
    "pad.no_clerk": "Window {n}",
    "pad.ask": "How satisfied are you with this service?",
    "pad.ticket": "Ticket {number}",
    "pad.level5": "Very satisfied",
    "pad.level4": "Satisfied",
    "pad.level3": "Fairly satisfied",
    "pad.level2": "Dissatisfied",
    "pad.level1": "Very dissatisfied",
    "pad.why": "What were you not satisfied with? (choose any)",
    "pad.reason.efficiency": "Speed of service",
    "pad.reason.skill": "Competence",
    "pad.reason.attitude": "Attitude",
    "pad.comment": "Anything else (optional)",
    "pad.submit": "Submit",
    "pad.back": "Back",
    "pad.pick_reason": "Please choose at least one",
    "pad.thanks": "Thank you for your rating!",
    "pad.left": "Closes in {s} s",
  },
});

// GB/T 39735's groups for a bad rating; the server takes their Chinese names as the values.
const REASONS = { efficiency: "服务效率", skill: "服务水平", attitude: "服务态度" };
const THANKS_MS = 4000;
const root = document.getElementById("app");
const number = Number(document.body.dataset.window);
const { hall, reset, apply } = createHall();
// idle | rate | why | thanks
let view = { name: "idle" };
let clockTimer = null;

const asking = () => view.name === "rate" || view.name === "why";

function go(next) {
  view = next;
  render();
}

function idle() {
  const w = hall.windows.find((x) => x.number === number);
  const clerk = w?.clerk;
  return h("section.pad-idle",
    h("h1", t("pad.welcome")),
    clerk
      ? h("div#pad-clerk.pad-clerk",
        h("p.muted", t("pad.clerk")),
        h("p.pad-clerk-name", clerk.name),
        h("p.muted", t("pad.staff_no", { no: clerk.staff_no || "" })))
      : h("p.pad-clerk-name", t("pad.no_clerk", { n: number })));
}

function rate() {
  return h("section.pad-rate",
    h("h1", t("pad.ask")),
    h("p#pad-ticket.muted", t("pad.ticket", { number: view.request.number })),
    h("div.levels", [5, 4, 3, 2, 1].map((level) => h("button.level", {
      type: "button",
      dataset: { level },
      onclick: (e) => (level <= 2 ? go({ ...view, name: "why", level, reasons: [] }) : submit(e.currentTarget, level, [], "")),
    }, t(`pad.level${level}`)))),
    countdown());
}

function why() {
  const comment = h("textarea#pad-comment", { rows: 2, maxLength: 200, placeholder: t("pad.comment") });
  const error = h("p.form-error");
  return h("section.pad-why",
    h("h1", t("pad.why")),
    h("div.reasons", Object.entries(REASONS).map(([key, reason]) => h("button.reason", {
      type: "button",
      dataset: { reason: key },
      "aria-pressed": String(view.reasons.includes(reason)),
      onclick: (e) => {
        const on = !view.reasons.includes(reason);
        view.reasons = on ? [...view.reasons, reason] : view.reasons.filter((r) => r !== reason);
        e.currentTarget.setAttribute("aria-pressed", String(on));
        error.textContent = "";
      },
    }, t(`pad.reason.${key}`)))),
    comment,
    error,
    h("div.pad-actions",
      h("button.secondary", { type: "button", onclick: () => go({ ...view, name: "rate" }) }, t("pad.back")),
      h("button.primary#pad-submit", {
        type: "button",
        onclick: (e) => {
          if (!view.reasons.length) {
            error.textContent = t("pad.pick_reason");
            return;
          }
          submit(e.currentTarget, view.level, view.reasons, comment.value.trim());
        },
      }, t("pad.submit"))),
    countdown());
}

function thanks() {
  return h("section.pad-thanks", h("h1#pad-thanks", view.message || t("pad.thanks")));
}

function countdown() {
  return h("p.muted.pad-left", t("pad.left", { s: Math.max(0, Math.ceil((view.deadline - serverNow()) / 1000)) }));
}

async function submit(button, level, reasons, comment) {
  button.disabled = true;
  view.sending = true;
  const body = { ticket_id: view.request.ticket_id, level };
  if (reasons.length) body.reasons = reasons;
  if (comment) body.comment = comment;
  try {
    await api("POST", "/evaluations", { body });
    finish(t("pad.thanks"));
  } catch (err) {
    // Expired or already rated: nothing more the visitor can do here, so say so and stop.
    if (err.status === 409) return finish(err.message);
    view.sending = false;
    button.disabled = false;
    const note = root.querySelector(".form-error") || root.querySelector("section").appendChild(h("p.form-error"));
    note.textContent = err.message;
  }
}

function finish(message) {
  clearInterval(clockTimer);
  go({ name: "thanks", message });
  setTimeout(() => view.name === "thanks" && go({ name: "idle" }), THANKS_MS);
}

// request: the window's open rating request, {ticket_id, number, expires_at}, from
// `evaluation.requested` or from the window's `evaluation` (a pad that loads or
// reconnects mid-request asks again).
function ask(request) {
  const deadline = Date.parse(request.expires_at) || serverNow() + 60000;
  if (deadline <= serverNow()) return;
  if (asking() && view.request.ticket_id === request.ticket_id) return;
  go({ name: "rate", request, deadline });
  clearInterval(clockTimer);
  // The request lapses at expires_at; the server counts it as not rated.
  clockTimer = setInterval(() => {
    if (!asking()) return clearInterval(clockTimer);
    if (serverNow() >= view.deadline) {
      clearInterval(clockTimer);
      go({ name: "idle" });
      return;
    }
    root.querySelector(".pad-left")?.replaceWith(countdown());
  }, 1000);
}

// The window's request closed (rated on the evaluator keys, or lapsed): stop asking. The
// pad's own rating closes it too; then the answer to it says thanks, not this.
function follow(w) {
  if (w?.evaluation) return ask(w.evaluation);
  if (asking() && !view.sending) {
    clearInterval(clockTimer);
    go({ name: "idle" });
  } else if (view.name === "idle") render();
}

function render() {
  const views = { idle, rate, why, thanks };
  document.body.dataset.view = view.name;
  replace(root, h("div.pad", views[view.name](), h("div.pad-lang", langButton())));
}
onLangChange(render);

render();
startDevice(`pad-${number}`, root, {
  onSnapshot: (snap) => {
    reset(snap.hall);
    follow(hall.windows.find((x) => x.number === number));
  },
  events: {
    "evaluation.requested": (request) => {
      if (Number(request.window) === number) {
        ask({ ticket_id: request.ticket.id, number: request.ticket.number, expires_at: request.expires_at });
      }
    },
    "window.updated": (w) => {
      apply["window.updated"](w);
      if (w.number === number) follow(w);
    },
  },
});
