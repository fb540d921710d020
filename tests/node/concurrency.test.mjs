// Many calls in flight at once each settle with their own payment, against the stand-in.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { STANDIN_KEYS, cancelRequests, configFor, loadEsm, rejection, useStandIn } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const CALLS = 1000;

/** Creates a payment on the stand-in through Paywall's async sale endpoint. */
async function createPayment(standIn, index) {
  const amount = 10 + index / 100;
  const response = await fetch(`${standIn.url}/api/payment/async/sale`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      apikeyprivate: STANDIN_KEYS.apiKeyPrivate,
      apiclientprivate: STANDIN_KEYS.apiClientPrivate,
    },
    body: JSON.stringify({
      TerminalId: "T-0001",
      MerchantUniqueCode: `ORDER-${index}`,
      Amount: amount,
      CurrencyId: 1,
      Products: [{ Name: "Item", Amount: amount }],
    }),
  });
  const envelope = await response.json();
  assert.equal(envelope.Succeeded, true, JSON.stringify(envelope));
  return envelope.Result.PaymentRequestId;
}

describe(`${CALLS} concurrent cancels`, () => {
  const standIn = useStandIn({ before, after });

  it("each settle with their own payment, then each refuse a second cancel with their own id", async () => {
    const ids = [];
    for (let start = 0; start < CALLS; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => createPayment(standIn(), start + i));
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
