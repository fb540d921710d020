// Shared by the Node suite: loading the installed package, the stand-in, and small
// assertions every file needs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createPayment, startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { root } from "../../scripts/tarball.mjs";

export { SCENARIOS, STANDIN_KEYS, createPayment, root, startStandIn };

/** The runtime this suite runs in: the same cases run under Node, Bun and Deno. */
export const RUNTIME = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";

/**
 * Checks how many requests the stand-in saw for a scenario whose connections are dropped,
 * given how many attempts the library made. Node and Bun send exactly those. Deno's HTTP
 * client re-sends a request once by itself when a reused keep-alive connection is dropped
 * under it (before the library sees a failure), so there the stand-in may see up to twice
 * as many.
 */
export function assertDroppedRequestsSeen(seen, libraryAttempts) {
  if (RUNTIME === "deno") {
    assert.ok(seen >= libraryAttempts && seen <= 2 * libraryAttempts, `${seen} requests for ${libraryAttempts} attempts`);
  } else {
    assert.equal(seen, libraryAttempts);
  }
}

/** Where install-package.mjs installs the tarball, as a user's project would. */
export const consumerDir = path.join(root, "target", "node-consumer");

/** The package through `import "paywall-edge"` in the consumer folder. */
export function loadEsm() {
  return import(pathToFileURL(path.join(consumerDir, "load-esm.mjs")).href);
}

/** The package through `require("paywall-edge")` in the consumer folder. */
export function loadCjs() {
  return createRequire(path.join(consumerDir, "package.json"))("./load-cjs.cjs");
}

/** The payment request id of a stand-in scenario. */
export function idOf(name) {
  const scenario = SCENARIOS[name];
  assert.ok(scenario, `the stand-in has no scenario ${name}`);
  return scenario.paymentRequestId;
}

/** A config for the stand-in with `overrides` applied. */
export function configFor(standIn, overrides = {}) {
  return { baseAddress: standIn.url, ...STANDIN_KEYS, ...overrides };
}

/** The cancel requests the stand-in has received. */
export function cancelRequests(standIn) {
  return standIn.requests.filter((request) => request.path === "/api/payment/async/cancel");
}

/**
 * Awaits `promise`, asserts it rejected with a PaywallError (checked against the package's
 * own class), and returns the error.
 */
export async function rejection(promise, PaywallError) {
  let error;
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (caught) {
    error = caught;
  }
  if (error instanceof assert.AssertionError) throw error;
  assert.ok(error instanceof PaywallError, `not a PaywallError: ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "PaywallError");
  assert.equal(typeof error.message, "string");
  assert.equal(typeof error.retryable, "boolean");
  assert.equal(typeof error.attempts, "number");
  return error;
}

/** A fetch spy: records calls and answers with `answer(url, init)` (default: fails the test). */
export function spyFetch(answer = () => assert.fail("fetch must not be called")) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  return { fetch, calls };
}

/** Paywall's documented success envelope for `id`. */
export function successBody(id) {
  return JSON.stringify({
    result: {
      paymentRequestId: id,
      paymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
      paymentRequestActivityTypeId: 2,
      paymentStatus: 4,
    },
    failed: false,
    message: null,
    clientMessage: null,
    succeeded: true,
  });
}

/** Starts a stand-in before the tests of a file and closes it after. */
export function useStandIn({ before, after }) {
  const holder = {};
  before(async () => {
    holder.standIn = await startStandIn();
  });
  after(async () => {
    await holder.standIn.close();
  });
  return () => holder.standIn;
}

/**
 * Runs `script` (a file beside this one) in a fresh process of the runtime running the suite
 * (node, bun or deno), with `env` added, and resolves to the JSON it prints last. For what
 * must not happen in the suite's own process: measuring one call's memory, polluting
 * Object.prototype, defining browser globals.
 */
export function runInOwnProcess(script, env = {}) {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), script);
  const args = RUNTIME === "deno" ? ["run", "--allow-all", file] : [file];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").pop()));
    });
  });
}
