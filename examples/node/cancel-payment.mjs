// Cancels a Paywall async payment from Node.js (also Bun and Deno), then asks again to show
// how Paywall's refusal arrives. `make demo` runs this file against the packed package;
// copy it as a starting point. The keys come from the environment: never hard-code them.
import { cancelPayment, PaywallError } from "paywall-edge";

const config = {
  baseAddress: process.env.PAYWALL_BASE_ADDRESS, // https://test-physicalpos-api.itspaywall.com
  apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
  apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
};

/** Cancels one payment and reports the outcome; resolves to its `state`, or "refused". */
async function cancel(paymentRequestId) {
  try {
    const result = await cancelPayment(config, paymentRequestId);
    // Paywall took the cancel; `state` says what became of the payment.
    switch (result.state) {
      case "cancelled": // by Paywall's answer, or by its inquiry when the answer was lost
        console.log(`cancelled, confirmed by the ${result.confirmedBy}:`, result);
        break;
      case "pending": // on its way to the terminal: its callback, or inquirePayment later, will tell
        console.log("accepted, but the terminal has not finished:", result);
        break;
      case "failed": // the terminal could not cancel it: the payment stands
        console.log("not cancelled, the terminal could not cancel it:", result);
        break;
      default: // "unknown": codes Paywall has not documented; check the payment before acting
        console.log("accepted, with codes Paywall has not documented:", result);
    }
    return result.state;
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    console.log(`rejected with PaywallError, kind "${error.kind}":`, error.toJSON());
    return "refused";
  }
}

const paymentRequestId = process.env.PAYMENT_REQUEST_ID;
console.log(`\n1. Cancel the payment: cancelPayment(config, "${paymentRequestId}")`);
const state = await cancel(paymentRequestId);
console.log(`\n2. Cancel the same payment again: cancelPayment(config, "${paymentRequestId}")`);
await cancel(paymentRequestId);
// Paywall took the cancel: the payment is cancelled, or will be once the terminal finishes.
process.exitCode = state === "cancelled" || state === "pending" ? 0 : 1;
