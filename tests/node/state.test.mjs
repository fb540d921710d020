// What a resolution means (issue 13, section 3): every cancel result carries `state`,
// "cancelled" | "pending" | "failed" | "unknown", from its activity type and status. Paywall
// may accept a cancel (succeeded: true) that is still on its way to the terminal, or that
// failed there: the call resolves in all four cases, and `state` says which.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { STANDIN_KEYS, configFor, idOf, inquiryBody, loadEsm, useStandIn } from "./helpers.mjs";

const { cancelPayment, inquirePayment } = await loadEsm();

const ID = "72ec8714-d116-4306-8881-38a43c485da9";
const ACTIVITY = "3a7deace-d437-4d3f-8ef8-1cba82f18e8f";

/**
 * The mapping, as the issue states it, written out row by row: for a cancellation (type 2),
 * each status; for any other type, only the three statuses that mean "failed" are not
 * "unknown".
 */
const CANCELLATION_STATES = {
  0: "unknown",
  1: "pending", // Created
  2: "pending", // Sent to device
  3: "failed", // Could not be sent to device
  4: "cancelled", // Successful
  5: "failed", // Failed
  6: "unknown", // Unknown
  7: "pending", // Notification not sent (Firebase)
  8: "pending", // Notification not sent (Socket)
  9: "pending", // Notification sent (Firebase)
  10: "pending", // Notification sent (Socket)
  11: "pending", // Taken into processing by the device
  12: "failed", // Rolled back
  13: "unknown", // not documented
  99: "unknown",
  [-1]: "unknown",
  2147483647: "unknown",
};
const OTHER_TYPE_STATES = { 1: "unknown", 2: "unknown", 3: "failed", 4: "unknown", 5: "failed", 11: "unknown", 12: "failed", 99: "unknown" };
const ROWS = [
  ...Object.entries(CANCELLATION_STATES).map(([status, state]) => [2, Number(status), state]),
  ...[1, 3, 4, 0, 99].flatMap((type) => Object.entries(OTHER_TYPE_STATES).map(([status, state]) => [type, Number(status), state])),
];

/** A config whose fetch answers a cancel's success with these two codes. */
function answering(type, status) {
  const body = JSON.stringify({
    result: { paymentRequestId: ID, paymentRequestActivityId: ACTIVITY, paymentRequestActivityTypeId: type, paymentStatus: status },
    failed: false,
    message: null,
    clientMessage: null,
    succeeded: true,
  });
  return { baseAddress: "https://paywall.example", ...STANDIN_KEYS, fetch: () => new Response(body) };
}

describe("state, from the stand-in's scenarios", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  it("cancelled: a cancellation that succeeded (type 2, status 4)", async () => {
    const result = await cancelPayment(configFor(standIn()), idOf("saleOnDevice"));
    assert.equal(result.state, "cancelled");
    assert.equal(result.confirmedBy, "response");
  });

  it("pending: Paywall accepted the cancel, which is still on its way to the terminal (type 2, status 2); the inquiry agrees", async () => {
    const id = idOf("cancelPendingOnDevice");
    const result = await cancelPayment(configFor(standIn()), id);
    assert.equal(result.state, "pending");
    assert.equal(result.paymentRequestActivityTypeId, 2);
    assert.equal(result.paymentStatus, 2);
    assert.equal(result.confirmedBy, "response");
    const inquiry = await inquirePayment(configFor(standIn()), id);
    assert.equal(inquiry.paymentTypeId, 2);
    assert.equal(inquiry.paymentStatusId, 2);
  });

  it("failed: Paywall accepted the cancel, which failed on the terminal (type 2, status 5): the call still resolves", async () => {
    const id = idOf("cancelFailedOnDevice");
    const result = await cancelPayment(configFor(standIn()), id);
    assert.equal(result.state, "failed");
    assert.equal(result.paymentRequestActivityTypeId, 2);
    assert.equal(result.paymentStatus, 5);
    assert.equal(result.confirmedBy, "response");
    assert.equal((await inquirePayment(configFor(standIn()), id)).paymentStatusId, 5);
  });

  it("a reconciled result carries state too", async () => {
    const result = await cancelPayment(configFor(standIn(), { timeoutMs: 200 }), idOf("cancelAppliedThenHang"));
    assert.equal(result.confirmedBy, "inquiry");
    assert.equal(result.state, "cancelled");
  });
});

describe("state, for every documented code and some undocumented ones", () => {
  it("unknown: an undocumented status (99) of a cancellation", async () => {
    const result = await cancelPayment(answering(2, 99), ID);
    assert.equal(result.state, "unknown");
    assert.equal(result.paymentStatus, 99, "the code is kept as its number");
  });

  it("unknown: a successful activity that is not a cancellation (type 1, status 4)", async () => {
    assert.equal((await cancelPayment(answering(1, 4), ID)).state, "unknown");
  });

  for (const [type, status, state] of ROWS) {
    it(`type ${type}, status ${status}: ${state}`, async () => {
      const result = await cancelPayment(answering(type, status), ID);
      assert.equal(result.state, state);
      assert.equal(result.paymentRequestActivityTypeId, type);
      assert.equal(result.paymentStatus, status);
      assert.equal(result.confirmedBy, "response");
    });
  }
});

describe("state of a cancel confirmed by the inquiry", () => {
  /** A config whose cancel's connection fails, and whose inquiry shows a cancellation in `status`. */
  function lostThenInquiry(status) {
    return {
      baseAddress: "https://paywall.example",
      ...STANDIN_KEYS,
      maxRetries: 0,
      fetch: (url) =>
        url.endsWith("/api/payment/async/cancel")
          ? Promise.reject(new TypeError("fetch failed"))
          : new Response(inquiryBody(ID, { PaymentTypeId: 2, PaymentStatusId: status })),
    };
  }

  for (const [status, state] of [[4, "cancelled"], [2, "pending"], [11, "pending"], [5, "failed"], [12, "failed"], [99, "unknown"]]) {
    it(`a cancellation in status ${status} found by the inquiry resolves, state ${state}`, async () => {
      const result = await cancelPayment(lostThenInquiry(status), ID);
      assert.deepEqual(result, {
        paymentRequestId: ID,
        paymentRequestActivityId: ACTIVITY,
        paymentRequestActivityTypeId: 2,
        paymentStatus: status,
        state,
        confirmedBy: "inquiry",
      });
    });
  }
});
