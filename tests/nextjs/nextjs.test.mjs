// paywall-edge in a Next.js 16 App Router app, as a user writes it: route handlers on the
// nodejs and the edge runtime, nothing about the package in next.config. The app
// (tests/nextjs/app) is copied to target/nextjs-app with the packed tarball installed,
// built with Turbopack (`next build`) and with webpack (`next build --webpack`), served by
// `next start`; each cancel route cancels against the stand-in four ways, and each callback
// route receives the stand-in's signed callback and refuses forged ones.
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

const source = path.join(root, "tests", "nextjs", "app");
const app = path.join(root, "target", "nextjs-app");
const next = path.join(root, "node_modules", ".bin", "next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `next start` on a free port, with the stand-in's address and keys; resolves once it serves. */
async function startNext(standInUrl) {
  const port = await freePort();
  const child = spawn(next, ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: app,
    env: {
      ...env,
      PAYWALL_BASE_ADDRESS: standInUrl,
      PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
      PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
      PAYWALL_WEBHOOK_HASH_KEY: STANDIN_WEBHOOK_KEY,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    try {
      if ((await fetch(url)).ok) return { url, output: () => output, stop: () => process.kill(-child.pid, "SIGTERM") };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  process.kill(-child.pid, "SIGKILL");
  throw new Error(`next start did not serve within 60 s:\n${output}`);
}

const BUILDS = [
  ["Turbopack", ["build"]],
  ["webpack", ["build", "--webpack"]],
];

describe("Next.js 16 route handlers", () => {
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
    // The app's own package.json, not an ES-module project: with "type": "module", Next 16's
    // webpack build of an edge route handler fails whatever the route imports.
    installTarball(newestTarball(), app, { packageJson: JSON.parse(fs.readFileSync(path.join(source, "package.json"))) });
    standIn = await startStandIn();
  });

  after(async () => {
    await standIn?.close();
  });

  for (const [bundler, args] of BUILDS) {
    describe(`built with ${bundler}`, () => {
      let server;

      before(async () => {
        fs.rmSync(path.join(app, ".next"), { recursive: true, force: true });
        await promisify(execFile)(next, args, { cwd: app, env, maxBuffer: 1 << 24 }).catch((error) => {
          throw new Error(`next ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
        });
        server = await startNext(standIn.url);
      });

      after(() => server?.stop());

      for (const runtime of ["nodejs", "edge"]) {
        const route = runtime === "nodejs" ? "node" : "edge";
        const cancel = (id) =>
          fetch(`${server.url}/api/${route}/payments/${encodeURIComponent(id)}/cancel`, { method: "POST" });

        it(`on the ${runtime} runtime, cancels a payment`, async () => {
          const id = await createPayment(standIn.url, { merchantUniqueCode: `NEXT-${bundler}-${runtime}` });
          const response = await cancel(id);
          const body = await response.json();
          assert.equal(response.status, 200, JSON.stringify(body));
          assert.equal(body.cancelled, true);
          assert.equal(body.result.paymentRequestId, id);
          assert.equal(body.result.paymentStatus, 4);
          assert.equal(body.result.state, "cancelled");
          assert.equal(body.result.confirmedBy, "response");
          assert.equal(standIn.attempts(id), 1);
        });

        it(`on the ${runtime} runtime, tells a cancel still on its way to the terminal from a cancelled payment`, async () => {
          standIn.reset(); // the scenario's payment cancelled by an earlier build's case
          const response = await cancel(SCENARIOS.cancelPendingOnDevice.paymentRequestId);
          const body = await response.json();
          assert.equal(response.status, 202, JSON.stringify(body));
          assert.equal(body.cancelled, false);
          assert.equal(body.result.state, "pending");
          assert.equal(body.result.paymentStatus, 2);
        });

        it(`on the ${runtime} runtime, accepts the stand-in's signed callback and refuses a replay and a forgery`, async () => {
          const hook = `${server.url}/api/${route}/paywall/callback`;
          const id = await createPayment(standIn.url, { merchantUniqueCode: `HOOK-${bundler}-${runtime}`, callbackAddress: hook });
          assert.equal((await cancel(id)).status, 200);
          const delivery = await deliveryTo(hook, id);
          assert.equal(delivery.error, null);
          assert.equal(delivery.status, 200, "a genuine callback, confirmed by inquiry, is accepted");

          // A genuine body with another status keeps a valid Hash; the inquiry refuses it.
          const replay = await standIn.sendCallback(id, { to: hook, paymentStatusId: 5 });
          assert.equal(replay.status, 401);

          const forged = JSON.parse(delivery.body);
          forged.Amount = 1;
          forged.Hash = callbackHash("not-the-webhook-key", id, forged.MerchantUniqueCode, "1");
          const forgery = await fetch(hook, { method: "POST", body: JSON.stringify(forged) });
          assert.equal(forgery.status, 401);
          assert.deepEqual(await forgery.json(), { received: false, kind: "signature" });

          const garbage = await fetch(hook, { method: "POST", body: "not a callback" });
          assert.equal(garbage.status, 400);
        });

        it(`on the ${runtime} runtime, answers 503 to a callback whose confirming inquiry cannot be read, so Paywall sends it again`, async () => {
          const hook = `${server.url}/api/${route}/paywall/callback`;
          const id = SCENARIOS.inquiryUnreadable.paymentRequestId;
          const delivery = await standIn.sendCallback(id, { to: hook });
          assert.equal(delivery.status, 503, "a 4xx would make Paywall give up on a genuine callback");
          const response = await fetch(hook, { method: "POST", body: delivery.body });
          assert.equal(response.status, 503);
          const { kind } = await response.json();
          assert.ok(!["decode", "signature", "input"].includes(kind), kind);
        });

        it(`on the ${runtime} runtime, rejects Paywall's refusal with a PaywallError of kind api`, async () => {
          const response = await cancel(SCENARIOS.alreadyCancelled.paymentRequestId);
          const body = await response.json();
          assert.equal(response.status, 409, JSON.stringify(body));
          assert.equal(body.error.name, "PaywallError");
          assert.equal(body.error.kind, "api");
          assert.equal(body.error.clientMessage, "Payment.Async.AlreadyHasRefundOrCancel");
          assert.equal(body.instanceOfImported, true);
          assert.equal(body.instanceOfRequired, true);
        });

        it(`on the ${runtime} runtime, rejects a bad id with a PaywallError of kind input, sending nothing`, async () => {
          const sent = standIn.requests.length;
          const response = await cancel("not-a-payment-id");
          const body = await response.json();
          assert.equal(response.status, 400, JSON.stringify(body));
          assert.equal(body.error.name, "PaywallError");
          assert.equal(body.error.kind, "input");
          assert.equal(body.instanceOfImported, true);
          assert.equal(body.instanceOfRequired, true);
          assert.equal(standIn.requests.length, sent);
        });
      }
    });
  }
});
