// Cancels one Paywall async payment from Node.js, then asks again to show how Paywall's
// refusal arrives. `make demo` runs this file against the packed package; copy it as a
// starting point. The keys come from the environment: never hard-code them.
import { cancelPayment, PaywallError } from "paywall-edge";

const config = {
  baseAddress: process.env.PAYWALL_BASE_ADDRESS,
  apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
  apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
};
const paymentRequestId = process.env.PAYMENT_REQUEST_ID;

async function cancel(title) {
  console.log(`\n${title}: cancelPayment(config, "${paymentRequestId}")`);
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

const cancelled = await cancel("1. Cancel the payment");
await cancel("2. Cancel the same payment again");
process.exitCode = cancelled ? 0 : 1;
