// Shared by the Node suite: loading the installed package, the stand-in, and small
// assertions every file needs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import util from "node:util";
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

/** The inquiry requests (`GET /api/payment/inquiry/{id}`) the stand-in has received. */
export function inquiryRequests(standIn) {
  return standIn.requests.filter((request) => request.path.startsWith("/api/payment/inquiry/"));
}

/** Waits until `condition()` holds (up to `ms`), for what a server sees after the fact. */
export async function eventually(condition, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
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

/**
 * Runs `run()` with `globalThis.fetch` replaced by `fetch` (called with the original fetch as
 * its third argument), and puts the original back however `run` ends.
 */
export async function withGlobalFetch(fetch, run) {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => fetch(input, init, original);
  try {
    return await run();
  } finally {
    globalThis.fetch = original;
  }
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

/** Paywall's documented inquiry envelope (PascalCase, as its sample) for `id`, with `result` fields replaced or added. */
export function inquiryBody(id, result = {}) {
  return JSON.stringify({
    Result: {
      PaymentRequestId: id,
      PaymentRequestActivityId: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
      PaymentTypeId: 2,
      PaymentStatusId: 4,
      ...result,
    },
    Failed: false,
    Message: null,
    ClientMessage: null,
    Succeeded: true,
  });
}

/** How long a window of a secret counts as a leak of it. */
export const SECRET_FRAGMENT = 12;

const fragmentSets = new Map();

/**
 * Every SECRET_FRAGMENT-character window of the secrets: as sent, JSON-escaped, and with runs
 * of white space collapsed.
 */
function fragmentsOf(secrets) {
  const cacheKey = JSON.stringify(secrets);
  if (!fragmentSets.has(cacheKey)) {
    const fragments = new Set();
    for (const secret of secrets) {
      for (const spelling of [secret, JSON.stringify(secret).slice(1, -1), secret.replace(/\s+/g, " ")]) {
        for (let at = 0; at + SECRET_FRAGMENT <= spelling.length; at++) {
          fragments.add(spelling.slice(at, at + SECRET_FRAGMENT));
        }
      }
    }
    fragmentSets.set(cacheKey, fragments);
  }
  return fragmentSets.get(cacheKey);
}

/** Every way an error is commonly printed or shipped to a log. */
export function everyForm(error) {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    util.inspect(error, { depth: 10, showHidden: true }),
    String(error),
    JSON.stringify(Object.entries(error)),
    JSON.stringify(error.toJSON()),
  ].join("\u0000");
}

/** Asserts that no fragment of any of `secrets` is in any form of `error`. */
export function assertNoFragment(error, secrets, what = "") {
  const printed = everyForm(error);
  const fragments = fragmentsOf(secrets);
  for (let at = 0; at + SECRET_FRAGMENT <= printed.length; at++) {
    const window = printed.slice(at, at + SECRET_FRAGMENT);
    if (fragments.has(window)) {
      assert.fail(`${what}: ${JSON.stringify(window)} of a secret leaked into:\n${printed}`);
    }
  }
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
