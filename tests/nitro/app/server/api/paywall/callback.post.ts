// POST /api/paywall/callback: a sale's CallbackAddress. Nothing is believed before
// verifyCallback has checked the Hash and confirmed the status with Paywall.
import { PaywallError, verifyCallback } from "paywall-edge";

/** The status this route answers with for each kind of refusal. */
const STATUS_FOR_KIND: Record<string, number> = { signature: 401, decode: 400, input: 400, config: 500 };

export default defineEventHandler(async (event) => {
  const config = useRuntimeConfig(event);
  try {
    const callback = await verifyCallback(
      (await readRawBody(event, "utf8")) ?? "", // the body exactly as sent: the Hash covers the Amount's text
      config.paywallWebhookHashKey,
      {
        confirmWith: {
          baseAddress: config.paywallBaseAddress,
          apiKeyPrivate: config.paywallApiKeyPrivate,
          apiClientPrivate: config.paywallApiClientPrivate,
        },
      },
    );
    return { received: true, paymentRequestId: callback.paymentRequestId, status: callback.paymentStatusId };
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    setResponseStatus(event, STATUS_FOR_KIND[error.kind] ?? 503);
    return { received: false, kind: error.kind };
  }
});
