// Many calls in flight at once each settle with their own payment, against the stand-in.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cancelRequests, configFor, createPayment, loadEsm, rejection, useStandIn } from "./helpers.mjs";

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

    const refusals = await Promise.all(
      ids.map((id) => rejection(cancelPayment(config, id), PaywallError)),
    );
    refusals.forEach((error, i) => {
      assert.equal(error.kind, "api");
      assert.equal(error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
      assert.equal(error.paymentRequestId, ids[i]);
    });
  });
});
