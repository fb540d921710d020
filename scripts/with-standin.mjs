#!/usr/bin/env node
// Runs a command with the local Paywall stand-in listening on a free 127.0.0.1 port, for
// test runners in another process (wasm-pack test). The command gets
//   PAYWALL_STANDIN_URL        the stand-in's address, e.g. http://127.0.0.1:40123
//   PAYWALL_STANDIN_SCENARIOS  the scenario table as JSON { name: paymentRequestId }
//   PAYWALL_STANDIN_KEYS       the accepted keys as JSON { apiKeyPrivate, apiClientPrivate }
// and the stand-in stops when the command ends; the exit status is the command's.
import { spawn } from "node:child_process";
import { startStandIn } from "../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../standin/scenarios.mjs";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: with-standin.mjs <command> [args...]");
  process.exit(2);
}

const standIn = await startStandIn();
const scenarioIds = Object.fromEntries(
  Object.entries(SCENARIOS).map(([name, scenario]) => [name, scenario.paymentRequestId]),
);
const child = spawn(command, args, {
  stdio: "inherit",
  env: {
    ...process.env,
    PAYWALL_STANDIN_URL: standIn.url,
    PAYWALL_STANDIN_SCENARIOS: JSON.stringify(scenarioIds),
    PAYWALL_STANDIN_KEYS: JSON.stringify(STANDIN_KEYS),
  },
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
const code = await new Promise((resolve) => {
  child.on("error", (error) => {
    console.error(`with-standin: could not start ${command}: ${error.message}`);
    resolve(127);
  });
  child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
});
await standIn.close();
process.exit(code);
