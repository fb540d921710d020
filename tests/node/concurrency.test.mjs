// Many calls in flight at once each settle with their own payment, against the stand-in.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  cancelRequests,
  configFor,
  createPayment,
  loadEsm,
  rejection,
  startStandIn,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const CALLS = 1000;

describe(`${CALLS} concurrent cancels`, () => {
  const standIn = useStandIn({ before, after });

  it("each settle with their own payment, then each refuse a second cancel with their own id", async () => {
    const ids = [];
    for (let start = 0; start < CALLS; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) =>
        createPayment(standIn().url, { merchantUniqueCode: `ORDER-${start + i}`, amount: 10 + (start + i) / 100 }),
      );
      ids.push(...(await Promise.all(batch)));
    }
    assert.equal(new Set(ids).size, CALLS);
    const config = configFor(standIn(), { timeoutMs: 20000 });

    const results = await Promise.all(ids.map((id) => cancelPayment(config, id)));
    results.forEach((result, i) => {
      assert.equal(result.paymentRequestId, ids[i]);
      assert.equal(result.paymentStatus, 4);
      assert.equal(result.paymentRequestActivityTypeId, 2);
    });
    assert.equal(new Set(results.map((r) => r.paymentRequestActivityId)).size, CALLS);
    assert.equal(cancelRequests(standIn()).length, CALLS);

    // reconcile: false, so that each second cancel is Paywall's refusal whatever the load does:
    // with reconcile on, a second cancel whose first attempt meets a transient connection
    // failure (seen under the whole suite's load) is retried, meets AlreadyHasRefundOrCancel
    // on its second attempt, and is resolved by the inquiry, which shows the cancellation the
    // first round made: the intended reconciliation, which reconcile.test.mjs covers.
    const refusals = await Promise.all(
      ids.map((id) => rejection(cancelPayment({ ...config, reconcile: false }, id), PaywallError)),
    );
    refusals.forEach((error, i) => {
      assert.equal(error.kind, "api");
      assert.equal(error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
      assert.equal(error.paymentRequestId, ids[i]);
    });
  });
});

describe("calls in flight at once", () => {
  const IN_FLIGHT = 200;
  const HOLD_MS = 1000;

  it(`${IN_FLIGHT} calls reach the server together, not one after another`, async () => {
    // The stand-in holds every cancel's answer for HOLD_MS, so the calls overlap there
    // exactly as far as the client lets them.
    const standIn = await startStandIn({ holdCancelsMs: HOLD_MS });
    try {
      const ids = [];
      for (let i = 0; i < IN_FLIGHT; i++) ids.push(await createPayment(standIn.url, { merchantUniqueCode: `HELD-${i}` }));
      assert.equal(standIn.peakInFlight(), 1, "the sales were made one at a time");
      const config = configFor(standIn, { timeoutMs: 20000 });
      const started = performance.now();
      const results = await Promise.all(ids.map((id) => cancelPayment(config, id)));
      const elapsed = performance.now() - started;
      results.forEach((result, i) => assert.equal(result.paymentRequestId, ids[i]));
      assert.equal(standIn.peakInFlight(), IN_FLIGHT, "requests the stand-in held at once");
      assert.ok(elapsed < 3 * HOLD_MS, `${IN_FLIGHT} held calls took ${elapsed} ms`);
    } finally {
      await standIn.close();
    }
  });
});
