// examples/cloudflare-worker, exactly as a user would deploy it, on the packed tarball:
// bundled by `wrangler deploy --dry-run` and served by `wrangler dev` (workerd), cancelling
// against the stand-in. Keys come from env bindings (--var), as secrets would.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";

const example = path.join(root, "examples", "cloudflare-worker");
const app = path.join(root, "target", "worker-app");
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
const TOKEN = "test-back-office-token";
const TIMEOUT_MS = 1500;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `wrangler dev` and resolves once it answers HTTP. */
async function startWranglerDev(standInUrl) {
  const port = await freePort();
  const vars = {
    PAYWALL_BASE_ADDRESS: standInUrl,
    PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
    PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
    PAYWALL_TIMEOUT_MS: String(TIMEOUT_MS),
    CANCEL_API_TOKEN: TOKEN,
  };
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port)];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(wrangler, args, { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      await fetch(url);
      return { url, stop: () => process.kill(-child.pid, "SIGTERM"), output: () => output };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  process.kill(-child.pid, "SIGKILL");
  throw new Error(`wrangler dev did not start within 60 s:\n${output}`);
}

describe("the Cloudflare Worker example on workerd", () => {
  let standIn;
  let worker;

  before(async () => {
    installTarball(newestTarball(), app);
    fs.cpSync(path.join(example, "src"), path.join(app, "src"), { recursive: true });
    fs.copyFileSync(path.join(example, "wrangler.toml"), path.join(app, "wrangler.toml"));
    standIn = await startStandIn();
    worker = await startWranglerDev(standIn.url);
  });

  after(async () => {
    worker?.stop();
    await standIn?.close();
  });

  const cancel = (id, token = TOKEN) =>
    fetch(`${worker.url}/payments/${encodeURIComponent(id)}/cancel`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it("bundles with wrangler deploy --dry-run, the module as a compiled wasm upload", () => {
    const dist = path.join(app, "dist");
    const output = execFileSync(wrangler, ["deploy", "--dry-run", "--outdir", dist], {
      cwd: app,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.match(output, /Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/);
    const files = fs.readdirSync(dist);
    assert.ok(files.some((name) => name.endsWith("paywall_edge_bg.wasm")), files.join(", "));
    const bundle = fs.readFileSync(path.join(dist, "index.js"), "utf8");
    assert.match(bundle, /paywall_edge_bg\.wasm/);
    assert.doesNotMatch(bundle, /require\(["']fs["']\)/, "the Node entry must not be bundled");
  });

  it("cancels a payment", async () => {
    const id = SCENARIOS.saleOnDevice.paymentRequestId;
    const response = await cancel(id);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.cancelled, true);
    assert.equal(body.result.paymentRequestId, id);
    assert.equal(body.result.paymentRequestActivityTypeId, 2);
    assert.equal(body.result.paymentStatus, 4);
  });

  it("answers Paywall's refusal as an api error", async () => {
    const id = SCENARIOS.alreadyCancelled.paymentRequestId;
    const response = await cancel(id);
    assert.equal(response.status, 409);
    const { cancelled, error } = await response.json();
    assert.equal(cancelled, false);
    assert.equal(error.name, "PaywallError");
    assert.equal(error.kind, "api");
    assert.equal(error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
    assert.equal(error.paymentRequestId, id);
  });

  it("refuses a bad id before calling Paywall", async () => {
    const before = standIn.requests.length;
    const response = await cancel("not-a-guid");
    assert.equal(response.status, 400);
    const { error } = await response.json();
    assert.equal(error.kind, "input");
    assert.equal(error.attempts, 0);
    assert.match(error.message, /must be a GUID/);
    assert.equal(standIn.requests.length, before);
  });

  it("times out a Paywall that does not answer", async () => {
    const started = performance.now();
    const response = await cancel(SCENARIOS.hang.paymentRequestId);
    const elapsed = performance.now() - started;
    assert.equal(response.status, 504);
    const { error } = await response.json();
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    // Close to the deadline: a timer late by half would fail this, a busy machine would not.
    assert.ok(elapsed >= TIMEOUT_MS - 10 && elapsed < 1.5 * TIMEOUT_MS, `took ${elapsed} ms`);
  });

  it("cuts off answers too large for an envelope, whatever their encoding", async () => {
    for (const scenario of ["gzipBomb", "hugeBody"]) {
      const started = performance.now();
      const response = await cancel(SCENARIOS[scenario].paymentRequestId);
      assert.equal(response.status, 502, scenario);
      const { error } = await response.json();
      assert.equal(error.kind, "decode", `${scenario}: ${error.message}`);
      assert.match(error.message, /the answer is too large/);
      assert.ok(performance.now() - started < TIMEOUT_MS, `${scenario} took ${performance.now() - started} ms`);
    }
    assert.ok(standIn.bigAnswers.find((answer) => answer.fault === "hugeBody")?.bytesWritten < 64 * 2 ** 20);
  });

  it("never lets a fragment of a key into an error, whatever echoes it", async () => {
    const fragments = new Set();
    for (const key of Object.values(STANDIN_KEYS)) {
      for (const spelling of [key, JSON.stringify(key).slice(1, -1)]) {
        for (let at = 0; at + 12 <= spelling.length; at++) fragments.add(spelling.slice(at, at + 12));
      }
    }
    for (const scenario of ["echoHeadersHtml", "echoHeadersJson", "echoKeyInMessage", "echoKeyInLocation"]) {
      const text = await (await cancel(SCENARIOS[scenario].paymentRequestId)).text();
      assert.match(text, /"kind":"(http|api)"/, scenario);
      for (let at = 0; at + 12 <= text.length; at++) {
        assert.ok(!fragments.has(text.slice(at, at + 12)), `${scenario}: a key leaked into ${text}`);
      }
    }
  });

  it("flattens and bounds Paywall's message, so it cannot forge log lines", async () => {
    const { error } = await (await cancel(SCENARIOS.messageFlood.paymentRequestId)).json();
    assert.equal(error.kind, "api");
    for (const text of [error.message, error.paywallMessage, error.clientMessage]) {
      assert.doesNotMatch(text, /[\r\n\u001b]/);
    }
    assert.ok(error.message.length < 700, `${error.message.length} characters`);
  });

  it("retries a 503 and succeeds", async () => {
    const id = SCENARIOS.html503Twice.paymentRequestId;
    const response = await cancel(id);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).result.paymentRequestId, id);
    assert.equal(standIn.attempts(id), 3);
  });

  it("serves 200 concurrent cancels, each for its own payment", async () => {
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => createPayment(standIn.url, { merchantUniqueCode: `W-${i}`, amount: 5 })),
    );
    const answers = await Promise.all(ids.map((id) => cancel(id).then((r) => r.json())));
    answers.forEach((answer, i) => {
      assert.equal(answer.cancelled, true, JSON.stringify(answer));
      assert.equal(answer.result.paymentRequestId, ids[i]);
    });
  });

  it("refuses callers without the back-office token", async () => {
    const response = await cancel(SCENARIOS.demoPayment1.paymentRequestId, null);
    assert.equal(response.status, 401);
    const wrong = await cancel(SCENARIOS.demoPayment1.paymentRequestId, "guess");
    assert.equal(wrong.status, 401);
    assert.equal(standIn.attempts(SCENARIOS.demoPayment1.paymentRequestId), 0);
  });
});
