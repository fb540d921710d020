// The package loads by name through import and require, with no init call, as one instance.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
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
    const entries = pkg.exports["."];
    assert.deepEqual(entries.node.require, { types: "./index.d.cts", default: "./node.cjs" });
    assert.deepEqual(entries.node.import, { types: "./index.d.ts", default: "./node.mjs" });
    // Edge runtimes before browsers: Next's edge runtime sets both edge-light and browser.
    const conditions = Object.keys(entries);
    assert.ok(conditions.indexOf("edge-light") < conditions.indexOf("browser"), conditions.join(", "));
    assert.equal(entries["edge-light"].default, "./edge.js");
    assert.equal(entries.workerd.default, "./edge.js");
    assert.ok(pkg.files.includes("paywall_edge_bg.wasm"));
    assert.equal(path.basename(pkg.main), "node.cjs");
  });

  it("the Node entry embeds the same module as the .wasm file, and reads no file", () => {
    const dir = path.join(consumerDir, "node_modules", "paywall-edge");
    const embedded = Buffer.from(
      execFileSync(process.execPath, ["-p", 'require("./node_modules/paywall-edge/wasm-base64.cjs")'], {
        cwd: consumerDir,
        encoding: "utf8",
        maxBuffer: 1 << 24,
      }).trim(),
      "base64",
    );
    assert.ok(embedded.equals(fs.readFileSync(path.join(dir, "paywall_edge_bg.wasm"))));
    for (const file of ["node.cjs", "glue/node.cjs"]) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      assert.doesNotMatch(source, /require\(["'](node:)?(fs|path)["']\)|__dirname/, file);
    }
  });

  it("importing does not compile the module: the first call does", () => {
    const script = `
      const compile = WebAssembly.Module;
      let compiled = 0;
      WebAssembly.Module = function (...args) { compiled++; return new compile(...args); };
      const { cancelPayment } = require("paywall-edge");
      const before = compiled;
      cancelPayment({}, "x").catch((e) => console.log(before, compiled, e.kind));
    `;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: consumerDir, encoding: "utf8" });
    assert.equal(out.trim(), "0 1 config");
  });
});
