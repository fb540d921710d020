// The reconciled cancel (issue 13, section 2): when a cancel's outcome is unknown (it is about
// to reject with network or timeout, or an attempt after the first met
// AlreadyHasRefundOrCancel), the client asks the inquiry endpoint once and resolves if the
// payment is cancelled, confirmedBy "inquiry"; otherwise it rejects with the original error,
// saying what the inquiry found. `reconcile: false` is the old behaviour, with no inquiry.
// Requests are counted at the stand-in: cancels and inquiries apart.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  STANDIN_KEYS,
  assertDroppedRequestsSeen,
  configFor,
  idOf,
  inquiryBody,
  inquiryRequests,
  loadEsm,
  rejection,
  spyFetch,
  startStandIn,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, inquirePayment, PaywallError } = await loadEsm();

const ID = "72ec8714-d116-4306-8881-38a43c485da9";
const ALREADY = "Payment.Async.AlreadyHasRefundOrCancel";
const CANCEL_PATH = "/api/payment/async/cancel";

/** The paths the stand-in saw, in order, with the inquiry's id left out: "cancel" or "inquiry". */
function sequence(standIn) {
  return standIn.requests.map((request) => (request.path === CANCEL_PATH ? "cancel" : request.path.split("/")[3]));
}

describe("a cancel whose answer was lost is reconciled with one inquiry", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());
  const cancel = (name, overrides) => cancelPayment(configFor(standIn(), overrides), idOf(name));

  it("cancelAppliedAnswerLost: the retry meets AlreadyHasRefundOrCancel, the inquiry shows the cancel: resolves", async () => {
    // A stand-in of its own, reached over a fresh connection: on a reused keep-alive
    // connection Deno's fetch re-sends a dropped POST by itself (see assertDroppedRequestsSeen),
    // so the library never sees this first answer lost, and the re-sent request's
    // AlreadyHasRefundOrCancel reaches it as its first attempt's answer, which is not
    // reconciled. That Deno case is a known gap of the implementation, reported apart.
    const own = await startStandIn();
    try {
      const id = idOf("cancelAppliedAnswerLost");
      const result = await cancelPayment(configFor(own), id);
      const inquiry = await inquirePayment(configFor(own), id);
      assert.deepEqual(result, {
        paymentRequestId: id,
        paymentRequestActivityId: inquiry.paymentRequestActivityId,
        paymentRequestActivityTypeId: 2,
        paymentStatus: 4,
        state: "cancelled",
        confirmedBy: "inquiry",
      });
      const cancels = own.requests.filter((request) => request.path === CANCEL_PATH);
      assert.equal(cancels[0].cancel.applied, true, "the first attempt did cancel the payment");
      assert.equal(own.attempts(id), 2);
      assert.equal(cancels.at(-1).cancel.clientMessage, ALREADY);
      assert.equal(own.inquiries(id), 2, "one inquiry by the cancel, one by this test");
      assert.deepEqual(sequence(own), ["cancel", "cancel", "inquiry", "inquiry"], "the inquiry came after the last cancel");
    } finally {
      await own.close();
    }
  });

  it("cancelAppliedAnswerLostAlways: every answer lost, the inquiry shows the cancel: resolves after all the attempts", async () => {
    const id = idOf("cancelAppliedAnswerLostAlways");
    const result = await cancel("cancelAppliedAnswerLostAlways");
    assert.equal(result.confirmedBy, "inquiry");
    assert.equal(result.state, "cancelled");
    assert.equal(result.paymentRequestActivityTypeId, 2);
    assert.equal(result.paymentStatus, 4);
    assert.equal(result.paymentRequestId, id);
    assertDroppedRequestsSeen(standIn().attempts(id), 3);
    assert.equal(standIn().inquiries(id), 1);
    assert.equal(sequence(standIn()).at(-1), "inquiry");
  });

  it("cancelAppliedAnswerLostAlways with maxRetries 0: one cancel, one inquiry", async () => {
    const id = idOf("cancelAppliedAnswerLostAlways");
    const result = await cancel("cancelAppliedAnswerLostAlways", { maxRetries: 0 });
    assert.equal(result.confirmedBy, "inquiry");
    assertDroppedRequestsSeen(standIn().attempts(id), 1);
    assert.equal(standIn().inquiries(id), 1);
  });

  it("cancelAppliedThenHang: the attempt times out (not retried), the inquiry shows the cancel: resolves", async () => {
    const id = idOf("cancelAppliedThenHang");
    const result = await cancel("cancelAppliedThenHang", { timeoutMs: 300 });
    assert.equal(result.confirmedBy, "inquiry");
    assert.equal(result.state, "cancelled");
    assert.equal(result.paymentStatus, 4);
    assert.equal(standIn().attempts(id), 1);
    assert.equal(standIn().inquiries(id), 1);
  });

  it("cancelLostNotApplied: the inquiry shows a sale still on the device: rejects with the original network error, saying so", async () => {
    const id = idOf("cancelLostNotApplied");
    const error = await rejection(cancel("cancelLostNotApplied", { maxRetries: 1 }), PaywallError);
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2, "attempts counts the cancel requests");
    assert.equal(error.paymentRequestId, id);
    assert.match(error.message, /No answer from Paywall/, "the original error's message is kept");
    assert.match(error.message, /inquiry found the payment not cancelled/);
    assert.match(error.message, /Sale \(1\)/);
    assert.match(error.message, /Sent to device \(2\)/);
    assertDroppedRequestsSeen(standIn().attempts(id), 2);
    assert.equal(standIn().inquiries(id), 1);
  });

  it("a timeout the inquiry finds not carried out: rejects with the original timeout, saying so", async () => {
    const id = idOf("hang");
    const error = await rejection(cancel("hang", { timeoutMs: 200 }), PaywallError);
    assert.equal(error.kind, "timeout");
    assert.equal(error.attempts, 1);
    assert.match(error.message, /within 200 ms/);
    assert.match(error.message, /inquiry found the payment not cancelled/);
    assert.equal(standIn().inquiries(id), 1);
  });

  it("inquiryUnavailable: the inquiry fails too (503, not retried): rejects with the original kind, saying the inquiry failed", async () => {
    const id = idOf("inquiryUnavailable");
    const error = await rejection(cancel("inquiryUnavailable", { maxRetries: 1 }), PaywallError);
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.equal(error.httpStatus, undefined, "the inquiry's status is not the cancel's");
    assert.match(error.message, /inquiry to find out failed/);
    assert.match(error.message, /HTTP 503/);
    assertDroppedRequestsSeen(standIn().attempts(id), 2);
    assert.equal(standIn().inquiries(id), 1, "one inquiry, even though a 503 is retryable");
  });
});

describe("reconcile: false sends no inquiry", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());
  // maxRetries 1: one retry shows the same as two, in half the waiting.
  const cancel = (name, overrides) =>
    cancelPayment(configFor(standIn(), { reconcile: false, maxRetries: 1, ...overrides }), idOf(name));

  // cancelAppliedAnswerLost first, while this describe's stand-in is reached over a fresh
  // connection (see the note on Deno above).
  const cases = [
    ["cancelAppliedAnswerLost", {}, "api", 2],
    ["cancelAppliedAnswerLostAlways", {}, "network", 2],
    ["cancelAppliedThenHang", { timeoutMs: 200 }, "timeout", 1],
    ["cancelLostNotApplied", {}, "network", 2],
    ["inquiryUnavailable", {}, "network", 2],
  ];
  for (const [name, overrides, kind, attempts] of cases) {
    it(`${name}: rejects with kind ${kind}, as before issue 13`, async () => {
      const id = idOf(name);
      const error = await rejection(cancel(name, overrides), PaywallError);
      assert.equal(error.kind, kind);
      assert.equal(error.attempts, attempts);
      assert.doesNotMatch(error.message, /inquiry found|inquiry to find out/);
      if (kind === "api") assert.equal(error.clientMessage, ALREADY);
      assert.equal(standIn().inquiries(id), 0);
      assert.equal(inquiryRequests(standIn()).length, 0);
    });
  }
});

describe("what is not reconciled", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  for (const name of ["alreadyCancelled", "refunded"]) {
    it(`${name}: AlreadyHasRefundOrCancel on the first attempt stays an api error, with no inquiry`, async () => {
      const id = idOf(name);
      const error = await rejection(cancelPayment(configFor(standIn()), id), PaywallError);
      assert.equal(error.kind, "api");
      assert.equal(error.clientMessage, ALREADY);
      assert.equal(error.attempts, 1);
      assert.doesNotMatch(error.message, /inquiry found|inquiry to find out/);
      assert.equal(standIn().inquiries(id), 0);
    });
  }

  it("a normal success: confirmedBy response, with no inquiry", async () => {
    const id = idOf("saleOnDevice");
    const result = await cancelPayment(configFor(standIn()), id);
    assert.equal(result.confirmedBy, "response");
    assert.equal(result.state, "cancelled");
    assert.equal(standIn().inquiries(id), 0);
    assert.equal(inquiryRequests(standIn()).length, 0);
  });

  it("other refusals and failures (api, http, decode): no inquiry", async () => {
    for (const name of ["deviceUnreachable", "unknownPayment", "html503Always", "invalidJson", "redirect"]) {
      const error = await rejection(cancelPayment(configFor(standIn(), { maxRetries: 0 }), idOf(name)), PaywallError);
      assert.notEqual(error.kind, "network", name);
      assert.equal(standIn().inquiries(idOf(name)), 0, name);
    }
    assert.equal(inquiryRequests(standIn()).length, 0);
  });

  it("an abort by the caller's signal while the cancel is in flight: kind aborted, no inquiry", async () => {
    const id = idOf("cancelAppliedThenHang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(cancelPayment(configFor(standIn(), { signal: controller.signal }), id), PaywallError);
    assert.equal(error.kind, "aborted");
    assert.match(error.message, /may or may not be cancelled/);
    assert.equal(standIn().attempts(id), 1);
    assert.equal(standIn().inquiries(id), 0);
  });

  it("an abort by the caller's signal while waiting to retry: kind aborted, no inquiry", async () => {
    const id = idOf("cancelLostNotApplied");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await rejection(cancelPayment(configFor(standIn(), { signal: controller.signal }), id), PaywallError);
    assert.equal(error.kind, "aborted");
    assert.match(error.message, /waiting to retry/);
    assert.equal(standIn().inquiries(id), 0);
  });
});

describe("the reconciling inquiry, through a custom fetch", () => {
  /**
   * A fetch whose cancel attempts each do what `cancels` says next (the last one repeats):
   * "drop" (fetch rejects), "hang" (until the signal aborts), or a Response; and whose inquiries
   * answer `inquiry()`. Records the paths asked for.
   */
  function script({ cancels, inquiry }) {
    const paths = [];
    const fetch = (url, init) => {
      const path = new URL(url).pathname;
      paths.push(path === CANCEL_PATH ? "cancel" : "inquiry");
      if (path !== CANCEL_PATH) return inquiry(init);
      const step = cancels.length > 1 ? cancels.shift() : cancels[0];
      if (step === "drop") return Promise.reject(new TypeError("fetch failed"));
      if (step === "hang") return hang(init);
      return step();
    };
    return { fetch, paths };
  }
  const hang = (init) =>
    new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true }));
  const config = (fetch, overrides = {}) => ({ baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch, ...overrides });
  const refusal = (clientMessage, status = 200) => () =>
    new Response(JSON.stringify({ result: null, failed: true, succeeded: false, message: "No.", clientMessage }), {
      status,
      headers: { "retry-after": "0" },
    });

  it("an abort DURING the inquiry still rejects, promptly, with the cancel's own error, and says the inquiry was aborted", async () => {
    const controller = new AbortController();
    const { fetch, paths } = script({
      cancels: ["drop"],
      inquiry: (init) => {
        setTimeout(() => controller.abort(), 20);
        return hang(init);
      },
    });
    const started = performance.now();
    const error = await rejection(
      cancelPayment(config(fetch, { maxRetries: 0, signal: controller.signal }), ID),
      PaywallError,
    );
    assert.ok(performance.now() - started < 1000, "the abort ended the inquiry at once, not at timeoutMs (30 s)");
    assert.deepEqual(paths, ["cancel", "inquiry"]);
    assert.equal(error.kind, "network", "the cancel's outcome is still unknown: its own error, not a plain abort");
    assert.equal(error.attempts, 1);
    assert.match(error.message, /inquiry to find out was aborted by config\.signal/);
  });

  it("the inquiry has its own per-attempt timeout: a hanging inquiry ends after timeoutMs and the cancel's error is kept", async () => {
    const { fetch, paths } = script({ cancels: ["hang"], inquiry: hang });
    const started = performance.now();
    const error = await rejection(cancelPayment(config(fetch, { timeoutMs: 200 }), ID), PaywallError);
    const ms = performance.now() - started;
    assert.deepEqual(paths, ["cancel", "inquiry"], "neither the timed-out cancel nor the inquiry is retried");
    assert.equal(error.kind, "timeout");
    assert.match(error.message, /inquiry to find out failed too \(timeout error\)/);
    assert.ok(ms >= 390 && ms < 1500, `took ${ms} ms for two 200 ms timeouts`);
  });

  it("a retry after a 503 that meets AlreadyHasRefundOrCancel is reconciled", async () => {
    const { fetch, paths } = script({
      cancels: [refusal("System.ServerError", 503), refusal(ALREADY)],
      inquiry: () => new Response(inquiryBody(ID)),
    });
    const result = await cancelPayment(config(fetch), ID);
    assert.deepEqual(paths, ["cancel", "cancel", "inquiry"]);
    assert.equal(result.confirmedBy, "inquiry");
    assert.equal(result.state, "cancelled");
  });

  it("a retry that meets another refusal (NotConvenientStatusForThisOperation) is not reconciled", async () => {
    const { fetch, paths } = script({
      cancels: [refusal("System.ServerError", 503), refusal("Payment.Async.NotConvenientStatusForThisOperation")],
      inquiry: () => assert.fail("no inquiry"),
    });
    const error = await rejection(cancelPayment(config(fetch), ID), PaywallError);
    assert.deepEqual(paths, ["cancel", "cancel"]);
    assert.equal(error.kind, "api");
    assert.equal(error.attempts, 2);
  });

  it("AlreadyHasRefundOrCancel after a retry, when the inquiry shows a refund: rejects with the api error, naming the refund", async () => {
    const { fetch, paths } = script({
      cancels: ["drop", refusal(ALREADY)],
      inquiry: () => new Response(inquiryBody(ID, { PaymentTypeId: 3, PaymentStatusId: 4 })),
    });
    const error = await rejection(cancelPayment(config(fetch), ID), PaywallError);
    assert.deepEqual(paths, ["cancel", "cancel", "inquiry"]);
    assert.equal(error.kind, "api");
    assert.equal(error.clientMessage, ALREADY);
    assert.match(error.message, /inquiry found the payment not cancelled/);
    assert.match(error.message, /Refund \(3\)/);
  });

  it("an inquiry answer for another payment does not resolve the cancel", async () => {
    const other = "5cf8f757-9121-465d-b7a3-68d951091bd8";
    const { fetch } = script({ cancels: ["drop"], inquiry: () => new Response(inquiryBody(other)) });
    const error = await rejection(cancelPayment(config(fetch, { maxRetries: 0 }), ID), PaywallError);
    assert.equal(error.kind, "network");
    assert.match(error.message, /inquiry to find out failed too \(decode error/);
  });

  it("the inquiry is sent with the same keys to the inquiry path of the same base address", async () => {
    const spy = spyFetch((url) =>
      url.endsWith(CANCEL_PATH) ? Promise.reject(new TypeError("fetch failed")) : new Response(inquiryBody(ID)),
    );
    await cancelPayment(config(spy.fetch, { baseAddress: "https://proxy.example/pw/", maxRetries: 0 }), ID);
    assert.deepEqual(spy.calls.map((call) => call.url), [
      "https://proxy.example/pw/api/payment/async/cancel",
      `https://proxy.example/pw/api/payment/inquiry/${ID}`,
    ]);
    const inquiry = spy.calls[1].init;
    assert.equal(inquiry.method, "GET");
    assert.equal(inquiry.headers.apikeyprivate, STANDIN_KEYS.apiKeyPrivate);
    assert.equal(inquiry.headers.apiclientprivate, STANDIN_KEYS.apiClientPrivate);
  });
});

describe("config.reconcile", () => {
  const ok = () =>
    new Response(
      JSON.stringify({
        result: { paymentRequestId: ID, paymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f", paymentRequestActivityTypeId: 2, paymentStatus: 4 },
        succeeded: true,
      }),
    );

  for (const reconcile of ["yes", "false", 1, 0, {}, [], Symbol("x")]) {
    it(`of type ${typeof reconcile} (${String(reconcile)}) is a config error, before sending`, async () => {
      const spy = spyFetch(ok);
      const error = await rejection(
        cancelPayment({ baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch: spy.fetch, reconcile }, ID),
        PaywallError,
      );
      assert.equal(error.kind, "config");
      assert.match(error.message, /config\.reconcile must be true or false/);
      assert.equal(error.attempts, 0);
      assert.equal(spy.calls.length, 0);
    });
  }

  it("true, false and undefined are accepted", async () => {
    for (const reconcile of [true, false, undefined]) {
      const spy = spyFetch(ok);
      const result = await cancelPayment({ baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch: spy.fetch, reconcile }, ID);
      assert.equal(result.confirmedBy, "response");
    }
  });
});
