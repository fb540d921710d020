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

document.querySelector("#state").textContent = "ready";
