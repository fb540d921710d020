// The stand-in itself, through plain fetch: it must be a faithful Paywall for the library's
// tests to mean anything.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { startStandIn } from "../../standin/server.mjs";
import {
  ACTIVITY_TYPE,
  CLIENT_MESSAGES,
  PAYMENT_STATUS,
  SCENARIOS,
  STANDIN_KEYS,
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
    assert.equal(afterCancel.Result.PaymentRequestActivityTypeId, ACTIVITY_TYPE.Cancellation);
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
