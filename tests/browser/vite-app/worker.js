// The package in a web worker of the page: dedicated (new Worker), shared (new SharedWorker)
// or service (navigator.serviceWorker), all from this one module. Each message carries
// [config, paymentRequestId] and a port to answer on.
import { cancelPayment, PaywallError } from "paywall-edge";

async function reply(event) {
  const [config, paymentRequestId] = event.data;
  const [port] = event.ports;
  try {
    port.postMessage({ ok: true, result: await cancelPayment(config, paymentRequestId) });
  } catch (error) {
    port.postMessage({
      ok: false,
      isPaywallError: error instanceof PaywallError,
      error: error instanceof PaywallError ? error.toJSON() : String(error),
    });
  }
}

if ("onconnect" in self) {
  self.onconnect = (event) => {
    event.ports[0].onmessage = reply;
  };
} else if ("registration" in self) {
  self.addEventListener("message", (event) => event.waitUntil(reply(event)));
} else {
  self.onmessage = reply;
}
