// The packed package in a page built by Vite, run in headless Chromium (playwright-core
// with Debian's /usr/bin/chromium): the browser entry, its wasm asset, CORS against the
// stand-in, and the guard that refuses private keys in a page unless told otherwise.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { build as esbuild } from "esbuild";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { launchChromium, watchForProblems } from "./chromium.mjs";

const app = path.join(root, "target", "vite-app");
const vite = path.join(root, "node_modules", ".bin", "vite");

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Serves the built app with `vite preview` and resolves once it answers. */
async function startPreview() {
  const port = await freePort();
  const child = spawn(vite, ["preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: app,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 120; i += 1) {
    if (child.exitCode !== null) throw new Error(`vite preview exited:\n${output}`);
    try {
      await fetch(url);
      return { url, stop: () => process.kill(-child.pid, "SIGTERM") };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  process.kill(-child.pid, "SIGKILL");
  throw new Error(`vite preview did not start:\n${output}`);
}

describe("the package in a Vite-built page in Chromium", () => {
  let standIn;
  let preview;
  let browser;
  let page;
  const problems = [];
  const wasmRequests = [];

  before(async () => {
    installTarball(newestTarball(), app);
    for (const file of ["index.html", "main.js", "worker.js"]) {
      fs.copyFileSync(path.join(root, "tests", "browser", "vite-app", file), path.join(app, file));
    }
    execFileSync(vite, ["build", "--logLevel", "warn"], { cwd: app, stdio: ["ignore", "inherit", "inherit"] });
    // The service worker, which Vite does not build from the page: bundled by esbuild from
    // the same worker.js, at the site's root, with the module it fetches beside it.
    await esbuild({
      entryPoints: [path.join(app, "worker.js")],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: path.join(app, "dist", "service-worker.js"),
      logLevel: "warning",
    });
    fs.copyFileSync(
      path.join(app, "node_modules", "paywall-edge", "paywall_edge_bg.wasm"),
      path.join(app, "dist", "paywall_edge_bg.wasm"),
    );
    standIn = await startStandIn();
    preview = await startPreview();
    browser = await launchChromium();
    page = await browser.newPage();
    watchForProblems(page, problems);
    page.on("request", (request) => {
      if (request.url().endsWith(".wasm")) wasmRequests.push(request.url());
    });
    await page.goto(preview.url);
    await page.locator("#state", { hasText: "ready" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    preview?.stop();
    await standIn?.close();
  });

  const config = (overrides = {}) => ({
    baseAddress: standIn.url,
    ...STANDIN_KEYS,
    dangerouslyAllowBrowser: true,
    ...overrides,
  });
  const run = (cfg, id) => page.evaluate(([c, i]) => window.runCancel(c, i), [cfg, id]);

  it("Vite emits the module as an asset and the page fetches it from there", () => {
    const assets = fs.readdirSync(path.join(app, "dist", "assets"));
    assert.ok(assets.some((name) => name.endsWith(".wasm")), assets.join(", "));
    assert.equal(wasmRequests.length, 0, "nothing is loaded before the first call");
  });

  it("cancels a payment", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const outcome = await run(config(), id);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(outcome.result.paymentRequestId, id);
    assert.equal(outcome.result.paymentRequestActivityTypeId, 2);
    assert.equal(outcome.result.paymentStatus, 4);
    assert.equal(wasmRequests.length, 1);
    assert.match(wasmRequests[0], /\/assets\/.*\.wasm$/);
  });

  it("reports Paywall's refusal as a PaywallError of kind api", async () => {
    const outcome = await run(config(), SCENARIOS.saleOnDevice.paymentRequestId);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.isPaywallError, true);
    assert.equal(outcome.isError, true);
    assert.equal(outcome.stackStartsWithName, true);
    assert.equal(outcome.error.kind, "api");
    assert.equal(outcome.error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
  });

  it("refuses a bad id before sending", async () => {
    const before = standIn.requests.length;
    const outcome = await run(config(), "not-a-guid");
    assert.equal(outcome.error.kind, "input");
    assert.match(outcome.error.message, /must be a GUID/);
    assert.equal(standIn.requests.length, before);
  });

  it("times out a Paywall that does not answer", async () => {
    const outcome = await run(config({ timeoutMs: 500 }), SCENARIOS.hang.paymentRequestId);
    assert.equal(outcome.error.kind, "timeout");
    assert.equal(outcome.error.attempts, 1);
  });

  it("refuses to send private keys from a page that did not opt in, and says why", async () => {
    const before = standIn.requests.length;
    const outcome = await run(config({ dangerouslyAllowBrowser: undefined }), SCENARIOS.demoPayment1.paymentRequestId);
    assert.equal(outcome.isPaywallError, true);
    assert.equal(outcome.error.kind, "config");
    assert.match(outcome.error.message, /private merchant keys/);
    assert.match(outcome.error.message, /every visitor of a site can read/);
    assert.match(outcome.error.message, /dangerouslyAllowBrowser/);
    assert.equal(standIn.requests.length, before);
  });

  it("says why when the module cannot be loaded, and loads it on the next call", async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.route("**/*.wasm", (route) => route.abort());
      await fresh.goto(preview.url);
      await fresh.locator("#state", { hasText: "ready" }).waitFor();
      const call = (cfg, id) => fresh.evaluate(([c, i]) => window.runCancel(c, i), [cfg, id]);
      const failed = await call(config(), SCENARIOS.demoPayment2.paymentRequestId);
      assert.equal(failed.isPaywallError, true);
      assert.equal(failed.error.kind, "config");
      assert.match(failed.error.message, /could not load its WebAssembly module/);
      // Where it came from, and why.
      assert.match(failed.error.message, /from http:\/\/127\.0\.0\.1:\d+\/assets\/paywall_edge_bg-[\w-]+\.wasm: TypeError: Failed to fetch/);
      await fresh.unroute("**/*.wasm");
      const retried = await call(config(), SCENARIOS.demoPayment2.paymentRequestId);
      assert.equal(retried.ok, true, JSON.stringify(retried));
    } finally {
      await fresh.close();
    }
  });

  it("loads the module once and logs no errors", () => {
    assert.equal(wasmRequests.length, 1);
    assert.deepEqual(problems, []);
  });

  for (const kind of ["dedicated", "shared", "service"]) {
    it(`refuses private keys in a ${kind} worker that did not opt in, and cancels in one that did`, async () => {
      const before = standIn.requests.length;
      const refused = await page.evaluate(
        ([k, c, i]) => window.runInWorker(k, c, i),
        [kind, config({ dangerouslyAllowBrowser: undefined }), SCENARIOS.demoPayment1.paymentRequestId],
      );
      assert.equal(refused.isPaywallError, true, JSON.stringify(refused));
      assert.equal(refused.error.kind, "config");
      assert.match(refused.error.message, /web worker/);
      assert.equal(standIn.requests.length, before, "nothing was sent");
      const id = await createPayment(standIn.url, { merchantUniqueCode: `WORKER-${kind}` });
      const allowed = await page.evaluate(([k, c, i]) => window.runInWorker(k, c, i), [kind, config(), id]);
      assert.equal(allowed.ok, true, JSON.stringify(allowed));
      assert.equal(allowed.result.paymentRequestId, id);
    });
  }

  it("a polluted Object.prototype does not lift the refusal", async () => {
    const outcome = await page.evaluate(
      async ([c, i]) => {
        Object.prototype.dangerouslyAllowBrowser = true;
        try {
          return await window.runCancel(c, i);
        } finally {
          delete Object.prototype.dangerouslyAllowBrowser;
        }
      },
      [config({ dangerouslyAllowBrowser: undefined }), SCENARIOS.demoPayment1.paymentRequestId],
    );
    assert.equal(outcome.error.kind, "config", JSON.stringify(outcome));
    assert.match(outcome.error.message, /dangerouslyAllowBrowser/);
  });
});
