// Every rejection is a PaywallError with one of the nine kinds, and the facts Paywall gave.
import assert from "node:assert/strict";
import http from "node:http";
import util from "node:util";
import { after, before, beforeEach, describe, it } from "node:test";
import { MESSAGES } from "../../standin/scenarios.mjs";
import {
  SCENARIOS,
  cancelRequests,
  configFor,
  idOf,
  loadEsm,
  rejection,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, verifyCallback, PaywallError } = await loadEsm();

/** A 127.0.0.1 port with nothing listening on it. */
async function closedPort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("error kinds", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());
  const fail = (name, overrides) =>
    rejection(cancelPayment(configFor(standIn(), overrides), idOf(name)), PaywallError);

  it('"config": a bad config is refused before sending', async () => {
    const error = await rejection(
      cancelPayment({ ...configFor(standIn()), baseAddress: "not a url" }, idOf("demoPayment1")),
      PaywallError,
    );
    assert.equal(error.kind, "config");
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 0);
    assert.match(error.message, /config\.baseAddress/);
    assert.equal(cancelRequests(standIn()).length, 0);
  });

  it('"input": an id that is not a GUID is refused before sending', async () => {
    const error = await rejection(cancelPayment(configFor(standIn()), "order-1001"), PaywallError);
    assert.equal(error.kind, "input");
    assert.equal(error.attempts, 0);
    assert.equal(error.retryable, false);
    assert.match(error.message, /paymentRequestId must be a GUID/);
    // Described, never quoted: the commonest wrong value is a key passed by mistake.
    assert.match(error.message, /got a string of 10 characters/);
    assert.doesNotMatch(error.message, /order-1001/);
    assert.equal(cancelRequests(standIn()).length, 0);
  });

  it('"network": nothing listens at the address', async () => {
    const port = await closedPort();
    const error = await rejection(
      cancelPayment(
        configFor(standIn(), { baseAddress: `http://127.0.0.1:${port}`, maxRetries: 0 }),
        idOf("demoPayment1"),
      ),
      PaywallError,
    );
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 1);
    assert.equal(error.httpStatus, undefined);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}/api/payment/async/cancel`));
    // Node and Bun say ECONNREFUSED; Deno says "Connection refused".
    assert.match(error.message, /ECONNREFUSED|Connection refused/);
  });

  it('"timeout": an attempt that outlives timeoutMs', async () => {
    const error = await fail("hang", { timeoutMs: 200 });
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    assert.match(error.message, /within 200 ms/);
  });

  it('"aborted": the caller\'s signal fired', async () => {
    const error = await fail("hang", { signal: AbortSignal.timeout(100) });
    assert.equal(error.kind, "aborted");
    assert.equal(error.retryable, false);
    assert.match(error.message, /aborted by config\.signal/);
  });

  it('"http": a non-2xx answer without an envelope', async () => {
    const error = await fail("html500");
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 500);
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 1);
    assert.match(error.message, /HTTP 500/);
    assert.match(error.message, /Internal Server Error/, "quotes the start of the page");

    const plain = await fail("bad400Html");
    assert.equal(plain.kind, "http");
    assert.equal(plain.httpStatus, 400);
  });

  it('"http": a redirect is reported, not followed', async () => {
    const error = await fail("redirect");
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 302);
    assert.equal(error.retryable, false);
    assert.match(error.message, /redirect to \/login/);
    assert.equal(standIn().attempts(idOf("redirect")), 1);
    assert.equal(standIn().requests.filter((r) => r.path.startsWith("/login")).length, 0);
  });

  for (const [name, says] of [
    ["invalidJson", /the JSON ends too early/],
    ["emptyBody200", /not JSON/],
    ["htmlBody200", /not JSON/],
    ["succeededWithoutResult", /succeeded but has no result/],
    ["resultForAnotherPayment", /not the requested/],
  ]) {
    it(`"decode": ${SCENARIOS[name].description}`, async () => {
      const error = await fail(name);
      assert.equal(error.kind, "decode");
      assert.equal(error.httpStatus, 200);
      assert.equal(error.retryable, false);
      assert.equal(error.attempts, 1);
      assert.match(error.message, says);
    });
  }

  for (const [name, clientMessage] of [
    ["alreadyCancelled", "Payment.Async.AlreadyHasRefundOrCancel"],
    ["refunded", "Payment.Async.AlreadyHasRefundOrCancel"],
    ["failedSale", "Payment.Async.NotConvenientStatusForThisOperation"],
    ["notSentToDevice", "Payment.Async.NotConvenientStatusForThisOperation"],
    ["unknownPayment", "Payment.Request.RequestNotFound"],
    ["deviceUnreachable", "Payment.Async.CloudNotSendToDevice"],
    ["asyncNotActive", "Connection.IsAsyncPaymentNotActive"],
  ]) {
    it(`"api": ${SCENARIOS[name].description}`, async () => {
      const error = await fail(name);
      assert.equal(error.kind, "api");
      assert.equal(error.clientMessage, clientMessage);
      assert.equal(error.httpStatus, 200);
      assert.equal(error.errorCode, undefined);
      assert.equal(error.retryable, false);
      assert.equal(error.attempts, 1);
      assert.equal(error.paymentRequestId, idOf(name));
      assert.ok(error.message.includes(clientMessage), error.message);
      assert.match(error.message, /^Paywall refused the cancel: /);
      assert.equal(error.paywallMessage, MESSAGES[clientMessage], "Paywall's own words, as sent");
      assert.ok(error.message.includes(error.paywallMessage));
    });
  }

  it('"api": cancelling the same payment twice is refused the second time', async () => {
    const id = idOf("completedSale");
    const first = await cancelPayment(configFor(standIn()), id);
    assert.equal(first.paymentStatus, 4);
    const error = await rejection(cancelPayment(configFor(standIn()), id), PaywallError);
    assert.equal(error.kind, "api");
    assert.equal(error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
    assert.match(error.message, /already cancelled or refunded/);
  });

  it('"api": a numeric errorCode is passed on', async () => {
    const error = await fail("numericErrorCode");
    assert.equal(error.errorCode, 1001);
    assert.match(error.message, /error code 1001/);
  });

  it('"signature": a callback whose Hash does not match its fields is refused', async () => {
    const body = JSON.stringify({
      PaymentRequestId: idOf("saleOnDevice"),
      PaymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
      PaymentTypeId: 2,
      PaymentStatusId: 4,
      MerchantUniqueCode: "ORDER-1001",
      Amount: 125.5,
      Hash: "0".repeat(64),
    });
    const error = await rejection(verifyCallback(body, "physical-pos-webhook-key"), PaywallError);
    assert.equal(error.kind, "signature");
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 0);
    assert.equal(error.httpStatus, undefined);
    assert.match(error.message, /Hash does not match/);
    assert.match(error.message, /must not be trusted/);
  });

  it('"api": wrong keys are answered 401 with System.AuthError, httpStatus set', async () => {
    const error = await fail("demoPayment1", { apiKeyPrivate: "wrong-private-key" });
    assert.equal(error.kind, "api");
    assert.equal(error.httpStatus, 401);
    assert.equal(error.clientMessage, "System.AuthError");
    assert.equal(error.retryable, false);
    assert.match(error.message, /apiKeyPrivate and apiClientPrivate/);
  });
});

describe("the PaywallError object", () => {
  const standIn = useStandIn({ before, after });

  it("has a stack that starts with its name and shows the caller's own function", async () => {
    async function placeTheCancelForOrder1001() {
      return await cancelPayment(configFor(standIn()), idOf("alreadyCancelled"));
    }
    const error = await rejection(placeTheCancelForOrder1001(), PaywallError);
    assert.equal(typeof error.stack, "string");
    assert.match(error.stack, /^PaywallError: Paywall refused the cancel/);
    assert.match(error.stack, /placeTheCancelForOrder1001/);
  });

  it("serializes its facts with toJSON and JSON.stringify", async () => {
    const error = await rejection(cancelPayment(configFor(standIn()), idOf("unknownPayment")), PaywallError);
    const json = JSON.parse(JSON.stringify(error));
    assert.deepEqual(json, {
      name: "PaywallError",
      kind: "api",
      message: error.message,
      httpStatus: 200,
      clientMessage: "Payment.Request.RequestNotFound",
      paywallMessage: "No payment request was found with this id.",
      retryable: false,
      attempts: 1,
      paymentRequestId: idOf("unknownPayment"),
    });
  });

  it("is an Error subclass that callers can construct and inspect", () => {
    const error = new PaywallError("made by hand", { kind: "timeout", retryable: true });
    assert.ok(error instanceof Error);
    assert.equal(error.name, "PaywallError");
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 0);
    assert.equal(String(error), "PaywallError: made by hand");
  });

  it("keeps its class's name through the package's minified entry", () => {
    // node.mjs is minified (scripts/package.mjs): the class is named by error.js, not by
    // its binding, so that logs and util.inspect still say PaywallError.
    const error = new PaywallError("made by hand", { kind: "config" });
    assert.equal(PaywallError.name, "PaywallError");
    assert.equal(error.constructor.name, "PaywallError");
    assert.match(util.inspect(error), /^PaywallError: made by hand\n/);
  });
});
