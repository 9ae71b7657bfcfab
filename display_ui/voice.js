import { h } from "../ui_common/dom.js";

const REPEAT = 2;
const DEDUPE_MS = 5000;
const KEEP = 30;
// A stuck audio element must never hold up the calls behind it.
const PLAY_LIMIT_MS = 20000;
// When audio cannot play, the text still stays up long enough to be read.
const TEXT_ONLY_MS = 2500;

// Announces calls one at a time in the order they came, each twice. The list it keeps in
// the DOM (hidden) shows every call and what became of it: queued, playing, done,
// text-only (audio failed) or dropped (the same call again within 5 s).
export function createVoiceQueue({ onBlocked } = {}) {
  const list = h("ol#voice-queue", { hidden: true });
  const pending = [];
  const lastSeen = new Map();
  let running = false;

  function mark(item, state) {
    item.el.dataset.state = state;
  }

  function playOnce(audio) {
    return new Promise((resolve) => {
      const finish = (ok) => {
        clearTimeout(timer);
        audio.onended = audio.onerror = null;
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), PLAY_LIMIT_MS);
      audio.onended = () => finish(true);
      audio.onerror = () => finish(false);
      audio.currentTime = 0;
      audio.play().catch((err) => {
        if (err.name === "NotAllowedError") onBlocked?.();
        finish(false);
      });
    });
  }

  async function run() {
    running = true;
    while (pending.length) {
      const item = pending.shift();
      mark(item, "playing");
      const audio = new Audio(`/api/v1/voice?text=${encodeURIComponent(item.text)}`);
      let ok = true;
      for (let i = 0; i < REPEAT && ok; i += 1) ok = await playOnce(audio);
      mark(item, ok ? "done" : "text-only");
      if (!ok) await new Promise((resolve) => setTimeout(resolve, TEXT_ONLY_MS));
    }
    running = false;
  }

  function enqueue({ text, number, window, recall }) {
    const key = `${number}|${window}`;
    const now = Date.now();
    const el = h("li", { dataset: { number, window, recall: String(!!recall), text } }, text);
    list.prepend(el);
    while (list.children.length > KEEP) list.lastElementChild.remove();
    const item = { text, el };
    if (now - (lastSeen.get(key) ?? -Infinity) < DEDUPE_MS) {
      mark(item, "dropped");
      return;
    }
    lastSeen.set(key, now);
    mark(item, "queued");
    pending.push(item);
    if (!running) run();
  }

  return { list, enqueue };
}
