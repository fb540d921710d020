// A Cloudflare Worker for your own back office and for Paywall's callbacks:
//   POST /payments/{paymentRequestId}/cancel   with   Authorization: Bearer <CANCEL_API_TOKEN>
//   POST /paywall/callback                     the CallbackAddress you give Paywall with each sale
// The Paywall keys are Worker secrets; they never leave the Worker and are never logged.
import { cancelPayment, PaywallError, verifyCallback } from "paywall-edge";

/** The status the cancel route answers with for each kind of failure. */
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
    const { pathname } = new URL(request.url);
    if (pathname === "/paywall/callback") {
      if (request.method !== "POST") return json({ error: "use POST" }, 405, { allow: "POST" });
      return receiveCallback(request, env);
    }
    const route = pathname.match(/^\/payments\/([^/]+)\/cancel$/);
    if (!route) return json({ error: "not found" }, 404);
    if (request.method !== "POST") return json({ error: "use POST" }, 405, { allow: "POST" });
    if (!(await isAuthorized(request, env.CANCEL_API_TOKEN))) {
      return json({ error: "unauthorized" }, 401);
    }

    try {
      const result = await cancelPayment(paywallConfig(env), decodeURIComponent(route[1]));
      // Paywall accepted the cancel; `state` says what became of the payment.
      switch (result.state) {
        case "cancelled": // by Paywall's answer, or by its inquiry when the answer was lost (confirmedBy)
          return json({ cancelled: true, result });
        case "pending": // on its way to the terminal: its outcome arrives at POST /paywall/callback
          return json({ cancelled: false, result }, 202);
        case "failed": // the terminal could not cancel it: the payment stands
          return json({ cancelled: false, result }, 409);
        default: // "unknown": codes Paywall has not documented; check the payment before acting
          return json({ cancelled: false, result }, 502);
      }
    } catch (error) {
      if (!(error instanceof PaywallError)) throw error;
      return json({ cancelled: false, error: error.toJSON() }, STATUS_FOR_KIND[error.kind]);
    }
  },
};

/** The Paywall settings, from the Worker's vars and secrets. */
function paywallConfig(env) {
  return {
    baseAddress: env.PAYWALL_BASE_ADDRESS,
    apiKeyPrivate: env.PAYWALL_API_KEY_PRIVATE,
    apiClientPrivate: env.PAYWALL_API_CLIENT_PRIVATE,
    timeoutMs: Number(env.PAYWALL_TIMEOUT_MS) || undefined,
  };
}

/**
 * Paywall's callback: anyone can POST here, so nothing in the body is believed until it is
 * checked. 200 when the callback is Paywall's and its status is the payment's; 401 when it is
 * not (forged, altered, or replayed with another status); 400 when it is not a callback at
 * all; 500 when this Worker's settings are wrong; 503 when Paywall could not be asked.
 */
async function receiveCallback(request, env) {
  // The exact bytes: the Hash covers the Amount as the body writes it ("1.50"), which a
  // JSON.parse and re-serialisation would lose. verifyCallback refuses a body over 64 KiB.
  const rawBody = await request.arrayBuffer();
  try {
    // The Hash covers the payment, the merchant's code and the amount, but not the status: a
    // genuine callback replayed with another PaymentStatusId still verifies. Since this Worker
    // acts on the status, confirmWith asks Paywall's inquiry endpoint for the payment's state
    // and rejects with kind "signature" unless the callback says the same.
    const callback = await verifyCallback(rawBody, env.PAYWALL_WEBHOOK_HASH_KEY, {
      confirmWith: paywallConfig(env),
    });
    // Act on it here: mark the order, tell the till. Log ids and codes, never the body or a key.
    console.log(
      `Paywall callback: payment ${callback.paymentRequestId}, ` +
        `type ${callback.paymentTypeId}, status ${callback.paymentStatusId}`,
    );
    return json({ received: true });
  } catch (error) {
    if (!(error instanceof PaywallError)) throw error;
    // The package keeps keys out of every error text, so its message is safe to log; the
    // caller, who may be anyone, learns the kind only.
    const status = callbackRefusalStatus(error);
    console.error(`Paywall callback refused (${status}, ${error.kind}): ${error.message}`);
    if (status === 500) return json({ received: false, error: "this Worker is misconfigured: see its logs" }, 500);
    return json({ received: false, kind: error.kind }, status);
  }
}

/**
 * The status for a callback that was not accepted. A 4xx tells Paywall not to send it again,
 * so it is kept for callbacks that are bad themselves; when the callback could not be
 * confirmed (Paywall unreachable, slow, refusing, or answering with something unreadable),
 * 503 asks Paywall to send it again later.
 */
function callbackRefusalStatus(error) {
  if (error.kind === "signature") return 401; // not Paywall's, altered, replayed, or not the latest activity
  if (error.kind === "decode" || error.kind === "input") return 400; // not a Paywall callback
  if (error.kind === "config") return 500; // the hash key or the Paywall settings are missing or wrong
  return 503; // the confirming inquiry failed: nothing was acted on
}

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
