// A worker-style server entry built by `vite build --ssr` with `ssr.target: "webworker"`:
// paywall-edge imported by name, nothing in vite.config.js about it. `cancel` answers plain
// data, for tests/vite-ssr/run-bundle.mjs; the default export is the worker's fetch handler.
import { cancelPayment, PaywallError } from "paywall-edge";

export async function cancel(config, paymentRequestId) {
  try {
    return { ok: true, result: await cancelPayment(config, paymentRequestId) };
  } catch (error) {
    return {
      ok: false,
      isPaywallError: error instanceof PaywallError,
      error: error instanceof PaywallError ? error.toJSON() : String(error),
    };
  }
}

export default {
  async fetch(request, env) {
    const id = decodeURIComponent(new URL(request.url).pathname.split("/")[2] ?? "");
    const config = {
      baseAddress: env.PAYWALL_BASE_ADDRESS,
      apiKeyPrivate: env.PAYWALL_API_KEY_PRIVATE,
      apiClientPrivate: env.PAYWALL_API_CLIENT_PRIVATE,
    };
    return Response.json(await cancel(config, id));
  },
};
