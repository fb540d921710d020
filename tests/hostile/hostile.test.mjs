// Thousands of seeded random calls on the packed tarball, each mixing a hostile config
// (getters and Proxies that throw, frozen and prototype-only objects, wrong types, huge
// strings, odd URLs, bad signals) with a hostile answer through a custom fetch (every
// status class, broken bodies, erroring streams, fetches that throw or return nonsense,
// absurd Retry-After). Every call must settle, with a result for its own payment or a
// PaywallError, before its deadline; no key may appear in any error; nothing may be left
// unhandled; and an ordinary cancel must still work at the end.
//
//   HOSTILE_SEED=7 HOSTILE_CALLS=20000 node --test tests/hostile/
import assert from "node:assert/strict";
import util from "node:util";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, startStandIn } from "../node/helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();

const SEED = Number(process.env.HOSTILE_SEED ?? 20261124);
const CALLS = Number(process.env.HOSTILE_CALLS ?? 3000);
const IN_FLIGHT = 50;
const KEY = "hk_live_SECRET_4e1b9c7d";
const CLIENT = "hc_live_SECRET_90af2e63";
const KINDS = ["config", "input", "network", "timeout", "aborted", "http", "decode", "api"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

const thrower = (what) => () => {
  throw what;
};
const everythingThrows = (what) =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor", "apply"].map((trap) => [
        trap,
        thrower(what),
      ]),
    ),
  );

function guid(r) {
  const hex = () => r.int(16).toString(16);
  return [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, hex).join("")).join("-");
}

function envelope(r, id) {
  const pascal = r.chance(0.3);
  const key = (name) => (pascal ? name[0].toUpperCase() + name.slice(1) : name);
  const result = {
    [key("paymentRequestId")]: r.chance(0.9) ? id : r.pick([guid(r), "x", 5, null]),
    [key("paymentRequestActivityId")]: r.chance(0.9) ? guid(r) : r.pick(["", {}, 7]),
    [key("paymentRequestActivityTypeId")]: r.pick([2, 2, 2, 1, 99, -1, 2.5, "2", null, 2 ** 40]),
    [key("paymentStatus")]: r.pick([4, 4, 4, 5, 12, 0, 4.2, "4", undefined]),
  };
  const succeeded = r.chance(0.6);
  return {
    [key("result")]: r.chance(0.9) ? result : r.pick([null, [], "result", 1]),
    [key("succeeded")]: r.chance(0.95) ? succeeded : r.pick(["true", 1, null]),
    [key("failed")]: r.pick([!succeeded, !succeeded, succeeded, undefined, "no"]),
    [key("errorCode")]: r.pick([undefined, 0, 1001, -5, 2 ** 60, "E1", 1.5]),
    [key("message")]: r.pick([null, "Refused", `Refused for ${KEY}`, "", "ç".repeat(500), 42]),
    [key("clientMessage")]: r.pick([null, "Payment.Async.AlreadyHasRefundOrCancel", `System.AuthError ${CLIENT}`, {}]),
  };
}

function body(r, id) {
  switch (r.int(13)) {
    case 0:
      return "";
    case 1:
      return JSON.stringify(envelope(r, id)).slice(0, r.int(200));
    case 2:
      return "[".repeat(20000) + "]".repeat(20000);
    case 3:
      return `{"succeeded":true,"x":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`;
    case 4:
      return "x".repeat(1 << 20);
    case 5:
      return `<html>${KEY} ${CLIENT}</html>`;
    case 6:
      return String.fromCharCode(...Array.from({ length: 64 }, () => r.int(0xffff)));
    case 7:
      return JSON.stringify([envelope(r, id)]);
    case 8:
    case 9:
      // A well-formed answer, so that the mix also holds calls that should succeed.
      return JSON.stringify({
        result: { paymentRequestId: id, paymentRequestActivityId: guid(r), paymentRequestActivityTypeId: 2, paymentStatus: 4 },
        succeeded: true,
        failed: false,
      });
    case 10:
      // A well-formed refusal, as Paywall sends for a payment it will not cancel.
      return JSON.stringify({
        result: null,
        succeeded: false,
        failed: true,
        message: `Refused ${KEY}`,
        clientMessage: "Payment.Async.AlreadyHasRefundOrCancel",
      });
    default:
      return JSON.stringify(envelope(r, id));
  }
}

function retryAfter(r) {
  return r.pick([
    undefined,
    undefined,
    "0",
    "1",
    "-1",
    "1.5",
    "999999999999999999999",
    "61",
    "soon",
    new Date(Date.now() + 500).toUTCString(),
    new Date(Date.now() - 10_000).toUTCString(),
    "Sun, 06 Nov 2094 08:49:37 GMT",
    KEY,
  ]);
}

/**
 * A custom fetch that misbehaves in one of many ways, chosen per call. Every random choice
 * is made here, up front, so the calls in flight draw from the generator in a fixed order
 * and a seed replays exactly.
 */
function hostileFetch(r, id) {
  const status = r.pick([200, 200, 200, 201, 204, 301, 302, 400, 401, 404, 409, 429, 500, 502, 503, 504, 599]);
  const text = body(r, id);
  const headers = new Headers();
  const wait = retryAfter(r);
  if (wait !== undefined) headers.set("retry-after", wait);
  if (r.chance(0.1)) headers.set("location", `https://elsewhere.example/?k=${KEY}`);
  const real = () => new Response(status === 204 ? null : text, { status, headers });
  const thrown = r.pick(["a string", undefined, null, Symbol("s"), 42, everythingThrows(new Error("deep"))]);
  const rejection = r.pick([new TypeError(`fetch failed ${CLIENT}`), undefined, "rejected", Symbol("r")]);
  const notAResponse = r.pick([null, 42, "response", [], {}, everythingThrows(new Error("response trap"))]);
  const streamError = r.pick([new Error(`stream broke ${KEY}`), "stream", undefined]);
  // Statuses a Response cannot carry (1xx among them) arrive on a Response-like object.
  const oddStatus = r.pick(["200", NaN, -1, 1e9, 0, 99.5, 100, 103, 600, undefined]);
  const oddText = r.pick([42, null, {}, new String(text)]);
  switch (r.int(24)) {
    case 0:
      return thrower(new Error(`sync failure ${KEY}`));
    case 1:
      return thrower(thrown);
    case 2:
      return () => Promise.reject(rejection);
    case 3:
      return () => notAResponse;
    case 4:
      return () => ({
        get then() {
          throw new Error("then");
        },
      });
    case 5:
      return () => new Promise(() => {});
    case 6:
      return (url, init) =>
        new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    case 7:
      return async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(streamError);
            },
          }),
          { status },
        );
    case 8:
      return async () => ({ status: oddStatus, headers, text: async () => text });
    case 9:
      return async () => ({ status, headers: { get: thrower(new Error("headers")) }, text: async () => text });
    case 10:
      return async () => ({ status, headers, text: () => new Promise(() => {}) });
    case 11:
      return async () => ({ status, headers, text: thrower(new Error(`text ${CLIENT}`)) });
    case 12:
      return async () => ({ status, headers, text: async () => oddText });
    case 13:
      return async () => Response.error();
    default:
      return async () => real();
  }
}

function oddBaseAddress(r) {
  return r.pick([
    "",
    " ",
    "http://",
    "https://[::1]:99999",
    "javascript:alert(1)",
    "data:text/plain,x",
    "https://exa mple.com",
    "https://ex%ample.com",
    "https://例え.jp",
    "HTTPS://UPPER.EXAMPLE/A/B/",
    "https://a.example/../b",
    "https://a.example?x=1",
    "//a.example",
    "https://a.example:0",
    `https://user:${KEY}@a.example`,
    `https://${"a".repeat(10_000)}.example`,
    "https://a.example\u0000/",
  ]);
}

function hostileValue(r) {
  return r.pick([undefined, null, 0, -1, NaN, Infinity, 1.5, 2 ** 31, true, [], {}, Symbol("v"), 10n, () => {}, "x".repeat(r.pick([0, 1, 5000, 2_000_000]))]);
}

function hostileSignal(r) {
  switch (r.int(7)) {
    case 0:
      return {};
    case 1:
      return { aborted: "yes", addEventListener() {}, removeEventListener() {} };
    case 2:
      return everythingThrows(new Error("signal"));
    case 3:
      return AbortSignal.abort(`aborted ${KEY}`);
    case 4: {
      const controller = new AbortController();
      const reason = r.pick([undefined, `reason ${KEY}`]);
      setTimeout(() => controller.abort(reason), r.int(80));
      return controller.signal;
    }
    case 5: {
      const signal = new AbortController().signal;
      signal.addEventListener = thrower(new Error("listener"));
      return signal;
    }
    default:
      return new AbortController().signal;
  }
}

/**
 * `config` with some fields replaced, copied by descriptor so that a throwing getter set by
 * an earlier twist stays a getter (a spread would call it here, in the test).
 */
function withFields(config, fields) {
  const descriptors = Object.getOwnPropertyDescriptors(config);
  for (const descriptor of Object.values(descriptors)) descriptor.configurable = true;
  const copy = Object.create(Object.getPrototypeOf(config), descriptors);
  for (const [name, value] of Object.entries(fields)) {
    Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A config, mostly valid, with some hostile twists. */
function hostileConfig(r, id) {
  const timeoutMs = 20 + r.int(130);
  let maxRetries = r.int(3);
  let config = {
    baseAddress: "https://paywall.example/",
    apiKeyPrivate: KEY,
    apiClientPrivate: CLIENT,
    timeoutMs,
    maxRetries,
    fetch: hostileFetch(r, id),
  };
  const fields = ["baseAddress", "apiKeyPrivate", "apiClientPrivate", "timeoutMs", "maxRetries", "fetch", "signal", "dangerouslyAllowBrowser"];
  for (let twists = r.chance(0.4) ? 1 + r.int(2) : 0; twists > 0; twists -= 1) {
    switch (r.int(11)) {
      case 0:
        config = withFields(config, {});
        Object.defineProperty(config, r.pick(fields), {
          get: thrower(r.pick([new Error(`getter ${KEY}`), "thrown", Symbol("g"), undefined])),
          enumerable: true,
          configurable: true,
        });
        break;
      case 1: {
        const trapped = r.pick(fields);
        config = new Proxy(config, {
          get(target, property) {
            if (property === trapped) throw new Error(`trap ${String(property)} ${CLIENT}`);
            return target[property];
          },
        });
        break;
      }
      case 2:
        config = Object.freeze(withFields(config, {}));
        break;
      case 3:
        config = Object.create(config);
        break;
      case 4: {
        const field = r.pick(fields);
        let value = hostileValue(r);
        // An absent timeout means the default 30 s, too long for a hanging fetch here;
        // the defaults are tested in tests/node. An absent retry count means 2 retries.
        if (value == null && field === "timeoutMs") value = NaN;
        if (value == null && field === "maxRetries") maxRetries = 2;
        config = withFields(config, { [field]: value });
        break;
      }
      case 5:
        config = withFields(config, { baseAddress: oddBaseAddress(r) });
        break;
      case 6:
        config = withFields(config, { signal: hostileSignal(r) });
        break;
      case 7:
        config = withFields(config, { [r.pick(["apiKeyPrivate", "apiClientPrivate"])]: r.pick([`${KEY}\r\nX: 1`, `${KEY}\u0000`, ` ${KEY}`, `${KEY}ş`, "", KEY.repeat(1000)]) });
        break;
      case 8:
        config = r.pick([null, undefined, 42, "config", [], () => {}, everythingThrows(new Error("config"))]);
        return { config, timeoutMs, maxRetries };
      case 9:
        config = withFields(config, { timeoutMs: r.pick([-1, 0, NaN, Infinity, 1e12, "100", 2 ** 31]) });
        break;
      default:
        config = withFields(config, { maxRetries: r.pick([-1, 1.5, 11, "2", null]) });
        if (config.maxRetries === null) maxRetries = 2;
    }
  }
  return { config, timeoutMs, maxRetries };
}

function hostileId(r, id) {
  if (r.chance(0.8)) return id;
  return r.pick([id.toUpperCase(), "", "abc", 42, null, {}, ` ${id}`, `${id}\n`, KEY, "x".repeat(1 << 20), everythingThrows(new Error("id")), "00000000-0000-0000-0000-000000000000"]);
}

/** Every way an error is printed or shipped to a log. */
function printed(error) {
  return [error.message, error.stack, JSON.stringify(error), util.inspect(error, { depth: 5 }), String(error)].join("\n");
}

describe(`${CALLS} hostile calls (seed ${SEED})`, () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  let standIn;

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    standIn = await startStandIn();
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await standIn.close();
  });

  it("each settle in time with a result for their own payment or a clean PaywallError", async () => {
    const r = generator(SEED);
    const counts = {};
    const failures = [];
    let next = 0;
    async function one(index) {
      const id = guid(r);
      const { config, timeoutMs, maxRetries } = hostileConfig(r, id);
      const paymentRequestId = hostileId(r, id);
      // Attempts are bounded by their timeout; the wait before retry k by the larger of the
      // backoff (at most 500 * 2^(k-1) ms) and the longest sane Retry-After drawn here (1 s).
      let waits = 0;
      for (let k = 1; k <= maxRetries; k += 1) waits += Math.max(1_000, Math.min(500 * 2 ** (k - 1), 8_000));
      const budget = (maxRetries + 1) * (timeoutMs + 100) + waits + 2_000;
      let timer;
      const watchdog = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ hung: true }), budget);
      });
      const outcome = await Promise.race([
        cancelPayment(config, paymentRequestId).then(
          (result) => ({ result }),
          (error) => ({ error }),
        ),
        watchdog,
      ]);
      clearTimeout(timer);
      const where = `call ${index}`;
      if (outcome.hung) {
        failures.push(`${where}: did not settle within ${budget} ms`);
        return;
      }
      if (outcome.result) {
        counts.ok = (counts.ok ?? 0) + 1;
        const { result } = outcome;
        if (typeof paymentRequestId !== "string" || result.paymentRequestId.toLowerCase() !== paymentRequestId.toLowerCase()) {
          failures.push(`${where}: resolved for ${result.paymentRequestId}, asked for ${String(paymentRequestId)}`);
        }
        if (!GUID.test(result.paymentRequestActivityId)) failures.push(`${where}: activity id ${result.paymentRequestActivityId}`);
        if (!Number.isInteger(result.paymentStatus) || !Number.isInteger(result.paymentRequestActivityTypeId)) {
          failures.push(`${where}: codes ${JSON.stringify(result)}`);
        }
        return;
      }
      const { error } = outcome;
      if (!(error instanceof PaywallError)) {
        failures.push(`${where}: rejected with ${util.inspect(error)}`);
        return;
      }
      counts[error.kind] = (counts[error.kind] ?? 0) + 1;
      if (!KINDS.includes(error.kind)) failures.push(`${where}: kind ${error.kind}`);
      if (typeof error.retryable !== "boolean") failures.push(`${where}: retryable ${error.retryable}`);
      if (!Number.isInteger(error.attempts) || error.attempts < 0 || error.attempts > 11) {
        failures.push(`${where}: attempts ${error.attempts}`);
      }
      const text = printed(error);
      if (text.includes(KEY) || text.includes(CLIENT)) failures.push(`${where}: a key in\n${text}`);
    }
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CALLS) {
          const index = next;
          next += 1;
          await one(index);
        }
      }),
    );
    console.log(`outcomes: ${JSON.stringify(counts)}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} calls misbehaved`);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), CALLS);
    for (const kind of KINDS) {
      assert.ok(counts[kind] > 0, `the mix never produced a ${kind} error: ${JSON.stringify(counts)}`);
    }
  });

  it("leaves no rejection unhandled", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(unhandled, []);
  });

  it("still cancels an ordinary payment afterwards", async () => {
    const result = await cancelPayment(configFor(standIn), idOf("demoPayment1"));
    assert.equal(result.paymentStatus, 4);
  });
});
