#!/usr/bin/env node
// A local stand-in for Paywall's Physical POS API: Async Cancel with stateful seeded
// payments and fault injection, plus the neighbouring sale and inquiry endpoints and the
// signed callbacks Paywall posts to a sale's CallbackAddress. The demo and every test talk
// to it; it listens on 127.0.0.1 only.
//
//   import { startStandIn } from "./standin/server.mjs";
//   const standIn = await startStandIn();        // standIn.url is http://127.0.0.1:<port>
//
//   node standin/server.mjs [--port N]           // prints PAYWALL_STANDIN_URL=... and serves
import http from "node:http";
import zlib from "node:zlib";
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  ACTIVITY_TYPE,
  CLIENT_MESSAGES,
  CURRENCIES,
  MESSAGES,
  PAYMENT_CHANNELS,
  PAYMENT_STATUS,
  PAYMENT_STATUS_API_NAME,
  PAYMENT_TYPE_API_NAME,
  SCENARIOS,
  STANDIN_CONNECTION_ID,
  STANDIN_KEYS,
  STANDIN_WEBHOOK_KEY,
  scenarioFor,
} from "./scenarios.mjs";

/** Bodies larger than this are refused (413): envelopes are tiny. */
const MAX_BODY_BYTES = 64 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Statuses a cancel is refused for, as Paywall's NotConvenientStatusForThisOperation. */
const NOT_CANCELLABLE = new Set([
  PAYMENT_STATUS.CouldNotSendToDevice,
  PAYMENT_STATUS.Failed,
  PAYMENT_STATUS.Unknown,
  PAYMENT_STATUS.RolledBack,
]);

/** Paywall's "Anahtar Tipleri" table: 7 is PhysicalPosWebhook, the key callbacks are signed with. */
const HASH_KEY_TYPE_PHYSICAL_POS_WEBHOOK = 7;
/** PhysicalPos, the 9th of Paywall's hash formats (its number is the stand-in's assumption). */
const HASH_FORMAT_PHYSICAL_POS = 9;
/** The `Message` of a callback for a failed payment: the stand-in's own sentence. */
const CALLBACK_FAILURE_MESSAGE = "The operation failed on the POS device.";

/** A CallbackAddress the stand-in accepts: an http(s) address, 150 characters at most (Paywall's limit). */
function isCallbackAddress(value) {
  if (typeof value !== "string" || value.length > 150) return false;
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Retry-After",
};

/** A property of a JSON body, matched without regard to letter case, as ASP.NET binds it. */
function field(body, name) {
  if (body === null || typeof body !== "object") return undefined;
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** One MiB of zeros, gzipped: gzip members may be concatenated, so N of them inflate to N MiB. */
let gzippedMiB;

/**
 * Writes `count` chunks from `chunkAt(i)` to `response`, waiting for the socket to drain,
 * and stops when the client goes away. Resolves to the number of bytes written.
 */
function writeChunks(response, count, chunkAt) {
  return new Promise((resolve) => {
    let index = 0;
    let written = 0;
    const done = () => resolve(written);
    response.once("close", done);
    const more = () => {
      while (index < count && !response.destroyed) {
        const chunk = chunkAt(index++);
        written += chunk.length;
        if (!response.write(chunk)) {
          response.once("drain", more);
          return;
        }
      }
      if (!response.destroyed) response.end();
    };
    more();
  });
}

/**
 * A body that echoes a request's headers, as a careless proxy or server would, the two key
 * headers first.
 */
function echoBody(format, requestHeaders) {
  const { apikeyprivate, apiclientprivate, ...rest } = requestHeaders;
  const headers = { apikeyprivate, apiclientprivate, ...rest };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  switch (format) {
    case "html": {
      // The key starts 18 characters before the 160 that an error message quotes of a page,
      // so that a cut made before redaction would show 18 characters of it.
      const head = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>\n<h1>Bad Gateway</h1>\n<p>Refused";
      const tail = "</p>\n<pre>\napikeyprivate: ";
      const filler = ".".repeat(Math.max(0, 142 - `${head}${tail}`.replace(/\s+/g, " ").length));
      return `${head}${filler}${tail}${lines.join("\n").slice("apikeyprivate: ".length)}\n</pre></body></html>\n`;
    }
    case "json":
      return JSON.stringify({ error: "Bad Request", request: { headers } });
    case "envelope":
      return JSON.stringify({
        result: null,
        failed: true,
        succeeded: false,
        message: `The key ${headers.apikeyprivate} is not allowed to cancel this payment.`,
        clientMessage: `System.AuthError ${headers.apikeyprivate}`,
      });
    default:
      throw new Error(`unknown echo format ${format}`);
  }
}

/**
 * An amount as Paywall's .NET server writes it. A C# decimal keeps its scale, so an amount
 * stored with two decimals is written `125.50`, not `125.5` (the stand-in's assumption: the
 * amount comes back from a two-decimal column). JSON.stringify cannot write that, so `toJson`
 * writes these by hand; the callback's Hash covers this very text.
 */
class DecimalText {
  constructor(amount) {
    this.text = Number(amount).toFixed(2);
  }

  /** What JSON.stringify writes for it: a marked string that `toJson` turns into the number. */
  toJSON() {
    return `${DECIMAL_MARK}:${this.text}`;
  }
}

/** A marker no real value contains, for `toJson` to find where a DecimalText goes. */
const DECIMAL_MARK = `standin-decimal-${randomUUID()}`;
const DECIMAL_PLACEHOLDER = new RegExp(`"${DECIMAL_MARK}:(-?\\d+\\.\\d+)"`, "g");

/** JSON.stringify, except that each DecimalText is written as its exact number text. */
function toJson(value) {
  const text = JSON.stringify(value);
  return text.includes(DECIMAL_MARK) ? text.replace(DECIMAL_PLACEHOLDER, "$1") : text;
}

/**
 * The time `epochMicros` (default: now) as Paywall's inquiry writes its dates: a .NET
 * DateTime without a zone, in the server's local time, with microseconds, like the
 * documented "2024-09-02T13:52:34.504179". (Local time: the stand-in's assumption, since
 * the documented value has no zone.)
 */
function localTimestamp(epochMicros = Math.round((performance.timeOrigin + performance.now()) * 1000)) {
  const date = new Date(Math.floor(epochMicros / 1000));
  const two = (n) => String(n).padStart(2, "0");
  const micros = String(epochMicros % 1_000_000).padStart(6, "0");
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${micros}`
  );
}

/**
 * The DisplayCode of a payment whose sale gave none: Paywall documents DisplayCode as the
 * sale's optional "code shown on the terminal" (25 characters at most) but not what it holds
 * without one; the stand-in's assumption is a short code made of the id's first 8 digits.
 */
function displayCodeFor(paymentRequestId) {
  return paymentRequestId.slice(0, 8).toUpperCase();
}

/** The address a request came from, without the IPv4-in-IPv6 prefix. */
function clientIp(request) {
  return (request.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}

/**
 * The `Hash` of a Paywall Physical POS callback: the lowercase hex SHA-256 of the UTF-8 text
 * `{webhookKey}###{paymentRequestId}###{merchantUniqueCode}###{amountText}`, as Paywall's
 * "Hash Oluşturma" page documents it. `amountText` must be the Amount exactly as the
 * callback's raw body writes it ("125.50", not 125.5), so it has to be a string.
 */
export function callbackHash(webhookKey, paymentRequestId, merchantUniqueCode, amountText) {
  if (typeof amountText !== "string") {
    throw new TypeError("callbackHash: amountText must be the Amount's text as written in the body, e.g. \"125.50\"");
  }
  return createHash("sha256")
    .update(`${webhookKey}###${paymentRequestId}###${merchantUniqueCode}###${amountText}`, "utf8")
    .digest("hex");
}

/** Rewrites the keys of an envelope in PascalCase, for answers spelled like Paywall's tables. */
function pascal(value) {
  if (Array.isArray(value)) return value.map(pascal);
  if (value === null || typeof value !== "object" || value instanceof DecimalText) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key[0].toUpperCase() + key.slice(1), pascal(inner)]),
  );
}

function successEnvelope(result) {
  return { result, failed: false, message: null, clientMessage: null, succeeded: true };
}

function failureEnvelope(clientMessage, message = MESSAGES[clientMessage], errorCode) {
  const envelope = { result: null, failed: true, message, clientMessage, succeeded: false };
  if (errorCode !== undefined) envelope.errorCode = errorCode;
  return envelope;
}

/**
 * Whether a scenario exists for the test suites rather than the demo: it injects faults into
 * cancels or inquiries, or a cancel leaves it in another state than a successful cancellation.
 */
function forTestSuites(scenario) {
  if (!scenario) return false;
  return scenario.faults.length > 0 || scenario.inquiryFaults.length > 0 || scenario.cancelStatus !== undefined;
}

/**
 * The seeded payments, fresh. They were made, as far as the inquiry tells, an hour before the
 * seed, by a till on this machine (127.0.0.1); those no longer in their first state (a sale
 * sent to the device, ModifiedDate null as in Paywall's sample) changed half an hour later.
 * They all carry `callbackAddress`: null unless startStandIn was given one.
 */
function seedPayments(callbackAddress) {
  const payments = new Map();
  const seededAt = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const hourMicros = 3600 * 1_000_000;
  for (const scenario of Object.values(SCENARIOS)) {
    if (!scenario.payment) continue;
    const untouched =
      scenario.payment.activityTypeId === ACTIVITY_TYPE.Sale &&
      scenario.payment.paymentStatus === PAYMENT_STATUS.SentToDevice;
    payments.set(scenario.paymentRequestId, {
      paymentRequestId: scenario.paymentRequestId,
      paymentRequestActivityId: randomUUID(),
      scenario: scenario.name,
      description: scenario.description,
      ...scenario.payment,
      displayCode: displayCodeFor(scenario.paymentRequestId),
      callbackAddress,
      ip: "127.0.0.1",
      createdDate: localTimestamp(seededAt - hourMicros),
      modifiedDate: untouched ? null : localTimestamp(seededAt - hourMicros / 2),
    });
  }
  return payments;
}

/**
 * Creates a payment on the stand-in at `baseUrl` through its async sale endpoint, as a till
 * would, and resolves to its PaymentRequestId: a fresh cancellable payment for the tests,
 * the bench and the soak. `callbackAddress`, if given, is the sale's CallbackAddress (where
 * the stand-in posts the payment's callbacks). Throws if the stand-in does not accept the sale.
 */
export async function createPayment(baseUrl, { merchantUniqueCode, amount = 10, callbackAddress }) {
  const response = await fetch(`${baseUrl}/api/payment/async/sale`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      apikeyprivate: STANDIN_KEYS.apiKeyPrivate,
      apiclientprivate: STANDIN_KEYS.apiClientPrivate,
    },
    body: JSON.stringify({
      TerminalId: "T-0001",
      MerchantUniqueCode: merchantUniqueCode,
      Amount: amount,
      CurrencyId: 1,
      ...(callbackAddress === undefined ? {} : { CallbackAddress: callbackAddress }),
      Products: [{ Name: "Item", Amount: amount }],
    }),
  });
  const envelope = await response.json();
  if (response.status !== 200 || envelope.Succeeded !== true) {
    throw new Error(`the stand-in refused the sale (HTTP ${response.status}): ${JSON.stringify(envelope)}`);
  }
  return envelope.Result.PaymentRequestId;
}

/**
 * Starts the stand-in. Resolves to `{ url, port, close, reset, requests, attempts, inquiries,
 * payments, bigAnswers, callbacks, sendCallback }`: `requests` is the live log of requests
 * (`{ method, path, headers, body, receivedAt, abandoned }`, header names in lowercase, plus
 * `fault`, the fault type applied, and `cancel`, what Paywall's handling of a cancel did:
 * `{ applied: true, paymentStatus }` or `{ applied: false, clientMessage }`, whether or not
 * the answer was sent), `attempts(id)` and `inquiries(id)` count the cancel and inquiry
 * requests seen for an id, and `bigAnswers` lists how many bytes each oversized answer (the
 * gzipBomb and hugeBody faults) had written when the client stopped reading it.
 * The log keeps at least the last `logLimit` requests and at most twice that, so that a
 * stand-in serving a soak or a long demo session does not grow without end.
 *
 * Callbacks: `callbacks` lists each delivery, `{ url, body, status, error, sentAt }` (`body`
 * the exact text sent, `status` the receiver's HTTP status or null, `error` why the delivery
 * failed or null), once it is over. `sendCallback(id, { paymentStatusId, to })` sends the
 * payment's callback now and resolves to its record. `webhookKey` signs them;
 * `callbackAddress` is the CallbackAddress of the seeded payments (none by default);
 * `callbackDelayMs` is how long after a cancel its callback leaves; `callbackTimeoutMs` how
 * long a receiver may take to answer.
 */
export async function startStandIn({
  port = 0,
  host = "127.0.0.1",
  keys = STANDIN_KEYS,
  quiet = true,
  logLimit = 10_000,
  holdCancelsMs = 0,
  webhookKey = STANDIN_WEBHOOK_KEY,
  callbackAddress = null,
  callbackDelayMs = 20,
  callbackTimeoutMs = 5000,
} = {}) {
  if (!LOOPBACK.has(host)) {
    throw new Error(`the stand-in listens on loopback only, not on ${host}`);
  }
  let payments = seedPayments(callbackAddress);
  let attemptCounts = new Map();
  let inquiryCounts = new Map();
  /** Each callback delivery, once it is over (see above). */
  const callbacks = [];
  /** Callbacks waiting for their delay, and deliveries under way: reset and close end them. */
  const callbackTimers = new Set();
  const deliveries = new Set();
  /** Bumped by reset and close: a delivery that started before is not recorded after. */
  let generation = 0;
  /** The log entry of each request being handled, so that handlers can note what happened. */
  const entries = new WeakMap();
  const requests = [];
  const pendingTimers = new Set();
  /** How many bytes each gzipBomb or hugeBody answer got out before the client stopped it. */
  const bigAnswers = [];
  let inFlight = 0;
  let peakInFlight = 0;
  /** Cancel requests abandoned by their client before an answer, by payment request id. */
  let abandonedCounts = new Map();

  function log(text) {
    if (!quiet) process.stderr.write(`[standin] ${text}\n`);
  }

  function send(response, status, body, headers = {}) {
    const text = typeof body === "string" ? body : toJson(body);
    const contentType =
      headers["content-type"] ?? (typeof body === "string" ? "text/plain" : "application/json; charset=utf-8");
    response.writeHead(status, { ...CORS_HEADERS, ...headers, "content-type": contentType });
    response.end(text);
  }

  function authorized(request) {
    return (
      request.headers.apikeyprivate === keys.apiKeyPrivate &&
      request.headers.apiclientprivate === keys.apiClientPrivate
    );
  }

  /** Adds what happened to a request's log entry. */
  function note(request, facts) {
    const entry = entries.get(request);
    if (entry) Object.assign(entry, facts);
  }

  /**
   * The fault for this attempt, if the scenario has one left (or repeats its last); `faults`
   * is the list to take it from: the scenario's `faults` for cancels, `inquiryFaults` for
   * inquiries.
   */
  function faultFor(scenario, attempt, faults = scenario?.faults ?? []) {
    if (faults.length === 0) return undefined;
    if (attempt <= faults.length) return faults[attempt - 1];
    const last = faults[faults.length - 1];
    return last.repeat ? last : undefined;
  }

  function retryAfterValue(retryAfter) {
    if (typeof retryAfter === "string") return retryAfter;
    // An HTTP date has whole seconds: round up so the date is at least httpDateIn ahead.
    const at = Math.ceil((Date.now() + retryAfter.httpDateIn * 1000) / 1000) * 1000;
    return new Date(at).toUTCString();
  }

  /**
   * Paywall's own handling of a cancel, once faults are out of the way: changes the payment
   * (and schedules its callback) when Paywall accepts the cancel, notes what it did in the
   * request's log entry, and returns the envelope Paywall answers, whether or not a fault
   * then lets it reach the client.
   */
  function carryOutCancel(request, id, scenario) {
    const payment = payments.get(id);
    const refusal = (clientMessage, errorCode) => {
      note(request, { cancel: { applied: false, clientMessage } });
      return failureEnvelope(clientMessage, undefined, errorCode);
    };
    if (!payment) return refusal(CLIENT_MESSAGES.RequestNotFound);
    const errorCode = scenario?.includeErrorCode;
    if (
      payment.activityTypeId === ACTIVITY_TYPE.Cancellation ||
      payment.activityTypeId === ACTIVITY_TYPE.Refund
    ) {
      return refusal(CLIENT_MESSAGES.AlreadyHasRefundOrCancel, errorCode);
    }
    if (NOT_CANCELLABLE.has(payment.paymentStatus)) {
      return refusal(CLIENT_MESSAGES.NotConvenientStatus, errorCode);
    }
    if (scenario?.refusal) return refusal(scenario.refusal, errorCode);
    payment.activityTypeId = ACTIVITY_TYPE.Cancellation;
    payment.paymentStatus = scenario?.cancelStatus ?? PAYMENT_STATUS.Successful;
    payment.paymentRequestActivityId = randomUUID();
    payment.modifiedDate = localTimestamp();
    note(request, { cancel: { applied: true, paymentStatus: payment.paymentStatus } });
    scheduleCallback(payment);
    return successEnvelope({
      paymentRequestId: payment.paymentRequestId,
      paymentRequestActivityId: payment.paymentRequestActivityId,
      paymentRequestActivityTypeId: payment.activityTypeId,
      paymentStatus: payment.paymentStatus,
    });
  }

  /** What an inquiry answers for a payment: its state, as Paywall's "Sorgulama" page shows it. */
  function inquiryResult(payment) {
    return {
      paymentRequestId: payment.paymentRequestId,
      paymentRequestActivityId: payment.paymentRequestActivityId,
      terminalId: payment.terminalId,
      merchantUniqueCode: payment.merchantUniqueCode,
      displayCode: payment.displayCode,
      callbackAddress: payment.callbackAddress,
      amount: new DecimalText(payment.amount),
      paymentChannelId: 1,
      paymentChannel: PAYMENT_CHANNELS[1],
      currencyId: payment.currencyId,
      currency: CURRENCIES[payment.currencyId] ?? null,
      IP: payment.ip, // spelled as Paywall's sample spells it (pascal() would write "Ip")
      paymentTypeId: payment.activityTypeId,
      paymentType: PAYMENT_TYPE_API_NAME[payment.activityTypeId] ?? null,
      paymentStatusId: payment.paymentStatus,
      paymentStatus: PAYMENT_STATUS_API_NAME[payment.paymentStatus] ?? null,
      createdDate: payment.createdDate,
      modifiedDate: payment.modifiedDate,
    };
  }

  /**
   * The two requests faults can wrap. Each has `carryOut()`, Paywall's own handling (for a
   * cancel, changing the payment), which returns the answer `{ status, body }`;
   * `spell(envelope)`, the endpoint's casing; and `foreignResult()`, a success envelope for
   * another payment.
   */
  function cancelOperation(request, id, scenario) {
    const spell = (envelope) => (scenario?.casing === "pascal" ? pascal(envelope) : envelope);
    return {
      spell,
      carryOut: () => ({ status: 200, body: spell(carryOutCancel(request, id, scenario)) }),
      foreignResult: () =>
        spell(
          successEnvelope({
            paymentRequestId: randomUUID(),
            paymentRequestActivityId: randomUUID(),
            paymentRequestActivityTypeId: ACTIVITY_TYPE.Cancellation,
            paymentStatus: PAYMENT_STATUS.Successful,
          }),
        ),
    };
  }

  function inquiryOperation(id) {
    const payment = () => payments.get(id);
    return {
      spell: pascal,
      carryOut: () =>
        payment()
          ? { status: 200, body: pascal(successEnvelope(inquiryResult(payment()))) }
          : { status: 200, body: pascal(failureEnvelope(CLIENT_MESSAGES.RequestNotFound)) },
      foreignResult: () =>
        pascal(successEnvelope({ ...inquiryResult(payment()), paymentRequestId: randomUUID() })),
    };
  }

  /** Sends what `carryOut()` returned, unless the client has gone. */
  function answer(response, { status, body }) {
    if (!response.destroyed) send(response, status, body);
  }

  /** Applies a fault; returns true when it answered (or deliberately did not). */
  function applyFault(fault, request, response, operation) {
    note(request, { fault: fault.type });
    switch (fault.type) {
      case "answer": {
        const headers = { ...(fault.headers ?? {}), "content-type": fault.contentType };
        if (fault.retryAfter !== undefined) headers["retry-after"] = retryAfterValue(fault.retryAfter);
        send(response, fault.status, fault.body, headers);
        return true;
      }
      case "refuse":
        send(response, fault.status, operation.spell(failureEnvelope(fault.clientMessage)));
        return true;
      case "foreignResult":
        send(response, 200, operation.foreignResult());
        return true;
      case "drop":
        request.socket.destroy();
        return true;
      case "hang":
        return true;
      case "applyThenDrop":
        // Paywall did the work; only its answer is lost on the way back.
        operation.carryOut();
        request.socket.destroy();
        return true;
      case "applyThenHang":
        operation.carryOut();
        return true;
      case "echoHeaders":
        if (fault.format === "location") {
          send(response, fault.status, "Found", {
            location: `/login?key=${encodeURIComponent(request.headers.apikeyprivate ?? "")}`,
          });
        } else {
          send(response, fault.status, echoBody(fault.format, request.headers), {
            "content-type": fault.format === "html" ? "text/html" : "application/json",
          });
        }
        return true;
      case "gzipBomb": {
        gzippedMiB ??= zlib.gzipSync(Buffer.alloc(1 << 20), { level: 9 });
        response.writeHead(200, {
          ...CORS_HEADERS,
          "content-type": "application/json",
          "content-encoding": "gzip",
        });
        writeChunks(response, fault.inflatedMiB, () => gzippedMiB).then((bytes) => {
          bigAnswers.push({ fault: fault.type, bytesWritten: bytes });
        });
        return true;
      }
      case "hugeBody": {
        const chunk = Buffer.alloc(64 * 1024, "x");
        response.writeHead(200, { ...CORS_HEADERS, "content-type": "text/plain" });
        writeChunks(response, Math.ceil(fault.bytes / chunk.length), () => chunk).then((bytes) => {
          bigAnswers.push({ fault: fault.type, bytesWritten: bytes });
        });
        return true;
      }
      case "delay": {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          if (!response.destroyed) answer(response, operation.carryOut());
        }, fault.ms);
        pendingTimers.add(timer);
        return true;
      }
      default:
        throw new Error(`unknown fault type ${fault.type}`);
    }
  }

  function handleCancel(request, response, body) {
    if (!authorized(request)) {
      return send(response, 401, failureEnvelope(CLIENT_MESSAGES.AuthError));
    }
    const id = field(body, "PaymentRequestId");
    if (typeof id !== "string" || !GUID.test(id)) {
      return send(
        response,
        400,
        failureEnvelope(CLIENT_MESSAGES.ValidationError, "PaymentRequestId must be a GUID."),
      );
    }
    const key = id.toLowerCase();
    const attempt = (attemptCounts.get(key) ?? 0) + 1;
    attemptCounts.set(key, attempt);
    const scenario = scenarioFor(key);
    const operation = cancelOperation(request, key, scenario);
    const fault = faultFor(scenario, attempt);
    if (fault && applyFault(fault, request, response, operation)) return;
    if (holdCancelsMs > 0) {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (!response.destroyed) answer(response, operation.carryOut());
      }, holdCancelsMs);
      pendingTimers.add(timer);
      return;
    }
    answer(response, operation.carryOut());
  }

  function handleInquiry(request, response, id) {
    if (!authorized(request)) {
      return send(response, 401, pascal(failureEnvelope(CLIENT_MESSAGES.AuthError)));
    }
    if (!GUID.test(id)) {
      return send(response, 200, pascal(failureEnvelope(CLIENT_MESSAGES.RequestNotFound)));
    }
    const key = id.toLowerCase();
    const attempt = (inquiryCounts.get(key) ?? 0) + 1;
    inquiryCounts.set(key, attempt);
    const scenario = scenarioFor(key);
    const operation = inquiryOperation(key);
    const fault = faultFor(scenario, attempt, scenario?.inquiryFaults ?? []);
    if (fault && applyFault(fault, request, response, operation)) return;
    answer(response, operation.carryOut());
  }

  /** What is wrong with an async sale request, or undefined. */
  function saleProblem(body) {
    if (body === null || typeof body !== "object") return "The body must be a JSON object.";
    if (!field(body, "TerminalId") && !field(body, "TerminalTagCode")) {
      return "TerminalId or TerminalTagCode is required.";
    }
    const merchantCode = field(body, "MerchantUniqueCode");
    if (typeof merchantCode !== "string" || merchantCode === "") return "MerchantUniqueCode is required.";
    const amount = field(body, "Amount");
    if (typeof amount !== "number" || !(amount > 0)) return "Amount must be a positive number.";
    const products = field(body, "Products");
    if (!Array.isArray(products) || products.length === 0) return "Products must list what is sold.";
    const total = products.reduce((sum, product) => sum + Number(field(product, "Amount")), 0);
    if (Math.abs(total - amount) > 0.005) return "The products' amounts must add up to Amount.";
    // Both optional; the lengths are those of Paywall's async sale table.
    const displayCode = field(body, "DisplayCode");
    if (displayCode != null && (typeof displayCode !== "string" || displayCode.length > 25)) {
      return "DisplayCode must be text of 25 characters at most.";
    }
    const callbackAddress = field(body, "CallbackAddress");
    if (callbackAddress != null && !isCallbackAddress(callbackAddress)) {
      return "CallbackAddress must be an http or https address of 150 characters at most.";
    }
    return undefined;
  }

  function handleSale(request, response, body) {
    if (!authorized(request)) {
      return send(response, 401, pascal(failureEnvelope(CLIENT_MESSAGES.AuthError)));
    }
    const problem = saleProblem(body);
    if (problem) {
      return send(response, 400, pascal(failureEnvelope(CLIENT_MESSAGES.ValidationError, problem)));
    }
    const id = randomUUID();
    const payment = {
      paymentRequestId: id,
      paymentRequestActivityId: randomUUID(),
      scenario: null,
      description: `Async sale ${field(body, "MerchantUniqueCode")}`,
      activityTypeId: ACTIVITY_TYPE.Sale,
      paymentStatus: PAYMENT_STATUS.SentToDevice,
      amount: field(body, "Amount"),
      currencyId: field(body, "CurrencyId") ?? 1,
      terminalId: field(body, "TerminalId") ?? field(body, "TerminalTagCode"),
      merchantUniqueCode: field(body, "MerchantUniqueCode"),
      displayCode: field(body, "DisplayCode") ?? displayCodeFor(id),
      callbackAddress: field(body, "CallbackAddress") ?? null,
      ip: clientIp(request),
      createdDate: localTimestamp(),
      modifiedDate: null,
    };
    payments.set(id, payment);
    send(
      response,
      200,
      pascal(
        successEnvelope({
          paymentRequestId: id,
          paymentRequestActivityId: payment.paymentRequestActivityId,
          paymentRequestActivityTypeId: payment.activityTypeId,
          paymentStatus: payment.paymentStatus,
        }),
      ),
    );
  }

  /**
   * A payment's callback as Paywall posts it: the exact JSON text (PascalCase, the Amount
   * with two decimals) and its Hash. `paymentStatusId` overrides the status, as a replayed or
   * forged callback would (the Hash does not cover it). `Message` is Paywall's "failure
   * message": null unless the status is Failed.
   */
  function callbackText(payment, paymentStatusId = payment.paymentStatus) {
    const amount = new DecimalText(payment.amount);
    return toJson({
      ConnectionId: STANDIN_CONNECTION_ID,
      TerminalId: payment.terminalId,
      PaymentRequestId: payment.paymentRequestId,
      PaymentRequestActivityId: payment.paymentRequestActivityId,
      PaymentTypeId: payment.activityTypeId,
      PaymentStatusId: paymentStatusId,
      MerchantUniqueCode: payment.merchantUniqueCode,
      DisplayCode: payment.displayCode,
      Amount: amount,
      Message: paymentStatusId === PAYMENT_STATUS.Failed ? CALLBACK_FAILURE_MESSAGE : null,
      Hash: callbackHash(webhookKey, payment.paymentRequestId, payment.merchantUniqueCode, amount.text),
      // Paywall's "Hash Formatları" page names its formats without numbers; the stand-in
      // numbers them in the page's order from 1, which makes PhysicalPos 9 (an assumption).
      HashFormat: HASH_FORMAT_PHYSICAL_POS,
      HashKeyType: HASH_KEY_TYPE_PHYSICAL_POS_WEBHOOK,
    });
  }

  /**
   * Posts `body` to `url` and resolves to the delivery's record (also added to `callbacks`,
   * unless a reset or close came first). Never throws: a refusal is the receiver's status, a
   * failure (unreachable, too slow, not a loopback address) is `error`.
   */
  async function deliver(url, body) {
    const record = { url, body, status: null, error: null, sentAt: Date.now() };
    const startedIn = generation;
    const stop = new AbortController();
    deliveries.add(stop);
    try {
      const target = new URL(url);
      // The stand-in is for tests and the demo: it posts to this machine only, never out.
      if (!LOOPBACK.has(target.hostname.replace(/^\[|\]$/g, ""))) {
        throw new Error(`the stand-in delivers callbacks to loopback addresses only, not to ${target.hostname}`);
      }
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body,
        redirect: "manual",
        signal: AbortSignal.any([stop.signal, AbortSignal.timeout(callbackTimeoutMs)]),
      });
      record.status = response.status;
      await response.body?.cancel();
    } catch (error) {
      record.error = error.cause?.message ? `${error.message}: ${error.cause.message}` : error.message;
    } finally {
      deliveries.delete(stop);
    }
    if (generation === startedIn) callbacks.push(record);
    return record;
  }

  /**
   * After Paywall changes a payment, its callback leaves shortly after, on its own: the
   * cancel's answer never waits for it (the state is taken now, sent `callbackDelayMs` later).
   */
  function scheduleCallback(payment) {
    if (!payment.callbackAddress) return;
    const url = payment.callbackAddress;
    const body = callbackText(payment);
    const timer = setTimeout(() => {
      callbackTimers.delete(timer);
      deliver(url, body).catch((error) => log(`callback: ${error.stack}`));
    }, callbackDelayMs);
    callbackTimers.add(timer);
  }

  /**
   * Sends the callback of payment `id` in its current state now, to `to` or the payment's
   * CallbackAddress, with `paymentStatusId` in place of its status if given; resolves to
   * the delivery's record. Throws for an unknown id or when there is nowhere to send it.
   */
  async function sendCallback(id, { paymentStatusId, to } = {}) {
    const payment = payments.get(String(id).toLowerCase());
    if (!payment) throw new Error(`the stand-in has no payment ${id}`);
    const url = to ?? payment.callbackAddress;
    if (!url) throw new Error(`payment ${id} has no CallbackAddress: say where to send it (to)`);
    return deliver(url, callbackText(payment, paymentStatusId));
  }

  /** Answers POST /__standin/callback/{id}: body `{ to?, paymentStatusId? }`, or none. */
  function handleSendCallback(response, id, rawBody) {
    let options;
    try {
      options = rawBody.trim() === "" ? {} : JSON.parse(rawBody);
    } catch {
      return send(response, 400, { error: "The body must be JSON: { to?, paymentStatusId? }." });
    }
    const { to, paymentStatusId } = options ?? {};
    if ((to !== undefined && typeof to !== "string") || (paymentStatusId !== undefined && !Number.isInteger(paymentStatusId))) {
      return send(response, 400, { error: "to must be an address and paymentStatusId an integer." });
    }
    const payment = payments.get(id.toLowerCase());
    if (!payment) return send(response, 404, { error: `No payment ${id}.` });
    if (!to && !payment.callbackAddress) {
      return send(response, 400, { error: "The payment has no CallbackAddress: give to." });
    }
    sendCallback(id, { to, paymentStatusId }).then(
      (record) => answer(response, { status: 200, body: record }),
      (error) => answer(response, { status: 500, body: { error: error.message } }),
    );
  }

  function listPayments() {
    return [...payments.values()].map((payment) => ({
      paymentRequestId: payment.paymentRequestId,
      scenario: payment.scenario,
      injectsFaults: forTestSuites(SCENARIOS[payment.scenario]),
      description: payment.description,
      paymentRequestActivityTypeId: payment.activityTypeId,
      paymentStatus: payment.paymentStatus,
      amount: payment.amount,
      currencyId: payment.currencyId,
    }));
  }

  function route(request, response, rawBody) {
    const { pathname } = new URL(request.url, "http://standin");
    const method = request.method;
    if (method === "OPTIONS") {
      response.writeHead(204, {
        ...CORS_HEADERS,
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "content-type, accept, apikeyprivate, apiclientprivate",
        "access-control-max-age": "600",
      });
      return response.end();
    }
    let body;
    if (method === "POST" && pathname.startsWith("/api/")) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return send(
          response,
          400,
          failureEnvelope(CLIENT_MESSAGES.ValidationError, "The body is not valid JSON."),
        );
      }
    }
    const inquiry = /^\/api\/payment\/inquiry\/([^/]+)$/.exec(pathname);
    const attempts = /^\/__standin\/attempts\/([^/]+)$/.exec(pathname);
    const callbackFor = /^\/__standin\/callback\/([^/]+)$/.exec(pathname);
    const routes = [
      ["POST", pathname === "/api/payment/async/cancel", () => handleCancel(request, response, body)],
      ["POST", pathname === "/api/payment/async/sale", () => handleSale(request, response, body)],
      ["GET", inquiry, () => handleInquiry(request, response, decodeURIComponent(inquiry[1]))],
      ["GET", pathname === "/__standin/payments", () => send(response, 200, listPayments())],
      ["GET", pathname === "/__standin/callbacks", () => send(response, 200, callbacks)],
      [
        "POST",
        callbackFor,
        () => handleSendCallback(response, decodeURIComponent(callbackFor[1]), rawBody),
      ],
      [
        "GET",
        pathname === "/__standin/scenarios",
        () =>
          send(
            response,
            200,
            Object.fromEntries(Object.values(SCENARIOS).map((s) => [s.name, s.paymentRequestId])),
          ),
      ],
      [
        "GET",
        attempts,
        () => {
          const id = decodeURIComponent(attempts[1]).toLowerCase();
          send(response, 200, {
            paymentRequestId: id,
            attempts: attemptCounts.get(id) ?? 0,
            abandoned: abandonedCounts.get(id) ?? 0,
          });
        },
      ],
      [
        "POST",
        pathname === "/__standin/reset",
        () => {
          reset();
          response.writeHead(204, CORS_HEADERS);
          response.end();
        },
      ],
    ];
    const matching = routes.filter(([, matches]) => matches);
    if (matching.length === 0) return send(response, 404, "Not Found");
    const handler = matching.find(([routeMethod]) => routeMethod === method);
    if (!handler) {
      return send(response, 405, "Method Not Allowed", {
        allow: matching.map(([routeMethod]) => routeMethod).join(", "),
      });
    }
    handler[2]();
  }

  const server = http.createServer((request, response) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let entry;
    response.on("close", () => {
      inFlight--;
      if (!response.writableFinished && entry) {
        entry.abandoned = true;
        const id = field(entry.json, "PaymentRequestId");
        if (typeof id === "string" && entry.path === "/api/payment/async/cancel") {
          abandonedCounts.set(id.toLowerCase(), (abandonedCounts.get(id.toLowerCase()) ?? 0) + 1);
        }
      }
    });
    const chunks = [];
    let size = 0;
    let refused = false;
    request.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES && !refused) {
        refused = true;
        send(response, 413, "Payload Too Large", { connection: "close" });
        request.destroy();
      } else if (!refused) {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (refused) return;
      const body = Buffer.concat(chunks).toString("utf8");
      if (requests.length >= 2 * logLimit) requests.splice(0, requests.length - logLimit);
      entry = {
        method: request.method,
        path: request.url,
        headers: { ...request.headers },
        body,
        receivedAt: Date.now(),
        abandoned: false,
      };
      Object.defineProperty(entry, "json", {
        get: () => {
          try {
            return JSON.parse(body);
          } catch {
            return undefined;
          }
        },
      });
      requests.push(entry);
      entries.set(request, entry);
      try {
        route(request, response, body);
      } catch (error) {
        send(response, 500, failureEnvelope(CLIENT_MESSAGES.ServerError));
        log(`internal error: ${error.stack}`);
      }
    });
    response.on("finish", () => log(`${request.method} ${request.url} -> ${response.statusCode}`));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  function reset() {
    payments = seedPayments(callbackAddress);
    attemptCounts = new Map();
    inquiryCounts = new Map();
    abandonedCounts = new Map();
    requests.length = 0;
    bigAnswers.length = 0;
    peakInFlight = inFlight;
    stopCallbacks();
    callbacks.length = 0;
  }

  /** Drops the callbacks not yet sent and ends those under way, unrecorded. */
  function stopCallbacks() {
    generation++;
    for (const timer of callbackTimers) clearTimeout(timer);
    callbackTimers.clear();
    for (const delivery of deliveries) delivery.abort();
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    port: address.port,
    requests,
    reset,
    attempts: (id) => attemptCounts.get(String(id).toLowerCase()) ?? 0,
    inquiries: (id) => inquiryCounts.get(String(id).toLowerCase()) ?? 0,
    payments: listPayments,
    callbacks,
    sendCallback,
    bigAnswers,
    inFlight: () => inFlight,
    peakInFlight: () => peakInFlight,
    abandoned: (id) => abandonedCounts.get(String(id).toLowerCase()) ?? 0,
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      stopCallbacks();
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const portFlag = process.argv.indexOf("--port");
  const port = portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]);
  const standIn = await startStandIn({ port, quiet: false });
  process.stdout.write(`PAYWALL_STANDIN_URL=${standIn.url}\n`);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      await standIn.close();
      process.exit(0);
    });
  }
}
