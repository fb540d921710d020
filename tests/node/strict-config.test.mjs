// A config that cannot be bent: hosts that are not hosts, percent-encoded dot segments and
// plain http to a host other than this machine are refused with kind "config" before
// anything is sent; the messages state the ranges the checks use.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cancelRequests, configFor, createPayment, idOf, loadEsm, rejection, spyFetch, useStandIn } from "./helpers.mjs";

const { cancelPayment, inquirePayment, PaywallError } = await loadEsm();
const ID = idOf("demoPayment1");

/** Asserts that `config` is refused with kind "config" and `says`, a spy fetch never called. */
async function refused(config, says) {
  const spy = spyFetch();
  const error = await rejection(cancelPayment({ ...config, fetch: spy.fetch }, ID), PaywallError);
  assert.equal(error.kind, "config", error.message);
  assert.equal(error.retryable, false);
  assert.equal(error.attempts, 0);
  assert.equal(spy.calls.length, 0, "fetch was called");
  if (says) assert.match(error.message, says);
  return error;
}

describe("hosts", () => {
  const standIn = useStandIn({ before, after });
  const port = () => new URL(standIn().url).port;

  const notHosts = [
    ["256.0.0.1", /IPv4/],
    ["1.2.3.4.5", /IPv4/],
    ["999999999999", /IPv4/],
    ["0x100000000", /IPv4/],
    ["[1]", /IPv6/],
    ["[1.2.3.4]", /IPv6/],
    ["[:::]", /IPv6/],
    ["[::1::]", /IPv6/],
    ["xn--a", /host name/],
    ["xn--", /host name/],
    ["a..b", /host name/],
    ["-a.example", /host name/],
    ["ex%61mple.com", /host name/],
  ];
  for (const [host, says] of notHosts) {
    it(`refuses https://${host} before sending anything`, async () => {
      await refused({ ...configFor(standIn()), baseAddress: `https://${host}` }, says);
    });
  }

  it("refuses whatever the runtime's own URL parser refuses", async () => {
    const candidates = [
      "256.0.0.1", "1.2.3.4.5", "999999999999", "[1]", "[1.2.3.4]", "[:::]", "xn--a", "[fe80::1%25eth0]",
      "0x1.0x2.0x3.0x4.5", "1.2.3.0400", "[::ffff:1.2.3.256]", "[1:2:3:4:5:6:7:8:9]", "xn--ls8h", "a b",
    ];
    for (const host of candidates) {
      let runtimeRefuses = false;
      try {
        new URL(`https://${host}/`);
      } catch {
        runtimeRefuses = true;
      }
      if (!runtimeRefuses) continue;
      await refused({ ...configFor(standIn()), baseAddress: `https://${host}` });
    }
  });

  it("refuses IPv4 number forms other than dotted decimal, saying how to write the address", async () => {
    for (const host of ["0x7f.1", "2130706433", "0177.0.0.1", "127.1"]) {
      const error = await refused({ ...configFor(standIn()), baseAddress: `http://${host}:${port()}` }, /IPv4/);
      assert.match(error.message, /four decimal numbers .*127\.0\.0\.1/, host);
    }
  });

  it("refuses IPv6 addresses not in their shortest form, saying how to write them", async () => {
    for (const host of ["[0:0:0:0:0:0:0:1]", "[::0:1]", "[::ffff:127.0.0.1]"]) {
      const error = await refused({ ...configFor(standIn()), baseAddress: `http://${host}:${port()}` }, /IPv6/);
      assert.match(error.message, /shortest form.*\[::1\]/, host);
    }
  });

  it("refuses internationalised host names, in their xn-- form or not, saying to use an ASCII one", async () => {
    for (const host of ["xn--bcher-kva.example", "xn--nxasmq6b.com"]) {
      await refused({ ...configFor(standIn()), baseAddress: `https://${host}` }, /ASCII host name .*internationalised: xn--/);
    }
    await refused({ ...configFor(standIn()), baseAddress: "https://bücher.example" }, /must be an absolute URL in printable ASCII/);
  });
});

describe("paths", () => {
  const standIn = useStandIn({ before, after });

  for (const path of ["/x/%2e%2e/%2e%2e/evil", "/x/%2E%2e", "/x/.%2e/y", "/x/%2e./y", "/x/%2e/y", "/a/../b"]) {
    it(`refuses a dot segment written ${path}`, async () => {
      await refused({ ...configFor(standIn()), baseAddress: `${standIn().url}${path}` }, /segment/);
      assert.equal(cancelRequests(standIn()).length, 0);
    });
  }
});

describe("plain http", () => {
  const standIn = useStandIn({ before, after });
  const remote = "http://test-physicalpos-api.itspaywall.com";

  it("is refused to a host that is not this machine: both keys would cross the network unencrypted", async () => {
    const error = await refused({ ...configFor(standIn()), baseAddress: remote }, /https/);
    assert.match(error.message, /dangerouslyAllowInsecureHttp/);
  });

  it("is allowed to another host with dangerouslyAllowInsecureHttp: true", async () => {
    const spy = spyFetch(() => Promise.reject(new Error("recorded")));
    await cancelPayment(
      {
        ...configFor(standIn()),
        baseAddress: remote,
        dangerouslyAllowInsecureHttp: true,
        maxRetries: 0,
        reconcile: false,
        fetch: spy.fetch,
      },
      ID,
    ).catch(() => {});
    assert.equal(spy.calls.length, 1);
    assert.equal(spy.calls[0].url, `${remote}/api/payment/async/cancel`);
  });

  it("is allowed, with no opt-in, to localhost, 127.0.0.0/8 and [::1]", async () => {
    for (const base of ["http://localhost:1", "http://127.0.0.1:1", "http://127.9.8.7:1", "http://[::1]:1", "http://LOCALHOST.:1"]) {
      const spy = spyFetch(() => Promise.reject(new Error("recorded")));
      await cancelPayment(
        { ...configFor(standIn()), baseAddress: base, maxRetries: 0, reconcile: false, fetch: spy.fetch },
        ID,
      ).catch(() => {});
      assert.equal(spy.calls.length, 1, base);
      assert.equal(new URL(spy.calls[0].url).pathname, "/api/payment/async/cancel", base);
    }
  });

  it("dangerouslyAllowInsecureHttp must be a boolean", async () => {
    await refused(
      { ...configFor(standIn()), baseAddress: remote, dangerouslyAllowInsecureHttp: "yes" },
      /config\.dangerouslyAllowInsecureHttp must be true or false/,
    );
  });
});

describe("messages state the ranges the checks use", () => {
  const standIn = useStandIn({ before, after });
  const cases = [
    [{ timeoutMs: 0 }, /config\.timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got the number 0/],
    [{ timeoutMs: 2147483648 }, /from 1 to 2147483647, got the number 2147483648/],
    [{ timeoutMs: 4294967296 }, /from 1 to 2147483647/],
    [{ maxRetries: 11 }, /config\.maxRetries must be a whole number from 0 to 10, got the number 11/],
    [{ maxRetries: 1e300 }, /config\.maxRetries must be a whole number from 0 to 10, got a number larger than/],
    [{ maxRetries: -1e300 }, /got a number smaller than/],
    [{ maxRetries: 0.5 }, /got a number with a fractional part/],
  ];
  for (const [overrides, says] of cases) {
    it(`for ${JSON.stringify(overrides)}`, async () => {
      const error = await refused({ ...configFor(standIn()), ...overrides }, says);
      assert.doesNotMatch(error.message, /4294967295/);
    });
  }
});

describe("a payment that can be cancelled still is", () => {
  const standIn = useStandIn({ before, after });
  it("with every strict rule in place", async () => {
    const id = await createPayment(standIn().url, { merchantUniqueCode: "STRICT-OK" });
    assert.equal((await cancelPayment(configFor(standIn()), id)).paymentStatus, 4);
  });
});

describe("settings the library does not know", () => {
  const standIn = useStandIn({ before, after });

  for (const [key, nearest] of [
    ["timeout", "timeoutMs"],
    ["timeoutms", "timeoutMs"],
    ["maxRetry", "maxRetries"],
    ["retries", "maxRetries"],
    ["apiKey", "apiKeyPrivate"],
    ["baseUrl", "baseAddress"],
    ["dangerouslyAllowBrowsers", "dangerouslyAllowBrowser"],
  ]) {
    it(`refuses config.${key}, naming it and ${nearest}, before anything is sent`, async () => {
      await refused(
        { ...configFor(standIn()), [key]: 5 },
        new RegExp(`^config\\.${key} is not a setting of paywall-edge: did you mean ${nearest}\\?`),
      );
    });
  }

  it("refuses an unknown key in every function that takes a config", async () => {
    const spy = spyFetch();
    const config = { ...configFor(standIn()), timeout: 5, fetch: spy.fetch };
    for (const call of [
      () => cancelPayment(config, ID),
      () => inquirePayment(config, ID),
    ]) {
      const error = await rejection(call(), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, /config\.timeout is not a setting of paywall-edge: did you mean timeoutMs\?/);
    }
    assert.equal(spy.calls.length, 0);
  });

  it("refuses it on a later call with the same settings too (the checked config is reused only for known ones)", async () => {
    const config = configFor(standIn());
    await cancelPayment(config, await createPayment(standIn().url, { merchantUniqueCode: "UNKNOWN-KEY-1" }));
    await refused({ ...config, timeout: 5 }, /config\.timeout is not a setting/);
  });

  it("takes a config that holds only known names, symbols, or getters of its own class", async () => {
    const config = configFor(standIn());
    await cancelPayment({ ...config, [Symbol("trace")]: 1 }, await createPayment(standIn().url, { merchantUniqueCode: "UNKNOWN-KEY-2" }));
    class Settings {
      get baseAddress() {
        return config.baseAddress;
      }
      get apiKeyPrivate() {
        return config.apiKeyPrivate;
      }
      get apiClientPrivate() {
        return config.apiClientPrivate;
      }
    }
    await cancelPayment(new Settings(), await createPayment(standIn().url, { merchantUniqueCode: "UNKNOWN-KEY-3" }));
  });

  it("does not take an enumerable key on Object.prototype (prototype pollution) for one of the config's", async () => {
    Object.prototype.pollutedSetting = 1;
    try {
      const config = configFor(standIn());
      await cancelPayment(config, await createPayment(standIn().url, { merchantUniqueCode: "UNKNOWN-KEY-4" }));
    } finally {
      delete Object.prototype.pollutedSetting;
    }
  });

  it("never quotes a key, even one named like a key", async () => {
    const config = configFor(standIn());
    const error = await refused({ ...config, [config.apiKeyPrivate]: true }, /is not a setting of paywall-edge/);
    assert.ok(!error.message.includes(config.apiKeyPrivate.slice(0, 12)), error.message);
  });

  it("refuses a Proxy whose keys cannot be listed", async () => {
    const spy = spyFetch();
    const config = new Proxy(configFor(standIn(), { fetch: spy.fetch }), {
      ownKeys() {
        throw new Error("no keys");
      },
    });
    const error = await rejection(cancelPayment(config, ID), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /could not be listed/);
    assert.equal(spy.calls.length, 0);
  });
});
