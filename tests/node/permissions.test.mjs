// A runtime that refuses a request by its permissions (Deno without --allow-net) is not a
// network failure: the same request would be refused the same way every time. It is kind
// "config", after one attempt, with no retry and no inquiry, and says how to grant access.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { consumerDir, idOf, loadEsm, rejection, root, spyFetch, useStandIn, configFor } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();

describe("a runtime's permission refusal", () => {
  const standIn = useStandIn({ before, after });

  for (const name of ["NotCapable", "PermissionDenied"]) {
    it(`a fetch that fails with ${name} is kind config after one attempt, with no retry and no inquiry`, async () => {
      const refusal = Object.assign(new Error(`Requires net access to "127.0.0.1", run again with the --allow-net flag`), { name });
      for (const fail of [() => Promise.reject(refusal), () => { throw refusal; }]) {
        const spy = spyFetch(fail);
        const error = await rejection(cancelPayment(configFor(standIn(), { fetch: spy.fetch }), idOf("demoPayment1")), PaywallError);
        assert.equal(error.kind, "config", error.message);
        assert.equal(error.attempts, 1);
        assert.equal(error.retryable, false);
        assert.equal(spy.calls.length, 1, "one request: no retry, no inquiry");
        assert.match(error.message, /permissions/);
        assert.match(error.message, /--allow-net/, "Deno's own advice is kept");
      }
    });
  }

  it("in Deno without --allow-net, a cancel is kind config at once, saying to allow net", async () => {
    const deno = path.join(root, "node_modules", ".bin", "deno");
    const entry = pathToFileURL(path.join(consumerDir, "load-esm.mjs")).href;
    const script = `
      const { cancelPayment } = await import(${JSON.stringify(entry)});
      const started = performance.now();
      const outcome = await cancelPayment(${JSON.stringify(configFor(standIn()))}, ${JSON.stringify(idOf("demoPayment1"))}).then(
        () => ({ resolved: true }),
        (error) => ({ kind: error.kind, attempts: error.attempts, message: error.message }),
      );
      console.log(JSON.stringify({ ...outcome, ms: performance.now() - started }));
    `;
    const probe = path.join(consumerDir, "permission-probe.mjs");
    fs.writeFileSync(probe, script);
    const before = standIn().requests.length;
    const stdout = await new Promise((resolve, reject) =>
      execFile(
        deno,
        ["run", `--allow-read=${root}`, probe],
        { cwd: consumerDir, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      ),
    );
    const outcome = JSON.parse(stdout.trim().split("\n").pop());
    assert.equal(outcome.kind, "config", JSON.stringify(outcome));
    assert.equal(outcome.attempts, 1);
    assert.match(outcome.message, /NotCapable|PermissionDenied/);
    assert.match(outcome.message, /--allow-net/);
    assert.ok(outcome.ms < 1000, `took ${outcome.ms} ms: no backoff, no inquiry`);
    assert.equal(standIn().requests.length, before, "nothing reached the stand-in");
  });
});
