// Run by browser-guard.test.mjs in a process of its own: defines `window` and `document`
// globally with a DOM emulation (DOM_EMULATION=jsdom or happy-dom), as test setups and
// server-side renderers do, then cancels at the stand-in without dangerouslyAllowBrowser.
// A server process stays a server process: the call must go through. Prints the outcome.
import { STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { loadEsm } from "./helpers.mjs";

let window;
if (process.env.DOM_EMULATION === "jsdom") {
  const { JSDOM } = await import("jsdom");
  window = new JSDOM("<!doctype html><p>emulated</p>", { url: "http://localhost/" }).window;
} else {
  const { Window } = await import("happy-dom");
  window = new Window({ url: "http://localhost/" });
}
globalThis.window = window;
globalThis.document = window.document;

const { cancelPayment } = await loadEsm();
const outcome = await cancelPayment(
  { baseAddress: process.env.PAYWALL_BASE_ADDRESS, ...STANDIN_KEYS },
  process.env.PAYMENT_REQUEST_ID,
).then(
  (result) => ({ ok: true, paymentStatus: result.paymentStatus, documentDefined: typeof document !== "undefined" }),
  (error) => ({ ok: false, kind: error.kind, message: error.message }),
);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
