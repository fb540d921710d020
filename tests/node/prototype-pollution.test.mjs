// A prototype-pollution bug anywhere in the program (values or setters on Object.prototype)
// bends nothing: a setting found only on Object.prototype is absent, and the objects handed
// to fetch inherit nothing. Run in a process of its own (prototype-pollution-child.mjs).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { STANDIN_KEYS, createPayment, idOf, runInOwnProcess, useStandIn } from "./helpers.mjs";

describe("with Object.prototype polluted", () => {
  const standIn = useStandIn({ before, after });
  let results;
  let cancellableThrough;

  before(async () => {
    const cancellable = await createPayment(standIn().url, { merchantUniqueCode: "POLLUTED-1" });
    const cancellableToo = await createPayment(standIn().url, { merchantUniqueCode: "POLLUTED-2" });
    cancellableThrough = await createPayment(standIn().url, { merchantUniqueCode: "POLLUTED-3" });
    results = await runInOwnProcess("prototype-pollution-child.mjs", {
      PAYWALL_BASE_ADDRESS: standIn().url,
      PAYMENT_REQUEST_IDS: JSON.stringify([cancellable, idOf("html503Always"), cancellableToo, cancellableThrough]),
    });
  });

  it("inherited settings are ignored: the defaults apply and the call succeeds", () => {
    // An inherited timeoutMs of 1 would have failed it.
    assert.equal(results.cancel.ok, true, JSON.stringify(results.cancel));
  });

  it("an inherited fetch is not called, nor an inherited aborted signal heeded", () => {
    assert.equal(results.inheritedFetch.ok, true, JSON.stringify(results.inheritedFetch));
    assert.equal(results.evilFetchCalls, 0);
    assert.equal(results.inheritedSignal.ok, true, JSON.stringify(results.inheritedSignal));
  });

  it("an inherited maxRetries of 10 is ignored: the default two retries apply", () => {
    assert.equal(results.retries.kind, "http", JSON.stringify(results.retries));
    assert.equal(results.retries.attempts, 3);
    assert.equal(standIn().attempts(idOf("html503Always")), 3);
  });

  it("an inherited baseAddress is no base address", () => {
    assert.equal(results.missingBase.kind, "config");
    assert.match(results.missingBase.message, /config\.baseAddress is missing/);
  });

  it("no inherited setter receives a key or runs at all", () => {
    assert.equal(results.setters.ok, true, JSON.stringify(results.setters));
    assert.equal(results.stolen, 0);
    assert.deepEqual(results.thrown, []);
  });

  it("values named like headers on Object.prototype are not sent by the runtime's fetch", () => {
    assert.equal(results.globalFetch.ok, true, JSON.stringify(results.globalFetch));
    const [request] = standIn().requests.filter((r) => r.body?.includes(cancellableThrough));
    assert.equal(request.headers.apikeyprivate, STANDIN_KEYS.apiKeyPrivate);
    assert.equal(request.headers["x-polluted"], undefined);
    assert.equal(request.headers.authorization, undefined);
  });

  it("fetch gets an init and headers that inherit nothing", () => {
    assert.deepEqual(results.init, {
      initPrototype: "null",
      headersPrototype: "null",
      credentials: "absent",
      apikeyprivate: true,
      redirect: "manual",
    });
  });
});
