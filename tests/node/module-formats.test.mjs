// The package loads by name through import and require, with no init call, as one instance.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { consumerDir, loadCjs, loadEsm, successBody } from "./helpers.mjs";

const ID = "72ec8714-d116-4306-8881-38a43c485da9";
const fetch = async () => new Response(successBody(ID));
const config = { baseAddress: "https://paywall.example", apiKeyPrivate: "k-123", apiClientPrivate: "c-123", fetch };

describe("module formats", () => {
  it("import { cancelPayment, PaywallError } works with no init call", async () => {
    const { cancelPayment, PaywallError } = await loadEsm();
    assert.equal(typeof cancelPayment, "function");
    assert.equal(typeof PaywallError, "function");
    assert.equal((await cancelPayment(config, ID)).paymentRequestId, ID);
  });

  it("require() works with no init call", async () => {
    const { cancelPayment, PaywallError } = loadCjs();
    assert.equal((await cancelPayment(config, ID)).paymentStatus, 4);
    await assert.rejects(cancelPayment(config, "x"), PaywallError);
  });

  it("import and require share one instance and one PaywallError class", async () => {
    const esm = await loadEsm();
    const cjs = loadCjs();
    assert.equal(esm.PaywallError, cjs.PaywallError);
    assert.equal(esm.cancelPayment, cjs.cancelPayment);
    const error = await cjs.cancelPayment(config, "x").catch((e) => e);
    assert.ok(error instanceof esm.PaywallError);
  });

  it("require() works in a fresh process without require(esm), as on Node 18", () => {
    const script = `
      const { cancelPayment, PaywallError } = require("paywall-edge");
      cancelPayment({ baseAddress: "https://p.example", apiKeyPrivate: "k-1", apiClientPrivate: "c-1",
        fetch: async () => new Response(${JSON.stringify(successBody(ID))}) }, "${ID}")
        .then((r) => cancelPayment({}, "${ID}").catch((e) => console.log(r.paymentStatus, e instanceof PaywallError, e.kind)));
    `;
    const out = execFileSync(process.execPath, ["--no-experimental-require-module", "-e", script], {
      cwd: consumerDir,
      encoding: "utf8",
    });
    assert.equal(out.trim(), "4 true config");
  });

  it("the package manifest is importable and declares its entry points", async () => {
    const pkg = JSON.parse(
      execFileSync(process.execPath, ["-p", 'JSON.stringify(require("paywall-edge/package.json"))'], {
        cwd: consumerDir,
        encoding: "utf8",
      }),
    );
    assert.equal(pkg.name, "paywall-edge");
    assert.equal(pkg.exports["."].node.require, "./node.cjs");
    assert.equal(pkg.exports["."].node.import, "./node.mjs");
    assert.ok(pkg.files.includes("paywall_edge_bg.wasm"));
    assert.equal(path.basename(pkg.main), "node.cjs");
  });
});
