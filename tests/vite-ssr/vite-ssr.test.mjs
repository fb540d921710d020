// paywall-edge in a Vite SSR build for a worker runtime, configured as such apps are:
// `ssr: { target: "webworker", noExternal: true }` and nothing about the package
// (tests/vite-ssr/app). Vite 7 resolves the `browser` entry there (its conditions are a
// page's: browser, module, import, production) and emits no asset for
// `new URL("./x.wasm", import.meta.url)` in SSR builds, so the bundle has to carry the module.
// The bundle is copied alone into a folder with no node_modules above it and run by Node,
// Bun and Deno (tests/vite-ssr/run-bundle.mjs) against the stand-in. A module that cannot
// load must say where it came from and why. The same entry built as a page must still fetch
// its .wasm asset, with no embedded copy in the page's script.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";

const source = path.join(root, "tests", "vite-ssr", "app");
const app = path.join(root, "target", "vite-ssr-app");
const bin = path.join(root, "node_modules", ".bin");
const runBundle = path.join(root, "tests", "vite-ssr", "run-bundle.mjs");
const run = promisify(execFile);

/** The runtimes the bundle is run by: a server, or a worker runtime's local stand-in. */
const RUNTIMES = {
  node: [process.execPath],
  bun: [path.join(bin, "bun")],
  deno: [path.join(bin, "deno"), "run", "--allow-all"],
};

/** Asserts that no folder from `dir` up to the root holds a node_modules. */
function assertNoNodeModulesAbove(dir) {
  for (let at = dir; ; at = path.dirname(at)) {
    assert.ok(!fs.existsSync(path.join(at, "node_modules")), `${at} has a node_modules`);
    if (path.dirname(at) === at) return;
  }
}

/** Copies the files of `dir` into a fresh temporary folder, as a deploy ships them. */
function deploy(dir) {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), "paywall-edge-vite-ssr-"));
  fs.cpSync(dir, to, { recursive: true });
  assertNoNodeModulesAbove(to);
  return to;
}

/** Runs `bundle`'s `cancel` for each id in a process of `runtime`; resolves to the outcomes. */
async function cancelWith(runtime, bundle, job) {
  const [command, ...args] = RUNTIMES[runtime];
  const { stdout } = await run(command, [...args, runBundle, bundle, JSON.stringify(job)], {
    cwd: path.dirname(bundle),
    env: { PATH: process.env.PATH, NO_COLOR: "1" },
  });
  return JSON.parse(stdout.trim().split("\n").pop());
}

describe("a Vite SSR build for workers (ssr.target webworker, noExternal), unconfigured", () => {
  let standIn;
  let server;
  let pageDir;
  const folders = [];

  before(async () => {
    installTarball(newestTarball(), app);
    for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(app, file));
    const vite = path.join(bin, "vite");
    const quiet = { cwd: app, stdio: ["ignore", "ignore", "inherit"] };
    execFileSync(vite, ["build", "--ssr", "server.js", "--logLevel", "warn"], quiet);
    execFileSync(vite, ["build", "--config", "vite.page.config.js", "--logLevel", "warn"], quiet);
    const serverDir = deploy(path.join(app, "dist"));
    pageDir = deploy(path.join(app, "dist-page"));
    folders.push(serverDir, pageDir);
    server = path.join(serverDir, "server.js");
    standIn = await startStandIn();
  });

  after(async () => {
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
    await standIn?.close();
  });

  const config = () => ({ baseAddress: standIn.url, ...STANDIN_KEYS });

  it("bundles the package: the bundle imports nothing, and no .wasm is emitted beside it", () => {
    const emitted = fs.readdirSync(path.join(app, "dist"), { recursive: true });
    assert.ok(!emitted.some((name) => name.endsWith(".wasm")), emitted.join(", "));
    const code = fs.readFileSync(server, "utf8");
    assert.doesNotMatch(code, /^\s*import\s/m, "the bundle is self-contained");
  });

  for (const runtime of Object.keys(RUNTIMES)) {
    it(`${runtime}: cancels a payment, and refuses a bad id as input (not config), sending nothing`, async () => {
      const id = await createPayment(standIn.url, { merchantUniqueCode: `VITE-SSR-${runtime}` });
      const [cancelled, badId] = await cancelWith(runtime, server, { config: config(), ids: [id, "not-a-guid"] });
      assert.equal(cancelled.ok, true, JSON.stringify(cancelled));
      assert.equal(cancelled.result.paymentRequestId, id);
      assert.equal(cancelled.result.paymentStatus, 4);
      assert.equal(badId.isPaywallError, true, JSON.stringify(badId));
      assert.equal(badId.error.kind, "input", badId.error.message);
      assert.match(badId.error.message, /must be a GUID/);
      assert.ok(!standIn.requests.some((request) => String(request.body).includes("not-a-guid")), "the bad id was not sent");
    });
  }

  it("rejects Paywall's refusal with a PaywallError of kind api", async () => {
    const [refused] = await cancelWith("node", server, {
      config: config(),
      ids: [SCENARIOS.alreadyCancelled.paymentRequestId],
    });
    assert.equal(refused.isPaywallError, true, JSON.stringify(refused));
    assert.equal(refused.error.kind, "api");
  });

  it("says where the module came from and why it did not load (a runtime that refuses to compile bytes), and loads it on the next call", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "VITE-SSR-REFUSED" });
    const [failed, retried] = await cancelWith("node", server, { config: config(), ids: [id, id], refuseCompile: true });
    assert.equal(failed.isPaywallError, true, JSON.stringify(failed));
    assert.equal(failed.error.kind, "config");
    assert.match(
      failed.error.message,
      /^paywall-edge could not load its WebAssembly module from \S.*: CompileError: .*disallowed by embedder/,
    );
    assert.match(failed.error.message, /`workerd`/, "says which entry such runtimes need");
    assert.equal(retried.ok, true, JSON.stringify(retried));
  });

  it("the same entry built as a page fetches its .wasm asset, with no embedded copy in the script", () => {
    const emitted = fs.readdirSync(pageDir, { recursive: true });
    assert.ok(emitted.some((name) => /^assets\/paywall_edge_bg-.*\.wasm$/.test(name)), emitted.join(", "));
    assert.deepEqual(emitted.filter((name) => name.endsWith(".js")), ["page.js"], "no other chunk");
    assert.doesNotMatch(fs.readFileSync(path.join(pageDir, "page.js"), "utf8"), /AGFzbQ|wasm-base64/);
  });

  it("a fetch that fails names the module's URL and the cause", async () => {
    // The page's script run by Node: its module is a file: URL, which Node's fetch cannot read.
    const [failed] = await cancelWith("node", path.join(pageDir, "page.js"), { config: config(), ids: ["not-a-guid"] });
    assert.equal(failed.isPaywallError, true, JSON.stringify(failed));
    assert.equal(failed.error.kind, "config");
    const url = pathToFileURL(path.join(pageDir, "assets", fs.readdirSync(path.join(pageDir, "assets"))[0])).href;
    assert.ok(
      failed.error.message.startsWith(`paywall-edge could not load its WebAssembly module from ${url}: TypeError: fetch failed (cause: `),
      failed.error.message,
    );
  });
});
