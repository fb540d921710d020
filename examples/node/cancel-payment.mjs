// Cancels a Paywall async payment from Node.js (also Bun and Deno), then asks again to show
// how Paywall's refusal arrives. `make demo` runs this file against the packed package;
// copy it as a starting point. The keys come from the environment: never hard-code them.
import { cancelPayment, PaywallError } from "paywall-edge";

const config = {
  baseAddress: process.env.PAYWALL_BASE_ADDRESS, // https://test-physicalpos-api.itspaywall.com
  apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
  apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
};

/** Cancels one payment and reports the outcome; true when it was cancelled. */
async function cancel(paymentRequestId) {
  try {
    const result = await cancelPayment(config, paymentRequestId);
    console.log("resolved with", result);
    return true;
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    console.log(`rejected with PaywallError, kind "${error.kind}":`, error.toJSON());
    return false;
  }
}

const paymentRequestId = process.env.PAYMENT_REQUEST_ID;
console.log(`\n1. Cancel the payment: cancelPayment(config, "${paymentRequestId}")`);
const cancelled = await cancel(paymentRequestId);
console.log(`\n2. Cancel the same payment again: cancelPayment(config, "${paymentRequestId}")`);
await cancel(paymentRequestId);
process.exitCode = cancelled ? 0 : 1;
