import "../ui_common/base.css";
import "./console.css";
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from "chart.js";
import { api } from "../ui_common/api.js";
import { staffSession, logout, checkSession } from "../ui_common/auth.js";
import { h, replace, fmtDuration, fmtClock, langButton, notice, guarded, dialog, renderer } from "../ui_common/dom.js";
import { createHall, ticketNumber } from "../ui_common/hallstate.js";
import { addStrings, t, localName, onLangChange } from "../ui_common/i18n.js";
import { connectLive, secondsSince } from "../ui_common/live.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

addStrings({
  zh: {
    "console.title": "大厅监控",
    "console.live": "实时监控",
    "console.report": "日报",
    "console.alarms": "待处理告警（{n}）",
    "console.no_alarms": "当前没有告警",
    "console.ack": "确认",
    "console.alarm.wait": "等候超时",
    "console.alarm.service_time": "办理超时",
    "console.alarm.device": "设备故障",
    "console.windows": "窗口",
    "console.col.window": "窗口",
    "console.col.state": "状态",
    "console.col.clerk": "工作人员",
    "console.col.ticket": "当前号码",
    "console.col.service": "办理用时",
    "console.col.serves": "可办业务",
    "console.col.category": "业务",
    "console.col.zone": "区域",
    "console.col.waiting": "等候人数",
    "console.col.longest": "最长等候",
    "console.all": "全部业务",
    "console.edit": "修改",
    "console.edit_title": "{n}号窗口可办业务",
    "console.save": "保存",
    "console.queues": "排队情况",
    "console.no_shows": "过号（未到）",
    "console.no_shows_empty": "今天没有过号",
    "console.reinstate": "恢复排队",
    "console.reinstated": "{number} 已恢复排队",
    "console.saved": "已保存",
    "console.date": "日期",
    "console.load": "查询",
    "console.csv": "下载 CSV",
    "console.xlsx": "下载 Excel",
    "console.arrivals": "每小时取号数",
    "console.waits": "各业务等候时长（分钟）",
    "console.mean": "平均",
    "console.p90": "90%",
    "console.by_category": "按业务",
    "console.by_window": "按窗口",
    "console.by_clerk": "按工作人员",
    "console.fig.tickets": "取号",
    "console.fig.served": "办结",
    "console.fig.no_shows": "过号",
    "console.fig.waiting_now": "仍在等候",
    "console.fig.mean_wait_s": "平均等候",
    "console.fig.p90_wait_s": "90%等候",
    "console.fig.mean_service_s": "平均办理",
    "console.fig.evaluations": "评价数",
    "console.fig.level_5": "非常满意",
    "console.fig.level_1": "非常不满意",
    "console.fig.not_rated": "未评价",
  },
  en: {
    "console.title": "Hall supervision",
    "console.live": "Live",
    "console.report": "Daily report",
    "console.alarms": "Open alarms ({n})",
    "console.no_alarms": "No alarms",
    "console.ack": "Acknowledge",
    "console.alarm.wait": "Long wait",
    "console.alarm.service_time": "Service overdue",
    "console.alarm.device": "Device fault",
    "console.windows": "Windows",
    "console.col.window": "Window",
    "console.col.state": "State",
    "console.col.clerk": "Clerk",
    "console.col.ticket": "Ticket",
    "console.col.service": "Service time",
    "console.col.serves": "Serves",
    "console.col.category": "Service",
    "console.col.zone": "Area",
    "console.col.waiting": "Waiting",
    "console.col.longest": "Longest wait",
    "console.all": "Every service",
    "console.edit": "Change",
    "console.edit_title": "What window {n} serves",
    "console.save": "Save",
    "console.queues": "Queues",
    "console.no_shows": "No-shows",
    "console.no_shows_empty": "No no-shows today",
    "console.reinstate": "Queue again",
    "console.reinstated": "{number} is waiting again",
    "console.saved": "Saved",
    "console.date": "Date",
    "console.load": "Show",
    "console.csv": "Download CSV",
    "console.xlsx": "Download Excel",
    "console.arrivals": "Tickets issued per hour",
    "console.waits": "Waits per service (minutes)",
    "console.mean": "Mean",
    "console.p90": "90th percentile",
    "console.by_category": "By service",
    "console.by_window": "By window",
    "console.by_clerk": "By clerk",
    "console.fig.tickets": "Tickets",
    "console.fig.served": "Served",
    "console.fig.no_shows": "No-shows",
    "console.fig.waiting_now": "Still waiting",
    "console.fig.mean_wait_s": "Mean wait",
    "console.fig.p90_wait_s": "P90 wait",
    "console.fig.mean_service_s": "Mean service",
    "console.fig.evaluations": "Ratings",
    "console.fig.level_5": "Very satisfied",
    "console.fig.level_1": "Very dissatisfied",
    "console.fig.not_rated": "Not rated",
  },
});

const FIGURES = ["tickets", "served", "no_shows", "waiting_now", "mean_wait_s", "p90_wait_s",
  "mean_service_s", "evaluations", "level_5", "level_1", "not_rated"];
const root = document.getElementById("app");
const { hall, reset, apply } = createHall();
let zones = [];
let categories = [];
let noShows = [];
let tab = "live";
let report = null;
let reportDate = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
let charts = [];

const catName = (code) => {
  const cat = categories.find((c) => c.code === code);
  return cat ? localName(cat) : code;
};
const serviceSeconds = (tk) => secondsSince(tk.started_at || tk.called_at);

// Kinds this page does not know yet still show, by their code.
function alarmKind(kind) {
  const key = `console.alarm.${kind}`;
  return t(key) === key ? kind : t(key);
}

function alarmsPanel() {
  const alarms = hall.alarms.filter((a) => !a.acknowledged);
  return h("section.panel.alarms",
    h("h2", t("console.alarms", { n: alarms.length })),
    alarms.length === 0 && h("p.muted", t("console.no_alarms")),
    h("ul#alarm-list", alarms.map((a) => h("li", { dataset: { alarm: a.id, kind: a.kind, level: a.level } },
      h("span.alarm-kind", alarmKind(a.kind)),
      h("span.alarm-msg", a.message),
      h("span.muted", a.raised_at ? fmtClock(new Date(a.raised_at), false) : ""),
      h("button.ack", {
        type: "button",
        onclick: (e) => guarded(e.currentTarget, async () => {
          await api("POST", `/alarms/${a.id}/ack`);
          apply.alarm({ id: a.id, acknowledged: true });
          render();
        }),
      }, t("console.ack"))))));
}

function servesText(w) {
  return (w.categories || []).includes("*") ? t("console.all") : (w.categories || []).map(catName).join("、");
}

function windowsPanel() {
  const known = new Set(zones.map((z) => z.code));
  const byZone = [...zones, { code: null, name: "" }]
    .map((z) => ({ zone: z, windows: hall.windows.filter((w) => (z.code ? w.zone === z.code : !known.has(w.zone))) }))
    .filter((g) => g.windows.length);
  return h("section.panel.windows",
    h("h2", t("console.windows")),
    byZone.map(({ zone, windows }) => h("div.zone-block",
      h("h3", localName(zone)),
      h("table.grid",
        h("thead", h("tr", ["window", "state", "clerk", "ticket", "service", "serves"].map((c) => h("th", t(`console.col.${c}`))), h("th"))),
        h("tbody", windows.sort((a, b) => a.number - b.number).map((w) => h("tr", { dataset: { window: w.number, state: w.state } },
          h("td", w.number),
          h("td.state", t(`state.${w.state}`), w.pause_reason && h("small", ` ${w.pause_reason}`)),
          h("td", w.clerk ? `${w.clerk.name}（${w.clerk.staff_no || ""}${w.clerk.post ? ` · ${w.clerk.post}` : ""}）` : "—"),
          h("td.ticket", ticketNumber(w.ticket) || "—"),
          h("td.service-time", w.ticket?.called_at ? fmtDuration(serviceSeconds(w.ticket)) : "—"),
          h("td.serves", servesText(w)),
          h("td", h("button.edit", { type: "button", onclick: () => editCategories(w) }, t("console.edit"))))))))));
}

function queuesPanel() {
  return h("section.panel.queues",
    h("h2", t("console.queues")),
    h("table.grid#queue-table",
      h("thead", h("tr", ["category", "zone", "waiting", "longest"].map((c) => h("th", t(`console.col.${c}`))))),
      h("tbody", [...hall.queues].sort((a, b) => b.longest_wait_s - a.longest_wait_s).map((q) => h("tr", { dataset: { category: q.category } },
        h("td", catName(q.category)),
        h("td", localName(zones.find((z) => z.code === q.zone) || { name: q.zone || "" })),
        h("td", q.waiting),
        h("td", q.waiting ? fmtDuration(q.longest_wait_s) : "—"))))));
}

function noShowPanel() {
  return h("section.panel.no-shows",
    h("h2", t("console.no_shows")),
    noShows.length === 0 && h("p.muted", t("console.no_shows_empty")),
    h("ul#no-show-list", noShows.map((tk) => h("li", { dataset: { ticket: tk.id } },
      h("strong", tk.number), " ", catName(tk.category), " ",
      h("button.reinstate", {
        type: "button",
        onclick: (e) => guarded(e.currentTarget, async () => {
          await api("POST", `/tickets/${tk.id}/reinstate`);
          dropNoShow(tk);
          notice(t("console.reinstated", { number: tk.number }), "ok", 3000);
          render();
        }),
      }, t("console.reinstate"))))));
}

// The day's no-shows come from the server at every (re)connect, so those marked before the
// page opened, or while it was away, can be reinstated too; events keep the list current.
// Latest first, as the events add them.
async function loadNoShows() {
  try {
    noShows = (await api("GET", "/tickets?status=no_show")).tickets.reverse();
  } catch (err) {
    notice(err.message, "error", 5000);
  }
}

function addNoShow(tk) {
  if (tk?.id && !noShows.some((x) => x.id === tk.id)) noShows.unshift(tk);
}

function dropNoShow(tk) {
  noShows = noShows.filter((x) => x.id !== tk.id);
}

async function editCategories(w) {
  const chosen = await dialog(t("console.edit_title", { n: w.number }), (done) => {
    const all = h("input", { type: "checkbox", name: "all", checked: (w.categories || []).includes("*") });
    const boxes = categories.map((c) => h("input", { type: "checkbox", value: c.code, checked: (w.categories || []).includes(c.code) }));
    return h("form.edit-cats", {
      onsubmit: (e) => {
        e.preventDefault();
        done(all.checked ? ["*"] : boxes.filter((b) => b.checked).map((b) => b.value));
      },
    },
    h("label.check", all, t("console.all")),
    h("div.choice-list", categories.map((c, i) => h("label.check", { dataset: { category: c.code } }, boxes[i], `${c.code} ${localName(c)}`))),
    h("button.primary#save-categories", { type: "submit" }, t("console.save")));
  });
  if (!chosen) return;
  await guarded(null, async () => {
    const result = await api("PUT", `/windows/${w.number}/categories`, { body: { categories: chosen } });
    apply["window.updated"](result?.window || { number: w.number, categories: chosen });
    notice(t("console.saved"), "ok", 2500);
    render();
  });
}

// ---- report ----

async function loadReport() {
  try {
    report = await api("GET", `/reports/daily?date=${reportDate}&format=json`);
  } catch (err) {
    notice(err.message);
    report = null;
  }
  render();
}

async function download(format) {
  const response = await api("GET", `/reports/daily?date=${reportDate}&format=${format}`, { raw: true, timeoutMs: 30000 });
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: `hall-report-${reportDate}.${format}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function figureCell(row, fig) {
  const value = row[fig];
  if (value === null || value === undefined) return h("td", "—");
  return h("td", fig.endsWith("_s") ? fmtDuration(value) : value);
}

function reportTable(title, rows, key, label) {
  return h("section.panel",
    h("h2", title),
    h("table.grid",
      h("thead", h("tr", h("th", ""), FIGURES.map((f) => h("th", t(`console.fig.${f}`))))),
      h("tbody", rows.map((row) => h("tr", h("td", label(row[key], row)), FIGURES.map((f) => figureCell(row, f)))))));
}

function chartCanvas(id, config) {
  const canvas = h(`canvas#${id}`);
  // Chart.js measures its parent, so it is drawn once the canvas is in the page.
  requestAnimationFrame(() => charts.push(new Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } })));
  return h("div.chart-box", canvas);
}

function reportView() {
  const dateInput = h("input#report-date", { type: "date", value: reportDate, onchange: (e) => (reportDate = e.target.value) });
  const controls = h("div.report-controls",
    h("label.inline", t("console.date"), dateInput),
    h("button.primary#report-load", { type: "button", onclick: (e) => guarded(e.currentTarget, loadReport) }, t("console.load")),
    h("button#report-csv", { type: "button", onclick: (e) => guarded(e.currentTarget, () => download("csv")) }, t("console.csv")),
    h("button#report-xlsx", { type: "button", onclick: (e) => guarded(e.currentTarget, () => download("xlsx")) }, t("console.xlsx")));
  if (!report) return h("div.report", controls);
  const minutes = (s) => (s == null ? 0 : Math.round((s / 60) * 10) / 10);
  return h("div.report#report",
    controls,
    h("div.totals", ["tickets", "served", "no_shows", "mean_wait_s", "evaluations"].map((f) => h("div.total", { dataset: { figure: f } },
      h("span.muted", t(`console.fig.${f}`)),
      h("strong", f.endsWith("_s") ? (report.totals[f] == null ? "—" : fmtDuration(report.totals[f])) : report.totals[f])))),
    h("div.charts",
      h("section.panel", h("h2", t("console.arrivals")), chartCanvas("chart-arrivals", {
        type: "bar",
        data: {
          labels: report.arrivals_by_hour.map((_, hour) => `${hour}:00`),
          datasets: [{ label: t("console.fig.tickets"), data: report.arrivals_by_hour, backgroundColor: "#0b4f9c" }],
        },
        options: { plugins: { legend: { display: false } } },
      })),
      h("section.panel", h("h2", t("console.waits")), chartCanvas("chart-waits", {
        type: "bar",
        data: {
          labels: report.by_category.map((r) => catName(r.category)),
          datasets: [
            { label: t("console.mean"), data: report.by_category.map((r) => minutes(r.mean_wait_s)), backgroundColor: "#0b4f9c" },
            { label: t("console.p90"), data: report.by_category.map((r) => minutes(r.p90_wait_s)), backgroundColor: "#f2a93b" },
          ],
        },
      }))),
    reportTable(t("console.by_category"), report.by_category, "category", (code) => catName(code)),
    reportTable(t("console.by_window"), report.by_window, "window", (n) => t("window.n", { n })),
    reportTable(t("console.by_clerk"), report.by_clerk, "clerk", (name) => name));
}

// ---- frame ----

function render() {
  charts.forEach((c) => c.destroy());
  charts = [];
  const tabButton = (id) => h(`button.tab#tab-${id}`, {
    type: "button",
    "aria-pressed": String(tab === id),
    onclick: () => {
      tab = id;
      if (id === "report" && !report) loadReport();
      render();
    },
  }, t(`console.${id}`));
  replace(root,
    h("header.console-head",
      h("h1", t("console.title")),
      h("span.hall-name", hall.hall?.name || ""),
      h("nav.tabs", tabButton("live"), tabButton("report")),
      h("span.spacer"),
      langButton(),
      h("button#logout", { type: "button", onclick: () => logout("console") }, t("login.logout"))),
    tab === "live"
      ? h("div.live", alarmsPanel(), h("div.live-main", windowsPanel(), h("div.live-side", queuesPanel(), noShowPanel())))
      : reportView());
}
onLangChange(render);

function tickTimers() {
  if (tab !== "live") return;
  document.querySelectorAll("tr[data-window]").forEach((row) => {
    const w = hall.windows.find((x) => x.number === Number(row.dataset.window));
    if (w?.ticket?.called_at) row.querySelector(".service-time").textContent = fmtDuration(serviceSeconds(w.ticket));
  });
}

async function start() {
  const session = await staffSession("console", root, ["supervisor", "admin"]);
  try {
    const [z, c] = await Promise.all([api("GET", "/zones"), api("GET", "/categories")]);
    zones = z.zones;
    categories = c.categories;
  } catch (err) {
    notice(err.message);
  }
  const renderSoon = renderer(render);
  const refresh = (name) => (payload) => {
    apply[name]?.(payload);
    if (tab === "live") renderSoon();
  };
  connectLive({
    auth: { token: session.token },
    onSnapshot: (snap) => {
      reset(snap.hall);
      renderSoon();
      loadNoShows().then(renderSoon);
    },
    onRefused: checkSession,
    events: {
      "window.updated": refresh("window.updated"),
      "queue.updated": refresh("queue.updated"),
      alarm: refresh("alarm"),
      "ticket.no_show": (payload) => {
        addNoShow(payload.ticket);
        if (tab === "live") renderSoon();
      },
      // Reinstated here or by another supervisor.
      "ticket.reinstated": (tk) => {
        dropNoShow(tk);
        if (tab === "live") renderSoon();
      },
    },
  });
  render();
  setInterval(tickTimers, 1000);
}

start();
