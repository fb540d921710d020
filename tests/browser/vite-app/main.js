// A page bundled by Vite that imports the packed package by name, as a browser app would.
// The test drives it through window.runCancel; the outcome is plain data.
import { cancelPayment, PaywallError } from "paywall-edge";

window.runCancel = async (config, paymentRequestId) => {
  try {
    return { ok: true, result: await cancelPayment(config, paymentRequestId) };
  } catch (error) {
    return {
      ok: false,
      isPaywallError: error instanceof PaywallError,
      isError: error instanceof Error,
      stackStartsWithName: String(error.stack).startsWith("PaywallError: "),
      error: error instanceof PaywallError ? error.toJSON() : String(error),
    };
  }
};

/** The same call made in a web worker of this page: "dedicated", "shared" or "service". */
window.runInWorker = async (kind, config, paymentRequestId) => {
  let target;
  if (kind === "dedicated") {
    target = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  } else if (kind === "shared") {
    target = new SharedWorker(new URL("./worker.js", import.meta.url), { type: "module" }).port;
  } else {
    // Built apart from the page (tests/browser/vite.test.mjs), at the site's root.
    await navigator.serviceWorker.register("/service-worker.js", { type: "module" });
    target = (await navigator.serviceWorker.ready).active;
  }
  const channel = new MessageChannel();
  const answer = new Promise((resolve) => {
    channel.port1.onmessage = (event) => resolve(event.data);
  });
  target.postMessage([config, paymentRequestId], [channel.port2]);
  return answer;
};

document.querySelector("#state").textContent = "ready";
