// No private key ever appears in any form of any error: message, stack, JSON, util.inspect,
// String(). Covers every kind, and servers and fetch functions that echo the keys back.
import assert from "node:assert/strict";
import util from "node:util";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, rejection, useStandIn } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const KEY = "sk_live_DO_NOT_LEAK_4f9a2c";
const CLIENT = "cl_live_DO_NOT_LEAK_77b1e0";

/** Every way an error is commonly printed or shipped to a log. */
function everyForm(error) {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    util.inspect(error, { depth: 10, showHidden: true }),
    String(error),
    JSON.stringify(Object.entries(error)),
    JSON.stringify(error.toJSON()),
  ];
}

function assertNoSecrets(error) {
  for (const form of everyForm(error)) {
    assert.ok(!form.includes("DO_NOT_LEAK"), `a key leaked into:\n${form}`);
  }
}

const echoBoth = `<html><body>Rejected key ${KEY} for client ${CLIENT}</body></html>`;
const envelopeEcho = JSON.stringify({
  result: null,
  failed: true,
  succeeded: false,
  message: `Key ${KEY} is not valid for ${CLIENT}`,
  clientMessage: `System.AuthError ${KEY}`,
});

describe("private keys never reach an error", () => {
  const standIn = useStandIn({ before, after });
  const secretConfig = (overrides = {}) =>
    configFor(standIn(), { apiKeyPrivate: KEY, apiClientPrivate: CLIENT, maxRetries: 0, ...overrides });
  const cases = [
    ["config: a bad base address", () => cancelPayment(secretConfig({ baseAddress: "nope" }), idOf("demoPayment1")), "config"],
    ["config: a key with a newline", () => cancelPayment(secretConfig({ apiKeyPrivate: `${KEY}\n` }), idOf("demoPayment1")), "config"],
    ["config: a key with a trailing space", () => cancelPayment(secretConfig({ apiClientPrivate: `${CLIENT} ` }), idOf("demoPayment1")), "config"],
    ["config: a key in timeoutMs", () => cancelPayment(secretConfig({ timeoutMs: KEY }), idOf("demoPayment1")), "config"],
    ["input: the key passed as the id", () => cancelPayment(secretConfig(), KEY), "input"],
    ["api: wrong keys at the stand-in", () => cancelPayment(secretConfig(), idOf("demoPayment1")), "api"],
    [
      "timeout",
      () => cancelPayment(secretConfig({ timeoutMs: 100, fetch: () => new Promise(() => {}) }), idOf("hang")),
      "timeout",
    ],
    ["aborted", () => cancelPayment(secretConfig({ signal: AbortSignal.abort() }), idOf("demoPayment1")), "aborted"],
    [
      "network: a fetch that throws the headers back",
      () =>
        cancelPayment(
          secretConfig({
            fetch: (url, init) => {
              throw new Error(`refused ${JSON.stringify(init.headers)}`, { cause: new Error(KEY) });
            },
          }),
          idOf("demoPayment1"),
        ),
      "network",
    ],
    [
      "network: a fetch that rejects with the key as a string",
      () => cancelPayment(secretConfig({ fetch: () => Promise.reject(`${KEY}/${CLIENT}`) }), idOf("demoPayment1")),
      "network",
    ],
    [
      "http: a proxy page that echoes the keys",
      () => cancelPayment(secretConfig({ fetch: async () => new Response(echoBoth, { status: 400 }) }), idOf("demoPayment1")),
      "http",
    ],
    [
      "decode: a 200 page that echoes the keys",
      () => cancelPayment(secretConfig({ fetch: async () => new Response(echoBoth, { status: 200 }) }), idOf("demoPayment1")),
      "decode",
    ],
    [
      "api: Paywall's message echoing the keys",
      () => cancelPayment(secretConfig({ fetch: async () => new Response(envelopeEcho, { status: 200 }) }), idOf("demoPayment1")),
      "api",
    ],
    [
      "http: a redirect to a URL that carries the key",
      () =>
        cancelPayment(
          secretConfig({
            fetch: async () => new Response("", { status: 302, headers: { location: `/login?key=${KEY}` } }),
          }),
          idOf("demoPayment1"),
        ),
      "http",
    ],
  ];
  for (const [what, call, kind] of cases) {
    it(`in a ${what} error`, async () => {
      const error = await rejection(call(), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assertNoSecrets(error);
    });
  }

  it("while the message still says what was echoed, with the keys masked", async () => {
    const error = await rejection(
      cancelPayment(
        secretConfig({ fetch: async () => new Response(envelopeEcho, { status: 200 }) }),
        idOf("demoPayment1"),
      ),
      PaywallError,
    );
    assert.match(error.message, /Key \[redacted\] is not valid for \[redacted\]/);
    assert.equal(error.clientMessage, "System.AuthError [redacted]");
    assert.equal(error.paywallMessage, "Key [redacted] is not valid for [redacted]");
  });
});
