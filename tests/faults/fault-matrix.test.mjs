// Every row of the fault matrix (matrix.mjs) against the stand-in, on the packed tarball:
// the outcome (a resolution's state and where it was confirmed, or the error's kind,
// httpStatus and retryable flag), and the cancel requests and inquiries the server saw.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, useStandIn } from "../node/helpers.mjs";
import { MATRIX, settingsOf } from "./matrix.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe("the fault matrix", () => {
  const standIn = useStandIn({ before, after });

  for (const row of MATRIX) {
    const counts = `${row.requests} cancel(s), ${row.inquiries} inquiry(ies)`;
    const outcome = row.kind === "ok" ? `${row.state} by ${row.confirmedBy}` : row.kind;
    it(`${row.scenario} with ${settingsOf(row)}: ${outcome}, ${counts}`, async () => {
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
        const { result } = outcome;
        assert.equal(result.paymentRequestId, id);
        assert.match(result.paymentRequestActivityId, GUID);
        assert.equal(result.paymentRequestActivityTypeId, 2);
        assert.equal(result.paymentStatus, row.paymentStatus);
        assert.equal(result.state, row.state);
        assert.equal(result.confirmedBy, row.confirmedBy);
      } else {
        const { error } = outcome;
        assert.ok(error instanceof PaywallError, `expected a ${row.kind} error, got ${JSON.stringify(outcome)}`);
        assert.equal(error.kind, row.kind, error.message);
        assert.equal(error.httpStatus, row.httpStatus);
        assert.equal(error.retryable, row.retryable);
        // Attempts count the cancels; the inquiry that reconciles is not one.
        assert.equal(error.attempts, row.requests);
        if (row.says) assert.match(error.message, row.says);
        // What the inquiry found is in the message exactly when one was asked.
        assert.equal(/; an inquiry /.test(error.message), row.inquiries > 0, error.message);
      }
      assert.equal(standIn().attempts(id), row.requests, "cancel requests the stand-in saw");
      assert.equal(standIn().inquiries(id), row.inquiries, "inquiries the stand-in saw");
    });
  }
});
