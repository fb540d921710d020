// The route handler of POST /api/{node,edge}/payments/[id]/cancel: each route file
// re-exports this POST and names its runtime. The keys are server-side environment
// variables; a route handler runs on the server, never in the shopper's browser.
import { cancelPayment, PaywallError } from "paywall-edge";
import { errorClassChecks } from "./error-class-checks.js";

/** The status this route answers with for each kind of failure. */
const STATUS_FOR_KIND = { input: 400, api: 409, config: 500, aborted: 503, timeout: 504 };

export async function POST(request, { params }) {
  const { id } = await params;
  try {
    const result = await cancelPayment(
      {
        baseAddress: process.env.PAYWALL_BASE_ADDRESS,
        apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
        apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
        signal: request.signal, // the client went away: stop waiting for Paywall
      },
      id,
    );
    // Paywall accepted the cancel; what became of the payment is `result.state`.
    switch (result.state) {
      case "cancelled":
        return Response.json({ cancelled: true, result });
      case "pending": // on its way to the terminal: the callback route hears the outcome
        return Response.json({ cancelled: false, pending: true, result }, { status: 202 });
      default: // "failed" or "unknown": the payment is not cancelled
        return Response.json({ cancelled: false, result }, { status: 409 });
    }
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    const status = STATUS_FOR_KIND[error.kind] ?? 502;
    const body = { cancelled: false, error: error.toJSON() };
    Object.assign(body, errorClassChecks(error)); // for tests/nextjs only
    return Response.json(body, { status });
  }
}
