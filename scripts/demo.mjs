#!/usr/bin/env node
// `make demo`: installs the packed package into a fresh folder, as a user would, and runs
// examples/node/cancel-payment.mjs there: against the bundled Paywall stand-in, or against a
// real Paywall when PAYWALL_BASE_ADDRESS, PAYWALL_API_KEY_PRIVATE,
// PAYWALL_API_CLIENT_PRIVATE and PAYMENT_REQUEST_ID are all set.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startStandIn } from "../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../standin/scenarios.mjs";
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

let standIn;
let env;
if (given.length === REAL_PAYWALL_SETTINGS.length) {
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
const code = await new Promise((resolve) => child.on("exit", (status) => resolve(status ?? 1)));
await standIn?.close();
process.exit(code);
