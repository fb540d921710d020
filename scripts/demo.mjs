#!/usr/bin/env node
// `make demo`: installs the packed package into a fresh folder, as a user would, and runs
// examples/node/cancel-payment.mjs there: against the bundled Paywall stand-in, or against a
// real Paywall when PAYWALL_BASE_ADDRESS, PAYWALL_API_KEY_PRIVATE,
// PAYWALL_API_CLIENT_PRIVATE and PAYMENT_REQUEST_ID are all set.
//
// On the stand-in it then shows the rest of a cancel's lifecycle, through the same installed
// package: a cancel whose answer is lost, resolved by Paywall's inquiry; and a callback the
// stand-in sends to a receiver this script starts, checked with verifyCallback, then replayed
// with another status. Those need the stand-in's fault scenarios and webhook key, so a real
// Paywall gets the cancel only.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createPayment, startStandIn } from "../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS, STANDIN_WEBHOOK_KEY } from "../standin/scenarios.mjs";
import { installTarball, newestTarball, root } from "./tarball.mjs";

const REAL_PAYWALL_SETTINGS = [
  "PAYWALL_BASE_ADDRESS",
  "PAYWALL_API_KEY_PRIVATE",
  "PAYWALL_API_CLIENT_PRIVATE",
  "PAYMENT_REQUEST_ID",
];

const given = REAL_PAYWALL_SETTINGS.filter((name) => process.env[name]);
if (given.length > 0 && given.length < REAL_PAYWALL_SETTINGS.length) {
  const missing = REAL_PAYWALL_SETTINGS.filter((name) => !process.env[name]);
  console.error(`To cancel on a real Paywall, also set ${missing.join(", ")}.`);
  process.exit(2);
}

let tarball;
try {
  tarball = newestTarball();
} catch (error) {
  console.error(`${error.message} (\`make demo\` packs first)`);
  process.exit(2);
}
const app = path.join(root, "target", "demo");
installTarball(tarball, app);
fs.copyFileSync(
  path.join(root, "examples", "node", "cancel-payment.mjs"),
  path.join(app, "cancel-payment.mjs"),
);
// The showcase below imports the package from the demo folder, as that folder's own code
// would: through the package's exports map, not a path into it.
fs.writeFileSync(path.join(app, "paywall-edge.mjs"), 'export * from "paywall-edge";\n');

const realPaywall = given.length === REAL_PAYWALL_SETTINGS.length;
let standIn;
let env;
if (realPaywall) {
  env = process.env;
  console.log(`paywall-edge demo: cancelling on the Paywall at ${env.PAYWALL_BASE_ADDRESS}`);
} else {
  standIn = await startStandIn();
  env = {
    ...process.env,
    PAYWALL_BASE_ADDRESS: standIn.url,
    PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
    PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
    PAYMENT_REQUEST_ID: SCENARIOS.saleOnDevice.paymentRequestId,
  };
  console.log(`paywall-edge demo: cancelling on the local Paywall stand-in at ${standIn.url}`);
  console.log(`(set ${REAL_PAYWALL_SETTINGS.join(", ")} to use a real Paywall)`);
}
console.log(`package: ${path.relative(root, tarball)}, installed in ${path.relative(root, app)}/`);

const child = spawn(process.execPath, ["cancel-payment.mjs"], { cwd: app, env, stdio: "inherit" });
let code = await new Promise((resolve) => child.on("exit", (status) => resolve(status ?? 1)));

if (realPaywall) {
  console.log(
    "\n(The reconciled cancel and the verified callback are shown on the stand-in only: they need " +
      "its fault scenarios and webhook key. Unset PAYWALL_BASE_ADDRESS to see them.)",
  );
} else {
  try {
    await showLifecycle(await import(pathToFileURL(path.join(app, "paywall-edge.mjs")).href));
  } catch (error) {
    console.error(`\nThe demo went wrong: ${error.message}`);
    code = 1;
  }
  await standIn.close();
}
process.exit(code);

/** Steps 3 to 5, on the stand-in: a lost answer resolved by inquiry, and a callback checked. */
async function showLifecycle({ cancelPayment, verifyCallback }) {
  const config = { baseAddress: standIn.url, ...STANDIN_KEYS };

  const lost = SCENARIOS.cancelAppliedAnswerLost.paymentRequestId;
  console.log(`\n3. A cancel whose answer is lost: cancelPayment(config, "${lost}")`);
  console.log("   (the stand-in carries the first attempt out and drops its connection; the retry meets");
  console.log("   Payment.Async.AlreadyHasRefundOrCancel, so the client asks Paywall's inquiry once)");
  const reconciled = await cancelPayment(config, lost);
  console.log(
    `resolved, state "${reconciled.state}", confirmedBy "${reconciled.confirmedBy}", after ` +
      `${standIn.attempts(lost)} cancel attempts and ${standIn.inquiries(lost)} inquiry:`,
    reconciled,
  );
  expect(reconciled.state === "cancelled" && reconciled.confirmedBy === "inquiry", "the inquiry to confirm the cancel");

  const receiver = await startCallbackReceiver(verifyCallback, config);
  try {
    const id = await createPayment(standIn.url, {
      merchantUniqueCode: "DEMO-ORDER-1",
      amount: 42.5,
      callbackAddress: receiver.url,
    });
    const cancelled = await cancelPayment(config, id);
    console.log(`\n4. A verified callback: a new sale, ${id}, whose CallbackAddress is a receiver`);
    console.log(`   this demo runs (${receiver.url}), cancelled: state "${cancelled.state}".`);
    console.log("   The stand-in POSTs the payment's callback, signed with its webhook key:");
    const genuine = await receiver.next();
    console.log(genuine.body);
    console.log(
      `The receiver checks it, verifyCallback(rawBody, webhookKey, { confirmWith: config }), ` +
        `and answers ${genuine.status}:`,
      genuine.outcome,
    );
    expect(genuine.status === 200, "the genuine callback to verify");

    console.log("\n5. The same callback replayed with PaymentStatusId 5 (Failed), as anyone who saw it could:");
    const replay = standIn.sendCallback(id, { paymentStatusId: 5 });
    const replayed = await receiver.next();
    const byHashAlone = await verifyCallback(replayed.body, STANDIN_WEBHOOK_KEY);
    console.log(
      `   its Hash still matches: verifyCallback(rawBody, webhookKey) alone resolves, with ` +
        `status ${byHashAlone.paymentStatusId} (the Hash covers the id, merchant code and amount, not the status);`,
    );
    console.log(
      `   with confirmWith the receiver answers ${(await replay).status}, rejected with kind "${replayed.outcome.kind}": ` +
        `${replayed.outcome.message}`,
    );
    expect(replayed.status === 401, "the replayed callback to be refused");
  } finally {
    await receiver.close();
  }
}

/**
 * A callback receiver on 127.0.0.1, as a shop's server would run one: it checks each callback
 * with verifyCallback over the exact bytes received and answers 200, or 401 for a bad
 * signature (400 for anything else). `next()` resolves to the next callback's
 * `{ body, outcome, status }`, outcome being the callback or the PaywallError.
 */
async function startCallbackReceiver(verifyCallback, config) {
  const waiting = [];
  const arrived = [];
  const server = http.createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    let outcome;
    let status;
    try {
      outcome = await verifyCallback(new Uint8Array(raw), STANDIN_WEBHOOK_KEY, { confirmWith: config });
      status = 200;
    } catch (error) {
      outcome = error;
      status = error.kind === "signature" ? 401 : 400;
    }
    response.writeHead(status).end();
    const delivery = { body: raw.toString("utf8"), outcome, status };
    if (waiting.length > 0) waiting.shift()(delivery);
    else arrived.push(delivery);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/paywall/callback`,
    next() {
      if (arrived.length > 0) return Promise.resolve(arrived.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no callback arrived within 5 s")), 5000);
        waiting.push((delivery) => {
          clearTimeout(timer);
          resolve(delivery);
        });
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The demo doubles as a smoke test: a step that did not go as told ends it with status 1. */
function expect(held, what) {
  if (!held) throw new Error(`expected ${what}, and it did not happen`);
}
