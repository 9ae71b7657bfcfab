import { api, useToken } from "./api.js";
import { t } from "./i18n.js";
import { h, replace, guarded } from "./dom.js";
import { connectLive } from "./live.js";

// A device page is opened once with ?token=…; the token is kept and removed from the
// address bar so it is not copied along with the URL.
export function deviceToken(slot) {
  const key = `hall.device.${slot}`;
  const params = new URLSearchParams(location.search);
  const given = params.get("token");
  if (given) {
    localStorage.setItem(key, given);
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
  }
  const token = localStorage.getItem(key);
  if (token) useToken(token);
  return token;
}

// A device page: its token, its live connection, or a plain word on how to set it up.
// Screens nobody touches keep the connection badge faint while all is well.
export function startDevice(slot, root, { screen = true, ...live }) {
  const token = deviceToken(slot);
  if (!token) {
    replace(root, h("div.setup-needed", t("token.missing")));
    return null;
  }
  if (screen) document.body.classList.add("quiet-conn");
  return connectLive({ auth: { token }, ...live });
}

function staffKey(slot) {
  return `hall.staff.${slot}`;
}

// A refused socket may be a revoked login or a server still starting: ask, and a 401
// logs out through the API's unauthorized handler while anything else is retried.
export function checkSession() {
  api("GET", "/me").catch(() => {});
}

export function logout(slot) {
  localStorage.removeItem(staffKey(slot));
  location.reload();
}

// Resolves with GET /me once someone with one of `roles` is logged in on this page.
export async function staffSession(slot, root, roles) {
  const forget = () => logout(slot);
  const saved = localStorage.getItem(staffKey(slot));
  if (saved) {
    useToken(saved, forget);
    try {
      const me = await api("GET", "/me");
      if (roles.includes(me.role)) return { token: saved, me };
    } catch (err) {
      if (err.status !== 401) {
        // The server is away: keep the login, let the page retry when it is back.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        return staffSession(slot, root, roles);
      }
    }
    localStorage.removeItem(staffKey(slot));
    useToken(null);
  }
  return new Promise((resolve) => {
    const error = h("p.form-error", { role: "alert" });
    const username = h("input#login-username", { name: "username", autocomplete: "username", required: true });
    const password = h("input#login-password", { name: "password", type: "password", autocomplete: "current-password", required: true });
    const submit = h("button#login-submit.primary", { type: "submit" }, t("login.submit"));
    const form = h("form.login", {
      onsubmit: (e) => {
        e.preventDefault();
        error.textContent = "";
        guarded(submit, async () => {
          try {
            const { token } = await api("POST", "/auth/login", {
              body: { username: username.value.trim(), password: password.value },
            });
            useToken(token, forget);
            const me = await api("GET", "/me");
            if (!roles.includes(me.role)) {
              error.textContent = t("err.forbidden");
              useToken(null);
              return;
            }
            localStorage.setItem(staffKey(slot), token);
            resolve({ token, me });
          } catch (err) {
            error.textContent = err.status === 401 ? t("err.invalid_credentials") : err.message;
          }
        });
      },
    },
    h("h1", t("login.title")),
    h("label", t("login.username"), username),
    h("label", t("login.password"), password),
    error,
    submit);
    replace(root, form);
    username.focus();
  });
}
