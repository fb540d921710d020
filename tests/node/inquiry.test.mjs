// inquirePayment (issue 13, section 1): `GET /api/payment/inquiry/{id}`, the payment's state
// at Paywall. The request it sends, the result it reads (both casings, optional fields null),
// what it refuses before sending, its retries (a GET is retried even after a timeout), the
// caller's signal, a custom fetch, `environment: "test"`, and keys kept out of every error.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  STANDIN_KEYS,
  assertNoFragment,
  configFor,
  createPayment,
  idOf,
  inquiryBody,
  inquiryRequests,
  loadEsm,
  rejection,
  spyFetch,
  useStandIn,
  withGlobalFetch,
} from "./helpers.mjs";

const { cancelPayment, inquirePayment, PaywallError } = await loadEsm();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = "72ec8714-d116-4306-8881-38a43c485da9";
const ACTIVITY = "3a7deace-d437-4d3f-8ef8-1cba82f18e8f";
const TEST_HOST = "https://test-physicalpos-api.itspaywall.com";

/** The fields of every inquiry result, sorted. */
const INQUIRY_FIELDS = [
  "amount",
  "amountText",
  "callbackAddress",
  "createdDate",
  "currencyId",
  "displayCode",
  "merchantUniqueCode",
  "modifiedDate",
  "paymentChannelId",
  "paymentRequestActivityId",
  "paymentRequestId",
  "paymentStatusId",
  "paymentTypeId",
  "terminalId",
];

/** The fields Paywall's inquiry sample carries, in PascalCase, as its "Sorgulama" page shows them. */
const DOCUMENTED_RESULT = {
  PaymentRequestId: ID,
  PaymentRequestActivityId: ACTIVITY,
  TerminalId: "0d2c1c49-3a0e-4b2b-9f5e-3c8b1d0e6a11",
  MerchantUniqueCode: "b0c3e2a4-6f1d-4c55-9a8e-2d7f3b1c9e00",
  DisplayCode: "AB12",
  CallbackAddress: "https://merchant.example/paywall/callback",
  Amount: 1.44,
  PaymentChannelId: 1,
  PaymentChannel: "Async",
  CurrencyId: 1,
  Currency: "TRY",
  IP: "10.0.0.7",
  PaymentTypeId: 1,
  PaymentType: "Sale",
  PaymentStatusId: 2,
  PaymentStatus: "SentToDevice",
  CreatedDate: "2024-09-02T13:52:34.504179",
  ModifiedDate: null,
};

/** What inquirePayment resolves with for DOCUMENTED_RESULT. */
const DOCUMENTED_INQUIRY = {
  paymentRequestId: ID,
  paymentRequestActivityId: ACTIVITY,
  terminalId: "0d2c1c49-3a0e-4b2b-9f5e-3c8b1d0e6a11",
  merchantUniqueCode: "b0c3e2a4-6f1d-4c55-9a8e-2d7f3b1c9e00",
  displayCode: "AB12",
  callbackAddress: "https://merchant.example/paywall/callback",
  amount: 1.44,
  amountText: "1.44",
  currencyId: 1,
  paymentChannelId: 1,
  paymentTypeId: 1,
  paymentStatusId: 2,
  createdDate: "2024-09-02T13:52:34.504179",
  modifiedDate: null,
};

/** `object` with the first letter of every key lowered, as Paywall's camelCase samples spell them. */
function camel(object) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key[0].toLowerCase() + key.slice(1), value]));
}

/** A config that talks to no server: every answer comes from `fetch`. */
function crafted(fetch, overrides = {}) {
  return { baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch, ...overrides };
}

/** A fetch that answers with `body` (a string) and status 200. */
const answering = (body, init) => spyFetch(() => new Response(body, init));

/** A fetch that never answers unless its signal aborts it, when it rejects as fetch does. */
function hangingUntilAborted(url, init) {
  return new Promise((_resolve, reject) => {
    init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true });
  });
}

describe("inquirePayment against the stand-in", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  it("sends exactly the documented request: GET, the path with the id in lowercase, accept and the two keys, no body", async () => {
    const id = idOf("saleOnDevice");
    await inquirePayment(configFor(standIn(), { baseAddress: `${standIn().url}/` }), id.toUpperCase());
    const requests = inquiryRequests(standIn());
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request.method, "GET");
    assert.equal(request.path, `/api/payment/inquiry/${id}`);
    assert.equal(request.headers.apikeyprivate, STANDIN_KEYS.apiKeyPrivate);
    assert.equal(request.headers.apiclientprivate, STANDIN_KEYS.apiClientPrivate);
    assert.equal(request.headers.accept, "application/json");
    assert.equal(request.headers["content-type"], undefined, "a GET without a body has no content-type");
    assert.equal(request.body, "");
    assert.equal(standIn().requests.length, 1, "nothing else was sent");
  });

  it("resolves with every field of Result, each of its type, the dates as sent and modifiedDate null", async () => {
    const id = idOf("saleOnDevice");
    const answers = [];
    const fetch = async (url, init) => {
      const response = await globalThis.fetch(url, init);
      answers.push(await response.clone().text());
      return response;
    };
    const inquiry = await inquirePayment(configFor(standIn(), { fetch }), id);
    assert.deepEqual(Object.keys(inquiry).sort(), INQUIRY_FIELDS);
    const sent = JSON.parse(answers[0]).Result;
    assert.equal(inquiry.paymentRequestId, id);
    assert.match(inquiry.paymentRequestActivityId, GUID);
    assert.equal(inquiry.paymentRequestActivityId, sent.PaymentRequestActivityId);
    assert.equal(inquiry.terminalId, "T-0001");
    assert.equal(inquiry.merchantUniqueCode, "ORDER-1001");
    assert.equal(inquiry.displayCode, sent.DisplayCode);
    assert.equal(typeof inquiry.displayCode, "string");
    assert.equal(inquiry.callbackAddress, null);
    assert.match(answers[0], /"Amount":125\.50,/, "the stand-in writes the amount with its scale");
    assert.equal(inquiry.amount, 125.5);
    assert.equal(typeof inquiry.amount, "number");
    assert.equal(inquiry.amountText, "125.50");
    assert.equal(inquiry.currencyId, 1);
    assert.equal(inquiry.paymentChannelId, 1);
    assert.equal(inquiry.paymentTypeId, 1, "a sale");
    assert.equal(inquiry.paymentStatusId, 2, "sent to the device");
    assert.equal(typeof inquiry.createdDate, "string");
    assert.equal(inquiry.createdDate, sent.CreatedDate, "the date exactly as Paywall wrote it");
    assert.match(inquiry.createdDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(inquiry.modifiedDate, null);
  });

  it("after a cancel, shows the cancellation: type 2, status 4, the cancel's activity, a modifiedDate", async () => {
    const id = await createPayment(standIn().url, { merchantUniqueCode: "INQUIRY-1", amount: 24 });
    const before = await inquirePayment(configFor(standIn()), id);
    assert.equal(before.merchantUniqueCode, "INQUIRY-1");
    assert.equal(before.amount, 24);
    assert.equal(before.modifiedDate, null);
    const cancelled = await cancelPayment(configFor(standIn()), id);
    const after = await inquirePayment(configFor(standIn()), id);
    assert.equal(after.paymentTypeId, 2);
    assert.equal(after.paymentStatusId, 4);
    assert.equal(after.paymentRequestActivityId, cancelled.paymentRequestActivityId);
    assert.equal(typeof after.modifiedDate, "string");
    assert.equal(after.createdDate, before.createdDate);
  });

  it("reports Paywall's refusal as kind api: an unknown payment is Payment.Request.RequestNotFound", async () => {
    const id = idOf("unknownPayment");
    const error = await rejection(inquirePayment(configFor(standIn()), id), PaywallError);
    assert.equal(error.kind, "api");
    assert.equal(error.clientMessage, "Payment.Request.RequestNotFound");
    assert.equal(error.httpStatus, 200);
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 1);
    assert.equal(error.paymentRequestId, id);
    assert.match(error.message, /inquiry/);
    assert.equal(standIn().inquiries(id), 1, "a refusal is not retried");
  });

  it("reports wrong keys as kind api with HTTP 401 and System.AuthError", async () => {
    const error = await rejection(
      inquirePayment(configFor(standIn(), { apiKeyPrivate: "not-the-key" }), idOf("saleOnDevice")),
      PaywallError,
    );
    assert.equal(error.kind, "api");
    assert.equal(error.httpStatus, 401);
    assert.equal(error.clientMessage, "System.AuthError");
  });

  it("retries a 503 up to maxRetries, then rejects with kind http, retryable", async () => {
    const id = idOf("inquiryUnavailable");
    const error = await rejection(inquirePayment(configFor(standIn()), id), PaywallError);
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 503);
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 3);
    assert.equal(standIn().inquiries(id), 3);
    standIn().reset();
    const once = await rejection(inquirePayment(configFor(standIn(), { maxRetries: 0 }), id), PaywallError);
    assert.equal(once.attempts, 1);
    assert.equal(standIn().inquiries(id), 1);
    assert.equal(standIn().attempts(id), 0, "an inquiry never sends a cancel");
  });
});

describe("inquirePayment reads Paywall's answer", () => {
  it("in PascalCase, as the documented sample, with the fields it does not return left out", async () => {
    const { fetch } = answering(inquiryBody(ID, DOCUMENTED_RESULT));
    assert.deepEqual(await inquirePayment(crafted(fetch), ID), DOCUMENTED_INQUIRY);
  });

  it("in camelCase, envelope and result alike", async () => {
    const body = JSON.stringify({
      result: camel(DOCUMENTED_RESULT),
      failed: false,
      message: null,
      clientMessage: null,
      succeeded: true,
    });
    const { fetch } = answering(body);
    assert.deepEqual(await inquirePayment(crafted(fetch), ID), DOCUMENTED_INQUIRY);
  });

  it("with the amount as a number, whatever its scale, and a modifiedDate when there is one", async () => {
    const modified = "2024-09-02T14:01:02.000001";
    const body = inquiryBody(ID, { Amount: 0, ModifiedDate: modified }).replace('"Amount":0', '"Amount":1.50');
    const { fetch } = answering(body);
    const inquiry = await inquirePayment(crafted(fetch), ID);
    assert.equal(inquiry.amount, 1.5);
    assert.equal(typeof inquiry.amount, "number");
    assert.equal(inquiry.amountText, "1.50", "the amount exactly as written, for money");
    assert.equal(inquiry.modifiedDate, modified);
  });

  it("keeps amountText exact where the number cannot be: 9007199254740993 and 28 decimals", async () => {
    for (const [written, number] of [
      ["9007199254740993", 9007199254740992],
      ["0.1000000000000000000000000001", 0.1],
      ["-12345678901234567890123456789", -12345678901234567890123456789],
    ]) {
      const body = inquiryBody(ID, { Amount: 0 }).replace('"Amount":0', `"Amount":${written}`);
      const inquiry = await inquirePayment(crafted(answering(body).fetch), ID);
      assert.equal(inquiry.amountText, written);
      assert.equal(inquiry.amount, number, "the number is the nearest double, for display");
    }
  });

  it("with every optional field missing: each is null, not a decode error", async () => {
    const { fetch } = answering(inquiryBody(ID));
    const inquiry = await inquirePayment(crafted(fetch), ID);
    assert.deepEqual(inquiry, {
      paymentRequestId: ID,
      paymentRequestActivityId: ACTIVITY,
      terminalId: null,
      merchantUniqueCode: null,
      displayCode: null,
      callbackAddress: null,
      amount: null,
      amountText: null,
      currencyId: null,
      paymentChannelId: null,
      paymentTypeId: 2,
      paymentStatusId: 4,
      createdDate: null,
      modifiedDate: null,
    });
  });

  for (const field of ["TerminalId", "MerchantUniqueCode", "DisplayCode", "CallbackAddress", "Amount", "CurrencyId", "PaymentChannelId", "CreatedDate", "ModifiedDate"]) {
    it(`with ${field} alone missing: it is null and the others are read`, async () => {
      const result = { ...DOCUMENTED_RESULT };
      delete result[field];
      const { fetch } = answering(inquiryBody(ID, result));
      const inquiry = await inquirePayment(crafted(fetch), ID);
      const key = field[0].toLowerCase() + field.slice(1);
      const text = key === "amount" ? { amountText: null } : {};
      assert.deepEqual(inquiry, { ...DOCUMENTED_INQUIRY, [key]: null, ...text });
    });
  }

  for (const field of ["PaymentRequestId", "PaymentRequestActivityId", "PaymentTypeId", "PaymentStatusId"]) {
    it(`refuses a result without ${field}: kind decode, naming it, not retried`, async () => {
      const result = { ...DOCUMENTED_RESULT };
      delete result[field];
      const body = JSON.stringify({ Result: result, Failed: false, Message: null, ClientMessage: null, Succeeded: true });
      const { fetch, calls } = answering(body);
      const error = await rejection(inquirePayment(crafted(fetch), ID), PaywallError);
      assert.equal(error.kind, "decode");
      assert.equal(error.httpStatus, 200);
      assert.equal(error.retryable, false);
      assert.equal(error.attempts, 1);
      assert.equal(calls.length, 1);
      assert.match(error.message, new RegExp(`result\\.${field[0].toLowerCase()}${field.slice(1)}`));
      assert.match(error.message, /inquiry envelope/);
    });
  }

  it("refuses a result for another payment: kind decode", async () => {
    const other = "5cf8f757-9121-465d-b7a3-68d951091bd8";
    const { fetch } = answering(inquiryBody(other, { ...DOCUMENTED_RESULT, PaymentRequestId: other }));
    const error = await rejection(inquirePayment(crafted(fetch), ID), PaywallError);
    assert.equal(error.kind, "decode");
    assert.match(error.message, /not the requested/);
  });

  it("accepts its own id in another letter case, and returns it as Paywall wrote it", async () => {
    const { fetch } = answering(inquiryBody(ID.toUpperCase()));
    assert.equal((await inquirePayment(crafted(fetch), ID)).paymentRequestId, ID.toUpperCase());
  });

  it("refuses a success without a result, and a 2xx that is not JSON: kind decode", async () => {
    for (const body of ['{"Result":null,"Failed":false,"Succeeded":true}', "<html>OK</html>", ""]) {
      const { fetch } = answering(body);
      const error = await rejection(inquirePayment(crafted(fetch), ID), PaywallError);
      assert.equal(error.kind, "decode", body);
    }
  });

  it("reports a refusal in a 200 envelope as kind api, in either casing", async () => {
    for (const body of [
      '{"Result":null,"Failed":true,"Succeeded":false,"Message":"Yok.","ClientMessage":"Payment.Request.RequestNotFound"}',
      '{"result":null,"failed":true,"succeeded":false,"message":"Yok.","clientMessage":"Payment.Request.RequestNotFound"}',
    ]) {
      const { fetch } = answering(body);
      const error = await rejection(inquirePayment(crafted(fetch), ID), PaywallError);
      assert.equal(error.kind, "api");
      assert.equal(error.clientMessage, "Payment.Request.RequestNotFound");
      assert.equal(error.paywallMessage, "Yok.");
    }
  });
});

describe("inquirePayment refuses bad input before sending anything", () => {
  const ok = () => new Response(inquiryBody(ID));

  const badIds = [
    ["not a GUID", "nope"],
    ["the nil GUID", "00000000-0000-0000-0000-000000000000"],
    ["a number", 42],
    ["undefined", undefined],
    ["a GUID with braces", `{${ID}}`],
  ];
  for (const [what, id] of badIds) {
    it(`an id that is ${what}: kind input`, async () => {
      const spy = spyFetch(ok);
      const error = await rejection(inquirePayment(crafted(spy.fetch), id), PaywallError);
      assert.equal(error.kind, "input");
      assert.equal(error.attempts, 0);
      assert.equal(error.retryable, false);
      assert.equal(spy.calls.length, 0);
    });
  }

  it("an id that is one of the keys (a key that is itself a GUID): kind input", async () => {
    const spy = spyFetch(ok);
    const key = "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60718";
    const error = await rejection(inquirePayment(crafted(spy.fetch, { apiKeyPrivate: key }), key), PaywallError);
    assert.equal(error.kind, "input");
    assert.match(error.message, /private key/);
    assert.equal(spy.calls.length, 0);
  });

  const badConfigs = [
    ["no config", () => undefined],
    ["a string for a config", () => "https://paywall.example"],
    ["no baseAddress", (fetch) => ({ ...STANDIN_KEYS, fetch })],
    ["a baseAddress that is not a URL", (fetch) => crafted(fetch, { baseAddress: "paywall" })],
    ["plain http to another host", (fetch) => crafted(fetch, { baseAddress: "http://paywall.example" })],
    ["no apiKeyPrivate", (fetch) => crafted(fetch, { apiKeyPrivate: undefined })],
    ["a key with a newline", (fetch) => crafted(fetch, { apiClientPrivate: "client\n" })],
    ["timeoutMs 0", (fetch) => crafted(fetch, { timeoutMs: 0 })],
    ["maxRetries 11", (fetch) => crafted(fetch, { maxRetries: 11 })],
    ["reconcile that is not a boolean", (fetch) => crafted(fetch, { reconcile: "yes" })],
    ["a signal that is not an AbortSignal", (fetch) => crafted(fetch, { signal: {} })],
  ];
  for (const [what, configOf] of badConfigs) {
    it(`${what}: kind config`, async () => {
      const spy = spyFetch(ok);
      const error = await rejection(inquirePayment(configOf(spy.fetch), ID), PaywallError);
      assert.equal(error.kind, "config", error.message);
      assert.equal(error.attempts, 0);
      assert.equal(error.retryable, false);
      assert.equal(spy.calls.length, 0);
    });
  }

  it("a fetch that is not a function: kind config", async () => {
    const error = await rejection(inquirePayment(crafted("fetch"), ID), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /config\.fetch/);
  });
});

describe("environment", () => {
  it('"test" sends the inquiry to Paywall\'s test host', async () => {
    const spy = spyFetch(() => new Response(inquiryBody(ID)));
    const config = { environment: "test", ...STANDIN_KEYS, fetch: spy.fetch };
    assert.equal((await inquirePayment(config, ID)).paymentRequestId, ID);
    assert.deepEqual(spy.calls.map((call) => call.url), [`${TEST_HOST}/api/payment/inquiry/${ID}`]);
  });

  it('"test" sends the cancel to Paywall\'s test host too', async () => {
    const spy = spyFetch(
      () =>
        new Response(
          JSON.stringify({
            result: { paymentRequestId: ID, paymentRequestActivityId: ACTIVITY, paymentRequestActivityTypeId: 2, paymentStatus: 4 },
            succeeded: true,
          }),
        ),
    );
    await cancelPayment({ environment: "test", ...STANDIN_KEYS, fetch: spy.fetch }, ID);
    assert.deepEqual(spy.calls.map((call) => call.url), [`${TEST_HOST}/api/payment/async/cancel`]);
  });

  it("with baseAddress as well is a config error, whichever address it names", async () => {
    for (const baseAddress of [TEST_HOST, "https://paywall.example"]) {
      const spy = spyFetch();
      const config = { environment: "test", baseAddress, ...STANDIN_KEYS, fetch: spy.fetch };
      for (const call of [inquirePayment, cancelPayment]) {
        const error = await rejection(call(config, ID), PaywallError);
        assert.equal(error.kind, "config");
        assert.match(error.message, /environment/);
        assert.match(error.message, /baseAddress/);
        assert.equal(error.attempts, 0);
      }
      assert.equal(spy.calls.length, 0);
    }
  });

  for (const environment of ["production", "TEST", "Test", " test", "test ", "", "sandbox", 1, true, {}]) {
    it(`${JSON.stringify(environment)} is a config error`, async () => {
      const spy = spyFetch();
      const error = await rejection(inquirePayment({ environment, ...STANDIN_KEYS, fetch: spy.fetch }, ID), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, /config\.environment/);
      assert.equal(spy.calls.length, 0);
    });
  }
});

describe("inquirePayment's retries and timeouts", () => {
  it("retries 502, 503 and 504, then reads the answer", async () => {
    const statuses = [502, 503, 504];
    const spy = spyFetch(() => {
      const status = statuses.shift();
      // Retry-After: 0 keeps the test fast; the backoff itself is the cancel suite's subject.
      return status
        ? new Response("<html>gateway</html>", { status, headers: { "retry-after": "0" } })
        : new Response(inquiryBody(ID));
    });
    const inquiry = await inquirePayment(crafted(spy.fetch, { maxRetries: 3 }), ID);
    assert.equal(inquiry.paymentStatusId, 4);
    assert.equal(spy.calls.length, 4);
  });

  it("does not retry a 500: it is Paywall's own answer", async () => {
    const spy = spyFetch(() => new Response("<html>oops</html>", { status: 500 }));
    const error = await rejection(inquirePayment(crafted(spy.fetch), ID), PaywallError);
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 500);
    assert.equal(spy.calls.length, 1);
  });

  it("retries a failed connection", async () => {
    let calls = 0;
    const fetch = () => {
      calls += 1;
      if (calls === 1) throw new TypeError("fetch failed");
      return new Response(inquiryBody(ID));
    };
    assert.equal((await inquirePayment(crafted(fetch), ID)).paymentRequestId, ID);
    assert.equal(calls, 2);
  });

  it("retries a timed-out attempt (a GET changes nothing), aborting the late one's fetch", async () => {
    const signals = [];
    const fetch = (url, init) => {
      signals.push(init.signal);
      return signals.length === 1 ? hangingUntilAborted(url, init) : new Response(inquiryBody(ID));
    };
    const inquiry = await inquirePayment(crafted(fetch, { timeoutMs: 150 }), ID);
    assert.equal(inquiry.paymentRequestId, ID);
    assert.equal(signals.length, 2);
    assert.equal(signals[0].aborted, true, "the timed-out attempt's fetch was aborted");
    assert.equal(signals[1].aborted, false);
  });

  it("unlike a cancel, which never retries a timed-out attempt", async () => {
    const spy = spyFetch(hangingUntilAborted);
    const error = await rejection(cancelPayment(crafted(spy.fetch, { timeoutMs: 100, reconcile: false }), ID), PaywallError);
    assert.equal(error.kind, "timeout");
    assert.equal(spy.calls.length, 1);
  });

  it("rejects with kind timeout after maxRetries + 1 timed-out attempts, saying nothing changed", async () => {
    const spy = spyFetch(hangingUntilAborted);
    const error = await rejection(inquirePayment(crafted(spy.fetch, { timeoutMs: 100, maxRetries: 1 }), ID), PaywallError);
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2);
    assert.equal(spy.calls.length, 2);
    assert.match(error.message, /within 100 ms/);
    assert.doesNotMatch(error.message, /may still be processed/, "an inquiry changes nothing at Paywall");
  });

  it("holds its timeout even when a custom fetch ignores its signal", async () => {
    const started = performance.now();
    const error = await rejection(
      inquirePayment(crafted(() => new Promise(() => {}), { timeoutMs: 200, maxRetries: 0 }), ID),
      PaywallError,
    );
    const ms = performance.now() - started;
    assert.equal(error.kind, "timeout");
    assert.ok(ms >= 190 && ms < 1000, `took ${ms} ms for a 200 ms timeout`);
  });
});

describe("inquirePayment and the caller's AbortSignal", () => {
  it("rejects at once, sending nothing, when the signal has already fired", async () => {
    const spy = spyFetch();
    const error = await rejection(inquirePayment(crafted(spy.fetch, { signal: AbortSignal.abort() }), ID), PaywallError);
    assert.equal(error.kind, "aborted");
    assert.equal(error.attempts, 0);
    assert.equal(error.retryable, false);
    assert.match(error.message, /no request was sent/);
    assert.equal(spy.calls.length, 0);
  });

  it("aborts a request in flight: kind aborted, its fetch's signal aborted, and the message says it changed nothing", async () => {
    const controller = new AbortController();
    const spy = spyFetch((url, init) => {
      setTimeout(() => controller.abort(), 20);
      return hangingUntilAborted(url, init);
    });
    const started = performance.now();
    const error = await rejection(inquirePayment(crafted(spy.fetch, { signal: controller.signal }), ID), PaywallError);
    assert.equal(error.kind, "aborted");
    assert.equal(error.attempts, 1);
    assert.match(error.message, /inquiry was aborted/);
    assert.match(error.message, /changes nothing/);
    assert.equal(spy.calls.length, 1);
    assert.equal(spy.calls[0].init.signal.aborted, true);
    assert.ok(performance.now() - started < 1000);
  });

  it("aborts the wait before a retry", async () => {
    const controller = new AbortController();
    const spy = spyFetch(() => {
      setTimeout(() => controller.abort(), 50);
      return new Response("busy", { status: 503 });
    });
    const error = await rejection(inquirePayment(crafted(spy.fetch, { signal: controller.signal }), ID), PaywallError);
    assert.equal(error.kind, "aborted");
    assert.equal(error.attempts, 1);
    assert.match(error.message, /waiting to retry/);
    assert.equal(spy.calls.length, 1);
  });
});

describe("inquirePayment with a custom fetch", () => {
  it("is called with the URL and a plain init: GET, the three headers, no body, manual redirects, a signal", async () => {
    const spy = spyFetch(() => new Response(inquiryBody(ID)));
    const config = { baseAddress: "https://proxy.example/paywall/", apiKeyPrivate: "k-1", apiClientPrivate: "c-1", fetch: spy.fetch };
    await inquirePayment(config, ID.toUpperCase());
    assert.equal(spy.calls.length, 1);
    const [{ url, init }] = spy.calls;
    assert.equal(url, `https://proxy.example/paywall/api/payment/inquiry/${ID}`, "the path prefix is kept, the id lowercased");
    assert.equal(init.method, "GET");
    assert.equal(init.body, undefined);
    assert.equal(init.redirect, "manual");
    assert.deepEqual({ ...init.headers }, { accept: "application/json", apikeyprivate: "k-1", apiclientprivate: "c-1" });
    assert.ok(init.signal instanceof AbortSignal);
  });

  it("is used instead of the global fetch, and may answer synchronously", async () => {
    const global = spyFetch(() => Promise.reject(new Error("the global fetch must not be used")));
    const inquiry = await withGlobalFetch(global.fetch, () =>
      inquirePayment(crafted(() => new Response(inquiryBody(ID))), ID),
    );
    assert.equal(inquiry.paymentRequestId, ID);
    assert.equal(global.calls.length, 0);
  });

  it("that resolves to something other than a Response: kind network, not retried", async () => {
    const spy = spyFetch(() => ({ status: 200, body: inquiryBody(ID) }));
    const error = await rejection(inquirePayment(crafted(spy.fetch), ID), PaywallError);
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, false);
    assert.equal(spy.calls.length, 1);
  });
});

describe("inquirePayment keeps the keys out of every error", () => {
  const KEY = `sk_live_"quo\\ted"  spaced   ${"K".repeat(30)}_INQUIRY_DO_NOT_LEAK`;
  const CLIENT = `cl_live_'single' \\ gap ${"C".repeat(30)}_INQUIRY_DO_NOT_LEAK`;
  const secretConfig = (fetch, overrides = {}) =>
    ({ baseAddress: "https://paywall.example", apiKeyPrivate: KEY, apiClientPrivate: CLIENT, maxRetries: 0, fetch, ...overrides });
  const echo = (init) => `${init.headers.apikeyprivate} ${init.headers.apiclientprivate}`;

  const cases = [
    ["config: a key with a newline", "config", secretConfig(() => {}, { apiKeyPrivate: `${KEY}\n` }), ID],
    ["config: a key in the base address's path", "config", secretConfig(() => {}, { baseAddress: `https://paywall.example/${encodeURIComponent(KEY)}/%2e%2e/` }), ID],
    ["input: a key passed as the id", "input", secretConfig(() => {}), KEY],
    ["network: a fetch failure quoting the headers", "network", secretConfig((url, init) => { throw new Error(`refused ${echo(init)}`, { cause: new Error(echo(init)) }); }), ID],
    ["timeout", "timeout", secretConfig(hangingUntilAborted, { timeoutMs: 50 }), ID],
    ["aborted", "aborted", secretConfig(() => {}, { signal: AbortSignal.abort(echo({ headers: { apikeyprivate: KEY, apiclientprivate: CLIENT } })) }), ID],
    ["http: a proxy page echoing the headers", "http", secretConfig((url, init) => new Response(`<pre>${echo(init)}</pre>`, { status: 502 })), ID],
    ["http: a redirect whose Location carries the key", "http", secretConfig((url, init) => new Response(null, { status: 302, headers: { location: `/login?k=${encodeURIComponent(init.headers.apikeyprivate)}` } })), ID],
    ["decode: a 2xx body echoing the headers", "decode", secretConfig((url, init) => new Response(`not json ${echo(init)}`)), ID],
    ["api: Paywall's message and code quoting the keys", "api", secretConfig((url, init) => new Response(JSON.stringify({ Succeeded: false, Failed: true, Message: `bad ${echo(init)}`, ClientMessage: init.headers.apikeyprivate }))), ID],
  ];
  for (const [what, kind, config, id] of cases) {
    it(`${what}`, async () => {
      const error = await rejection(inquirePayment(config, id), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assertNoFragment(error, [KEY, CLIENT], what);
    });
  }
});
