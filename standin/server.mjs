#!/usr/bin/env node
// A local stand-in for Paywall's Physical POS API: Async Cancel with stateful seeded
// payments and fault injection, plus the neighbouring sale and inquiry endpoints. The demo
// and every test talk to it; it listens on 127.0.0.1 only.
//
//   import { startStandIn } from "./standin/server.mjs";
//   const standIn = await startStandIn();        // standIn.url is http://127.0.0.1:<port>
//
//   node standin/server.mjs [--port N]           // prints PAYWALL_STANDIN_URL=... and serves
import http from "node:http";
import zlib from "node:zlib";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  ACTIVITY_TYPE,
  CLIENT_MESSAGES,
  MESSAGES,
  PAYMENT_STATUS,
  PAYMENT_STATUS_API_NAME,
  SCENARIOS,
  STANDIN_KEYS,
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

/** Rewrites the keys of an envelope in PascalCase, for answers spelled like Paywall's tables. */
function pascal(value) {
  if (Array.isArray(value)) return value.map(pascal);
  if (value === null || typeof value !== "object") return value;
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

function seedPayments() {
  const payments = new Map();
  for (const scenario of Object.values(SCENARIOS)) {
    if (!scenario.payment) continue;
    payments.set(scenario.paymentRequestId, {
      paymentRequestId: scenario.paymentRequestId,
      paymentRequestActivityId: randomUUID(),
      scenario: scenario.name,
      description: scenario.description,
      ...scenario.payment,
    });
  }
  return payments;
}

/**
 * Creates a payment on the stand-in at `baseUrl` through its async sale endpoint, as a till
 * would, and resolves to its PaymentRequestId: a fresh cancellable payment for the tests,
 * the bench and the soak. Throws if the stand-in does not accept the sale.
 */
export async function createPayment(baseUrl, { merchantUniqueCode, amount = 10 }) {
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
 * Starts the stand-in. Resolves to `{ url, port, close, reset, requests, attempts, payments,
 * bigAnswers }`: `requests` is the live log of requests (`{ method, path, headers, body,
 * receivedAt }`, header names in lowercase), `attempts(id)` counts the cancel requests seen
 * for an id, and `bigAnswers` lists how many bytes each oversized answer (the gzipBomb and
 * hugeBody faults) had written when the client stopped reading it.
 * The log keeps at least the last `logLimit` requests and at most twice that, so that a
 * stand-in serving a soak or a long demo session does not grow without end.
 */
export async function startStandIn({
  port = 0,
  host = "127.0.0.1",
  keys = STANDIN_KEYS,
  quiet = true,
  logLimit = 10_000,
  holdCancelsMs = 0,
} = {}) {
  if (!LOOPBACK.has(host)) {
    throw new Error(`the stand-in listens on loopback only, not on ${host}`);
  }
  let payments = seedPayments();
  let attemptCounts = new Map();
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
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const contentType =
      headers["content-type"] ?? (typeof body === "string" ? "text/plain" : "application/json; charset=utf-8");
    response.writeHead(status, { ...CORS_HEADERS, ...headers, "content-type": contentType });
    response.end(text);
  }

  /** Sends an envelope in the scenario's casing. */
  function sendEnvelope(response, status, envelope, scenario) {
    send(response, status, scenario?.casing === "pascal" ? pascal(envelope) : envelope);
  }

  function authorized(request) {
    return (
      request.headers.apikeyprivate === keys.apiKeyPrivate &&
      request.headers.apiclientprivate === keys.apiClientPrivate
    );
  }

  /** The fault for this attempt, if the scenario has one left (or repeats its last). */
  function faultFor(scenario, attempt) {
    const faults = scenario?.faults ?? [];
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

  /** Paywall's own handling of a cancel, once faults are out of the way. */
  function cancel(response, id, scenario) {
    const payment = payments.get(id);
    if (!payment) {
      return sendEnvelope(response, 200, failureEnvelope(CLIENT_MESSAGES.RequestNotFound), scenario);
    }
    const errorCode = scenario?.includeErrorCode;
    const refuse = (clientMessage) =>
      sendEnvelope(response, 200, failureEnvelope(clientMessage, undefined, errorCode), scenario);
    if (
      payment.activityTypeId === ACTIVITY_TYPE.Cancellation ||
      payment.activityTypeId === ACTIVITY_TYPE.Refund
    ) {
      return refuse(CLIENT_MESSAGES.AlreadyHasRefundOrCancel);
    }
    if (NOT_CANCELLABLE.has(payment.paymentStatus)) {
      return refuse(CLIENT_MESSAGES.NotConvenientStatus);
    }
    if (scenario?.refusal) return refuse(scenario.refusal);
    payment.activityTypeId = ACTIVITY_TYPE.Cancellation;
    payment.paymentStatus = PAYMENT_STATUS.Successful;
    payment.paymentRequestActivityId = randomUUID();
    return sendEnvelope(
      response,
      200,
      successEnvelope({
        paymentRequestId: payment.paymentRequestId,
        paymentRequestActivityId: payment.paymentRequestActivityId,
        paymentRequestActivityTypeId: payment.activityTypeId,
        paymentStatus: payment.paymentStatus,
      }),
      scenario,
    );
  }

  /** Applies a fault; returns true when it answered (or deliberately did not). */
  function applyFault(fault, request, response, id, scenario) {
    switch (fault.type) {
      case "answer": {
        const headers = { ...(fault.headers ?? {}), "content-type": fault.contentType };
        if (fault.retryAfter !== undefined) headers["retry-after"] = retryAfterValue(fault.retryAfter);
        send(response, fault.status, fault.body, headers);
        return true;
      }
      case "refuse":
        sendEnvelope(response, fault.status, failureEnvelope(fault.clientMessage), scenario);
        return true;
      case "foreignResult":
        sendEnvelope(
          response,
          200,
          successEnvelope({
            paymentRequestId: randomUUID(),
            paymentRequestActivityId: randomUUID(),
            paymentRequestActivityTypeId: ACTIVITY_TYPE.Cancellation,
            paymentStatus: PAYMENT_STATUS.Successful,
          }),
          scenario,
        );
        return true;
      case "drop":
        request.socket.destroy();
        return true;
      case "hang":
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
          if (!response.destroyed) cancel(response, id, scenario);
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
    const fault = faultFor(scenario, attempt);
    if (fault && applyFault(fault, request, response, key, scenario)) return;
    if (holdCancelsMs > 0) {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (!response.destroyed) cancel(response, key, scenario);
      }, holdCancelsMs);
      pendingTimers.add(timer);
      return;
    }
    cancel(response, key, scenario);
  }

  function handleInquiry(request, response, id) {
    if (!authorized(request)) {
      return send(response, 401, pascal(failureEnvelope(CLIENT_MESSAGES.AuthError)));
    }
    const payment = GUID.test(id) ? payments.get(id.toLowerCase()) : undefined;
    if (!payment) {
      return send(response, 200, pascal(failureEnvelope(CLIENT_MESSAGES.RequestNotFound)));
    }
    send(
      response,
      200,
      pascal(
        successEnvelope({
          paymentRequestId: payment.paymentRequestId,
          paymentRequestActivityId: payment.paymentRequestActivityId,
          paymentRequestActivityTypeId: payment.activityTypeId,
          paymentStatusId: payment.paymentStatus,
          paymentStatus: PAYMENT_STATUS_API_NAME[payment.paymentStatus],
          amount: payment.amount,
          currencyId: payment.currencyId,
          terminalId: payment.terminalId,
          merchantUniqueCode: payment.merchantUniqueCode,
        }),
      ),
    );
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

  function listPayments() {
    return [...payments.values()].map((payment) => ({
      paymentRequestId: payment.paymentRequestId,
      scenario: payment.scenario,
      injectsFaults: (SCENARIOS[payment.scenario]?.faults.length ?? 0) > 0,
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
    const routes = [
      ["POST", pathname === "/api/payment/async/cancel", () => handleCancel(request, response, body)],
      ["POST", pathname === "/api/payment/async/sale", () => handleSale(request, response, body)],
      ["GET", inquiry, () => handleInquiry(request, response, decodeURIComponent(inquiry[1]))],
      ["GET", pathname === "/__standin/payments", () => send(response, 200, listPayments())],
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
    payments = seedPayments();
    attemptCounts = new Map();
    abandonedCounts = new Map();
    requests.length = 0;
    bigAnswers.length = 0;
    peakInFlight = inFlight;
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
    payments: listPayments,
    bigAnswers,
    inFlight: () => inFlight,
    peakInFlight: () => peakInFlight,
    abandoned: (id) => abandonedCounts.get(String(id).toLowerCase()) ?? 0,
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
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
