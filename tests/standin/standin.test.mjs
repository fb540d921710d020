// The stand-in itself, through plain fetch: it must be a faithful Paywall for the library's
// tests to mean anything.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { callbackHash, createPayment, startStandIn } from "../../standin/server.mjs";
import {
  ACTIVITY_TYPE,
  CLIENT_MESSAGES,
  PAYMENT_STATUS,
  SCENARIOS,
  STANDIN_CONNECTION_ID,
  STANDIN_KEYS,
  STANDIN_WEBHOOK_KEY,
} from "../../standin/scenarios.mjs";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AUTH = {
  apikeyprivate: STANDIN_KEYS.apiKeyPrivate,
  apiclientprivate: STANDIN_KEYS.apiClientPrivate,
};

let standIn;
before(async () => {
  standIn = await startStandIn();
});
after(async () => {
  await standIn.close();
});
beforeEach(() => standIn.reset());

function post(path, body, headers = AUTH) {
  return fetch(`${standIn.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const cancel = (id, headers) => post("/api/payment/async/cancel", { PaymentRequestId: id }, headers);

/** GET inquiry for `id` on `base` (the shared stand-in by default). */
const inquire = (id, { base = standIn.url, headers = AUTH } = {}) =>
  fetch(`${base}/api/payment/inquiry/${id}`, { headers });

/** Waits until `check()` is true (or two seconds have passed). */
async function until(check, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
}

/** .NET's DateTime without a zone, with microseconds, as Paywall's inquiry sample writes it. */
const DOTNET_LOCAL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/**
 * A local http receiver for callbacks, on 127.0.0.1: records each request's raw body and
 * answers `status`, or holds the answers until `release()` when `hold` is set.
 */
async function startReceiver({ status = 200, hold = false } = {}) {
  const received = [];
  const held = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method,
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (hold) {
        held.push(response);
      } else {
        response.writeHead(status, { "content-type": "text/plain" });
        response.end("thanks");
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/paywall/callback`,
    received,
    release() {
      for (const response of held.splice(0)) response.end();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The Amount's text exactly as a callback's raw body writes it. */
const rawAmount = (body) => /"Amount":(-?[0-9.]+)[,}]/.exec(body)?.[1];

describe("the scenario table", () => {
  it("gives every scenario its own lowercase version-4 GUID", () => {
    const ids = Object.values(SCENARIOS).map((s) => s.paymentRequestId);
    for (const id of ids) assert.match(id, GUID);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("seeds exactly the scenarios that have a payment", async () => {
    const listed = await (await fetch(`${standIn.url}/__standin/payments`)).json();
    const seeded = Object.values(SCENARIOS).filter((s) => s.payment);
    assert.deepEqual(
      listed.map((p) => p.paymentRequestId).sort(),
      seeded.map((s) => s.paymentRequestId).sort(),
    );
  });
});

describe("Async Cancel", () => {
  it("cancels a payment with the documented success envelope", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const response = await cancel(id);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^application\/json/);
    const body = await response.json();
    assert.deepEqual(Object.keys(body), ["result", "failed", "message", "clientMessage", "succeeded"]);
    assert.equal(body.succeeded, true);
    assert.equal(body.failed, false);
    assert.equal(body.result.paymentRequestId, id);
    assert.match(body.result.paymentRequestActivityId, GUID);
    assert.equal(body.result.paymentRequestActivityTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(body.result.paymentStatus, PAYMENT_STATUS.Successful);
  });

  it("refuses the second cancel of a payment, and reset() restores it", async () => {
    const id = SCENARIOS.demoPayment1.paymentRequestId;
    assert.equal((await (await cancel(id)).json()).succeeded, true);
    const second = await (await cancel(id)).json();
    assert.equal(second.succeeded, false);
    assert.equal(second.clientMessage, CLIENT_MESSAGES.AlreadyHasRefundOrCancel);
    standIn.reset();
    assert.equal((await (await cancel(id)).json()).succeeded, true);
  });

  it("answers wrong or missing keys with 401 System.AuthError", async () => {
    for (const headers of [{}, { ...AUTH, apikeyprivate: "wrong" }, { apikeyprivate: AUTH.apikeyprivate }]) {
      const response = await cancel(SCENARIOS.demoPayment2.paymentRequestId, headers);
      assert.equal(response.status, 401);
      const body = await response.json();
      assert.equal(body.succeeded, false);
      assert.equal(body.clientMessage, CLIENT_MESSAGES.AuthError);
    }
    assert.equal(standIn.attempts(SCENARIOS.demoPayment2.paymentRequestId), 0);
  });

  it("answers a missing or malformed id with 400 System.ValidationError", async () => {
    for (const body of [{}, { PaymentRequestId: "abc" }, { PaymentRequestId: 5 }, "not json", "[]"]) {
      const response = await post("/api/payment/async/cancel", body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal((await response.json()).clientMessage, CLIENT_MESSAGES.ValidationError);
    }
  });

  it("binds PaymentRequestId in any letter case, as ASP.NET does", async () => {
    const id = SCENARIOS.demoPayment3.paymentRequestId;
    const body = await (await post("/api/payment/async/cancel", { paymentrequestid: id.toUpperCase() })).json();
    assert.equal(body.succeeded, true);
    assert.equal(body.result.paymentRequestId, id);
  });

  for (const [name, clientMessage] of [
    ["alreadyCancelled", CLIENT_MESSAGES.AlreadyHasRefundOrCancel],
    ["refunded", CLIENT_MESSAGES.AlreadyHasRefundOrCancel],
    ["failedSale", CLIENT_MESSAGES.NotConvenientStatus],
    ["notSentToDevice", CLIENT_MESSAGES.NotConvenientStatus],
    ["rolledBack", CLIENT_MESSAGES.NotConvenientStatus],
    ["unknownPayment", CLIENT_MESSAGES.RequestNotFound],
    ["deviceUnreachable", CLIENT_MESSAGES.CouldNotSendToDevice],
    ["asyncNotActive", CLIENT_MESSAGES.AsyncPaymentNotActive],
  ]) {
    it(`refuses ${name} with ${clientMessage} in a 200 failure envelope`, async () => {
      const response = await cancel(SCENARIOS[name].paymentRequestId);
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.deepEqual(Object.keys(body).sort(), ["clientMessage", "failed", "message", "result", "succeeded"]);
      assert.equal(body.result, null);
      assert.equal(body.failed, true);
      assert.equal(body.succeeded, false);
      assert.equal(body.clientMessage, clientMessage);
      assert.equal(typeof body.message, "string");
    });
  }

  it("spells pascalCase answers in PascalCase, refusals too", async () => {
    const id = SCENARIOS.pascalCase.paymentRequestId;
    const first = await (await cancel(id)).json();
    assert.deepEqual(Object.keys(first), ["Result", "Failed", "Message", "ClientMessage", "Succeeded"]);
    assert.deepEqual(Object.keys(first.Result), [
      "PaymentRequestId",
      "PaymentRequestActivityId",
      "PaymentRequestActivityTypeId",
      "PaymentStatus",
    ]);
    const second = await (await cancel(id)).json();
    assert.equal(second.ClientMessage, CLIENT_MESSAGES.AlreadyHasRefundOrCancel);
  });

  it("adds errorCode only where the scenario asks for it", async () => {
    const body = await (await cancel(SCENARIOS.numericErrorCode.paymentRequestId)).json();
    assert.equal(body.errorCode, 1001);
    const plain = await (await cancel(SCENARIOS.alreadyCancelled.paymentRequestId)).json();
    assert.equal("errorCode" in plain, false);
  });
});

describe("faults", () => {
  it("applies faults per attempt, then handles the request normally, counting attempts", async () => {
    const id = SCENARIOS.html502Twice.paymentRequestId;
    for (const expected of [502, 502, 200]) {
      const response = await cancel(id);
      assert.equal(response.status, expected);
      if (expected === 502) {
        assert.equal(response.headers.get("content-type"), "text/html");
        assert.match(await response.text(), /Bad Gateway/);
      } else {
        assert.equal((await response.json()).succeeded, true);
      }
    }
    assert.equal(standIn.attempts(id), 3);
    const counted = await (await fetch(`${standIn.url}/__standin/attempts/${id}`)).json();
    assert.deepEqual(counted, { paymentRequestId: id, attempts: 3, abandoned: 0 });
  });

  it("repeats a fault marked repeat", async () => {
    for (let i = 0; i < 4; i += 1) {
      assert.equal((await cancel(SCENARIOS.html503Always.paymentRequestId)).status, 503);
    }
  });

  it("sends Retry-After in seconds, as an HTTP date, and absurd", async () => {
    const once = await cancel(SCENARIOS.rateLimitedOnce.paymentRequestId);
    assert.equal(once.status, 429);
    assert.equal(once.headers.get("retry-after"), "1");
    const dated = await cancel(SCENARIOS.rateLimitedHttpDate.paymentRequestId);
    const at = Date.parse(dated.headers.get("retry-after"));
    assert.match(dated.headers.get("retry-after"), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(at - Date.now() >= 900 && at - Date.now() <= 2100, `${at - Date.now()} ms ahead`);
    const absurd = await cancel(SCENARIOS.rateLimitedAbsurd.paymentRequestId);
    assert.equal(absurd.headers.get("retry-after"), "999999");
    assert.equal((await cancel(SCENARIOS.rateLimitedOnce.paymentRequestId)).status, 200);
  });

  it("answers envelope503Always with a 503 failure envelope", async () => {
    const response = await cancel(SCENARIOS.envelope503Always.paymentRequestId);
    assert.equal(response.status, 503);
    assert.equal((await response.json()).clientMessage, CLIENT_MESSAGES.ServerError);
  });

  it("drops the connection without an answer", async () => {
    await assert.rejects(cancel(SCENARIOS.dropAlways.paymentRequestId), TypeError);
    assert.equal(standIn.attempts(SCENARIOS.dropAlways.paymentRequestId), 1);
  });

  it("hangs until the client gives up, and records that it did", async () => {
    const id = SCENARIOS.hang.paymentRequestId;
    await assert.rejects(
      fetch(`${standIn.url}/api/payment/async/cancel`, {
        method: "POST",
        headers: AUTH,
        body: JSON.stringify({ PaymentRequestId: id }),
        signal: AbortSignal.timeout(300),
      }),
      { name: "TimeoutError" },
    );
    const deadline = Date.now() + 2000;
    while (standIn.abandoned(id) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(standIn.abandoned(id), 1);
    assert.equal(standIn.requests.at(-1).abandoned, true);
    const counted = await (await fetch(`${standIn.url}/__standin/attempts/${id}`)).json();
    assert.deepEqual(counted, { paymentRequestId: id, attempts: 1, abandoned: 1 });
  });

  it("echoes the request's headers, the keys first, as a careless proxy would", async () => {
    const html = await cancel(SCENARIOS.echoHeadersHtml.paymentRequestId);
    assert.equal(html.status, 502);
    assert.match(await html.text(), new RegExp(`<pre>\\napikeyprivate: ${STANDIN_KEYS.apiKeyPrivate}\\napiclientprivate: `));
    const json = await (await cancel(SCENARIOS.echoHeadersJson.paymentRequestId)).json();
    assert.equal(json.request.headers.apikeyprivate, STANDIN_KEYS.apiKeyPrivate);
    const envelope = await (await cancel(SCENARIOS.echoKeyInMessage.paymentRequestId)).json();
    assert.equal(envelope.succeeded, false);
    assert.match(envelope.message, new RegExp(STANDIN_KEYS.apiKeyPrivate));
    const redirect = await fetch(`${standIn.url}/api/payment/async/cancel`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ PaymentRequestId: SCENARIOS.echoKeyInLocation.paymentRequestId }),
      redirect: "manual",
    });
    assert.equal(redirect.headers.get("location"), `/login?key=${STANDIN_KEYS.apiKeyPrivate}`);
  });

  it("sends a gzip bomb that inflates to 300 MB, and a 512 MB plain body, only as fast as they are read", async () => {
    const bomb = await cancel(SCENARIOS.gzipBomb.paymentRequestId);
    assert.equal(bomb.headers.get("content-encoding"), "gzip");
    let inflated = 0;
    for await (const chunk of bomb.body) inflated += chunk.length;
    assert.equal(inflated, 300 * 2 ** 20);
    const huge = await cancel(SCENARIOS.hugeBody.paymentRequestId);
    const reader = huge.body.getReader();
    await reader.read();
    await reader.cancel();
    const deadline = Date.now() + 2000;
    while (standIn.bigAnswers.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(standIn.bigAnswers[0].fault, "gzipBomb");
    assert.ok(standIn.bigAnswers[0].bytesWritten < 2 ** 20, "the bomb is small on the wire");
    assert.equal(standIn.bigAnswers[1].fault, "hugeBody");
    assert.ok(standIn.bigAnswers[1].bytesWritten < 64 * 2 ** 20, `${standIn.bigAnswers[1].bytesWritten} bytes`);
  });

  it("answers messageFlood with a refusal whose message forges log lines and runs to 60 KB", async () => {
    const envelope = await (await cancel(SCENARIOS.messageFlood.paymentRequestId)).json();
    assert.equal(envelope.succeeded, false);
    assert.match(envelope.message, /\r\n.*\u001b\[/s);
    assert.ok(envelope.message.length > 60_000);
  });

  it("delays the slow scenario's normal answer", async () => {
    const started = performance.now();
    const body = await (await cancel(SCENARIOS.slow.paymentRequestId)).json();
    assert.ok(performance.now() - started >= 1400);
    assert.equal(body.succeeded, true);
  });

  it("answers the decode scenarios with the broken bodies they name", async () => {
    assert.equal(await (await cancel(SCENARIOS.invalidJson.paymentRequestId)).text(), '{"result": {');
    assert.equal(await (await cancel(SCENARIOS.emptyBody200.paymentRequestId)).text(), "");
    const foreign = await (await cancel(SCENARIOS.resultForAnotherPayment.paymentRequestId)).json();
    assert.notEqual(foreign.result.paymentRequestId, SCENARIOS.resultForAnotherPayment.paymentRequestId);
    const redirect = await fetch(`${standIn.url}/api/payment/async/cancel`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ PaymentRequestId: SCENARIOS.redirect.paymentRequestId }),
      redirect: "manual",
    });
    assert.equal(redirect.status, 302);
    assert.match(redirect.headers.get("location"), /^\/login/);
  });
});

describe("requests in flight", () => {
  it("counts the requests it holds at once when told to hold cancels", async () => {
    const held = await startStandIn({ holdCancelsMs: 300 });
    try {
      const ids = [SCENARIOS.demoPayment1, SCENARIOS.demoPayment2, SCENARIOS.demoPayment4].map((s) => s.paymentRequestId);
      const started = performance.now();
      const answers = await Promise.all(
        ids.map((id) =>
          fetch(`${held.url}/api/payment/async/cancel`, {
            method: "POST",
            headers: AUTH,
            body: JSON.stringify({ PaymentRequestId: id }),
          }),
        ),
      );
      assert.ok(performance.now() - started >= 290);
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
      assert.equal(held.peakInFlight(), 3);
      assert.equal(held.inFlight(), 0);
    } finally {
      await held.close();
    }
  });
});

describe("the neighbouring endpoints", () => {
  it("inquiry reports a payment's state in PascalCase, with the status's API name", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const before = await (await fetch(`${standIn.url}/api/payment/inquiry/${id}`, { headers: AUTH })).json();
    assert.equal(before.Succeeded, true);
    assert.equal(before.Result.PaymentStatusId, PAYMENT_STATUS.SentToDevice);
    assert.equal(before.Result.PaymentStatus, "SentToDevice");
    await cancel(id);
    const afterCancel = await (await fetch(`${standIn.url}/api/payment/inquiry/${id}`, { headers: AUTH })).json();
    assert.equal(afterCancel.Result.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.equal(afterCancel.Result.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    const unknown = await fetch(`${standIn.url}/api/payment/inquiry/${SCENARIOS.unknownPayment.paymentRequestId}`, { headers: AUTH });
    assert.equal((await unknown.json()).ClientMessage, CLIENT_MESSAGES.RequestNotFound);
    assert.equal((await fetch(`${standIn.url}/api/payment/inquiry/${id}`)).status, 401);
  });

  it("async sale creates a cancellable payment and validates its request", async () => {
    const sale = {
      TerminalId: "T-0001",
      MerchantUniqueCode: "ORDER-9",
      Amount: 30,
      Products: [{ Name: "A", Amount: 10 }, { Name: "B", Amount: 20 }],
    };
    const created = await (await post("/api/payment/async/sale", sale)).json();
    assert.equal(created.Succeeded, true);
    const id = created.Result.PaymentRequestId;
    assert.match(id, GUID);
    assert.equal(created.Result.PaymentStatus, PAYMENT_STATUS.SentToDevice);
    assert.equal((await (await cancel(id)).json()).succeeded, true);
    for (const bad of [
      { ...sale, TerminalId: undefined },
      { ...sale, MerchantUniqueCode: "" },
      { ...sale, Amount: -1 },
      { ...sale, Products: [] },
      { ...sale, Products: [{ Name: "A", Amount: 10 }] },
    ]) {
      const response = await post("/api/payment/async/sale", bad);
      assert.equal(response.status, 400, JSON.stringify(bad));
      assert.equal((await response.json()).ClientMessage, CLIENT_MESSAGES.ValidationError);
    }
  });
});

describe("HTTP hygiene", () => {
  it("answers a CORS preflight for the private headers", async () => {
    const response = await fetch(`${standIn.url}/api/payment/async/cancel`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:9999",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,apikeyprivate,apiclientprivate",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-allow-methods"), /POST/);
    for (const header of ["content-type", "apikeyprivate", "apiclientprivate"]) {
      assert.match(response.headers.get("access-control-allow-headers"), new RegExp(header));
    }
    const answer = await cancel(SCENARIOS.demoPayment4.paymentRequestId);
    assert.equal(answer.headers.get("access-control-allow-origin"), "*");
    assert.equal(answer.headers.get("access-control-expose-headers"), "Retry-After");
  });

  it("refuses unknown paths, wrong methods and oversized bodies without crashing", async () => {
    assert.equal((await fetch(`${standIn.url}/nope`)).status, 404);
    assert.equal((await fetch(`${standIn.url}/api/payment/async/cancel`)).status, 405);
    const huge = await post("/api/payment/async/cancel", "x".repeat(100 * 1024)).catch((error) => error);
    assert.ok(huge instanceof TypeError || huge.status === 413, String(huge));
    assert.equal((await cancel(SCENARIOS.demoPayment4.paymentRequestId)).status, 200);
  });

  it("listens on loopback only, and close() ends hung connections", async () => {
    await assert.rejects(startStandIn({ host: "0.0.0.0" }), /loopback only/);
    const other = await startStandIn();
    assert.match(other.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const socket = net.connect(other.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const body = JSON.stringify({ PaymentRequestId: SCENARIOS.hang.paymentRequestId });
    socket.write(
      `POST /api/payment/async/cancel HTTP/1.1\r\nhost: x\r\napikeyprivate: ${AUTH.apikeyprivate}\r\n` +
        `apiclientprivate: ${AUTH.apiclientprivate}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    const ended = new Promise((resolve) => socket.once("close", resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.close();
    await ended;
  });

  it("keeps a bounded request log: at least the last logLimit requests", async () => {
    const small = await startStandIn({ logLimit: 3 });
    try {
      for (let n = 0; n < 10; n += 1) await fetch(`${small.url}/nope-${n}`);
      assert.ok(small.requests.length >= 3 && small.requests.length <= 6, `${small.requests.length} logged`);
      assert.deepEqual(
        small.requests.slice(-3).map((request) => request.path),
        ["/nope-7", "/nope-8", "/nope-9"],
      );
    } finally {
      await small.close();
    }
  });
});

describe("inquiry, as Paywall's Sorgulama page documents it", () => {
  const DOCUMENTED_KEYS = [
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "TerminalId",
    "MerchantUniqueCode",
    "DisplayCode",
    "CallbackAddress",
    "Amount",
    "PaymentChannelId",
    "PaymentChannel",
    "CurrencyId",
    "Currency",
    "IP",
    "PaymentTypeId",
    "PaymentType",
    "PaymentStatusId",
    "PaymentStatus",
    "CreatedDate",
    "ModifiedDate",
  ];

  it("answers the documented fields, in order, with the documented types", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const response = await inquire(id);
    assert.equal(response.status, 200);
    const text = await response.text();
    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body), ["Result", "Failed", "Message", "ClientMessage", "Succeeded"]);
    assert.deepEqual(Object.keys(body.Result), DOCUMENTED_KEYS);
    const result = body.Result;
    assert.equal(result.PaymentRequestId, id);
    assert.match(result.PaymentRequestActivityId, GUID);
    assert.equal(result.TerminalId, "T-0001");
    assert.equal(result.MerchantUniqueCode, "ORDER-1001");
    assert.equal(typeof result.DisplayCode, "string");
    assert.ok(result.DisplayCode.length > 0 && result.DisplayCode.length <= 25);
    assert.equal(result.CallbackAddress, null);
    assert.equal(typeof result.Amount, "number");
    assert.equal(result.Amount, 125.5);
    assert.match(text, /"Amount":125\.50,/, "written with two decimals, as a .NET decimal");
    assert.equal(result.PaymentChannelId, 1);
    assert.equal(result.PaymentChannel, "Async");
    assert.equal(result.CurrencyId, 1);
    assert.equal(result.Currency, "TRY");
    assert.equal(typeof result.IP, "string");
    assert.equal(result.PaymentTypeId, ACTIVITY_TYPE.Sale);
    assert.equal(result.PaymentType, "Sale");
    assert.equal(result.PaymentStatusId, PAYMENT_STATUS.SentToDevice);
    assert.equal(result.PaymentStatus, "SentToDevice");
    assert.match(result.CreatedDate, DOTNET_LOCAL_DATE);
    assert.equal(result.ModifiedDate, null, "a sale still in its first state, as in the sample");
  });

  it("shows the cancel: the latest activity, type Cancellation, status Successful, ModifiedDate set", async () => {
    const id = SCENARIOS.demoPayment2.paymentRequestId;
    const before = (await (await inquire(id)).json()).Result;
    const cancelled = await (await cancel(id)).json();
    const after = (await (await inquire(id)).json()).Result;
    assert.equal(after.PaymentRequestActivityId, cancelled.result.paymentRequestActivityId);
    assert.notEqual(after.PaymentRequestActivityId, before.PaymentRequestActivityId);
    assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(after.PaymentType, "Cancellation");
    assert.equal(after.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.equal(after.PaymentStatus, "Successful");
    assert.equal(after.CreatedDate, before.CreatedDate);
    assert.match(after.ModifiedDate, DOTNET_LOCAL_DATE);
    assert.ok(after.ModifiedDate > after.CreatedDate, `${after.ModifiedDate} after ${after.CreatedDate}`);
    assert.equal(after.Amount, 24);
  });

  it("dates a new sale in local time, now; a seeded payment that changed has a ModifiedDate", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-DATE", amount: 3 });
    const result = (await (await inquire(id)).json()).Result;
    // A date-time without a zone is local time to Date.parse: it must read as now.
    const created = Date.parse(result.CreatedDate.slice(0, 23));
    assert.ok(Math.abs(created - Date.now()) < 5000, `${result.CreatedDate} is now`);
    assert.equal(result.ModifiedDate, null);
    assert.equal(result.IP, "127.0.0.1", "the address the sale came from");
    const completed = (await (await inquire(SCENARIOS.completedSale.paymentRequestId)).json()).Result;
    assert.match(completed.ModifiedDate, DOTNET_LOCAL_DATE);
  });

  it("keeps the sale's DisplayCode and CallbackAddress, and validates them", async () => {
    const sale = {
      TerminalId: "T-0002",
      MerchantUniqueCode: "ORDER-DISPLAY",
      DisplayCode: "Haircut",
      CallbackAddress: "http://127.0.0.1:9/paywall",
      Amount: 22,
      CurrencyId: 3,
      Products: [{ Name: "Cut", Amount: 22 }],
    };
    const id = (await (await post("/api/payment/async/sale", sale)).json()).Result.PaymentRequestId;
    const result = (await (await inquire(id)).json()).Result;
    assert.equal(result.DisplayCode, "Haircut");
    assert.equal(result.CallbackAddress, "http://127.0.0.1:9/paywall");
    assert.equal(result.TerminalId, "T-0002");
    assert.equal(result.Currency, "EUR");
    for (const bad of [
      { ...sale, DisplayCode: "x".repeat(26) },
      { ...sale, DisplayCode: 7 },
      { ...sale, CallbackAddress: "ftp://127.0.0.1/x" },
      { ...sale, CallbackAddress: "not an address" },
      { ...sale, CallbackAddress: `http://127.0.0.1/${"x".repeat(140)}` },
    ]) {
      const response = await post("/api/payment/async/sale", bad);
      assert.equal(response.status, 400, JSON.stringify(bad).slice(0, 120));
      assert.equal((await response.json()).ClientMessage, CLIENT_MESSAGES.ValidationError);
    }
  });

  it("createPayment passes a CallbackAddress through, and still works without one", async () => {
    const withAddress = await createPayment(standIn.url, {
      merchantUniqueCode: "ORDER-CB",
      callbackAddress: "http://127.0.0.1:9/cb",
    });
    assert.equal((await (await inquire(withAddress)).json()).Result.CallbackAddress, "http://127.0.0.1:9/cb");
    const without = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-NO-CB" });
    assert.equal((await (await inquire(without)).json()).Result.CallbackAddress, null);
  });

  it("answers an unknown or malformed id with RequestNotFound, and wrong keys with 401", async () => {
    for (const id of [SCENARIOS.unknownPayment.paymentRequestId, "not-a-guid"]) {
      const response = await inquire(id);
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.Succeeded, false);
      assert.equal(body.Result, null);
      assert.equal(body.ClientMessage, CLIENT_MESSAGES.RequestNotFound);
    }
    const wrong = await inquire(SCENARIOS.saleOnDevice.paymentRequestId, { headers: { ...AUTH, apiclientprivate: "wrong" } });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).ClientMessage, CLIENT_MESSAGES.AuthError);
  });

  it("reports null for the name of a status Paywall has not documented", async () => {
    const result = (await (await inquire(SCENARIOS.undocumentedStatus.paymentRequestId)).json()).Result;
    assert.equal(result.PaymentStatusId, 13);
    assert.equal(result.PaymentStatus, null);
  });

  it("applies a scenario's inquiryFaults to inquiries, counted apart from cancels", async () => {
    const id = SCENARIOS.inquiryUnavailable.paymentRequestId;
    for (let i = 0; i < 3; i += 1) {
      const response = await inquire(id);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("content-type"), "text/html");
      assert.match(await response.text(), /503 Service Unavailable/);
    }
    assert.equal(standIn.inquiries(id), 3);
    assert.equal(standIn.attempts(id), 0);
    assert.equal(standIn.requests.at(-1).fault, "answer");
    // Cancel faults do not touch inquiries: a dropped cancel's payment is inquired normally.
    await assert.rejects(cancel(SCENARIOS.dropOnce.paymentRequestId), TypeError);
    assert.equal((await inquire(SCENARIOS.dropOnce.paymentRequestId)).status, 200);
  });
});

describe("cancel lifecycle faults", () => {
  const state = async (id) => (await (await inquire(id)).json()).Result;
  const cancelEntries = (id) =>
    standIn.requests.filter((entry) => entry.path === "/api/payment/async/cancel" && entry.json?.PaymentRequestId === id);

  it("cancelAppliedAnswerLost: the first cancel is carried out and its answer lost; the next meets AlreadyHasRefundOrCancel", async () => {
    const id = SCENARIOS.cancelAppliedAnswerLost.paymentRequestId;
    await assert.rejects(cancel(id), TypeError);
    const after = await state(id);
    assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(after.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.match(after.ModifiedDate, DOTNET_LOCAL_DATE);
    for (let i = 0; i < 2; i += 1) {
      const retry = await cancel(id);
      assert.equal(retry.status, 200);
      assert.equal((await retry.json()).clientMessage, CLIENT_MESSAGES.AlreadyHasRefundOrCancel);
    }
    const [first, second] = cancelEntries(id);
    assert.equal(first.fault, "applyThenDrop");
    assert.deepEqual(first.cancel, { applied: true, paymentStatus: PAYMENT_STATUS.Successful });
    assert.equal(second.fault, undefined);
    assert.deepEqual(second.cancel, { applied: false, clientMessage: CLIENT_MESSAGES.AlreadyHasRefundOrCancel });
  });

  it("cancelAppliedAnswerLostAlways: every answer is lost; only the first attempt changed the payment", async () => {
    const id = SCENARIOS.cancelAppliedAnswerLostAlways.paymentRequestId;
    for (let i = 0; i < 3; i += 1) await assert.rejects(cancel(id), TypeError);
    assert.equal(standIn.attempts(id), 3);
    const after = await state(id);
    assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(after.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.deepEqual(
      cancelEntries(id).map((entry) => [entry.fault, entry.cancel.applied]),
      [["applyThenDrop", true], ["applyThenDrop", false], ["applyThenDrop", false]],
    );
  });

  it("cancelAppliedThenHang: the cancel is carried out, then no answer comes until the client gives up", async () => {
    const id = SCENARIOS.cancelAppliedThenHang.paymentRequestId;
    await assert.rejects(
      fetch(`${standIn.url}/api/payment/async/cancel`, {
        method: "POST",
        headers: AUTH,
        body: JSON.stringify({ PaymentRequestId: id }),
        signal: AbortSignal.timeout(300),
      }),
      { name: "TimeoutError" },
    );
    const after = await state(id);
    assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(after.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.ok(await until(() => standIn.abandoned(id) === 1));
    assert.equal(cancelEntries(id)[0].fault, "applyThenHang");
  });

  it("cancelLostNotApplied: every connection drops and the payment stays a sale on the device", async () => {
    const id = SCENARIOS.cancelLostNotApplied.paymentRequestId;
    for (let i = 0; i < 2; i += 1) await assert.rejects(cancel(id), TypeError);
    const after = await state(id);
    assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Sale);
    assert.equal(after.PaymentStatusId, PAYMENT_STATUS.SentToDevice);
    assert.equal(after.ModifiedDate, null);
    for (const entry of cancelEntries(id)) {
      assert.equal(entry.fault, "drop");
      assert.equal(entry.cancel, undefined, "Paywall never handled it");
    }
  });

  for (const [name, status, statusName] of [
    ["cancelPendingOnDevice", PAYMENT_STATUS.SentToDevice, "SentToDevice"],
    ["cancelFailedOnDevice", PAYMENT_STATUS.Failed, "Failed"],
  ]) {
    it(`${name}: the cancel is accepted with status ${status}, and the inquiry says so`, async () => {
      const id = SCENARIOS[name].paymentRequestId;
      const body = await (await cancel(id)).json();
      assert.equal(body.succeeded, true);
      assert.equal(body.result.paymentRequestActivityTypeId, ACTIVITY_TYPE.Cancellation);
      assert.equal(body.result.paymentStatus, status);
      const after = await state(id);
      assert.equal(after.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
      assert.equal(after.PaymentStatusId, status);
      assert.equal(after.PaymentStatus, statusName);
      assert.equal(after.PaymentRequestActivityId, body.result.paymentRequestActivityId);
      // The stand-in's assumption: a cancellation activity, whatever its status, is "a cancel".
      assert.equal((await (await cancel(id)).json()).clientMessage, CLIENT_MESSAGES.AlreadyHasRefundOrCancel);
    });
  }

  it("inquiryUnavailable: the cancel is lost (not carried out) and the inquiry answers 503", async () => {
    const id = SCENARIOS.inquiryUnavailable.paymentRequestId;
    await assert.rejects(cancel(id), TypeError);
    assert.equal((await inquire(id)).status, 503);
    const listed = (await (await fetch(`${standIn.url}/__standin/payments`)).json()).find((p) => p.paymentRequestId === id);
    assert.equal(listed.paymentRequestActivityTypeId, ACTIVITY_TYPE.Sale);
    assert.equal(listed.paymentStatus, PAYMENT_STATUS.SentToDevice);
  });

  it("keeps the lifecycle scenarios off the demo's list", async () => {
    const listed = await (await fetch(`${standIn.url}/__standin/payments`)).json();
    for (const name of [
      "cancelAppliedAnswerLost",
      "cancelAppliedAnswerLostAlways",
      "cancelAppliedThenHang",
      "cancelLostNotApplied",
      "cancelPendingOnDevice",
      "cancelFailedOnDevice",
      "inquiryUnavailable",
    ]) {
      const payment = listed.find((p) => p.paymentRequestId === SCENARIOS[name].paymentRequestId);
      assert.equal(payment.injectsFaults, true, name);
    }
    assert.equal(listed.find((p) => p.scenario === "saleOnDevice").injectsFaults, false);
  });
});

describe("callbacks", () => {
  const CALLBACK_KEYS = [
    "ConnectionId",
    "TerminalId",
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "PaymentTypeId",
    "PaymentStatusId",
    "MerchantUniqueCode",
    "DisplayCode",
    "Amount",
    "Message",
    "Hash",
    "HashFormat",
    "HashKeyType",
  ];
  const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");

  let receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  it("posts a signed callback to the sale's CallbackAddress after a cancel, and records it", async () => {
    const id = await createPayment(standIn.url, {
      merchantUniqueCode: "ORDER-CALLBACK",
      amount: 125.5,
      callbackAddress: receiver.url,
    });
    const cancelled = await (await cancel(id)).json();
    assert.ok(await until(() => standIn.callbacks.length === 1));
    assert.equal(receiver.received.length, 1);
    const { method, headers, body } = receiver.received[0];
    assert.equal(method, "POST");
    assert.match(headers["content-type"], /^application\/json/);
    const callback = JSON.parse(body);
    assert.deepEqual(Object.keys(callback), CALLBACK_KEYS);
    assert.equal(callback.ConnectionId, STANDIN_CONNECTION_ID);
    assert.equal(callback.TerminalId, "T-0001");
    assert.equal(callback.PaymentRequestId, id);
    assert.equal(callback.PaymentRequestActivityId, cancelled.result.paymentRequestActivityId);
    assert.equal(callback.PaymentTypeId, ACTIVITY_TYPE.Cancellation);
    assert.equal(callback.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.equal(callback.MerchantUniqueCode, "ORDER-CALLBACK");
    assert.equal(typeof callback.DisplayCode, "string");
    assert.equal(callback.Message, null);
    assert.equal(callback.HashKeyType, 7);
    assert.equal(typeof callback.HashFormat, "number");
    // The Amount as written, with its two decimals, is what the Hash covers.
    assert.equal(rawAmount(body), "125.50");
    const expected = sha256(`${STANDIN_WEBHOOK_KEY}###${id}###ORDER-CALLBACK###125.50`);
    assert.equal(callback.Hash, expected);
    assert.match(callback.Hash, /^[0-9a-f]{64}$/);
    assert.notEqual(callback.Hash, sha256(`${STANDIN_WEBHOOK_KEY}###${id}###ORDER-CALLBACK###125.5`));
    assert.equal(callback.Hash, callbackHash(STANDIN_WEBHOOK_KEY, id, "ORDER-CALLBACK", rawAmount(body)));

    const [record] = standIn.callbacks;
    assert.deepEqual(Object.keys(record), ["url", "body", "status", "error", "sentAt"]);
    assert.equal(record.url, receiver.url);
    assert.equal(record.body, body, "the exact text sent");
    assert.equal(record.status, 200);
    assert.equal(record.error, null);
    assert.ok(Math.abs(record.sentAt - Date.now()) < 5000);
    const listed = await (await fetch(`${standIn.url}/__standin/callbacks`)).json();
    assert.deepEqual(listed, standIn.callbacks);
  });

  it("writes whole amounts with two decimals too (24.00)", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-24", amount: 24, callbackAddress: receiver.url });
    await cancel(id);
    assert.ok(await until(() => receiver.received.length === 1));
    const { body } = receiver.received[0];
    assert.equal(rawAmount(body), "24.00");
    assert.equal(JSON.parse(body).Hash, sha256(`${STANDIN_WEBHOOK_KEY}###${id}###ORDER-24###24.00`));
  });

  it("never holds the cancel's answer for the callback", async () => {
    const slow = await startReceiver({ hold: true });
    try {
      const id = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-SLOW", callbackAddress: slow.url });
      const body = await (await cancel(id)).json();
      assert.equal(body.succeeded, true);
      assert.equal(standIn.callbacks.length, 0, "the callback has not finished, the answer came anyway");
      assert.ok(await until(() => slow.received.length === 1));
      slow.release();
      assert.ok(await until(() => standIn.callbacks.length === 1));
      assert.equal(standIn.callbacks[0].status, 200);
    } finally {
      await slow.close();
    }
  });

  it("sends no callback for a payment without a CallbackAddress, nor for a cancel that was refused", async () => {
    await cancel(SCENARIOS.demoPayment4.paymentRequestId);
    const id = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-TWICE", callbackAddress: receiver.url });
    await cancel(id);
    await cancel(id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(receiver.received.length, 1);
  });

  it("follows every path that carries a cancel out, with the status it left (and Message when it failed)", async () => {
    const watched = await startStandIn({ callbackAddress: receiver.url, callbackDelayMs: 5 });
    try {
      const post = (name) =>
        fetch(`${watched.url}/api/payment/async/cancel`, {
          method: "POST",
          headers: AUTH,
          body: JSON.stringify({ PaymentRequestId: SCENARIOS[name].paymentRequestId }),
        });
      await assert.rejects(post("cancelAppliedAnswerLost"), TypeError);
      await assert.rejects(post("cancelLostNotApplied"), TypeError);
      await post("cancelPendingOnDevice");
      await post("cancelFailedOnDevice");
      assert.ok(await until(() => watched.callbacks.length === 3));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sent = watched.callbacks.map((record) => JSON.parse(record.body));
      const byId = Object.fromEntries(sent.map((callback) => [callback.PaymentRequestId, callback]));
      assert.equal(sent.length, 3, "nothing for the cancel that was never carried out");
      const lost = byId[SCENARIOS.cancelAppliedAnswerLost.paymentRequestId];
      assert.equal(lost.PaymentStatusId, PAYMENT_STATUS.Successful);
      assert.equal(lost.Message, null);
      assert.equal(byId[SCENARIOS.cancelPendingOnDevice.paymentRequestId].PaymentStatusId, PAYMENT_STATUS.SentToDevice);
      const failed = byId[SCENARIOS.cancelFailedOnDevice.paymentRequestId];
      assert.equal(failed.PaymentStatusId, PAYMENT_STATUS.Failed);
      assert.equal(typeof failed.Message, "string");
      assert.equal(rawAmount(watched.callbacks[0].body), "125.50");
      const inquiry = await (await inquire(SCENARIOS.saleOnDevice.paymentRequestId, { base: watched.url })).json();
      assert.equal(inquiry.Result.CallbackAddress, receiver.url, "seeded payments carry the option's address");
    } finally {
      await watched.close();
    }
  });

  it("records a receiver's refusal as its status, and an unreachable one as an error", async () => {
    const refusing = await startReceiver({ status: 500 });
    const gone = await startReceiver();
    const goneUrl = gone.url;
    await gone.close();
    try {
      const refused = await standIn.sendCallback(SCENARIOS.saleOnDevice.paymentRequestId, { to: refusing.url });
      assert.equal(refused.status, 500);
      assert.equal(refused.error, null);
      const unreachable = await standIn.sendCallback(SCENARIOS.saleOnDevice.paymentRequestId, { to: goneUrl });
      assert.equal(unreachable.status, null);
      assert.match(unreachable.error, /ECONNREFUSED|fetch failed/);
      const remote = await standIn.sendCallback(SCENARIOS.saleOnDevice.paymentRequestId, { to: "https://example.com/hook" });
      assert.match(remote.error, /loopback/);
      assert.deepEqual(standIn.callbacks, [refused, unreachable, remote]);
    } finally {
      await refusing.close();
    }
  });

  it("sends a payment's callback on demand, with another status if asked (the Hash does not cover it)", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const response = await fetch(`${standIn.url}/__standin/callback/${id}`, {
      method: "POST",
      body: JSON.stringify({ to: receiver.url, paymentStatusId: PAYMENT_STATUS.Successful }),
    });
    assert.equal(response.status, 200);
    const record = await response.json();
    assert.equal(record.status, 200);
    assert.equal(record.body, receiver.received[0].body);
    const callback = JSON.parse(record.body);
    assert.equal(callback.PaymentTypeId, ACTIVITY_TYPE.Sale);
    assert.equal(callback.PaymentStatusId, PAYMENT_STATUS.Successful);
    assert.equal(callback.Hash, callbackHash(STANDIN_WEBHOOK_KEY, id, "ORDER-1001", "125.50"));
    const current = JSON.parse((await standIn.sendCallback(id, { to: receiver.url })).body);
    assert.equal(current.PaymentStatusId, PAYMENT_STATUS.SentToDevice);
    assert.equal(current.Hash, callback.Hash);
    // To the sale's own address when none is given.
    const sold = await createPayment(standIn.url, { merchantUniqueCode: "ORDER-DEMAND", callbackAddress: receiver.url });
    assert.equal((await fetch(`${standIn.url}/__standin/callback/${sold}`, { method: "POST" })).status, 200);
    assert.equal(JSON.parse(receiver.received.at(-1).body).PaymentRequestId, sold);
  });

  it("refuses an on-demand callback for an unknown payment, without an address, or with a bad body", async () => {
    const to = JSON.stringify({ to: receiver.url });
    const at = (id, body) => fetch(`${standIn.url}/__standin/callback/${id}`, { method: "POST", body });
    assert.equal((await at(SCENARIOS.unknownPayment.paymentRequestId, to)).status, 404);
    assert.equal((await at(SCENARIOS.saleOnDevice.paymentRequestId)).status, 400);
    assert.equal((await at(SCENARIOS.saleOnDevice.paymentRequestId, "{")).status, 400);
    assert.equal((await at(SCENARIOS.saleOnDevice.paymentRequestId, JSON.stringify({ to: receiver.url, paymentStatusId: "4" }))).status, 400);
    await assert.rejects(standIn.sendCallback(SCENARIOS.saleOnDevice.paymentRequestId), /no CallbackAddress/);
    await assert.rejects(standIn.sendCallback(SCENARIOS.unknownPayment.paymentRequestId, { to: receiver.url }), /no payment/);
    assert.equal(receiver.received.length, 0);
  });

  it("signs with the webhookKey option", async () => {
    const other = await startStandIn({ webhookKey: "another-webhook-key" });
    try {
      const id = SCENARIOS.demoPayment1.paymentRequestId;
      const record = await other.sendCallback(id, { to: receiver.url });
      assert.equal(JSON.parse(record.body).Hash, sha256(`another-webhook-key###${id}###ORDER-1001###7.50`));
    } finally {
      await other.close();
    }
  });

  it("reset clears the deliveries", async () => {
    await standIn.sendCallback(SCENARIOS.saleOnDevice.paymentRequestId, { to: receiver.url });
    assert.equal(standIn.callbacks.length, 1);
    await fetch(`${standIn.url}/__standin/reset`, { method: "POST" });
    assert.deepEqual(await (await fetch(`${standIn.url}/__standin/callbacks`)).json(), []);
  });

  it("callbackHash takes the amount's text, never a number", () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    assert.equal(callbackHash("k", id, "M", "1.50"), sha256(`k###${id}###M###1.50`));
    assert.throws(() => callbackHash("k", id, "M", 1.5), TypeError);
  });
});
