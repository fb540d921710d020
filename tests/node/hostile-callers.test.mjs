// Whatever the caller's own objects do (throwing getters, Proxies, a fetch that throws or
// returns nonsense, a body stream that errors), the call settles with a PaywallError, and
// the WebAssembly instance keeps working afterwards.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, rejection, successBody, useStandIn } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const ID = idOf("demoPayment1");

/** A body stream that gives `chunks` as they are, bytes or not. */
const streamOf = (chunks) =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

const everythingThrows = new Proxy(
  {},
  {
    get() {
      throw new Error("trap: get");
    },
    has() {
      throw new Error("trap: has");
    },
    getPrototypeOf() {
      throw new Error("trap: getPrototypeOf");
    },
    ownKeys() {
      throw new Error("trap: ownKeys");
    },
    getOwnPropertyDescriptor() {
      throw new Error("trap: getOwnPropertyDescriptor");
    },
  },
);

describe("a misbehaving config", () => {
  const standIn = useStandIn({ before, after });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cases = [
    ["a Proxy whose every trap throws", () => everythingThrows, /reading config\.baseAddress threw/],
    ["a revoked Proxy", () => revoked.proxy, /reading config\.baseAddress threw/],
    [
      "a getter that throws",
      () => ({
        ...configFor(standIn()),
        get apiClientPrivate() {
          throw new TypeError("no secrets today");
        },
      }),
      /reading config\.apiClientPrivate threw/,
    ],
    [
      "a getter that throws a non-Error",
      () =>
        Object.defineProperty({ ...configFor(standIn()) }, "timeoutMs", {
          get() {
            throw Symbol("odd");
          },
        }),
      /reading config\.timeoutMs threw/,
    ],
    [
      "a signal getter that throws",
      () => ({
        ...configFor(standIn()),
        get signal() {
          throw new Error("signal");
        },
      }),
      /reading config\.signal threw/,
    ],
    ["a Proxy as the signal", () => ({ ...configFor(standIn()), signal: everythingThrows }), /config\.signal/],
    ["a Proxy as a key", () => ({ ...configFor(standIn()), apiKeyPrivate: everythingThrows }), /config\.apiKeyPrivate must be a string/],
    ["a function as the config", () => Object.assign(() => {}, configFor(standIn())), /config must be an object/],
  ];
  for (const [what, makeConfig, says] of cases) {
    it(`rejects ${what} with kind "config"`, async () => {
      const error = await rejection(cancelPayment(makeConfig(), ID), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, says);
      assert.equal(standIn().attempts(ID), 0);
    });
  }

  it("rejects a Proxy as the id with kind input", async () => {
    const error = await rejection(cancelPayment(configFor(standIn()), everythingThrows), PaywallError);
    assert.equal(error.kind, "input");
  });

  it("rejects a signal whose addEventListener throws when used", async () => {
    const signal = new AbortController().signal;
    signal.addEventListener = () => {
      throw new Error("no listeners");
    };
    const error = await rejection(cancelPayment(configFor(standIn(), { signal }), ID), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /config\.signal\.addEventListener threw/);
  });
});

describe("a misbehaving fetch", () => {
  const standIn = useStandIn({ before, after });
  const withFetch = (fetch, overrides = {}) =>
    cancelPayment({ ...configFor(standIn(), { maxRetries: 0, ...overrides }), fetch }, ID);
  const sneakyResponse = new Proxy(new Response(successBody(ID)), {
    get() {
      throw new Error("response trap");
    },
  });
  const cases = [
    ["throws synchronously", () => { throw new Error("sync boom"); }, "network", true, /threw Error: sync boom/],
    ["throws a string", () => { throw "plain string"; }, "network", true, /a thrown string "plain string"/],
    ["rejects with undefined", () => Promise.reject(undefined), "network", true, /a thrown undefined/],
    ["rejects with null", () => Promise.reject(null), "network", true, /a thrown null/],
    ["rejects with a Symbol", () => Promise.reject(Symbol("s")), "network", true, /a thrown symbol/],
    ["rejects with a Proxy that throws", () => Promise.reject(everythingThrows), "network", true, /No answer/],
    ["resolves to 42", async () => 42, "network", false, /resolved to a number, not a Response/],
    ["resolves to null", async () => null, "network", false, /resolved to null, not a Response/],
    ["resolves to {}", async () => ({}), "network", false, /without a numeric status/],
    // Resolving a promise reads `then`, so a Proxy that throws on every access rejects it.
    ["resolves to a Proxy that throws on every access", () => sneakyResponse, "network", true, /response trap/],
    ["returns a thenable that throws", () => ({ get then() { throw new Error("then"); } }), "network", true, /then/],
    [
      "returns a Response-like object without text()",
      async () => ({ status: 200, headers: new Headers() }),
      "network",
      false,
      /without a body stream or a text\(\) method/,
    ],
    [
      "returns a Response whose text() rejects with a non-Error",
      async () => ({ status: 200, headers: new Headers(), text: () => Promise.reject(7) }),
      "network",
      true,
      /while reading the answer: a thrown 7/,
    ],
    [
      "returns a Response whose text() resolves to a number",
      async () => ({ status: 200, headers: new Headers(), text: async () => 12 }),
      "network",
      false,
      /text\(\) gave a number/,
    ],
    [
      "returns a Response whose body stream errors",
      async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(new Error("stream broke"));
            },
          }),
        ),
      "network",
      true,
      /stream broke/,
    ],
    [
      "returns a body stream that yields strings instead of bytes",
      async () => ({ status: 200, headers: new Headers(), body: streamOf(["{}"]) }),
      "network",
      false,
      /body stream gave a string instead of bytes/,
    ],
    [
      "returns a body stream that yields a DataView",
      async () => ({ status: 200, headers: new Headers(), body: streamOf([new DataView(new ArrayBuffer(8))]) }),
      "network",
      false,
      /instead of bytes/,
    ],
    [
      "returns a body stream whose chunk lies about its length",
      async () => {
        const chunk = new TextEncoder().encode(successBody(ID));
        Object.defineProperty(chunk, "length", { value: 3 });
        return { status: 200, headers: new Headers(), body: streamOf([chunk]) };
      },
      "network",
      false,
      /unreadable bytes/,
    ],
    [
      "returns a body whose getReader throws",
      async () => ({
        status: 200,
        headers: new Headers(),
        body: { getReader() { throw new Error("no reader"); } },
      }),
      "network",
      true,
      /while reading the answer: Error: no reader/,
    ],
    [
      "returns a body stream whose read() resolves to a Proxy that throws",
      async () => ({
        status: 200,
        headers: new Headers(),
        body: { getReader: () => ({ read: async () => everythingThrows }) },
      }),
      "network",
      true,
      /while reading the answer: Error: trap: get/,
    ],
    [
      "returns a body stream whose chunks throw when read",
      async () => ({
        status: 200,
        headers: new Headers(),
        body: {
          getReader: () => ({
            read: () => Promise.resolve({ get done() { throw new Error("done"); }, get value() { throw new Error("value"); } }),
          }),
        },
      }),
      "network",
      false,
      /gave undefined instead of bytes/,
    ],
    [
      "returns a body stream whose read() never settles",
      async () => ({
        status: 200,
        headers: new Headers(),
        body: { getReader: () => ({ read: () => new Promise(() => {}) }) },
      }),
      "timeout",
      true,
      /did not answer within 300 ms/,
      { timeoutMs: 300 },
    ],
    ["returns Response.error()", async () => Response.error(), "network", true, /network error response/],
    [
      "returns a status of 700",
      async () => ({ status: 700, headers: new Headers(), text: async () => "" }),
      "http",
      false,
      /HTTP 700/,
    ],
    [
      "returns headers whose get() throws",
      async () => ({
        status: 503,
        headers: { get() { throw new Error("headers"); } },
        text: async () => "busy",
      }),
      "http",
      true,
      /HTTP 503/,
    ],
  ];
  for (const [what, fetch, kind, retryable, says, overrides] of cases) {
    it(`settles with kind "${kind}" when fetch ${what}`, async () => {
      const error = await rejection(withFetch(fetch, overrides), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assert.equal(error.retryable, retryable);
      assert.equal(error.attempts, 1);
      assert.match(error.message, says);
    });
  }

  it("keeps working after all of that: an ordinary cancel succeeds", async () => {
    standIn().reset();
    const result = await cancelPayment(configFor(standIn()), idOf("demoPayment4"));
    assert.equal(result.paymentStatus, 4);
  });
});
