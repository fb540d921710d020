// The Node server the esbuild bundles run: POST /payments/{id}/cancel cancels through the
// cancelPayment it is given and answers with the outcome as JSON. server.mjs (import) and
// server.cjs (require) hand it the package; esbuild bundles each into one file.
import http from "node:http";

export function serve({ cancelPayment, PaywallError }) {
  const server = http.createServer(async (request, response) => {
    const route = /^\/payments\/([^/]+)\/cancel$/.exec(request.url);
    let status = 200;
    let body;
    if (!route || request.method !== "POST") {
      status = 404;
      body = { error: "not found" };
    } else {
      try {
        const result = await cancelPayment(
          {
            baseAddress: process.env.PAYWALL_BASE_ADDRESS,
            apiKeyPrivate: process.env.PAYWALL_API_KEY_PRIVATE,
            apiClientPrivate: process.env.PAYWALL_API_CLIENT_PRIVATE,
          },
          decodeURIComponent(route[1]),
        );
        body = { cancelled: true, result };
      } catch (error) {
        status = 422;
        body = { cancelled: false, isPaywallError: error instanceof PaywallError, error: error.toJSON?.() ?? String(error) };
      }
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`));
}
