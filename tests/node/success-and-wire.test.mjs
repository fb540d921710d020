// A cancel that succeeds, and the exact request it sends.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  STANDIN_KEYS,
  cancelRequests,
  configFor,
  idOf,
  loadEsm,
  spyFetch,
  successBody,
  useStandIn,
  withGlobalFetch,
} from "./helpers.mjs";

const { cancelPayment } = await loadEsm();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESULT_FIELDS = [
  "confirmedBy",
  "paymentRequestActivityId",
  "paymentRequestActivityTypeId",
  "paymentRequestId",
  "paymentStatus",
  "state",
];

describe("a successful cancel", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  it("resolves with Paywall's result: ids as strings, the two codes as numbers", async () => {
    const id = idOf("saleOnDevice");
    const result = await cancelPayment(configFor(standIn()), id);
    assert.deepEqual(Object.keys(result).sort(), RESULT_FIELDS);
    assert.equal(result.paymentRequestId, id);
    assert.match(result.paymentRequestActivityId, GUID);
    assert.notEqual(result.paymentRequestActivityId, id);
    assert.equal(result.paymentRequestActivityTypeId, 2, "a cancellation");
    assert.equal(result.paymentStatus, 4, "successful");
    assert.equal(result.state, "cancelled", "type 2 with status 4 reads as cancelled");
    assert.equal(result.confirmedBy, "response", "Paywall's answer to the cancel said so");
    const stored = standIn().payments().find((p) => p.paymentRequestId === id);
    assert.equal(stored.paymentStatus, 4);
    assert.equal(stored.paymentRequestActivityTypeId, 2);
  });

  it("reads an answer spelled in PascalCase, as Paywall's field tables are", async () => {
    const id = idOf("pascalCase");
    const result = await cancelPayment(configFor(standIn()), id);
    assert.deepEqual(Object.keys(result).sort(), RESULT_FIELDS);
    assert.equal(result.paymentRequestId, id);
    assert.equal(result.paymentRequestActivityTypeId, 2);
    assert.equal(result.paymentStatus, 4);
    assert.equal(result.state, "cancelled");
    assert.equal(result.confirmedBy, "response");
  });

  it("returns the ids as Paywall wrote them, even in another letter case", async () => {
    const id = idOf("demoPayment2");
    const upper = successBody(id.toUpperCase());
    const { fetch } = spyFetch(() => new Response(upper, { status: 200 }));
    const result = await cancelPayment({ ...configFor(standIn()), fetch }, id);
    assert.equal(result.paymentRequestId, id.toUpperCase());
  });

  it("sends exactly the documented request: method, path, headers and body", async () => {
    const id = idOf("demoPayment1");
    await cancelPayment(configFor(standIn(), { baseAddress: `${standIn().url}/` }), id.toUpperCase());
    const requests = cancelRequests(standIn());
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/api/payment/async/cancel");
    assert.equal(request.headers.apikeyprivate, STANDIN_KEYS.apiKeyPrivate);
    assert.equal(request.headers.apiclientprivate, STANDIN_KEYS.apiClientPrivate);
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers.accept, "application/json");
    assert.equal(request.body, `{"PaymentRequestId":"${id}"}`, "the id is sent in lowercase");
  });

  it("works without a trailing slash, with one, and with several", async () => {
    for (const [name, suffix] of [
      ["demoPayment2", ""],
      ["demoPayment3", "/"],
      ["demoPayment4", "//"],
    ]) {
      const result = await cancelPayment(configFor(standIn(), { baseAddress: standIn().url + suffix }), idOf(name));
      assert.equal(result.paymentStatus, 4, suffix);
    }
    assert.deepEqual(
      cancelRequests(standIn()).map((r) => r.path),
      Array(3).fill("/api/payment/async/cancel"),
    );
  });
});

describe("a custom fetch", () => {
  const id = "72ec8714-d116-4306-8881-38a43c485da9";
  const config = {
    baseAddress: "https://proxy.example/paywall/",
    apiKeyPrivate: "custom-fetch-key",
    apiClientPrivate: "custom-fetch-client",
  };

  it("is called with the URL and a plain init, and its Response is decoded without a server", async () => {
    const { fetch, calls } = spyFetch(() => new Response(successBody(id), { status: 200 }));
    const result = await cancelPayment({ ...config, fetch }, id);
    assert.equal(result.paymentRequestId, id);
    assert.equal(calls.length, 1);
    const [{ url, init }] = calls;
    assert.equal(url, "https://proxy.example/paywall/api/payment/async/cancel", "the path prefix is kept");
    assert.equal(init.method, "POST");
    assert.equal(init.redirect, "manual");
    assert.equal(init.body, `{"PaymentRequestId":"${id}"}`);
    assert.deepEqual({ ...init.headers }, {
      "content-type": "application/json",
      accept: "application/json",
      apikeyprivate: "custom-fetch-key",
      apiclientprivate: "custom-fetch-client",
    });
    assert.ok(init.signal instanceof AbortSignal, "each attempt carries a signal");
    assert.equal(init.signal.aborted, false);
  });

  it("is used instead of the global fetch, which is never touched", async () => {
    const global = spyFetch(() => Promise.reject(new Error("the global fetch must not be used")));
    const { fetch } = spyFetch(() => new Response(successBody(id)));
    await withGlobalFetch(global.fetch, () => cancelPayment({ ...config, fetch }, id));
    assert.equal(global.calls.length, 0);
  });

  it("may be a function that returns a plain Response synchronously", async () => {
    const result = await cancelPayment({ ...config, fetch: () => new Response(successBody(id)) }, id);
    assert.equal(result.paymentStatus, 4);
  });

  it("the global fetch is looked up per call, so instrumentation installed later is honoured", async () => {
    const global = spyFetch(() => new Response(successBody(id)));
    await withGlobalFetch(global.fetch, () => cancelPayment(config, id));
    assert.deepEqual(global.calls.map((call) => call.url), ["https://proxy.example/paywall/api/payment/async/cancel"]);
  });
});
