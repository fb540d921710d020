// paywall-edge through the bundlers people deploy with, unconfigured:
// - esbuild: a Node server bundled with `--bundle --platform=node`, in ESM and in CJS (from
//   an importing and from a requiring source), each bundle copied alone into a folder with
//   no node_modules anywhere above it, as a serverless function ships;
// - webpack 5: a browser page built from the package's `browser` entry (the page the Vite
//   test builds, tests/browser/vite-app), in headless Chromium.
// Each cancels against the stand-in three ways: success, Paywall's refusal, a bad id.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { launchChromium, watchForProblems } from "../browser/chromium.mjs";

/** Starts `node bundle` with the stand-in's address; resolves once it prints its port. */
async function startBundle(bundle, standInUrl) {
  const child = spawn(process.execPath, [bundle], {
    cwd: path.dirname(bundle),
    env: {
      PATH: process.env.PATH,
      PAYWALL_BASE_ADDRESS: standInUrl,
      PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
      PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const listening = /listening on (\d+)/.exec(output);
      if (listening) resolve(Number(listening[1]));
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => reject(new Error(`${bundle} exited with ${code}:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill(), output: () => output };
}

/** Asserts that no folder from `dir` up to the root holds a node_modules. */
function assertNoNodeModulesAbove(dir) {
  for (let at = dir; ; at = path.dirname(at)) {
    assert.ok(!fs.existsSync(path.join(at, "node_modules")), `${at} has a node_modules`);
    if (path.dirname(at) === at) return;
  }
}

describe("a Node server bundled by esbuild, run without node_modules", () => {
  const project = path.join(root, "target", "esbuild-app");
  const source = path.join(root, "tests", "bundlers", "esbuild-server");
  const BUNDLES = [
    ["ESM, from import", "server.mjs", "esm", "server.mjs"],
    ["CJS, from import", "server.mjs", "cjs", "server.cjs"],
    ["CJS, from require", "server.cjs", "cjs", "server.cjs"],
  ];
  let standIn;
  const servers = new Map();

  before(async () => {
    installTarball(newestTarball(), project);
    for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(project, file));
    standIn = await startStandIn();
    for (const [name, entry, format, output] of BUNDLES) {
      const bundled = path.join(project, "dist", format, entry, output);
      await build({
        entryPoints: [path.join(project, entry)],
        bundle: true,
        platform: "node",
        format,
        outfile: bundled,
        logLevel: "warning",
      });
      // Alone in a folder of its own, as a function is deployed: nothing to find beside it.
      const deployed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "paywall-edge-esbuild-")), output);
      fs.copyFileSync(bundled, deployed);
      assertNoNodeModulesAbove(path.dirname(deployed));
      servers.set(name, { ...(await startBundle(deployed, standIn.url)), folder: path.dirname(deployed) });
    }
  });

  after(async () => {
    for (const server of servers.values()) {
      server.stop();
      fs.rmSync(server.folder, { recursive: true, force: true });
    }
    await standIn?.close();
  });

  for (const [name] of BUNDLES) {
    const cancel = async (id) => {
      const response = await fetch(`${servers.get(name).url}/payments/${encodeURIComponent(id)}/cancel`, { method: "POST" });
      return response.json();
    };

    it(`${name}: cancels a payment`, async () => {
      const id = await createPayment(standIn.url, { merchantUniqueCode: `ESBUILD-${name}` });
      const outcome = await cancel(id);
      assert.equal(outcome.cancelled, true, JSON.stringify(outcome));
      assert.equal(outcome.result.paymentRequestId, id);
      assert.equal(outcome.result.paymentStatus, 4);
    });

    it(`${name}: rejects Paywall's refusal with a PaywallError of kind api`, async () => {
      const outcome = await cancel(SCENARIOS.alreadyCancelled.paymentRequestId);
      assert.equal(outcome.isPaywallError, true, JSON.stringify(outcome));
      assert.equal(outcome.error.name, "PaywallError");
      assert.equal(outcome.error.kind, "api");
    });

    it(`${name}: rejects a bad id with a PaywallError of kind input`, async () => {
      const sent = standIn.requests.length;
      const outcome = await cancel("not-a-payment-id");
      assert.equal(outcome.isPaywallError, true, JSON.stringify(outcome));
      assert.equal(outcome.error.kind, "input");
      assert.equal(standIn.requests.length, sent);
    });
  }
});

/** Serves `dir` on a free port, .wasm as application/wasm. */
async function serveStatic(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = http.createServer((request, response) => {
    const name = new URL(request.url, "http://x").pathname.replace(/^\/$/, "/index.html");
    const file = path.join(dir, path.normalize(name));
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

describe("a page built by webpack 5 from the browser entry, in Chromium", () => {
  const app = path.join(root, "target", "webpack-app");
  let standIn;
  let site;
  let browser;
  let page;
  const problems = [];
  const wasmRequests = [];

  before(async () => {
    installTarball(newestTarball(), app);
    fs.mkdirSync(path.join(app, "src"));
    const pageSource = path.join(root, "tests", "browser", "vite-app");
    fs.copyFileSync(path.join(pageSource, "main.js"), path.join(app, "src", "index.js"));
    fs.copyFileSync(path.join(pageSource, "worker.js"), path.join(app, "src", "worker.js"));
    // No webpack config: what webpack does by default is what a user gets first.
    execFileSync(path.join(root, "node_modules", ".bin", "webpack"), ["--mode", "production"], {
      cwd: app,
      stdio: ["ignore", "ignore", "inherit"],
    });
    fs.copyFileSync(path.join(root, "tests", "browser", "vite-app", "index.html"), path.join(app, "dist", "index.html"));
    standIn = await startStandIn();
    site = await serveStatic(path.join(app, "dist"));
    browser = await launchChromium();
    page = await browser.newPage();
    watchForProblems(page, problems);
    page.on("request", (request) => {
      if (request.url().endsWith(".wasm")) wasmRequests.push(request.url());
    });
    await page.goto(site.url);
    await page.locator("#state", { hasText: "ready" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await standIn?.close();
  });

  const config = () => ({ baseAddress: standIn.url, ...STANDIN_KEYS, dangerouslyAllowBrowser: true });
  const run = (id) => page.evaluate(([c, i]) => window.runCancel(c, i), [config(), id]);

  it("webpack emits the module as an asset of its own", () => {
    const emitted = fs.readdirSync(path.join(app, "dist"));
    assert.ok(emitted.some((name) => name.endsWith(".wasm")), emitted.join(", "));
    assert.doesNotMatch(fs.readFileSync(path.join(app, "dist", "main.js"), "utf8"), /wasm-base64|AGFzbQ/);
  });

  it("cancels a payment", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "WEBPACK-PAGE" });
    const outcome = await run(id);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(outcome.result.paymentRequestId, id);
    assert.equal(wasmRequests.length, 1);
  });

  it("rejects Paywall's refusal with a PaywallError of kind api", async () => {
    const outcome = await run(SCENARIOS.alreadyCancelled.paymentRequestId);
    assert.equal(outcome.isPaywallError, true);
    assert.equal(outcome.error.kind, "api");
  });

  it("rejects a bad id with a PaywallError of kind input", async () => {
    const outcome = await run("not-a-payment-id");
    assert.equal(outcome.isPaywallError, true);
    assert.equal(outcome.error.kind, "input");
  });

  it("logs no errors", () => {
    assert.deepEqual(problems, []);
  });
});
