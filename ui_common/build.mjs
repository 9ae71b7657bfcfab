// Bundles every page into hall/static/ui/ so the server needs no Node at run time.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, "hall/static/ui");

// One bundle per page; the blueprint in hall/entrypoints/web_ui.py names them the same way.
const pages = {
  kiosk: "kiosk_ui/kiosk.js",
  track: "kiosk_ui/track.js",
  counter: "counter_ui/counter.js",
  lobby: "display_ui/lobby.js",
  window: "display_ui/window.js",
  pad: "display_ui/pad.js",
  console: "console_ui/console.js",
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(pages).map(([name, src]) => [name, resolve(root, src)])),
  outdir,
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "iife",
  // Hall PCs and kiosks often run browsers a few years old.
  target: ["es2020"],
  legalComments: "linked",
  logLevel: "info",
});
