// Chinese first; English for visitors and staff who ask for it. The choice is kept per
// browser, and `?lang=en` sets it on screens nobody can touch (lobby TVs, window LCDs).
const strings = { zh: {}, en: {} };
const listeners = [];
const KEY = "hall.lang";

let lang = (() => {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "zh" || asked === "en") {
    localStorage.setItem(KEY, asked);
    return asked;
  }
  return localStorage.getItem(KEY) === "en" ? "en" : "zh";
})();
document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";

export function addStrings(table) {
  Object.assign(strings.zh, table.zh);
  Object.assign(strings.en, table.en);
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  listeners.forEach((fn) => fn(next));
}

export function onLangChange(fn) {
  listeners.push(fn);
}

// `{name}` placeholders are filled from vars; a missing key shows itself so it is noticed.
export function t(key, vars = {}) {
  const text = strings[lang][key] ?? strings.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

// Names that the server gives in both languages: `name`/`name_en` of categories, zones and
// queues, `category_name`/`category_name_en` of tickets. Chinese when no English is set.
export function localName(item, field = "name") {
  return (lang === "en" && item[`${field}_en`]) || item[field];
}

addStrings({
  zh: {
    "lang.switch": "English",
    "conn.online": "已连接",
    "conn.connecting": "正在连接…",
    "conn.reconnecting": "连接中断，正在重连…",
    "conn.refused": "未获授权，无法接收实时更新，请联系工作人员",
    "err.unauthorized": "登录已失效，请重新登录",
    "err.forbidden": "没有权限执行此操作",
    "err.validation_error": "填写的内容有误，请检查后重试",
    "err.not_found": "没有找到相应的记录",
    "err.unknown_category": "该业务不存在",
    "err.category_closed": "该业务当前不在取号时间内",
    "err.quota_exhausted": "该业务今日号源已取完",
    "err.not_signed_in": "您尚未签到到该窗口",
    "err.window_busy": "当前还有号码在办理中，请先办结或标记未到",
    "err.no_current_ticket": "当前没有正在办理的号码",
    "err.already_evaluated": "该业务已评价过，谢谢",
    "err.evaluation_expired": "评价已超时，谢谢",
    "err.invalid_credentials": "用户名或密码错误",
    "err.already_queued": "您在该业务已有号码在排队，无需重复取号",
    "err.invalid_state": "当前状态下不能进行此操作，请刷新后重试",
    "err.too_many_attempts": "尝试次数过多，请稍后再试",
    "err.network": "无法连接服务器，请稍后重试",
    "err.timeout": "服务器响应超时，请稍后重试",
    "err.server": "服务器出错，请稍后重试或联系管理员",
    "err.unknown": "操作未成功（{code}）",
    "login.title": "工作人员登录",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.logout": "退出登录",
    "token.missing": "此设备尚未配置。请在地址后加上 ?token=设备令牌 打开一次。",
    "dur.min": "{m}分钟",
    "dur.minsec": "{m}分{s}秒",
    "dur.hms": "{h}小时{m}分",
    "dur.sec": "{s}秒",
    "window.n": "{n}号窗口",
    "state.open": "服务中",
    "state.busy": "办理中",
    "state.paused": "暂停服务",
    "state.closed": "未开放",
    "cancel": "取消",
    "confirm": "确定",
    "close": "关闭",
  },
  en: {
    "lang.switch": "中文",
    "conn.online": "Connected",
    "conn.connecting": "Connecting…",
    "conn.reconnecting": "Connection lost, reconnecting…",
    "conn.refused": "Not authorised for live updates: please ask the staff",
    "err.unauthorized": "Your session has expired, please log in again",
    "err.forbidden": "You are not allowed to do this",
    "err.validation_error": "Something entered is not valid, please check",
    "err.not_found": "Not found",
    "err.unknown_category": "No such service",
    "err.category_closed": "Tickets for this service are not issued at this time",
    "err.quota_exhausted": "Today's tickets for this service are all taken",
    "err.not_signed_in": "You are not signed in to this window",
    "err.window_busy": "A ticket is still being served: finish it or mark it no-show first",
    "err.no_current_ticket": "No ticket is being served",
    "err.already_evaluated": "This service has already been rated, thank you",
    "err.evaluation_expired": "The rating has timed out, thank you",
    "err.invalid_credentials": "Wrong user name or password",
    "err.already_queued": "You already have a ticket waiting for this service",
    "err.invalid_state": "This cannot be done in the current state; refresh and try again",
    "err.too_many_attempts": "Too many attempts, please wait a moment",
    "err.network": "Cannot reach the server, please try again",
    "err.timeout": "The server did not answer in time, please try again",
    "err.server": "Server error, please try again or call the administrator",
    "err.unknown": "That did not work ({code})",
    "login.title": "Staff login",
    "login.username": "User name",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.logout": "Log out",
    "token.missing": "This device is not set up. Open this page once with ?token=DEVICE_TOKEN.",
    "dur.min": "{m} min",
    "dur.minsec": "{m} min {s} s",
    "dur.hms": "{h} h {m} min",
    "dur.sec": "{s} s",
    "window.n": "Window {n}",
    "state.open": "Open",
    "state.busy": "Serving",
    "state.paused": "Paused",
    "state.closed": "Closed",
    "cancel": "Cancel",
    "confirm": "OK",
    "close": "Close",
  },
});
