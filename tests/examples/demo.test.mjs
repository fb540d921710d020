// `make demo` (scripts/demo.mjs) tells the story the README promises, on the packed package:
// on the stand-in, a cancel, a refusal, a lost answer resolved by the inquiry, and a callback
// verified then replayed; on a "real" Paywall (here a stand-in the demo does not know is one),
// the cancel alone, with its state.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { root } from "../../scripts/tarball.mjs";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";

const run = promisify(execFile);
const demo = path.join(root, "scripts", "demo.mjs");
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The environment without any of the demo's real-Paywall settings. */
function cleanEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: "1", ...extra };
  for (const name of ["PAYWALL_BASE_ADDRESS", "PAYWALL_API_KEY_PRIVATE", "PAYWALL_API_CLIENT_PRIVATE", "PAYMENT_REQUEST_ID"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

describe("make demo", () => {
  it("on the stand-in: cancels, is refused, resolves a lost answer by inquiry, verifies a callback", async () => {
    const started = performance.now();
    const { stdout } = await run(process.execPath, [demo], { env: cleanEnv(), timeout: 30_000 });
    const elapsed = performance.now() - started;
    const [intro, cancel, again, lost, callback, replay] = stdout.split(/\n(?=\d\. )/);

    assert.match(intro, /cancelling on the local Paywall stand-in at http:\/\/127\.0\.0\.1:\d+/);
    const saleOnDevice = SCENARIOS.saleOnDevice.paymentRequestId;
    assert.match(cancel, new RegExp(`^1\\. Cancel the payment: cancelPayment\\(config, "${saleOnDevice}"\\)`));
    assert.match(cancel, /cancelled, confirmed by the response: \{[\s\S]*state: 'cancelled',\s+confirmedBy: 'response'/);
    assert.match(again, /^2\. [\s\S]*rejected with PaywallError, kind "api"[\s\S]*Payment\.Async\.AlreadyHasRefundOrCancel/);

    const answerLost = SCENARIOS.cancelAppliedAnswerLost.paymentRequestId;
    assert.match(lost, new RegExp(`^3\\. A cancel whose answer is lost: cancelPayment\\(config, "${answerLost}"\\)`));
    assert.match(lost, /resolved, state "cancelled", confirmedBy "inquiry", after 2 cancel attempts and 1 inquiry/);
    assert.match(lost, /paymentRequestActivityTypeId: 2,\s+paymentStatus: 4,\s+state: 'cancelled',\s+confirmedBy: 'inquiry'/);

    const [, id] = callback.match(new RegExp(`^4\\. A verified callback: a new sale, (${GUID}),`)) ?? [];
    assert.ok(id, callback);
    assert.match(callback, /CallbackAddress is a receiver\s+this demo runs \(http:\/\/127\.0\.0\.1:\d+\/paywall\/callback\), cancelled: state "cancelled"/);
    assert.match(callback, new RegExp(`\\{"ConnectionId":"${GUID}",.*"PaymentRequestId":"${id}",.*"Amount":42\\.50,.*"Hash":"[0-9a-f]{64}"`));
    assert.match(callback, /verifyCallback\(rawBody, webhookKey, \{ confirmWith: config \}\), and answers 200: \{/);
    assert.match(callback, new RegExp(`paymentRequestId: '${id}',[\\s\\S]*paymentStatusId: 4,[\\s\\S]*amount: 42\\.5,`));

    assert.match(replay, /^5\. The same callback replayed with PaymentStatusId 5/);
    assert.match(replay, /verifyCallback\(rawBody, webhookKey\) alone resolves, with status 5/);
    assert.match(replay, /with confirmWith the receiver answers 401, rejected with kind "signature"/);

    assert.doesNotMatch(stdout, /went wrong/);
    assert.ok(elapsed < 15_000, `the demo took ${Math.round(elapsed)} ms`);
  });

  describe("on a real Paywall", () => {
    // Stands in for a real Paywall: the demo is told only its address and keys.
    let paywall;
    before(async () => {
      paywall = await startStandIn();
    });
    after(() => paywall.close());

    it("cancels the payment it is given and prints its state, skipping the stand-in's showcase", async () => {
      const id = await createPayment(paywall.url, { merchantUniqueCode: "REAL-1" });
      const { stdout } = await run(process.execPath, [demo], {
        env: cleanEnv({
          PAYWALL_BASE_ADDRESS: paywall.url,
          PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
          PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
          PAYMENT_REQUEST_ID: id,
        }),
        timeout: 30_000,
      });
      assert.match(stdout, new RegExp(`cancelling on the Paywall at ${paywall.url}\n`));
      assert.match(stdout, /cancelled, confirmed by the response: \{[\s\S]*state: 'cancelled'/);
      assert.match(stdout, /\n\(The reconciled cancel and the verified callback are shown on the stand-in only/);
      assert.doesNotMatch(stdout, /^[345]\. /m);
      assert.equal(paywall.attempts(id), 2, "the cancel and the refused second cancel");
      assert.equal(paywall.requests.filter((request) => request.method !== "POST" || !request.path.endsWith("/cancel")).length, 1, "the sale only: no inquiry, no callback");
    });

    it("says which settings are missing when only some are set", async () => {
      await assert.rejects(
        run(process.execPath, [demo], { env: cleanEnv({ PAYWALL_BASE_ADDRESS: paywall.url }) }),
        (error) => {
          assert.equal(error.code, 2);
          assert.match(error.stderr, /also set PAYWALL_API_KEY_PRIVATE, PAYWALL_API_CLIENT_PRIVATE, PAYMENT_REQUEST_ID/);
          return true;
        },
      );
    });
  });
});
