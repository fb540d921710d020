// Every row of the fault matrix (matrix.mjs) against the stand-in, on the packed tarball:
// the outcome's kind, httpStatus and retryable flag, and the requests the server saw.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, useStandIn } from "../node/helpers.mjs";
import { MATRIX } from "./matrix.mjs";

const { cancelPayment, PaywallError } = await loadEsm();

describe("the fault matrix", () => {
  const standIn = useStandIn({ before, after });

  for (const row of MATRIX) {
    const settings = [`maxRetries ${row.maxRetries}`, ...Object.entries(row.extra).map(([k, v]) => `${k} ${v}`)];
    it(`${row.scenario} with ${settings.join(", ")}: ${row.kind}, ${row.requests} request(s)`, async () => {
      standIn().reset();
      const id = idOf(row.scenario);
      const outcome = await cancelPayment(
        configFor(standIn(), { maxRetries: row.maxRetries, ...row.extra }),
        id,
      ).then(
        (result) => ({ result }),
        (error) => ({ error }),
      );
      if (row.kind === "ok") {
        assert.equal(outcome.error, undefined, outcome.error?.message);
        assert.equal(outcome.result.paymentRequestId, id);
        assert.equal(outcome.result.paymentStatus, 4);
      } else {
        const { error } = outcome;
        assert.ok(error instanceof PaywallError, `expected a ${row.kind} error, got ${JSON.stringify(outcome)}`);
        assert.equal(error.kind, row.kind, error.message);
        assert.equal(error.httpStatus, row.httpStatus);
        assert.equal(error.retryable, row.retryable);
        assert.equal(error.attempts, row.requests);
      }
      assert.equal(standIn().attempts(id), row.requests, "requests the stand-in saw");
    });
  }
});
