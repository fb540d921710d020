// The route handler of POST /api/{node,edge}/paywall/callback, the CallbackAddress of the
// sales: Paywall POSTs a payment's outcome here when the terminal is done, and anyone else
// can POST here too, so nothing is believed before verifyCallback has checked it.
import { PaywallError, verifyCallback } from "paywall-edge";

/** The status this route answers with for each kind of refusal. */
const STATUS_FOR_KIND = { signature: 401, decode: 400, input: 400, config: 500 };

export async function POST(request) {
  try {
    const callback = await verifyCallback(
      await request.text(), // the body exactly as sent: the Hash covers the Amount's text
      process.env.PAYWALL_WEBHOOK_HASH_KEY,
      {
        // The Hash does not cover the status: confirm it with Paywall before acting on it.
        confirmWith: {
          baseAddress: process.env.PAYWALL_BASE_ADDRESS,
          apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
          apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
        },
      },
    );
    // Act on the payment here (idempotently: Paywall may send a callback more than once).
    return Response.json({ received: true, paymentRequestId: callback.paymentRequestId, status: callback.paymentStatusId });
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    const status = STATUS_FOR_KIND[error.kind] ?? 503; // Paywall could not be asked: send it again later
    return Response.json({ received: false, kind: error.kind }, { status });
  }
}
