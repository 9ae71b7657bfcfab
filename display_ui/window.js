import "../ui_common/base.css";
import "./display.css";
import { startDevice } from "../ui_common/auth.js";
import { h, replace } from "../ui_common/dom.js";
import { createHall, ticketNumber } from "../ui_common/hallstate.js";
import { addStrings, t, onLangChange } from "../ui_common/i18n.js";

addStrings({
  zh: {
    "winscreen.now": "当前号码",
    "winscreen.welcome": "欢迎您",
    "winscreen.clerk": "工作人员 {name}",
    "winscreen.staff_no": "工号 {no}",
    "winscreen.post": "{post}岗",
  },
  en: {
    "winscreen.now": "Now serving",
    "winscreen.welcome": "Welcome",
    "winscreen.clerk": "Clerk {name}",
    "winscreen.staff_no": "Staff no. {no}",
    "winscreen.post": "Post {post}",
  },
});

const FLASH_MS = 6000;
const root = document.getElementById("app");
const number = Number(document.body.dataset.window);
const { hall, reset, apply } = createHall();
let flashUntil = 0;

function render() {
  const w = hall.windows.find((x) => x.number === number) || { number, state: "closed" };
  const stopped = w.state === "paused" || w.state === "closed";
  const current = ticketNumber(w.ticket);
  const flashing = Date.now() < flashUntil;
  replace(root,
    h("div.winscreen", { dataset: { state: w.state } },
      h("div#ws-window.ws-window", t("window.n", { n: number })),
      stopped
        ? h("div.ws-main.paused",
          h("div#ws-state.ws-paused", t("state.paused")),
          w.pause_reason && h("div#ws-reason.ws-reason", w.pause_reason))
        : h("div.ws-main",
          h("div.ws-label", current ? t("winscreen.now") : t("winscreen.welcome")),
          h(flashing ? "div#ws-number.ws-number.flash" : "div#ws-number.ws-number", current || "—")),
      w.clerk
        ? h("div#ws-clerk.ws-clerk",
          h("span.ws-name", t("winscreen.clerk", { name: w.clerk.name })),
          h("span.ws-staff", t("winscreen.staff_no", { no: w.clerk.staff_no || "" })),
          w.clerk.post && h("span.ws-post", t("winscreen.post", { post: w.clerk.post })))
        : null));
}
onLangChange(render);

render();
startDevice(`window-${number}`, root, {
  onSnapshot: (snap) => {
    reset(snap.hall);
    render();
  },
  events: {
    "window.updated": (w) => {
      apply["window.updated"](w);
      render();
    },
    "ticket.called": (call) => {
      if (call.window !== number) return;
      const w = hall.windows.find((x) => x.number === number);
      if (w) w.ticket = call.ticket;
      flashUntil = Date.now() + FLASH_MS;
      setTimeout(render, FLASH_MS + 50);
      render();
    },
  },
});
