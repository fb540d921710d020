// The package loads by name through import and require, with no init call, as one instance.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { consumerDir, inquiryBody, loadCjs, loadEsm, successBody, withGlobalFetch } from "./helpers.mjs";

const ID = "72ec8714-d116-4306-8881-38a43c485da9";
const fetch = async () => new Response(successBody(ID));
const config = { baseAddress: "https://paywall.example", apiKeyPrivate: "k-123", apiClientPrivate: "c-123", fetch };
const inquiryConfig = { ...config, fetch: async () => new Response(inquiryBody(ID)) };

/** What every entry of the package exports, and nothing else. */
const EXPORTS = ["PaywallError", "cancelPayment", "inquirePayment", "verifyCallback"];

/** A complete callback body whose Hash matches no key: verifyCallback must reject it as "signature". */
const FORGED_CALLBACK = JSON.stringify({
  PaymentRequestId: ID,
  PaymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
  PaymentTypeId: 2,
  PaymentStatusId: 4,
  MerchantUniqueCode: "ORDER-1",
  Amount: 1.5,
  Hash: "0".repeat(64),
});

/** Checks one entry's exports: the four names, each working, and a "signature" kind from its own PaywallError. */
async function assertEntryWorks(entry, what) {
  assert.deepEqual(Object.keys(entry).filter((name) => name !== "default").sort(), EXPORTS, what);
  for (const name of EXPORTS) assert.equal(typeof entry[name], "function", `${what}: ${name}`);
  assert.equal((await entry.cancelPayment(config, ID)).paymentStatus, 4, what);
  assert.equal((await entry.inquirePayment(inquiryConfig, ID)).paymentRequestId, ID, what);
  const error = await entry.verifyCallback(FORGED_CALLBACK, "hash-key").then(
    () => assert.fail(`${what}: a forged callback verified`),
    (caught) => caught,
  );
  assert.ok(error instanceof entry.PaywallError, `${what}: ${error}`);
  assert.equal(error.kind, "signature", `${what}: ${error.message}`);
}

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

  it("import and require each export cancelPayment, inquirePayment, verifyCallback and PaywallError, all working", async () => {
    await assertEntryWorks(await loadEsm(), "import");
    await assertEntryWorks(loadCjs(), "require");
  });

  it("the browser and edge entries export the same four names", async () => {
    const dir = path.join(consumerDir, "node_modules", "paywall-edge");
    for (const file of ["browser.js", "edge.js"]) {
      // Importing loads nothing: the module is fetched (browser) or imported (edge) on the first call.
      const entry = await import(pathToFileURL(path.join(dir, file)).href);
      assert.deepEqual(Object.keys(entry).sort(), EXPORTS, file);
    }
  });

  it("the browser entry works here when its module is fetched, and reports the signature kind", async () => {
    const dir = path.join(consumerDir, "node_modules", "paywall-edge");
    const fetched = [];
    // The entry fetches paywall_edge_bg.wasm from beside itself, as a page would from its server.
    const serveFiles = async (input, init, original) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.startsWith("file:")) return original(input, init);
      fetched.push(path.basename(fileURLToPath(url)));
      return new Response(fs.readFileSync(fileURLToPath(url)), { headers: { "content-type": "application/wasm" } });
    };
    await withGlobalFetch(serveFiles, async () =>
      assertEntryWorks(await import(pathToFileURL(path.join(dir, "browser.js")).href), "browser.js"),
    );
    assert.deepEqual(fetched, ["paywall_edge_bg.wasm"]);
  });

  it("import and require share one instance and one PaywallError class", async () => {
    const esm = await loadEsm();
    const cjs = loadCjs();
    assert.equal(esm.PaywallError, cjs.PaywallError);
    assert.equal(esm.cancelPayment, cjs.cancelPayment);
    assert.equal(esm.inquirePayment, cjs.inquirePayment);
    assert.equal(esm.verifyCallback, cjs.verifyCallback);
    const error = await cjs.cancelPayment(config, "x").catch((e) => e);
    assert.ok(error instanceof esm.PaywallError);
  });

  it("require() works in a fresh process without require(esm), as on Node 18", () => {
    const script = `
      const { cancelPayment, inquirePayment, verifyCallback, PaywallError } = require("paywall-edge");
      cancelPayment({ baseAddress: "https://p.example", apiKeyPrivate: "k-1", apiClientPrivate: "c-1",
        fetch: async () => new Response(${JSON.stringify(successBody(ID))}) }, "${ID}")
        .then((r) => cancelPayment({}, "${ID}").catch((e) => console.log(r.paymentStatus, e instanceof PaywallError, e.kind)))
        .then(() => verifyCallback(${JSON.stringify(FORGED_CALLBACK)}, "hash-key"))
        .catch((e) => console.log(typeof inquirePayment, e instanceof PaywallError, e.kind));
    `;
    // Node 18 has no require(esm) and no flag to turn it off (it exits 9, "bad option").
    const flag = "--no-experimental-require-module";
    const noRequireEsm = process.allowedNodeEnvironmentFlags.has(flag) ? [flag] : [];
    const out = execFileSync(process.execPath, [...noRequireEsm, "-e", script], {
      cwd: consumerDir,
      encoding: "utf8",
    });
    assert.equal(out.trim(), "4 true config\nfunction true signature");
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
    // Required in this process: `node -p` through a pipe cuts its output at 64 KiB on
    // Node 22.
    const embedded = Buffer.from(createRequire(import.meta.url)(path.join(dir, "wasm-base64.cjs")), "base64");
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
