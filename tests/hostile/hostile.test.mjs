// Thousands of seeded random calls on the packed tarball, each mixing a hostile config
// (getters and Proxies that throw, frozen and prototype-only objects, wrong types, huge
// strings, odd URLs, bad signals) with a hostile answer through a custom fetch (every
// status class, broken bodies, erroring streams, fetches that throw or return nonsense,
// absurd Retry-After). Every call must settle, with a result for its own payment or a
// PaywallError, before its deadline; no key may appear in any error; nothing may be left
// unhandled; and an ordinary cancel must still work at the end. The same mix drives
// inquirePayment (its answers shaped like inquiries, or not), the cancel's reconciliation
// by inquiry (on by default: a GET through the same fetch), and verifyCallback (genuine,
// tampered and broken callback bodies, as text or bytes or anything else, with hostile keys
// and options, some confirming with an inquiry).
//
//   HOSTILE_SEED=7 HOSTILE_CALLS=20000 node --test tests/hostile/
import assert from "node:assert/strict";
import util from "node:util";
import { after, before, describe, it } from "node:test";
import { callbackHash } from "../../standin/server.mjs";
import { configFor, idOf, loadEsm, startStandIn } from "../node/helpers.mjs";

const { cancelPayment, inquirePayment, verifyCallback, PaywallError } = await loadEsm();

const SEED = Number(process.env.HOSTILE_SEED ?? 20261124);
const CALLS = Number(process.env.HOSTILE_CALLS ?? 3000);
const IN_FLIGHT = 50;
const KEY = "hk_live_SECRET_4e1b9c7d";
const CLIENT = "hc_live_SECRET_90af2e63";
const WEBHOOK_KEY = "whk_live_SECRET_5c2e8a91b7";
const KINDS = ["config", "input", "network", "timeout", "aborted", "http", "decode", "api"];
/** The kinds verifyCallback itself has; confirming with an inquiry adds the others. */
const CALLBACK_KINDS = ["config", "input", "decode", "signature"];
const STATES = { cancelled: [2, 4], pending: [2, 2], failed: [2, 5], unknown: [1, 4] };
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

/** What stands for an inquiry's Amount in its JSON until inquiryText writes the number's text. */
const AMOUNT_TEXT = "AMOUNT-TEXT";

/**
 * An inquiry answer for `id`, PascalCase as Paywall's sample or camelCase: well-formed, or
 * (`broken`) with some of its fields of the wrong type or missing. `activity`, when given, is
 * what it shows most of the time: the latest activity a callback it confirms reports (its
 * id, type, status, terminal, display code, merchant's code and amount text).
 */
function inquiryEnvelope(r, id, activity) {
  const broken = r.chance(0.4);
  const fieldValue = (r, valid, hostile) => (broken && r.chance(0.25) ? r.pick(hostile) : valid);
  const agrees = activity !== undefined && r.chance(0.7);
  const [typeId, statusId] = agrees ? [activity.typeId, activity.statusId] : [r.pick([2, 2, 1, 3, 4, 99]), r.pick([4, 4, 2, 5, 11, 12, 0])];
  const same = (name, otherwise) => (agrees ? activity[name] : otherwise);
  const pascal = r.chance(0.6);
  const key = (name) => (pascal ? name : name[0].toLowerCase() + name.slice(1));
  const result = {
    [key("PaymentRequestId")]: fieldValue(r, r.chance(0.8) ? id : id.toUpperCase(), [guid(r), "x", 5, null, undefined]),
    [key("PaymentRequestActivityId")]: fieldValue(r, same("activityId", guid(r)), ["", {}, 7, null, undefined]),
    [key("TerminalId")]: fieldValue(r, same("terminalId", r.pick(["T-0001", guid(r), null])), [12, [], undefined]),
    [key("MerchantUniqueCode")]: fieldValue(r, same("merchant", r.pick(["ORDER-1", `M ${KEY}`, null])), [false, undefined]),
    [key("DisplayCode")]: fieldValue(r, same("displayCode", r.pick(["A1B2", "ç".repeat(300), null])), [3, undefined]),
    [key("CallbackAddress")]: fieldValue(r, r.pick([null, "https://m.example/cb"]), [{}, undefined]),
    [key("Amount")]: fieldValue(r, agrees ? AMOUNT_TEXT : r.pick([125.5, 1.44, 0, 1e300, null]), ["1.44", true, undefined]),
    [key("PaymentChannelId")]: fieldValue(r, r.pick([1, null]), ["1", 1.5, undefined]),
    [key("CurrencyId")]: fieldValue(r, r.pick([1, 7, null]), [2 ** 40, undefined]),
    [key("PaymentTypeId")]: fieldValue(r, typeId, ["2", null, 2.5, undefined]),
    [key("PaymentStatusId")]: fieldValue(r, statusId, ["4", null, 4.5, 2 ** 40, undefined]),
    [key("CreatedDate")]: fieldValue(r, "2024-09-02T13:52:34.504179", [5, undefined]),
    [key("ModifiedDate")]: fieldValue(r, null, ["2024-09-02T14:00:00", 0]),
    [key("PaymentType")]: r.pick(["Cancellation", 7, null, [{}]]),
    [key("IP")]: r.pick(["127.0.0.1", null, 12]),
  };
  const succeeded = r.chance(0.85);
  return {
    [key("Result")]: r.chance(0.95) ? result : r.pick([null, [], "result"]),
    [key("Succeeded")]: r.chance(0.95) ? succeeded : r.pick(["true", 1, null]),
    [key("Failed")]: r.pick([!succeeded, !succeeded, undefined, succeeded]),
    [key("Message")]: r.pick([null, `Refused for ${KEY}`, 42]),
    [key("ClientMessage")]: r.pick([null, "Payment.Request.RequestNotFound", `System.AuthError ${CLIENT}`]),
  };
}

/** The text of an inquiry's answer: an inquiry envelope, often, or anything else. */
function inquiryText(r, id, activity) {
  const written = () =>
    JSON.stringify(inquiryEnvelope(r, id, activity)).replace(`"${AMOUNT_TEXT}"`, activity?.amount ?? "0");
  switch (r.int(8)) {
    case 0:
      return written().slice(0, r.int(300));
    case 1:
      return `{"Succeeded":true,"Result":{"x":${"[".repeat(20000)}${"]".repeat(20000)}}}`;
    case 2:
      return body(r, id);
    default:
      return written();
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
function hostileFetch(r, id, activity) {
  const status = r.pick([200, 200, 200, 201, 204, 301, 302, 400, 401, 404, 409, 429, 500, 502, 503, 504, 599]);
  const cancelText = body(r, id);
  // A GET is an inquiry (inquirePayment's, or a cancel's reconciliation): its own answer.
  const inquiryStatus = r.pick([200, 200, 200, 200, 404, 503]);
  const inquiryAnswer = inquiryText(r, id, activity);
  const text = cancelText;
  const headers = new Headers();
  const wait = retryAfter(r);
  if (wait !== undefined) headers.set("retry-after", wait);
  if (r.chance(0.1)) headers.set("location", `https://elsewhere.example/?k=${KEY}`);
  const real = (init) =>
    init?.method === "GET"
      ? new Response(inquiryAnswer, { status: inquiryStatus, headers })
      : new Response(status === 204 ? null : text, { status, headers });
  const thrown = r.pick(["a string", undefined, null, Symbol("s"), 42, everythingThrows(new Error("deep"))]);
  const rejection = r.pick([new TypeError(`fetch failed ${CLIENT}`), undefined, "rejected", Symbol("r")]);
  const notAResponse = r.pick([null, 42, "response", [], {}, everythingThrows(new Error("response trap"))]);
  const streamError = r.pick([new Error(`stream broke ${KEY}`), "stream", undefined]);
  // Statuses a Response cannot carry (1xx among them) arrive on a Response-like object.
  const oddStatus = r.pick(["200", NaN, -1, 1e9, 0, 99.5, 100, 103, 600, undefined]);
  const oddText = r.pick([42, null, {}, new String(text)]);
  switch (r.int(26)) {
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
      return async (url, init) => ({ status: oddStatus, headers, text: async () => (init?.method === "GET" ? inquiryAnswer : text) });
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
    case 14:
      // The cancel's connection drops (after Paywall may have carried it out); the inquiry
      // that reconciles it is answered.
      return async (url, init) => (init?.method === "GET" ? real(init) : Promise.reject(new TypeError(`fetch failed ${KEY}`)));
    case 15:
      // The cancel hangs until its timeout; the inquiry is answered.
      return (url, init) =>
        init?.method === "GET"
          ? Promise.resolve(real(init))
          : new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    default:
      return async (url, init) => real(init);
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
function hostileConfig(r, id, activity) {
  const timeoutMs = 20 + r.int(130);
  let maxRetries = r.int(3);
  let config = {
    baseAddress: "https://paywall.example/",
    apiKeyPrivate: KEY,
    apiClientPrivate: CLIENT,
    timeoutMs,
    maxRetries,
    fetch: hostileFetch(r, id, activity),
  };
  const fields = ["baseAddress", "apiKeyPrivate", "apiClientPrivate", "timeoutMs", "maxRetries", "fetch", "signal", "dangerouslyAllowBrowser", "reconcile", "environment"];
  for (let twists = r.chance(0.4) ? 1 + r.int(2) : 0; twists > 0; twists -= 1) {
    switch (r.int(12)) {
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
      case 10: {
        // Valid or not: reconcile off, the test environment alone (a host this suite never
        // reaches: the custom fetch answers), or both environment and baseAddress.
        const fields = r.pick([{ reconcile: false }, { reconcile: true }, { environment: "test" }, { environment: "prod" }]);
        if (fields.environment === "test" && r.chance(0.5)) fields.baseAddress = undefined;
        config = withFields(config, fields);
        break;
      }
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

/**
 * A callback for `id` as Paywall posts it, signed with `signKey` (mostly WEBHOOK_KEY), then
 * maybe tampered with or broken; returned as text with `signKey`, whether it is `intact` (every
 * change is to a field the Hash does not cover: it verifies with `signKey`), and whether it is
 * `tampered` (a covered field changed, or its Hash taken out or doubled: it never verifies).
 */
function callbackText(r, id) {
  const merchant = r.pick(["ORDER-1", guid(r), "sipariş-ç", "m".repeat(1000), 'quote"back\\slash', `M ${KEY}`]);
  const amount = r.pick(["1.50", "125", "0.01", "-0", "1.500", "125.50", "99999999999999999999.99"]);
  const signKey = r.chance(0.8) ? WEBHOOK_KEY : r.pick(["another-webhook-key", `${WEBHOOK_KEY} `, WEBHOOK_KEY.toUpperCase()]);
  const [typeId, statusId] = r.pick(Object.values(STATES));
  const fields = {
    ConnectionId: r.pick([guid(r), null, "conn-1"]),
    TerminalId: r.pick(["T-0001", guid(r), null]),
    PaymentRequestId: r.chance(0.9) ? id : id.toUpperCase(),
    PaymentRequestActivityId: guid(r),
    PaymentTypeId: typeId,
    PaymentStatusId: statusId,
    MerchantUniqueCode: merchant,
    DisplayCode: r.pick(["A1B2", null, `D ${WEBHOOK_KEY}`]),
    Amount: "AMOUNT",
    Message: r.pick([null, "Failed on the device", `echo ${WEBHOOK_KEY}`]),
    Hash: r.pick(["HASH", "HASH", "HASH", "UPPERHASH"]),
    HashFormat: 9,
    HashKeyType: 7,
  };
  const camel = r.chance(0.3);
  const named = camel ? Object.fromEntries(Object.entries(fields).map(([name, value]) => [name[0].toLowerCase() + name.slice(1), value])) : fields;
  const hash = callbackHash(signKey, fields.PaymentRequestId, merchant, amount);
  let text = JSON.stringify(named)
    .replace('"AMOUNT"', amount)
    .replace('"HASH"', `"${hash}"`)
    .replace('"UPPERHASH"', `"${hash.toUpperCase()}"`);
  let intact = true;
  let tampered = false;
  const statusField = camel ? '"paymentStatusId"' : '"PaymentStatusId"';
  switch (r.int(14)) {
    case 0:
      // A replay with another status: the Hash does not cover it.
      text = text.replace(`${statusField}:${statusId}`, `${statusField}:${r.pick([1, 3, 5, 99])}`);
      break;
    case 1:
      // A covered field changed: the amount.
      text = text.replace(`:${amount},`, `:${amount === "1.50" ? "1.5" : "1.50"},`);
      intact = false;
      tampered = true;
      break;
    case 2:
      text = text.slice(0, r.int(text.length));
      intact = false;
      break;
    case 3:
      text = text.replace(/"(Hash|hash)":"[0-9a-fA-F]{64}",/, "");
      intact = false;
      tampered = true;
      break;
    case 4:
      text = text.replace("{", `{"Pad":${"[".repeat(r.pick([10, 40, 20000]))}${"]".repeat(r.pick([10, 40, 20000]))},`);
      intact = false;
      break;
    case 5:
      text = text.replace("{", `{"Pad":"${"x".repeat(r.pick([60000, 70000]))}",`);
      intact = false;
      break;
    case 6:
      text = text.replace("}", `,"Hash":"${"0".repeat(64)}"}`);
      intact = false;
      tampered = true;
      break;
    case 7:
      text = r.pick(["", "null", "[]", `"${text}"`, "{}", String.fromCharCode(...Array.from({ length: 64 }, () => r.int(0xffff)))]);
      intact = false;
      break;
    default:
  }
  const finalStatusId = Number(text.match(/"[Pp]aymentStatusId":(\d+)/)?.[1] ?? statusId);
  // The latest activity as the callback reports it, for an inquiry that confirms it.
  const activity = {
    activityId: fields.PaymentRequestActivityId,
    terminalId: fields.TerminalId,
    displayCode: fields.DisplayCode,
    merchant,
    amount,
    typeId,
    statusId: finalStatusId,
  };
  return { text, signKey, intact, tampered, typeId, statusId: finalStatusId, activity };
}

/** The callback's body as the caller hands it over: text, bytes of some kind, or anything else. */
function callbackBody(r, text) {
  const bytes = new TextEncoder().encode(text);
  switch (r.int(13)) {
    case 0:
      return { body: bytes, readable: true };
    case 1:
      return { body: bytes.slice().buffer, readable: true };
    case 2:
      return { body: Buffer.from(text), readable: true };
    case 3:
      return { body: new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]), readable: true };
    case 4:
      // Any view reads as its bytes.
      return { body: new DataView(bytes.buffer), readable: true };
    case 5:
      return { body: r.pick([null, undefined, 42, 10n, Symbol("b"), {}, [], new String(text), everythingThrows(new Error("body"))]), readable: false };
    default:
      return { body: text, readable: true };
  }
}

/** The hash key as the caller passes it: mostly WEBHOOK_KEY. */
function callbackKey(r) {
  if (r.chance(0.9)) return WEBHOOK_KEY;
  return r.pick([undefined, "", 5, Symbol("k"), 1n, "k".repeat(5000), everythingThrows(new Error("key")), "another-webhook-key"]);
}

/** Every way an error is printed or shipped to a log. */
function printedForms(error) {
  return [error.message, error.stack, JSON.stringify(error), util.inspect(error, { depth: 5 }), String(error)].join("\n");
}

/**
 * How long a call with these settings may take: its attempts and waits, and a margin. This
 * detects a call that never settles, not a slow one: the margin covers a loaded machine,
 * whose event loop runs timers seconds late while 64 calls share it.
 */
function budgetFor(timeoutMs, maxRetries, extraAttempts = 0) {
  // Attempts are bounded by their timeout; the wait before retry k by the larger of the
  // backoff (at most 500 * 2^(k-1) ms) and the longest sane Retry-After drawn here (1 s).
  let waits = 0;
  for (let k = 1; k <= maxRetries; k += 1) waits += Math.max(1_000, Math.min(500 * 2 ** (k - 1), 8_000));
  return (maxRetries + 1 + extraAttempts) * (timeoutMs + 100) + waits + 15_000;
}

/**
 * Runs `calls` calls, IN_FLIGHT at a time: `make(r, index)` draws every random choice of one
 * call up front (so a seed replays exactly) and returns `{ call, budget, check }`; `check`
 * returns what is wrong with the outcome (`{ result }` or `{ error }`), if anything, and the
 * name it is counted under.
 */
async function runMix(seed, calls, make) {
  const r = generator(seed);
  const counts = {};
  const failures = [];
  let next = 0;
  async function one(index) {
    const { call, budget, check } = make(r, index);
    let timer;
    const watchdog = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ hung: true }), budget);
    });
    const outcome = await Promise.race([
      call().then(
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
    if (outcome.error !== undefined && !(outcome.error instanceof PaywallError)) {
      failures.push(`${where}: rejected with ${util.inspect(outcome.error)}`);
      return;
    }
    if (outcome.error) {
      const { error } = outcome;
      if (typeof error.retryable !== "boolean") failures.push(`${where}: retryable ${error.retryable}`);
      if (!Number.isInteger(error.attempts) || error.attempts < 0 || error.attempts > 11) {
        failures.push(`${where}: attempts ${error.attempts}`);
      }
      const text = printedForms(error);
      for (const secret of [KEY, CLIENT, WEBHOOK_KEY]) {
        if (text.includes(secret)) failures.push(`${where}: a key in\n${text}`);
      }
    }
    const { counted, problems } = check(outcome);
    counts[counted] = (counts[counted] ?? 0) + 1;
    for (const problem of problems) failures.push(`${where}: ${problem}`);
  }
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < calls) {
        const index = next;
        next += 1;
        await one(index);
      }
    }),
  );
  return { counts, failures };
}

/** What is wrong with a result that must be for `paymentRequestId`, with an activity id. */
function ownPaymentProblems(result, paymentRequestId) {
  const problems = [];
  if (typeof paymentRequestId !== "string" || result.paymentRequestId.toLowerCase() !== paymentRequestId.toLowerCase()) {
    problems.push(`resolved for ${result.paymentRequestId}, asked for ${String(paymentRequestId)}`);
  }
  if (!GUID.test(result.paymentRequestActivityId)) problems.push(`activity id ${result.paymentRequestActivityId}`);
  return problems;
}

/** Problems of a cancel's or an inquiry's error: a kind it can have. */
function errorProblems(error, kinds) {
  return kinds.includes(error.kind) ? [] : [`kind ${error.kind}`];
}

/** The state a cancel's codes amount to (issue 13). */
function stateOf(type, status) {
  if ([3, 5, 12].includes(status)) return "failed";
  if (type === 2 && status === 4) return "cancelled";
  if (type === 2 && [1, 2, 7, 8, 9, 10, 11].includes(status)) return "pending";
  return "unknown";
}

describe(`${CALLS} hostile calls of each function (seed ${SEED})`, () => {
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

  it("cancels each settle in time with a result for their own payment or a clean PaywallError", async () => {
    const { counts, failures } = await runMix(SEED, CALLS, (r) => {
      const id = guid(r);
      // Inquiries (the reconciliation's) that mostly show a cancellation, in some status.
      const { config, timeoutMs, maxRetries } = hostileConfig(r, id, [2, r.pick([4, 4, 2, 11, 5])]);
      const paymentRequestId = hostileId(r, id);
      return {
        call: () => cancelPayment(config, paymentRequestId),
        // One more attempt: the inquiry that reconciles a lost answer.
        budget: budgetFor(timeoutMs, maxRetries, 1),
        check({ result, error }) {
          if (error) return { counted: error.kind, problems: errorProblems(error, KINDS) };
          const problems = ownPaymentProblems(result, paymentRequestId);
          if (!Number.isInteger(result.paymentStatus) || !Number.isInteger(result.paymentRequestActivityTypeId)) {
            problems.push(`codes ${JSON.stringify(result)}`);
          }
          if (result.state !== stateOf(result.paymentRequestActivityTypeId, result.paymentStatus)) {
            problems.push(`state ${JSON.stringify(result)}`);
          }
          if (!["response", "inquiry"].includes(result.confirmedBy)) problems.push(`confirmedBy ${result.confirmedBy}`);
          if (result.confirmedBy === "inquiry" && result.paymentRequestActivityTypeId !== 2) {
            problems.push(`resolved by an inquiry that shows no cancellation: ${JSON.stringify(result)}`);
          }
          return { counted: `ok by ${result.confirmedBy}`, problems };
        },
      };
    });
    console.log(`cancel outcomes: ${JSON.stringify(counts)}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} calls misbehaved`);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), CALLS);
    for (const kind of [...KINDS, "ok by response", "ok by inquiry"]) {
      assert.ok(counts[kind] > 0, `the mix never produced ${kind}: ${JSON.stringify(counts)}`);
    }
  });

  it("inquiries each settle in time with their own payment or a clean PaywallError", async () => {
    const { counts, failures } = await runMix(SEED + 1, CALLS, (r) => {
      const id = guid(r);
      const { config, timeoutMs, maxRetries } = hostileConfig(r, id);
      const paymentRequestId = hostileId(r, id);
      return {
        call: () => inquirePayment(config, paymentRequestId),
        budget: budgetFor(timeoutMs, maxRetries),
        check({ result, error }) {
          if (error) return { counted: error.kind, problems: errorProblems(error, KINDS) };
          const problems = ownPaymentProblems(result, paymentRequestId);
          if (!Number.isInteger(result.paymentTypeId) || !Number.isInteger(result.paymentStatusId)) {
            problems.push(`codes ${JSON.stringify(result)}`);
          }
          if (Object.keys(result).length !== 14) problems.push(`fields ${Object.keys(result)}`);
          if (result.amountText !== null && typeof result.amountText !== "string") problems.push(`amountText ${result.amountText}`);
          for (const name of ["terminalId", "merchantUniqueCode", "displayCode", "callbackAddress", "createdDate", "modifiedDate"]) {
            if (result[name] !== null && typeof result[name] !== "string") problems.push(`${name} ${result[name]}`);
          }
          for (const name of ["amount", "currencyId", "paymentChannelId"]) {
            if (result[name] !== null && typeof result[name] !== "number") problems.push(`${name} ${result[name]}`);
          }
          return { counted: "ok", problems };
        },
      };
    });
    console.log(`inquiry outcomes: ${JSON.stringify(counts)}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} calls misbehaved`);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), CALLS);
    for (const kind of [...KINDS, "ok"]) {
      assert.ok(counts[kind] > 0, `the mix never produced ${kind}: ${JSON.stringify(counts)}`);
    }
  });

  it("callback checks each settle in time: genuine ones verify, forged ones never do", async () => {
    const { counts, failures } = await runMix(SEED + 2, CALLS, (r) => {
      const id = guid(r);
      const callback = callbackText(r, id);
      const { body, readable } = callbackBody(r, callback.text);
      const hashKey = callbackKey(r);
      const signedWithIt = callback.signKey === hashKey;
      let options;
      let confirming = false;
      let timeoutMs = 0;
      let maxRetries = 0;
      // Options that ask for nothing (absent, null, empty), or that cannot be followed (a
      // confirmWith that is there but unset, an option of another name, a Proxy that throws):
      // the latter fail closed, with kind config.
      let plain = true;
      let refused = false;
      switch (r.int(8)) {
        case 0:
          options = r.pick([
            {},
            null,
            Object.freeze({ confirmWith: undefined }),
            { confirmWith: null },
            { confirmwith: {} },
            everythingThrows(new Error("options")),
          ]);
          refused = util.types.isProxy(options) || (options !== null && Object.keys(options).length > 0);
          plain = !refused;
          break;
        case 1:
        case 2:
          ({ config: options, timeoutMs, maxRetries } = hostileConfig(r, id, callback.activity));
          options = { confirmWith: options };
          confirming = true;
          plain = false;
          break;
        default:
      }
      return {
        call: () => verifyCallback(body, hashKey, options),
        budget: budgetFor(timeoutMs, maxRetries),
        check({ result, error }) {
          const problems = [];
          const mustVerify = callback.intact && signedWithIt && readable && plain && !confirming;
          const cannotVerify = callback.tampered || !signedWithIt || !readable;
          if (refused && !(error && ["config", "input", "decode", "signature"].includes(error.kind))) {
            problems.push(`options that cannot be followed were not refused: ${error?.kind ?? "verified"}`);
          }
          if (error) {
            if (mustVerify) problems.push(`a genuine callback refused (${error.kind}): ${error.message}`);
            if (!confirming) problems.push(...errorProblems(error, CALLBACK_KINDS));
            // A genuine callback that could not be confirmed is never called bad: the inquiry's
            // failure is no verdict on it (only a disagreeing inquiry is, kind signature).
            const genuine = callback.intact && signedWithIt && readable && !refused;
            if (confirming && genuine && ["decode", "input"].includes(error.kind)) {
              problems.push(`an unconfirmed genuine callback reported as ${error.kind}: ${error.message}`);
            }
            // The Hash's own check, or (confirming) the inquiry's contradiction.
            if (error.kind === "signature" && !/Hash|inquiry/.test(error.message)) problems.push(`message ${error.message}`);
            return { counted: error.kind, problems };
          }
          if (cannotVerify) problems.push(`a forged or unreadable callback verified: ${callback.text.slice(0, 3000)}`);
          if (result.paymentRequestId.toLowerCase() !== id) problems.push(`payment ${result.paymentRequestId}`);
          if (!GUID.test(result.paymentRequestActivityId)) problems.push(`activity ${result.paymentRequestActivityId}`);
          if (result.paymentStatusId !== callback.statusId) problems.push(`status ${result.paymentStatusId} of ${callback.text}`);
          if (typeof result.amount !== "number") problems.push(`amount ${result.amount}`);
          if (result.amountText !== callback.activity.amount) problems.push(`amountText ${result.amountText}`);
          if (Object.keys(result).length !== 11) problems.push(`fields ${Object.keys(result)}`);
          return { counted: confirming ? "ok confirmed" : "ok", problems };
        },
      };
    });
    console.log(`callback outcomes: ${JSON.stringify(counts)}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} calls misbehaved`);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), CALLS);
    for (const kind of [...CALLBACK_KINDS, "ok", "ok confirmed", "network"]) {
      assert.ok(counts[kind] > 0, `the mix never produced ${kind}: ${JSON.stringify(counts)}`);
    }
  });

  it("leaves no rejection unhandled", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(unhandled, []);
  });

  it("still cancels, inquires and verifies an ordinary payment afterwards", async () => {
    const id = idOf("demoPayment1");
    const result = await cancelPayment(configFor(standIn), id);
    assert.equal(result.paymentStatus, 4);
    assert.equal(result.state, "cancelled");
    const inquiry = await inquirePayment(configFor(standIn), id);
    assert.equal(inquiry.paymentRequestActivityId, result.paymentRequestActivityId);
    const hash = callbackHash(WEBHOOK_KEY, id, "ORDER-1", "1.50");
    const body = `{"PaymentRequestId":"${id}","PaymentRequestActivityId":"${result.paymentRequestActivityId}","PaymentTypeId":2,"PaymentStatusId":4,"MerchantUniqueCode":"ORDER-1","Amount":1.50,"Hash":"${hash}"}`;
    assert.equal((await verifyCallback(body, WEBHOOK_KEY)).paymentStatusId, 4);
  });
});
