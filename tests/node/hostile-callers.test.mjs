// Whatever the caller's own objects do (throwing getters, Proxies, a fetch that throws or
// returns nonsense, a body stream that errors), the call settles with a PaywallError, and
// the WebAssembly instance keeps working afterwards. The same for inquirePayment and
// verifyCallback (issue 13): hostile arguments never reach the network and reject with a
// typed PaywallError; hostile inquiry answers and hostile callback bodies get the outcome
// decided for each below.
import assert from "node:assert/strict";
import http from "node:http";
import zlib from "node:zlib";
import { after, before, describe, it } from "node:test";
import { callbackHash } from "../../standin/server.mjs";
import {
  STANDIN_KEYS,
  assertNoFragment,
  configFor,
  idOf,
  inquiryBody,
  loadEsm,
  rejection,
  spyFetch,
  successBody,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, inquirePayment, verifyCallback, PaywallError } = await loadEsm();
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

// --- inquirePayment and verifyCallback (issue 13) ------------------------------------------

/** An object whose every conversion to a primitive throws. */
const unconvertible = {
  toString() {
    throw new Error("toString");
  },
  valueOf() {
    throw new Error("valueOf");
  },
  [Symbol.toPrimitive]() {
    throw new Error("toPrimitive");
  },
};

/** A revoked Proxy: every operation on it throws a TypeError. */
function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** `config` with a getter for `name` that throws `thrown`. */
const throwingGetter = (config, name, thrown) =>
  Object.defineProperty({ ...config }, name, {
    get() {
      throw thrown;
    },
    enumerable: true,
  });

/** A string of `megabytes` MB. */
const huge = (megabytes) => "x".repeat(megabytes * 1024 * 1024);

/** Whether a settled call reached the network: the stand-in's log, and a spy's calls. */
function networkWatch(standIn) {
  const seen = standIn.requests.length;
  const spy = spyFetch();
  return { fetch: spy.fetch, untouched: () => standIn.requests.length === seen && spy.calls.length === 0 };
}

describe("inquirePayment with a misbehaving config or id", () => {
  const standIn = useStandIn({ before, after });
  const good = () => configFor(standIn());
  const configCases = [
    ["a Proxy whose every trap throws", () => everythingThrows, /reading config\.baseAddress threw/],
    ["a revoked Proxy", revokedProxy, /reading config\.baseAddress threw/],
    ["a getter that throws", () => throwingGetter(good(), "apiClientPrivate", new TypeError("no")), /reading config\.apiClientPrivate threw/],
    ["a getter that throws a Symbol", () => throwingGetter(good(), "timeoutMs", Symbol("odd")), /reading config\.timeoutMs threw/],
    ["a reconcile getter that throws", () => throwingGetter(good(), "reconcile", new Error("r")), /reading config\.reconcile threw/],
    ["an environment getter that throws", () => throwingGetter(good(), "environment", new Error("e")), /reading config\.environment threw/],
    ["a key whose toString, valueOf and Symbol.toPrimitive throw", () => ({ ...good(), apiKeyPrivate: unconvertible }), /config\.apiKeyPrivate must be a string, got an object/],
    ["a revoked Proxy as a key", () => ({ ...good(), apiClientPrivate: revokedProxy() }), /config\.apiClientPrivate must be a string/],
    ["a BigInt timeout", () => ({ ...good(), timeoutMs: 1000n }), /config\.timeoutMs .* got a bigint/],
    ["a Symbol as the base address", () => ({ ...good(), baseAddress: Symbol("url") }), /config\.baseAddress must be a string, got a symbol/],
    ["a base address of 8 MB", () => ({ ...good(), baseAddress: huge(8) }), /config\.baseAddress is too long/],
    ["a key of 8 MB", () => ({ ...good(), apiKeyPrivate: huge(8) }), /config\.apiKeyPrivate is too long/],
    ["an environment other than test", () => ({ ...STANDIN_KEYS, environment: "production" }), /config\.environment must be "test"/],
    ["both environment and baseAddress", () => ({ ...good(), environment: "test" }), /both set/],
    ["a reconcile that is not a boolean", () => ({ ...good(), reconcile: "no" }), /config\.reconcile must be true or false/],
    ["a Proxy as the fetch", () => ({ ...good(), fetch: everythingThrows }), /config\.fetch must be a function/],
    ["a BigInt as the signal", () => ({ ...good(), signal: 5n }), /config\.signal must be an AbortSignal/],
  ];
  for (const [what, makeConfig, says] of configCases) {
    it(`rejects ${what} with kind "config", sending nothing`, async () => {
      const watch = networkWatch(standIn());
      const error = await rejection(inquirePayment(makeConfig(), ID), PaywallError);
      assert.equal(error.kind, "config", error.message);
      assert.match(error.message, says);
      assert.equal(error.attempts, 0);
      assert.ok(watch.untouched(), "nothing reached the network");
    });
  }

  const idCases = [
    ["a Proxy whose every trap throws", () => everythingThrows],
    ["a revoked Proxy", revokedProxy],
    ["an object whose conversions throw", () => unconvertible],
    ["an object whose toString gives the id", () => ({ toString: () => ID })],
    ["a String object holding the id", () => new String(ID)],
    ["a BigInt", () => 0x72ec8714n],
    ["a Symbol", () => Symbol(ID)],
    ["a string of 4 MB", () => huge(4)],
    ["the id with a NUL after it", () => `${ID}\u0000`],
    ["a frozen array holding the id", () => Object.freeze([ID])],
  ];
  for (const [what, makeId] of idCases) {
    it(`rejects ${what} as the id with kind "input", sending nothing`, async () => {
      const watch = networkWatch(standIn());
      const error = await rejection(inquirePayment({ ...good(), fetch: watch.fetch }, makeId()), PaywallError);
      assert.equal(error.kind, "input", error.message);
      assert.equal(error.attempts, 0);
      assert.ok(watch.untouched(), "nothing reached the network");
    });
  }

  it("accepts frozen, sealed, class-instance and prototype-held configs", async () => {
    class Settings {
      get baseAddress() {
        return standIn().url;
      }
      get apiKeyPrivate() {
        return STANDIN_KEYS.apiKeyPrivate;
      }
      get apiClientPrivate() {
        return STANDIN_KEYS.apiClientPrivate;
      }
    }
    for (const config of [Object.freeze(good()), Object.seal(good()), new Settings(), Object.create(good())]) {
      const inquiry = await inquirePayment(config, ID);
      assert.equal(inquiry.paymentRequestId, ID);
    }
  });

  it("reads each setting once per call, so a getter that changes its answer is seen every time", async () => {
    // baseAddress alternates between two hosts and apiKeyPrivate between a good key and one
    // with CR LF; every call must use what it read, never what an earlier call read.
    const spy = spyFetch((url) => new Response(inquiryBody(ID)));
    let addressReads = 0;
    let keyReads = 0;
    const config = {
      ...STANDIN_KEYS,
      fetch: spy.fetch,
      get baseAddress() {
        addressReads += 1;
        return addressReads % 2 === 1 ? "https://first.example" : "https://second.example";
      },
      get apiKeyPrivate() {
        keyReads += 1;
        return keyReads % 3 === 0 ? "key\r\nX-Injected: 1" : STANDIN_KEYS.apiKeyPrivate;
      },
    };
    const outcomes = [];
    for (let call = 1; call <= 6; call += 1) {
      outcomes.push(await inquirePayment(config, ID).then(() => "ok", (error) => error.kind));
      assert.equal(addressReads, call, "baseAddress is read once per call");
      assert.equal(keyReads, call, "apiKeyPrivate is read once per call");
    }
    assert.deepEqual(outcomes, ["ok", "ok", "config", "ok", "ok", "config"]);
    assert.deepEqual(
      spy.calls.map(({ url }) => new URL(url).host),
      ["first.example", "second.example", "second.example", "first.example"],
    );
    for (const { init } of spy.calls) assert.equal(init.headers.apikeyprivate ?? init.headers.get?.("apikeyprivate"), STANDIN_KEYS.apiKeyPrivate);
  });
});

/** The webhook key of the callbacks below, and a genuine callback's fields. */
const HASH_KEY = "hostile-webhook-key-7f3a9c25e1";
const PAYMENT = "72ec8714-d116-4306-8881-38a43c485da9";
const MERCHANT = "ORDER-2024-000123";

/**
 * A callback body signed with HASH_KEY over `amount` as written; `before` is text put first
 * inside the object, `after` text put last, `hash` replaces the Hash.
 */
function callback({ amount = "1.50", hash, before = "", after = "", message = "null" } = {}) {
  const signed = hash ?? callbackHash(HASH_KEY, PAYMENT, MERCHANT, amount);
  return (
    `{${before}"ConnectionId":"e86323e6-0035-4ab7-96ef-4d08d7c027dc","TerminalId":"T-0001",` +
    `"PaymentRequestId":"${PAYMENT}","PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",` +
    `"PaymentTypeId":2,"PaymentStatusId":4,"MerchantUniqueCode":"${MERCHANT}","DisplayCode":"A1B2",` +
    `"Amount":${amount},"Message":${message},"Hash":"${signed}","HashFormat":9,"HashKeyType":7${after}}`
  );
}

const bytesOf = (text) => new TextEncoder().encode(text);

/** The UTF-8 of `text` with `mark` (once in it) replaced by raw `bytes`. */
function spliced(text, mark, bytes) {
  const at = text.indexOf(mark);
  return new Uint8Array([...bytesOf(text.slice(0, at)), ...bytes, ...bytesOf(text.slice(at + mark.length))]);
}

/** A callback padded (with an unknown field) to exactly `size` bytes of UTF-8, `filler` its padding character. */
function callbackOfSize(size, filler = "x") {
  const bare = bytesOf(callback({ after: ',"Pad":""' })).length;
  const fillerBytes = bytesOf(filler).length;
  const count = Math.floor((size - bare) / fillerBytes);
  const rest = size - bare - count * fillerBytes;
  const text = callback({ after: `,"Pad":"${filler.repeat(count)}${"y".repeat(rest)}"` });
  assert.equal(bytesOf(text).length, size);
  return text;
}

/** Asserts that no 12-character piece of the hash key is in any printed form of `error`. */
const assertKeyKept = (error, what) => assertNoFragment(error, [HASH_KEY], what);

describe("verifyCallback with misbehaving arguments", () => {
  const standIn = useStandIn({ before, after });
  const genuine = callback();
  const cases = [
    ["a Proxy whose every trap throws as the body", () => [everythingThrows, HASH_KEY], "input", /rawBody must be/],
    ["a revoked Proxy as the body", () => [revokedProxy(), HASH_KEY], "input", /rawBody must be/],
    ["a body whose conversions throw", () => [unconvertible, HASH_KEY], "input", /got an object/],
    ["a String object as the body", () => [new String(genuine), HASH_KEY], "input", /got an object/],
    ["a BigInt as the body", () => [10n, HASH_KEY], "input", /got a bigint/],
    ["a Symbol as the body", () => [Symbol(genuine), HASH_KEY], "input", /got a symbol/],
    ["a number as the body", () => [42, HASH_KEY], "input", /got a number/],
    ["no body", () => [undefined, HASH_KEY], "input", /got undefined/],
    ["a frozen array of bytes as the body", () => [Object.freeze([...bytesOf(genuine)]), HASH_KEY], "input", /got an object/],
    ["a body of 8 MB", () => [huge(8), HASH_KEY], "decode", /refused before parsing/],
    ["a Uint8Array of 8 MB", () => [new Uint8Array(8 * 1024 * 1024), HASH_KEY], "decode", /refused before parsing/],
    ["no hash key", () => [genuine, undefined], "config", /hashKey is missing/],
    ["an empty hash key", () => [genuine, ""], "config", /hashKey is empty/],
    ["a hash key whose conversions throw", () => [genuine, unconvertible], "config", /hashKey must be a string, got an object/],
    ["a revoked Proxy as the hash key", () => [genuine, revokedProxy()], "config", /hashKey must be a string/],
    ["a BigInt as the hash key", () => [genuine, 7n], "config", /got a bigint/],
    ["a Symbol as the hash key", () => [genuine, Symbol("key")], "config", /got a symbol/],
    ["a String object as the hash key", () => [genuine, new String(HASH_KEY)], "config", /got an object/],
    ["a hash key of 8 MB", () => [genuine, huge(8)], "config", /hashKey is too long/],
    ["options that are a Proxy whose every trap throws", () => [genuine, HASH_KEY, everythingThrows], "config", /confirmWith threw/],
    ["options that are a revoked Proxy", () => [genuine, HASH_KEY, revokedProxy()], "config", /confirmWith threw/],
    ["a confirmWith getter that throws", () => [genuine, HASH_KEY, throwingGetter({}, "confirmWith", Symbol("c"))], "config", /confirmWith threw/],
    ["a Proxy whose every trap throws as confirmWith", () => [genuine, HASH_KEY, { confirmWith: everythingThrows }], "config", /threw/],
    ["a confirmWith with a BigInt timeout", () => [genuine, HASH_KEY, { confirmWith: { ...configFor(standIn()), timeoutMs: 5n } }], "config", /got a bigint/],
    ["a confirmWith that is not an object", () => [genuine, HASH_KEY, { confirmWith: 42 }], "config", /config must be an object/],
  ];
  for (const [what, makeArguments, kind, says] of cases) {
    it(`rejects ${what} with kind "${kind}", sending nothing`, async () => {
      const watch = networkWatch(standIn());
      const error = await rejection(verifyCallback(...makeArguments()), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assert.match(error.message, says);
      assert.equal(error.retryable, false);
      assert.ok(watch.untouched(), "nothing reached the network");
      assertKeyKept(error, what);
    });
  }

  it("reads a Uint8Array, an ArrayBuffer, a Node Buffer, frozen options and a frozen confirmWith", async () => {
    const bytes = bytesOf(genuine);
    for (const body of [genuine, bytes, bytes.slice().buffer, Buffer.from(genuine), new Uint8Array(bytes.buffer, 0, bytes.length)]) {
      const verified = await verifyCallback(body, HASH_KEY, Object.freeze({}));
      assert.equal(verified.paymentRequestId, PAYMENT);
    }
    // A view on a part of a larger buffer reads that part only.
    const framed = new Uint8Array(bytes.length + 20);
    framed.set(bytes, 10);
    assert.equal((await verifyCallback(framed.subarray(10, 10 + bytes.length), HASH_KEY)).amount, 1.5);
  });

  it("reads the bytes of any view: a DataView, a Uint16Array, a Float64Array over the body", async () => {
    // Padded to a multiple of 8 bytes (white space after the JSON), so that every view fits.
    const text = genuine + " ".repeat((8 - (genuine.length % 8)) % 8);
    const { buffer } = bytesOf(text);
    for (const view of [new DataView(buffer), new Uint16Array(buffer), new Float64Array(buffer)]) {
      const verified = await verifyCallback(view, HASH_KEY);
      assert.equal(verified.paymentRequestId, PAYMENT, view.constructor.name);
    }
    // A view on part of a buffer: that part's bytes only.
    const framed = bytesOf(`xxxx${genuine}yyyy`).buffer;
    assert.equal((await verifyCallback(new DataView(framed, 4, genuine.length), HASH_KEY)).paymentRequestId, PAYMENT);
  });

  {
    const skip = typeof ArrayBuffer.prototype.resize !== "function" && "no resizable ArrayBuffer in this runtime (Node 18)";
    it("reads a resizable ArrayBuffer and a view that tracks its length, as long as they are when called", { skip }, async () => {
      const bytes = bytesOf(genuine);
      const buffer = new ArrayBuffer(bytes.length, { maxByteLength: bytes.length * 2 });
      new Uint8Array(buffer).set(bytes);
      const tracking = new Uint8Array(buffer);
      assert.equal((await verifyCallback(buffer, HASH_KEY)).paymentRequestId, PAYMENT);
      assert.equal((await verifyCallback(tracking, HASH_KEY)).paymentRequestId, PAYMENT);
      // Shrunk, the view reads what is left: the first 10 bytes, not a callback.
      buffer.resize(10);
      const error = await rejection(verifyCallback(tracking, HASH_KEY), PaywallError);
      assert.equal(error.kind, "decode");
    });
  }

  if (typeof SharedArrayBuffer === "function") {
    it("reads a Uint8Array over a SharedArrayBuffer, and refuses the SharedArrayBuffer itself with kind input", async () => {
      const bytes = bytesOf(genuine);
      const shared = new SharedArrayBuffer(bytes.length);
      new Uint8Array(shared).set(bytes);
      assert.equal((await verifyCallback(new Uint8Array(shared), HASH_KEY)).paymentRequestId, PAYMENT);
      const error = await rejection(verifyCallback(shared, HASH_KEY), PaywallError);
      assert.equal(error.kind, "input");
      assert.match(error.message, /rawBody must be the request body as a string, a Uint8Array or an ArrayBuffer/);
    });
  }

  it("refuses a detached ArrayBuffer and a view over one with kind input", async () => {
    const buffer = bytesOf(genuine).buffer;
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    assert.equal(buffer.byteLength, 0, "detached");
    for (const body of [buffer, view]) {
      const error = await rejection(verifyCallback(body, HASH_KEY), PaywallError);
      assert.equal(error.kind, "input", error.message);
    }
  });
});

describe("verifyCallback on hostile bodies", () => {
  const genuine = callback();
  const good = callbackHash(HASH_KEY, PAYMENT, MERCHANT, "1.50");
  const ok = (check = () => {}) => ({ ok: true, check });
  const refused = (kind, says) => ({ kind, says });
  const cases = [
    // Nesting: what a callback never holds, refused by depth, not by the stack.
    ["an unknown field nested 20 deep", callback({ before: `"x":${"[".repeat(20)}${"]".repeat(20)},` }), ok()],
    ["an unknown field nested 30000 deep", callback({ before: `"x":${"[".repeat(30000)}${"]".repeat(30000)},` }), refused("decode", /nested too deeply/)],
    ["objects nested 10000 deep", `${'{"a":'.repeat(10000)}1${"}".repeat(10000)}`, refused("decode", /nested too deeply/)],
    // The size limit counts bytes of UTF-8, exactly.
    ["a body of exactly 64 KiB", callbackOfSize(65536), ok()],
    ["a body of 64 KiB and one byte", callbackOfSize(65537), refused("decode", /over 65536 bytes.*refused before parsing/)],
    ["a body of exactly 64 KiB of two-byte characters", callbackOfSize(65536, "ç"), ok()],
    ["a body of 64 KiB and one byte of two-byte characters", callbackOfSize(65537, "ç"), refused("decode", /refused before parsing/)],
    ["bytes of exactly 64 KiB", bytesOf(callbackOfSize(65536)), ok()],
    ["an ArrayBuffer of 64 KiB and one byte", bytesOf(callbackOfSize(65537)).buffer, refused("decode", /refused before parsing/)],
    // Encodings.
    ["a byte order mark, as text", `\uFEFF${genuine}`, ok()],
    ["a byte order mark, as bytes", new Uint8Array([0xef, 0xbb, 0xbf, ...bytesOf(genuine)]), ok()],
    ["a byte order mark in the middle", genuine.replace(',"TerminalId"', '\uFEFF,"TerminalId"'), refused("decode", /not JSON|expected/)],
    ["bytes that are not UTF-8", new Uint8Array([...bytesOf(genuine.slice(0, -1)), 0xff, 0xfe, 0x7d]), refused("decode", /not UTF-8/)],
    ["an overlong UTF-8 encoding in Message", spliced(callback({ message: '"@@"' }), "@@", [0xc0, 0xa2]), refused("decode", /not UTF-8/)],
    ["a lone surrogate encoded in UTF-8 in Message", spliced(callback({ message: '"@@"' }), "@@", [0xed, 0xa0, 0x80]), refused("decode", /not UTF-8/)],
    ["a lone surrogate in Message, as text", callback({ message: '"\uD800"' }), ok((verified) => assert.equal(verified.message, "\uFFFD"))],
    ["a NUL escaped in Message: dropped, as every control character of a message is", callback({ message: '"a\\u0000b"' }), ok((verified) => assert.equal(verified.message, "ab"))],
    // Numbers: JSON's grammar only; the Hash covers the Amount's text exactly as written.
    ["NaN as the Amount", callback({ amount: "NaN" }), refused("decode", /Amount|number/)],
    ["Infinity as the Amount", callback({ amount: "Infinity" }), refused("decode", /number/)],
    ["-Infinity as the Amount", callback({ amount: "-Infinity" }), refused("decode", /not a JSON value/)],
    ["\"NaN\" as a string Amount", callback({ amount: '"NaN"' }), refused("decode", /must be a number, got a string/)],
    // Paywall writes a .NET decimal, never an exponent: such an Amount is not Paywall's, even
    // signed over its own text, and 1E+400 would reach JavaScript as Infinity.
    ["1.5e2 as the Amount, signed over 1.5e2", callback({ amount: "1.5e2" }), refused("decode", /not a decimal amount/)],
    ["1.5e2 as the Amount, signed over 150", callback({ amount: "1.5e2", hash: callbackHash(HASH_KEY, PAYMENT, MERCHANT, "150") }), refused("decode", /not a decimal amount/)],
    ["1E+400 as the Amount", callback({ amount: "1E+400" }), refused("decode", /not a decimal amount/)],
    ["400 digits as the Amount", callback({ amount: "9".repeat(400) }), refused("decode", /not a decimal amount/)],
    ["a PaymentStatusId with an exponent", callback().replace('"PaymentStatusId":4', '"PaymentStatusId":4e0'), refused("decode", /whole number/)],
    // The Hash.
    ["the Hash in uppercase hex", callback({ hash: good.toUpperCase() }), ok()],
    ["two Hash keys, the genuine one first", callback({ before: `"Hash":"${good}",`, hash: "0".repeat(64) }), refused("decode", /duplicate field `Hash`/)],
    ["two Hash keys, the genuine one last", callback({ hash: "0".repeat(64), after: `,"Hash":"${good}"` }), refused("decode", /duplicate field `Hash`/)],
    ["Hash and hash", callback({ before: `"hash":"${good}",` }), refused("decode", /duplicate field `Hash`/)],
    ["a PaymentStatusId twice", callback({ after: ',"PaymentStatusId":5' }), refused("decode", /duplicate field `PaymentStatusId`/)],
    ["a Hash of 64 non-hex characters", callback({ hash: "z".repeat(64) }), refused("signature", /not 64 hex digits/)],
    ["a Hash of the genuine one with spaces around", callback({ hash: ` ${good} ` }), refused("signature", /not 64 hex digits/)],
    ["a Hash that is a number", callback().replace(`"Hash":"${good}"`, '"Hash":12'), refused("decode", /must be a string/)],
    // Wrong types and shapes.
    ["an Amount that is a string", callback({ amount: '"1.50"' }), refused("decode", /must be a number, got a string/)],
    ["a PaymentTypeId that is a string", callback().replace('"PaymentTypeId":2', '"PaymentTypeId":"2"'), refused("decode", /whole number/)],
    ["a TerminalId that is a number", callback().replace('"TerminalId":"T-0001"', '"TerminalId":1'), refused("decode", /must be a string/)],
    ["an array of callbacks", `[${genuine}]`, refused("decode", /must be an object, got an array/)],
    ["a callback and trailing text", `${genuine}x`, refused("decode", /text after the end/)],
    ["__proto__ in the body", callback({ before: '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' }), ok((verified) => {
      assert.equal(Object.getPrototypeOf(verified), Object.prototype);
      assert.equal(Object.hasOwn(verified, "__proto__"), false);
      assert.equal({}.polluted, undefined);
    })],
  ];
  for (const [what, body, expected] of cases) {
    it(expected.ok ? `verifies ${what}` : `refuses ${what} with kind "${expected.kind}"`, async () => {
      const outcome = await verifyCallback(body, HASH_KEY).then(
        (verified) => ({ verified }),
        (error) => ({ error }),
      );
      if (expected.ok) {
        assert.equal(outcome.error, undefined, outcome.error?.message);
        assert.equal(outcome.verified.paymentRequestId, PAYMENT);
        assert.equal(outcome.verified.merchantUniqueCode, MERCHANT);
        expected.check(outcome.verified);
      } else {
        const { error } = outcome;
        assert.ok(error instanceof PaywallError, `expected a ${expected.kind} error, got ${JSON.stringify(outcome)}`);
        assert.equal(error.kind, expected.kind, error.message);
        assert.match(error.message, expected.says);
        assert.equal(error.retryable, false);
        assertKeyKept(error, what);
      }
    });
  }
});

/** The inquiry of `id` as Paywall answers it, with `result` fields replaced; as text. */
const inquiryOf = (id, result = {}) => inquiryBody(id, result);

/**
 * A server on 127.0.0.1 that answers every request with `handler(request, response)`, for
 * answers a custom fetch cannot give (content-encoding, a body that never ends).
 */
async function startServer(handler) {
  const sockets = new Set();
  const server = http.createServer(handler);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("inquirePayment on hostile answers", () => {
  const base = { baseAddress: "https://paywall.example", ...STANDIN_KEYS, maxRetries: 0 };
  const echoHeaders = (url, init) => {
    const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers };
    return new Response(JSON.stringify({ Succeeded: true, Result: { PaymentRequestId: ID, Echo: headers } }));
  };
  const cases = [
    ["a 200 of 10 MB", () => new Response(huge(10)), "decode", /too large: over 65536 bytes/],
    ["a 503 of 10 MB", () => new Response(huge(10), { status: 503 }), "http", /too large/],
    ["a body stream that never ends", () => new Response(new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(65536)) })), "decode", /too large/],
    ["a 200 that echoes the request's headers", echoHeaders, "decode", /result\.paymentRequestActivityId is missing/],
    ["a Result field nested 30000 deep", () => new Response(`{"Succeeded":true,"Result":{"x":${"[".repeat(30000)}${"]".repeat(30000)}}}`), "decode", /nested too deeply/],
    ["an unknown field nested 40 deep", () => new Response(inquiryOf(ID, { Extra: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) })), "decode", /nested too deeply/],
    ["a PaymentTypeId that is a string", () => new Response(inquiryOf(ID, { PaymentTypeId: "2" })), "decode", /whole number/],
    ["a PaymentStatusId of 2^40", () => new Response(inquiryOf(ID, { PaymentStatusId: 2 ** 40 })), "decode", /out of range/],
    ["a PaymentTypeId of 2.0", () => new Response(inquiryOf(ID).replace('"PaymentTypeId":2', '"PaymentTypeId":2.0')), "decode", /whole number/],
    ["an Amount that is a string", () => new Response(inquiryOf(ID, { Amount: "1.44" })), "decode", /must be a number, got a string/],
    ["a TerminalId that is a number", () => new Response(inquiryOf(ID, { TerminalId: 1 })), "decode", /must be a string/],
    ["a PaymentTypeId sent twice", () => new Response(inquiryOf(ID).replace('"PaymentTypeId":2', '"PaymentTypeId":1,"PaymentTypeId":2')), "decode", /duplicate field/],
    ["PaymentTypeId and paymentTypeId", () => new Response(inquiryOf(ID).replace('"PaymentTypeId":2', '"PaymentTypeId":1,"paymentTypeId":2')), "decode", /duplicate field/],
    ["Result sent twice", () => new Response(inquiryOf(ID).replace('{"Result":', `{"Result":null,"Result":`)), "decode", /duplicate field/],
    ["no PaymentStatusId", () => new Response(inquiryOf(ID, { PaymentStatusId: undefined })), "decode", /result\.paymentStatusId is missing/],
    ["a null PaymentTypeId", () => new Response(inquiryOf(ID, { PaymentTypeId: null })), "decode", /result\.paymentTypeId is missing/],
    ["another payment's Result", () => new Response(inquiryOf(idOf("demoPayment2"))), "decode", /not the requested/],
    ["an activity that is not a GUID", () => new Response(inquiryOf(ID, { PaymentRequestActivityId: "x" })), "decode", /not a GUID/],
    ["a Result that is an array", () => new Response('{"Succeeded":true,"Result":[1,2]}'), "decode", /must be an object, got an array/],
    ["Succeeded as a string", () => new Response(inquiryOf(ID).replace('"Succeeded":true', '"Succeeded":"true"')), "decode", /must be true or false, got a string/],
    ["NaN in the body", () => new Response(inquiryOf(ID).replace('"PaymentStatusId":4', '"PaymentStatusId":NaN')), "decode", /not JSON|whole number/],
  ];
  for (const [what, answer, kind, says] of cases) {
    it(`rejects ${what} with kind "${kind}"`, async () => {
      const spy = spyFetch(answer);
      const error = await rejection(inquirePayment({ ...base, fetch: spy.fetch }, ID), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assert.match(error.message, says);
      assert.equal(error.attempts, 1);
      assert.equal(spy.calls.length, 1);
      assertNoFragment(error, [STANDIN_KEYS.apiKeyPrivate, STANDIN_KEYS.apiClientPrivate], what);
    });
  }

  it("reads what is right whatever surrounds it: unknown fields of any type, huge strings, both casings", async () => {
    const answers = [
      inquiryOf(ID, { Extra: { deep: [[[{ x: null }]]] }, IP: 12, PaymentType: ["Cancellation"], Currency: {} }),
      inquiryOf(ID, { MerchantUniqueCode: "m".repeat(60000) }),
      JSON.stringify({ result: { paymentRequestId: ID, paymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f", paymentTypeId: 2, paymentStatusId: 4 }, succeeded: true }),
    ];
    for (const body of answers) {
      const inquiry = await inquirePayment({ ...base, fetch: async () => new Response(body) }, ID);
      assert.equal(inquiry.paymentTypeId, 2);
      assert.equal(inquiry.paymentStatusId, 4);
    }
  });

  it("stops reading a gzip bomb from a real server at 64 KiB", async () => {
    const megabyte = zlib.gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    const server = await startServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      // A gzip stream of many members is still one gzip body: 2 GB of zeros once inflated.
      let sent = 0;
      const more = () => {
        while (sent < 2048 && response.write(megabyte)) sent += 1;
        if (sent < 2048) response.once("drain", more);
        else response.end();
      };
      response.on("error", () => {});
      more();
    });
    try {
      const error = await rejection(inquirePayment({ ...base, baseAddress: server.url, timeoutMs: 10_000 }, ID), PaywallError);
      assert.equal(error.kind, "decode", error.message);
      assert.match(error.message, /too large/);
    } finally {
      await server.close();
    }
  });

  it("reconciles a lost cancel answer with exactly one inquiry whatever that inquiry answers, keeping the network error", async () => {
    for (const [, answer] of cases) {
      let gets = 0;
      const fetch = async (url, init) => {
        if (init.method === "POST") throw new TypeError("fetch failed (socket hang up)");
        gets += 1;
        return answer(url, init);
      };
      const error = await rejection(cancelPayment({ ...base, fetch }, ID), PaywallError);
      assert.equal(error.kind, "network", error.message);
      assert.equal(error.attempts, 1);
      assert.match(error.message, /; an inquiry to find out failed too \((decode|http) error/);
      assert.equal(gets, 1, "one inquiry, never retried");
    }
  });
});

describe("a polluted Object.prototype", () => {
  it("is ignored by inquirePayment, verifyCallback and the reconciliation", async () => {
    const names = ["confirmWith", "environment", "reconcile", "maxRetries", "timeoutMs", "baseAddress"];
    const polluted = {
      confirmWith: { baseAddress: "https://attacker.example", ...STANDIN_KEYS },
      environment: "production",
      reconcile: false,
      maxRetries: 99,
      timeoutMs: -1,
      baseAddress: "https://attacker.example",
    };
    const spy = spyFetch((url, init) =>
      init.method === "POST" ? Promise.reject(new TypeError("fetch failed")) : new Response(inquiryOf(ID)),
    );
    const config = { baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch: spy.fetch, maxRetries: 0 };
    try {
      for (const name of names) {
        Object.defineProperty(Object.prototype, name, { value: polluted[name], configurable: true, writable: true });
      }
      const inquiry = await inquirePayment(config, ID);
      assert.equal(inquiry.paymentStatusId, 4);
      // reconcile: false on Object.prototype is not the caller's setting: the lost answer is
      // reconciled, and resolved by the inquiry.
      const cancelled = await cancelPayment(config, ID);
      assert.equal(cancelled.confirmedBy, "inquiry");
      assert.equal(cancelled.state, "cancelled");
      // confirmWith on Object.prototype is not an option: no inquiry is made for it.
      const before = spy.calls.length;
      const verified = await verifyCallback(callback(), HASH_KEY, {});
      assert.equal(verified.paymentRequestId, PAYMENT);
      assert.equal(spy.calls.length, before);
      assert.ok(spy.calls.every(({ url }) => url.startsWith("https://paywall.example/")), "only the caller's address");
    } finally {
      for (const name of names) delete Object.prototype[name];
    }
  });
});

describe("after all of that", () => {
  const standIn = useStandIn({ before, after });

  it("the instance still cancels, inquires and verifies", async () => {
    standIn().reset();
    const id = idOf("demoPayment3");
    const cancelled = await cancelPayment(configFor(standIn()), id);
    assert.equal(cancelled.state, "cancelled");
    assert.equal(cancelled.confirmedBy, "response");
    const inquiry = await inquirePayment(configFor(standIn()), id);
    assert.equal(inquiry.paymentTypeId, 2);
    assert.equal(inquiry.paymentRequestActivityId, cancelled.paymentRequestActivityId);
    const verified = await verifyCallback(bytesOf(callback()), HASH_KEY);
    assert.equal(verified.amount, 1.5);
  });
});
