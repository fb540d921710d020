// Run by prototype-pollution.test.mjs in a process of its own, since it pollutes
// Object.prototype as a prototype-pollution bug in any dependency would. Each phase
// pollutes, cancels, and cleans up again (the runtime's own internals read some of these
// names too: a polluted `signal` would break Node's streams whatever paywall-edge does).
// Cancels at the stand-in (PAYWALL_BASE_ADDRESS) and prints what happened as JSON.
import { STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { loadEsm, successBody } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const base = process.env.PAYWALL_BASE_ADDRESS;
const [cancellable, alwaysBusy, cancellableToo, cancellableThrough] = JSON.parse(process.env.PAYMENT_REQUEST_IDS);
const plain = { baseAddress: base, ...STANDIN_KEYS };

/** Runs `during` with Object.prototype holding `descriptors`, then removes them. */
async function polluted(descriptors, during) {
  for (const [name, descriptor] of Object.entries(descriptors)) {
    Object.defineProperty(Object.prototype, name, { configurable: true, ...descriptor });
  }
  try {
    return await during();
  } finally {
    for (const name of Object.keys(descriptors)) delete Object.prototype[name];
  }
}

const outcome = (promise) =>
  promise.then(
    (result) => ({ ok: true, paymentRequestId: result.paymentRequestId }),
    (error) => ({ ok: false, isPaywallError: error instanceof PaywallError, kind: error.kind, attempts: error.attempts, message: error.message }),
  );
const value = (v) => ({ value: v, writable: true });
const results = {};

// Settings lent by Object.prototype to a config that does not set them, over the network.
await polluted(
  { maxRetries: value(10), timeoutMs: value(1), dangerouslyAllowInsecureHttp: value(true), baseAddress: value("http://192.0.2.1") },
  async () => {
    results.cancel = await outcome(cancelPayment(plain, cancellable));
    results.retries = await outcome(cancelPayment(plain, alwaysBusy));
    results.missingBase = await outcome(cancelPayment({ ...STANDIN_KEYS }, cancellable));
  },
);

// An inherited fetch: the config has none of its own, so the global fetch is used.
let evilFetchCalls = 0;
await polluted({ fetch: value(() => { evilFetchCalls++; throw new Error("evil fetch"); }) }, async () => {
  results.inheritedFetch = await outcome(cancelPayment(plain, cancellableToo));
});
results.evilFetchCalls = evilFetchCalls;

// An inherited, already aborted signal, with a fetch of the caller's own.
const answer = { status: 200, headers: { get: () => null }, body: null };
await polluted({ signal: value(AbortSignal.abort()) }, async () => {
  const fetch = async () => ({ ...answer, text: async () => successBody(cancellable) });
  results.inheritedSignal = await outcome(cancelPayment({ ...plain, fetch }, cancellable));
});

// Setters named like what is handed to fetch: they would receive a key, or throw.
const stolen = [];
const thrown = [];
const stealing = { set: (v) => stolen.push(v), get: () => undefined };
const throwing = (name) => ({ set: () => { thrown.push(name); throw new Error(`setter ${name}`); }, get: () => undefined });
await polluted(
  {
    apikeyprivate: stealing,
    apiclientprivate: stealing,
    "content-type": stealing,
    redirect: throwing("redirect"),
    method: throwing("method"),
    headers: throwing("headers"),
    body: throwing("body"),
    credentials: value("include"),
  },
  async () => {
    const fetch = async (_url, init) => {
      results.init = {
        initPrototype: Object.getPrototypeOf(init) === null ? "null" : "other",
        headersPrototype: Object.getPrototypeOf(init.headers) === null ? "null" : "other",
        credentials: init.credentials === undefined ? "absent" : init.credentials,
        apikeyprivate: init.headers.apikeyprivate === STANDIN_KEYS.apiKeyPrivate,
        redirect: init.redirect,
      };
      return { ...answer, text: async () => successBody(cancellable) };
    };
    results.setters = await outcome(cancelPayment({ ...plain, fetch }, cancellable));
  },
);
results.stolen = stolen.length;
results.thrown = thrown;

// Values (what a prototype-pollution bug writes) named like headers, with the runtime's own
// fetch: none is sent, and the keys arrive as they are.
await polluted(
  { apikeyprivate: value("polluted-key"), "x-polluted": value("1"), authorization: value("Bearer polluted") },
  async () => {
    results.globalFetch = await outcome(cancelPayment(plain, cancellableThrough));
  },
);
process.stdout.write(`${JSON.stringify(results)}\n`);
