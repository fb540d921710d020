// POST /api/cancel/:id: cancels a Paywall payment. The keys are server-side runtime config.
import { cancelPayment, PaywallError } from "paywall-edge";

/** The status this route answers with for each kind of failure. */
const STATUS_FOR_KIND: Record<string, number> = { input: 400, api: 409, config: 500, aborted: 503, timeout: 504 };

export default defineEventHandler(async (event) => {
  const config = useRuntimeConfig(event);
  const id = getRouterParam(event, "id", { decode: true }) ?? "";
  try {
    const result = await cancelPayment(
      {
        baseAddress: config.paywallBaseAddress,
        apiKeyPrivate: config.paywallApiKeyPrivate,
        apiClientPrivate: config.paywallApiClientPrivate,
      },
      id,
    );
    switch (result.state) {
      case "cancelled":
        return { cancelled: true, result };
      case "pending": // on its way to the terminal: the callback route hears the outcome
        setResponseStatus(event, 202);
        return { cancelled: false, pending: true, result };
      default: // "failed" or "unknown"
        setResponseStatus(event, 409);
        return { cancelled: false, result };
    }
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    setResponseStatus(event, STATUS_FOR_KIND[error.kind] ?? 502);
    return { cancelled: false, error: error.toJSON() };
  }
});
