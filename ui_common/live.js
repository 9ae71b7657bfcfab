import { io } from "socket.io-client";
import { t, onLangChange } from "./i18n.js";
import { h } from "./dom.js";

let clockOffsetMs = 0;

// The server's "now", learnt from the `at` of what it sends: timers on a PC whose clock
// is a few minutes off must still match what the supervisor sees.
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

export function secondsSince(iso) {
  return iso ? Math.max(0, (serverNow() - Date.parse(iso)) / 1000) : 0;
}

function learnClock(payload) {
  const at = payload && Date.parse(payload.at);
  if (at) clockOffsetMs = at - Date.now();
}

let connState = "connecting";
const connEl = h("div#conn", { role: "status", "aria-live": "polite" });

function showConn(state) {
  connState = state;
  connEl.dataset.state = state;
  document.body.dataset.conn = state;
  connEl.textContent = t(`conn.${state}`);
}
onLangChange(() => showConn(connState));

// One Socket.IO connection per page. Every (re)connect brings a fresh `snapshot`, which
// the page renders from scratch; a gap in an event stream's `seq` means something was
// missed, and the cheapest correct answer is to reconnect for a new snapshot.
export function connectLive({ auth, onSnapshot, events = {}, onRefused }) {
  if (!connEl.isConnected) document.body.append(connEl);
  showConn("connecting");
  const socket = io({
    auth,
    transports: ["websocket", "polling"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let seqs = {};
  const resync = () => {
    socket.disconnect();
    socket.connect();
  };
  const fresh = (payload) => {
    learnClock(payload);
    if (!payload || payload.seq == null || !payload.stream) return true;
    const last = seqs[payload.stream];
    seqs[payload.stream] = Math.max(payload.seq, last ?? -Infinity);
    if (last == null) return true;
    if (payload.seq <= last) return false;
    if (payload.seq > last + 1) {
      resync();
      return false;
    }
    return true;
  };

  socket.on("connect", () => showConn("online"));
  socket.on("disconnect", (reason) => {
    showConn("reconnecting");
    // The server closing on us is not retried by the client library itself.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
  });
  socket.on("connect_error", () => {
    if (socket.active) {
      showConn("reconnecting");
      return;
    }
    showConn("refused");
    // A token can be refused for a moment while the server starts; try again slowly.
    if (!onRefused || onRefused() !== false) setTimeout(() => socket.connect(), 10000);
  });
  socket.on("snapshot", (snap) => {
    // A connection may hear several streams (a kiosk: all kiosks, and its own).
    seqs = { ...(snap.streams || {}) };
    fresh(snap);
    onSnapshot?.(snap);
  });
  // Every event counts towards its stream's seq, also those this page does not show.
  socket.onAny((name, payload) => {
    if (name !== "snapshot" && fresh(payload)) events[name]?.(payload);
  });
  return socket;
}
