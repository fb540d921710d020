// Run by large-answers.test.mjs in a process of its own (node, bun or deno, whichever runs
// the suite), so that the memory it measures is this one call's and nothing else's:
// cancels PAYMENT_REQUEST_ID at the stand-in at PAYWALL_BASE_ADDRESS, sampling the RSS
// every 5 ms, and prints `{ kind, message, growthMB }` as JSON.
import { STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { loadEsm } from "./helpers.mjs";

const { cancelPayment } = await loadEsm();
const config = { baseAddress: process.env.PAYWALL_BASE_ADDRESS, ...STANDIN_KEYS, maxRetries: 0 };
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const outcome = await cancelPayment(config, process.env.PAYMENT_REQUEST_ID).then(
  () => ({ kind: "ok", message: "" }),
  (error) => ({ kind: error.kind, message: error.message }),
);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ ...outcome, growthMB: (peak - baseline) / 2 ** 20 })}\n`);
