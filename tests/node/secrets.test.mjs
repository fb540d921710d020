// No fragment of a private key ever appears in any form of any error: message, stack,
// JSON.stringify, toJSON, util.inspect, String(). "Fragment" means any 12-character window
// of the key as sent, JSON-escaped, or with its runs of white space collapsed; the keys
// here are long and hold quotes, backslashes and runs of spaces. Every route a key can take
// into an error is tried, with the key placed at every offset around every cut an error
// message makes (160 characters of a page or a redirect's target, 300 of a fetch failure
// or of Paywall's message).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  STANDIN_KEYS,
  assertNoFragment as assertNoSecretFragment,
  configFor,
  idOf,
  loadEsm,
  rejection,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();

const KEY = `sk_live_"quo\\ted" back\\\\slash  two  spaces   three_${"K".repeat(40)}_DO_NOT_LEAK_4f9a2c`;
const CLIENT = `cl_live_'single' "double" \\ gap  here_${"C".repeat(40)}_DO_NOT_LEAK_77b1e0`;

/** Asserts that no fragment of any of `secrets` (by default both keys) is in any form of `error`. */
function assertNoFragment(error, secrets = [KEY, CLIENT], what = "") {
  assertNoSecretFragment(error, secrets, what);
}

/** Offsets that move a key across every cut an error message makes, and past it. */
const OFFSETS = Array.from({ length: 331 }, (_, i) => i);

/** A fetch that answers every request with `answer(init)`. */
const answering = (answer) => async (_url, init) => answer(init);

/**
 * The routes a key can take into an error, each a function of the padding put before the
 * key: what the fetch does, and the kind the call must end with.
 */
const ROUTES = [
  [
    "a proxy's HTML page that echoes the request headers",
    "http",
    (pad) =>
      answering(
        (init) =>
          new Response(
            `<html><body><h1>502</h1><p>${pad}</p><pre>apikeyprivate: ${init.headers.apikeyprivate}\napiclientprivate: ${init.headers.apiclientprivate}</pre></body></html>`,
            { status: 502, headers: { "content-type": "text/html" } },
          ),
      ),
  ],
  [
    "a page that HTML-escapes the echoed headers",
    "http",
    (pad) =>
      answering(
        (init) =>
          new Response(
            `${pad}<td>${init.headers.apikeyprivate.replaceAll('"', "&quot;")}</td><td>${init.headers.apiclientprivate
              .replaceAll("'", "&#39;")
              .replaceAll('"', "&quot;")}</td>`,
            { status: 403 },
          ),
      ),
  ],
  [
    "a JSON body (not an envelope) that echoes the headers, JSON-escaped",
    "http",
    (pad) => answering((init) => new Response(JSON.stringify({ pad, headers: init.headers }), { status: 400 })),
  ],
  [
    "a 2xx body that is not JSON",
    "decode",
    (pad) => answering((init) => new Response(`${pad}${init.headers.apikeyprivate} ${init.headers.apiclientprivate}`)),
  ],
  [
    "Paywall's own message and clientMessage",
    "api",
    (pad) =>
      answering(
        (init) =>
          new Response(
            JSON.stringify({
              succeeded: false,
              failed: true,
              message: `${pad}Key ${init.headers.apikeyprivate} is not valid for ${init.headers.apiclientprivate}`,
              clientMessage: `${pad}${init.headers.apikeyprivate}`,
            }),
          ),
      ),
  ],
  [
    "a fetch failure's text and its cause",
    "network",
    (pad) => (_url, init) => {
      throw new Error(`${pad}connect refused for ${init.headers.apikeyprivate}`, {
        cause: new Error(`${pad}${init.headers.apiclientprivate}`),
      });
    },
  ],
  [
    "a fetch that rejects with the headers as a string",
    "network",
    (pad) => (_url, init) => Promise.reject(`${pad}${JSON.stringify(init.headers)}`),
  ],
  [
    "a redirect whose Location carries the key",
    "http",
    (pad) =>
      answering(
        (init) => new Response(null, { status: 302, headers: { location: `/login?${pad}&key=${init.headers.apikeyprivate}` } }),
      ),
  ],
  [
    "a redirect whose Location carries the key percent-encoded",
    "http",
    (pad) =>
      answering(
        (init) =>
          new Response(null, {
            status: 307,
            headers: { location: `/login?${pad}&key=${encodeURIComponent(init.headers.apikeyprivate)}` },
          }),
      ),
  ],
];

describe("private keys never reach an error", () => {
  const standIn = useStandIn({ before, after });
  const secretConfig = (overrides = {}) =>
    configFor(standIn(), { apiKeyPrivate: KEY, apiClientPrivate: CLIENT, maxRetries: 0, ...overrides });

  for (const [route, kind, fetchFor] of ROUTES) {
    it(`through ${route}, at every offset around every cut`, async () => {
      for (const offset of OFFSETS) {
        const error = await rejection(
          cancelPayment(secretConfig({ fetch: fetchFor("p".repeat(offset)) }), idOf("demoPayment1")),
          PaywallError,
        );
        assert.equal(error.kind, kind, error.message);
        assertNoFragment(error, [KEY, CLIENT], `${route}, offset ${offset}`);
      }
    });
  }

  it("through the id: a key passed as the payment request id, whole or cut, is described, never quoted", async () => {
    const spy = { calls: 0 };
    const fetch = async () => {
      spy.calls++;
      throw new Error("must not be called");
    };
    for (const id of [KEY, CLIENT, KEY.slice(0, 36), KEY.slice(0, 48), ` ${KEY.slice(0, 34)} `, JSON.stringify(KEY)]) {
      const error = await rejection(cancelPayment(secretConfig({ fetch }), id), PaywallError);
      assert.equal(error.kind, "input");
      assertNoFragment(error, [KEY, CLIENT], `id ${JSON.stringify(id)}`);
    }
    assert.equal(spy.calls, 0);
  });

  it("through the id: a key that is a GUID, passed as the id in any case, is refused before sending", async () => {
    const guidKey = "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60718";
    const config = configFor(standIn(), { apiKeyPrivate: guidKey.toUpperCase(), apiClientPrivate: CLIENT });
    for (const id of [guidKey, guidKey.toUpperCase()]) {
      const before = standIn().requests.length;
      const error = await rejection(cancelPayment(config, id), PaywallError);
      assert.equal(error.kind, "input");
      assert.match(error.message, /holds part of a private key/);
      assert.equal(error.attempts, 0);
      assert.equal(standIn().requests.length, before, "nothing was sent");
      assertNoFragment(error, [guidKey, guidKey.toUpperCase(), CLIENT], `guid key as id ${id}`);
    }
  });

  const configCases = [
    ["a bad base address", { baseAddress: "nope" }],
    ["a key with a newline", { apiKeyPrivate: `${KEY}\n` }],
    ["a key with a trailing space", { apiClientPrivate: `${CLIENT} ` }],
    ["a key in timeoutMs", { timeoutMs: KEY }],
    ["a key as the base address", { baseAddress: KEY }],
    ["a key in the base address's path", { baseAddress: `http://127.0.0.1:1/${encodeURIComponent(KEY)}`, timeoutMs: 200 }],
  ];
  for (const [what, overrides] of configCases) {
    it(`through the config: ${what}`, async () => {
      const error = await rejection(cancelPayment(secretConfig(overrides), idOf("demoPayment1")), PaywallError);
      assertNoFragment(error, [KEY, CLIENT], what);
    });
  }

  it("through the stand-in's own echoes, over a real connection", async () => {
    const cases = [
      ["echoHeadersHtml", "http"],
      ["echoHeadersJson", "http"],
      ["echoKeyInMessage", "api"],
      ["echoKeyInLocation", "http"],
    ];
    for (const [scenario, kind] of cases) {
      const error = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0 }), idOf(scenario)), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assertNoFragment(error, [STANDIN_KEYS.apiKeyPrivate, STANDIN_KEYS.apiClientPrivate], scenario);
    }
  });

  it("while the message still says what was echoed, with the keys masked", async () => {
    const error = await rejection(
      cancelPayment(secretConfig({ fetch: ROUTES[4][2]("") }), idOf("demoPayment1")),
      PaywallError,
    );
    assert.match(error.message, /Key \[redacted\] is not valid for \[redacted\]/);
    assert.equal(error.clientMessage, "[redacted]");
    assert.equal(error.paywallMessage, "Key [redacted] is not valid for [redacted]");
  });
});

describe("texts from outside cannot forge or flood log lines", () => {
  const standIn = useStandIn({ before, after });

  it("Paywall's message and code are flattened to one line and bounded", async () => {
    const error = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0 }), idOf("messageFlood")), PaywallError);
    assert.equal(error.kind, "api");
    for (const text of [error.message, error.paywallMessage, error.clientMessage]) {
      assert.doesNotMatch(text, /[\r\n\u001b\u2028\u2029]/, JSON.stringify(text));
    }
    assert.equal(error.paywallMessage.length, 300, "cut to 300 characters, its ellipsis included");
    assert.ok(error.paywallMessage.endsWith("…"));
    assert.ok(error.message.length < 700, `${error.message.length} characters`);
    assert.equal(error.clientMessage, "System.ValidationError FORGED");
    assert.match(error.paywallMessage, /^Refused\. 2026-11-26T10:00:00Z INFO payment cancelled \[32mOK\[0m flood/);
  });

  it("each quote holds its documented bound, the ellipsis of a cut included: 120, 300 and 160", async () => {
    const long = (c) => c.repeat(5000);
    const refusal = () =>
      new Response(JSON.stringify({ Succeeded: false, Failed: true, Message: long("m"), ClientMessage: long("c") }));
    const error = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0, fetch: refusal }), idOf("demoPayment1")), PaywallError);
    assert.equal(error.clientMessage, `${"c".repeat(119)}…`);
    assert.equal(error.paywallMessage, `${"m".repeat(299)}…`);
    const page = () => new Response(long("p"), { status: 500 });
    const http = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0, fetch: page }), idOf("demoPayment1")), PaywallError);
    assert.ok(http.message.includes(`"${"p".repeat(159)}…"`), http.message);
    assert.ok(!http.message.includes("p".repeat(160)), http.message);
  });

  it("a fetch failure's text is flattened and bounded", async () => {
    const fetch = () => {
      throw new Error(`boom\r\nINFO forged line\u001b[2J${"x".repeat(100_000)}`);
    };
    const error = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0, fetch }), idOf("demoPayment1")), PaywallError);
    assert.equal(error.kind, "network");
    assert.doesNotMatch(error.message, /[\r\n\u001b]/);
    assert.ok(error.message.length < 500, `${error.message.length} characters`);
    // The reconciling inquiry fails through the same fetch: its note names the failure's
    // kind without quoting the failure a second time.
    assert.match(error.message, /inquiry to find out failed too \(network error\)$/);
    assert.equal(error.message.split("boom").length, 2, "the failure's text is quoted once");
  });
});
