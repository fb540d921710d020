// A Cloudflare Worker that cancels Paywall payments for your own back office:
//   POST /payments/{paymentRequestId}/cancel   with   Authorization: Bearer <CANCEL_API_TOKEN>
// The Paywall keys are Worker secrets; they never leave the Worker.
import { cancelPayment, PaywallError } from "paywall-edge";

/** The status this Worker answers with for each kind of failure. */
const STATUS_FOR_KIND = {
  input: 400, // not a payment request id
  api: 409, // Paywall refused: already cancelled, not found, wrong status...
  timeout: 504,
  network: 502,
  http: 502,
  decode: 502,
  aborted: 503,
  config: 500, // this Worker's own settings are wrong
};

export default {
  async fetch(request, env) {
    const route = new URL(request.url).pathname.match(/^\/payments\/([^/]+)\/cancel$/);
    if (!route) return json({ error: "not found" }, 404);
    if (request.method !== "POST") return json({ error: "use POST" }, 405, { allow: "POST" });
    if (!(await isAuthorized(request, env.CANCEL_API_TOKEN))) {
      return json({ error: "unauthorized" }, 401);
    }

    try {
      const result = await cancelPayment(
        {
          baseAddress: env.PAYWALL_BASE_ADDRESS,
          apiKeyPrivate: env.PAYWALL_API_KEY_PRIVATE,
          apiClientPrivate: env.PAYWALL_API_CLIENT_PRIVATE,
          timeoutMs: Number(env.PAYWALL_TIMEOUT_MS) || undefined,
        },
        decodeURIComponent(route[1]),
      );
      return json({ cancelled: true, result });
    } catch (error) {
      if (!(error instanceof PaywallError)) throw error;
      return json({ cancelled: false, error: error.toJSON() }, STATUS_FOR_KIND[error.kind]);
    }
  },
};

/** Compares the bearer token in constant time, so its value cannot be guessed by timing. */
async function isAuthorized(request, expected) {
  const given = request.headers.get("authorization") ?? "";
  if (!expected) return false;
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all(
    [given, `Bearer ${expected}`].map((text) => crypto.subtle.digest("SHA-256", encoder.encode(text))),
  );
  return crypto.subtle.timingSafeEqual(a, b);
}

function json(body, status = 200, headers = {}) {
  return Response.json(body, { status, headers });
}
