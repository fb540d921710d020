// examples/cloudflare-worker, exactly as a user would deploy it, on the packed tarball:
// bundled by `wrangler deploy --dry-run` and served by `wrangler dev` (workerd), cancelling
// against the stand-in and receiving the callbacks the stand-in sends it. Keys come from env
// bindings (--var), as secrets would.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import http from "node:http";
import { callbackHash, createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS, STANDIN_WEBHOOK_KEY } from "../../standin/scenarios.mjs";

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

/** Every secret the Worker holds: none may appear in its answers or its log. */
const SECRETS = [STANDIN_KEYS.apiKeyPrivate, STANDIN_KEYS.apiClientPrivate, TOKEN, STANDIN_WEBHOOK_KEY];

/**
 * Starts `wrangler dev` and resolves once it answers HTTP. `vars` replace the bindings the
 * Worker gets (undefined leaves one out).
 */
async function startWranglerDev(paywallUrl, vars = {}) {
  const port = await freePort();
  const bindings = {
    PAYWALL_BASE_ADDRESS: paywallUrl,
    PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
    PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
    PAYWALL_TIMEOUT_MS: String(TIMEOUT_MS),
    CANCEL_API_TOKEN: TOKEN,
    PAYWALL_WEBHOOK_HASH_KEY: STANDIN_WEBHOOK_KEY,
    ...vars,
  };
  // Workers run side by side: each has its own inspector port, and its own local state (two
  // workerd processes that share one .wrangler/state start up racing for its SQLite lock).
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort())];
  args.push("--persist-to", path.join(app, ".wrangler", `state-${port}`));
  for (const [name, value] of Object.entries(bindings)) {
    if (value !== undefined) args.push("--var", `${name}:${value}`);
  }
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

/**
 * A Paywall that accepts every cancel of `ODD_ID` with an activity type it never documented
 * (9), for the Worker's "unknown" branch.
 */
const ODD_ID = SCENARIOS.demoPayment2.paymentRequestId;
async function startOddPaywall() {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          result: {
            paymentRequestId: ODD_ID,
            paymentRequestActivityId: "0f6b1d0e-52a1-4d8f-a0a4-1d3f1c0b7e21",
            paymentRequestActivityTypeId: 9,
            paymentStatus: 4,
          },
          succeeded: true,
          failed: false,
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Resolves once `check()` returns something truthy, which it returns; fails after 10 s. */
async function eventually(check, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the Cloudflare Worker example on workerd", () => {
  let standIn;
  let worker;
  // The same Worker without its webhook hash key, in front of a Paywall with odd codes.
  let oddPaywall;
  let misconfigured;

  before(async () => {
    installTarball(newestTarball(), app);
    fs.cpSync(path.join(example, "src"), path.join(app, "src"), { recursive: true });
    fs.copyFileSync(path.join(example, "wrangler.toml"), path.join(app, "wrangler.toml"));
    standIn = await startStandIn();
    oddPaywall = await startOddPaywall();
    const started = await Promise.allSettled([
      startWranglerDev(standIn.url),
      startWranglerDev(oddPaywall.url, { PAYWALL_WEBHOOK_HASH_KEY: undefined }),
    ]);
    [worker, misconfigured] = started.map((outcome) => outcome.value);
    const failed = started.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason; // after() stops the one that started
  });

  after(async () => {
    worker?.stop();
    misconfigured?.stop();
    await standIn?.close();
    await oddPaywall?.close();
  });

  const cancel = (id, token = TOKEN, to = worker) =>
    fetch(`${to.url}/payments/${encodeURIComponent(id)}/cancel`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const callbackUrl = (to = worker) => `${to.url}/paywall/callback`;
  const postCallback = (body, to = worker) =>
    fetch(callbackUrl(to), { method: "POST", headers: { "content-type": "application/json" }, body });

  /** A payment whose CallbackAddress is the Worker's, cancelled through the Worker; its delivery. */
  async function cancelledWithCallback(merchantUniqueCode, amount = 10) {
    const id = await createPayment(standIn.url, { merchantUniqueCode, amount, callbackAddress: callbackUrl() });
    assert.equal((await cancel(id)).status, 200);
    const delivery = await eventually(
      () => standIn.callbacks.find((record) => record.body.includes(id)),
      `the stand-in's callback for ${id}`,
    );
    return { id, delivery };
  }

  it("bundles with wrangler deploy --dry-run, the module as a compiled wasm upload", () => {
    const dist = path.join(app, "dist");
    const run = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", dist], { cwd: app, env, encoding: "utf8" });
    const output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, output);
    assert.match(output, /Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/);
    assert.doesNotMatch(output, /Duplicate key/, "the generated glue lists each import once");
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
    assert.equal(body.result.state, "cancelled");
    assert.equal(body.result.confirmedBy, "response");
  });

  it("answers 202, not cancelled, while the cancel is on its way to the terminal", async () => {
    const response = await cancel(SCENARIOS.cancelPendingOnDevice.paymentRequestId);
    assert.equal(response.status, 202);
    const { cancelled, result } = await response.json();
    assert.equal(cancelled, false);
    assert.equal(result.state, "pending");
    assert.equal(result.paymentStatus, 2);
  });

  it("answers 409, not cancelled, when the terminal could not cancel it", async () => {
    const response = await cancel(SCENARIOS.cancelFailedOnDevice.paymentRequestId);
    assert.equal(response.status, 409);
    const { cancelled, result, error } = await response.json();
    assert.equal(cancelled, false);
    assert.equal(error, undefined, "Paywall accepted the cancel: no error");
    assert.equal(result.state, "failed");
    assert.equal(result.paymentStatus, 5);
  });

  it("answers 502, not cancelled, for codes Paywall never documented", async () => {
    const response = await cancel(ODD_ID, TOKEN, misconfigured);
    assert.equal(response.status, 502);
    const { cancelled, result } = await response.json();
    assert.equal(cancelled, false);
    assert.equal(result.state, "unknown");
    assert.equal(result.paymentRequestActivityTypeId, 9);
  });

  it("answers 200 when a lost answer is resolved by the inquiry", async () => {
    const id = SCENARIOS.cancelAppliedAnswerLost.paymentRequestId;
    const response = await cancel(id);
    assert.equal(response.status, 200);
    const { cancelled, result } = await response.json();
    assert.equal(cancelled, true);
    assert.equal(result.state, "cancelled");
    assert.equal(result.confirmedBy, "inquiry");
    assert.equal(standIn.inquiries(id), 1);
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
      assert.equal(answer.result.state, "cancelled");
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

  it("accepts the callback the stand-in sends to it after a cancel, confirmed by an inquiry", async () => {
    const { id, delivery } = await cancelledWithCallback("W-CALLBACK-1", 12.5);
    assert.equal(delivery.url, callbackUrl());
    assert.equal(delivery.error, null);
    assert.equal(delivery.status, 200, `the Worker refused a genuine callback: ${worker.output()}`);
    assert.match(delivery.body, /"Amount":12\.50,/, "the Hash is over the amount's text, 12.50");
    assert.equal(standIn.inquiries(id), 1, "the Worker asked Paywall for the payment's state");
    await eventually(() => worker.output().includes(`Paywall callback: payment ${id}, type 2, status 4`), "the log line");
  });

  it("refuses a tampered callback with 401, without asking Paywall", async () => {
    const { id, delivery } = await cancelledWithCallback("W-CALLBACK-2", 24);
    const inquiries = standIn.inquiries(id);
    const tampered = {
      amount: delivery.body.replace('"Amount":24.00', '"Amount":2400.00'),
      merchantUniqueCode: delivery.body.replace('"W-CALLBACK-2"', '"W-CALLBACK-3"'),
      hash: delivery.body.replace(/"Hash":"([0-9a-f])/, (_, c) => `"Hash":"${c === "0" ? "1" : "0"}`),
      noHash: delivery.body.replace(/,"Hash":"[0-9a-f]+"/, ""),
      otherKey: delivery.body.replace(
        /"Hash":"[0-9a-f]+"/,
        `"Hash":"${callbackHash("another-webhook-key", id, "W-CALLBACK-2", "24.00")}"`,
      ),
    };
    for (const [what, body] of Object.entries(tampered)) {
      assert.notEqual(body, delivery.body, what);
      const response = await postCallback(body);
      assert.equal(response.status, 401, what);
      assert.deepEqual(await response.json(), { received: false, kind: "signature" }, what);
    }
    assert.equal(standIn.inquiries(id), inquiries, "a bad Hash is refused before any inquiry");
  });

  it("refuses with 401 a genuine callback replayed with another status, and takes it again as sent", async () => {
    const { id } = await cancelledWithCallback("W-CALLBACK-4");
    // The Hash does not cover the status: the Worker's inquiry does.
    const replayed = await standIn.sendCallback(id, { to: callbackUrl(), paymentStatusId: 5 });
    assert.match(replayed.body, /"PaymentStatusId":5,/);
    assert.equal(replayed.status, 401);
    const again = await standIn.sendCallback(id, { to: callbackUrl() });
    assert.match(again.body, /"PaymentStatusId":4,/);
    assert.equal(again.status, 200, "the same true callback twice is harmless");
  });

  it("answers 400 to a body that is not a Paywall callback", async () => {
    const before = standIn.requests.length;
    for (const body of ["garbage", "", "[]", "{}", '{"PaymentRequestId":"not-a-guid"}', `"${"x".repeat(70_000)}"`]) {
      const response = await postCallback(body);
      assert.equal(response.status, 400, body.slice(0, 40));
      assert.deepEqual(await response.json(), { received: false, kind: "decode" });
    }
    assert.equal(standIn.requests.length, before, "nothing was asked of Paywall");
  });

  it("answers 503 when Paywall cannot confirm the status, having acted on nothing", async () => {
    const id = SCENARIOS.inquiryUnavailable.paymentRequestId;
    const delivery = await standIn.sendCallback(id, { to: callbackUrl() });
    assert.equal(delivery.status, 503);
    assert.ok(standIn.inquiries(id) >= 1);
    assert.ok(!worker.output().includes(`Paywall callback: payment ${id}`), "nothing was acted on");
  });

  it("answers 503, not 400, when Paywall's answer to the confirming inquiry cannot be read, so Paywall sends it again", async () => {
    const id = SCENARIOS.inquiryUnreadable.paymentRequestId;
    const delivery = await standIn.sendCallback(id, { to: callbackUrl() });
    assert.equal(delivery.status, 503, "a 4xx would make Paywall give up on a genuine callback");
    const response = await postCallback(delivery.body);
    assert.equal(response.status, 503);
    const body = await response.json();
    assert.equal(body.received, false);
    assert.ok(!["decode", "signature", "input"].includes(body.kind), body.kind);
    assert.ok(standIn.inquiries(id) >= 2);
    assert.ok(!worker.output().includes(`Paywall callback: payment ${id}`), "nothing was acted on");
  });

  it("answers 401 to a genuine callback replayed with a new activity id or another display code", async () => {
    const { id, delivery } = await cancelledWithCallback("W-CALLBACK-6");
    assert.equal(delivery.status, 200);
    const activity = delivery.body.match(/"PaymentRequestActivityId":"([^"]+)"/)[1];
    for (const replayed of [
      delivery.body.replace(activity, crypto.randomUUID()),
      delivery.body.replace(/"DisplayCode":"[^"]*"/, '"DisplayCode":"REFUND APPROVED"'),
    ]) {
      const response = await postCallback(replayed);
      assert.equal(response.status, 401, replayed);
      assert.deepEqual(await response.json(), { received: false, kind: "signature" });
    }
    assert.ok(standIn.inquiries(id) >= 3);
  });

  it("answers GET on the callback route with 405", async () => {
    const response = await fetch(callbackUrl());
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST");
  });

  it("answers 500 when its webhook hash key is not set, saying so without a key", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "W-CALLBACK-5" });
    const delivery = await standIn.sendCallback(id, { to: callbackUrl(misconfigured) });
    assert.equal(delivery.status, 500);
    const response = await postCallback(delivery.body, misconfigured);
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.deepEqual(JSON.parse(text), { received: false, error: "this Worker is misconfigured: see its logs" });
    await eventually(() => misconfigured.output().includes("hashKey is missing"), "the reason in the log");
  });

  it("logs no secret, whatever it was sent", () => {
    for (const running of [worker, misconfigured]) {
      const log = running.output();
      assert.match(log, /Paywall callback/);
      for (const secret of SECRETS) assert.ok(!log.includes(secret), `a secret is in the log:\n${log}`);
    }
  });
});
