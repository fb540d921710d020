// Bad config and bad ids are refused with a typed error that names the problem, before
// any request: the stand-in sees nothing and a spy fetch is never called.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  cancelRequests,
  configFor,
  idOf,
  loadEsm,
  rejection,
  spyFetch,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const VALID_ID = idOf("demoPayment1");

/**
 * Runs the call twice, with the real global fetch against the stand-in and with a spy
 * fetch, and checks both refuse it with `kind` before sending anything.
 */
async function refusedBeforeSending(standIn, makeConfig, id, kind) {
  const before = cancelRequests(standIn).length;
  const error = await rejection(cancelPayment(makeConfig(undefined), id), PaywallError);
  assert.equal(cancelRequests(standIn).length, before, "a request reached the stand-in");
  const spy = spyFetch();
  const spied = await rejection(cancelPayment(makeConfig(spy.fetch), id), PaywallError);
  assert.equal(spy.calls.length, 0, "the spy fetch was called");
  for (const each of [error, spied]) {
    assert.equal(each.kind, kind, each.message);
    assert.equal(each.attempts, 0);
    assert.equal(each.retryable, false);
    assert.equal(each.httpStatus, undefined);
  }
  return error;
}

describe("bad payment request ids", () => {
  const standIn = useStandIn({ before, after });
  const cases = [
    ["an empty string", "", /is empty/],
    ["a word", "abc", /got a string of 3 characters, with the wrong length for a GUID/],
    ["a number", 42, /got a number/],
    ["null", null, /got null/],
    ["undefined", undefined, /got undefined/],
    ["an object", { paymentRequestId: VALID_ID }, /got an object/],
    ["an array holding the id", [VALID_ID], /got an object/],
    ["a String object", new String(VALID_ID), /got an object/],
    ["a symbol", Symbol("id"), /got a symbol/],
    ["a bigint", 10n, /got a bigint/],
    ["the 32-digit form", VALID_ID.replaceAll("-", ""), /with no hyphens/],
    ["a braced GUID", `{${VALID_ID}}`, /with braces/],
    ["a URN", `urn:uuid:${VALID_ID}`, /a urn: prefix/],
    ["one character short", VALID_ID.slice(0, -1), /must be a GUID/],
    ["one character long", `${VALID_ID}0`, /must be a GUID/],
    ["surrounded by spaces", ` ${VALID_ID.slice(1)}`, /white space around it/],
    ["with a trailing newline", `${VALID_ID.slice(0, -1)}\n`, /white space around it/],
    ["with a non-hex digit", `g${VALID_ID.slice(1)}`, /character 1 is not a hex digit/],
    ["the nil GUID", "00000000-0000-0000-0000-000000000000", /nil GUID/],
    ["a megabyte of text", "7".repeat(1 << 20), /a string of 1048576 characters/],
  ];
  for (const [what, id, says] of cases) {
    it(`refuses ${what} with kind "input"`, async () => {
      const error = await refusedBeforeSending(
        standIn(),
        (fetch) => configFor(standIn(), fetch ? { fetch } : {}),
        id,
        "input",
      );
      assert.match(error.message, /paymentRequestId/);
      assert.match(error.message, says);
      assert.equal(error.paymentRequestId, undefined);
    });
  }
});

describe("bad configs", () => {
  const standIn = useStandIn({ before, after });
  const valid = () => configFor(standIn());
  /** [what, config (without fetch), what the message says] */
  const cases = [
    ["null", () => null, /config must be an object/],
    ["a string", () => "https://paywall.example", /config must be an object.*got a string/],
    ["a number", () => 42, /got a number/],
    ["an empty object", () => ({}), /config\.baseAddress is missing/],
    ["no apiKeyPrivate", () => ({ ...valid(), apiKeyPrivate: undefined }), /config\.apiKeyPrivate is missing/],
    ["an empty apiClientPrivate", () => ({ ...valid(), apiClientPrivate: "" }), /config\.apiClientPrivate is empty/],
    ["a numeric apiKeyPrivate", () => ({ ...valid(), apiKeyPrivate: 123456 }), /config\.apiKeyPrivate must be a string/],
    ["a CR LF in apiKeyPrivate", () => ({ ...valid(), apiKeyPrivate: "key\r\nX-Injected: 1" }), /config\.apiKeyPrivate contains a control character/],
    ["a NUL in apiClientPrivate", () => ({ ...valid(), apiClientPrivate: "client\0" }), /config\.apiClientPrivate contains a control character/],
    ["a tab in apiKeyPrivate", () => ({ ...valid(), apiKeyPrivate: "key\tvalue" }), /control character/],
    ["a non-ASCII apiKeyPrivate", () => ({ ...valid(), apiKeyPrivate: "anahtar-ş" }), /non-ASCII/],
    ["a relative baseAddress", () => ({ ...valid(), baseAddress: "/api" }), /config\.baseAddress must be an absolute URL/],
    ["an ftp baseAddress", () => ({ ...valid(), baseAddress: "ftp://paywall.example" }), /https:\/\//],
    ["credentials in baseAddress", () => ({ ...valid(), baseAddress: "https://u:p@paywall.example" }), /user name or password/],
    ["a query in baseAddress", () => ({ ...valid(), baseAddress: "https://paywall.example/?x=1" }), /query/],
    ["the endpoint as baseAddress", () => ({ ...valid(), baseAddress: `${standIn().url}/api/payment/async/cancel` }), /leave out/],
    ["a 10 MB baseAddress", () => ({ ...valid(), baseAddress: `https://${"a".repeat(10 << 20)}.example` }), /too long/],
    ["timeoutMs of 0", () => ({ ...valid(), timeoutMs: 0 }), /config\.timeoutMs must be a whole number of milliseconds from 1/],
    ["a negative timeoutMs", () => ({ ...valid(), timeoutMs: -1 }), /config\.timeoutMs/],
    ["timeoutMs as a string", () => ({ ...valid(), timeoutMs: "1000" }), /config\.timeoutMs must be a whole number .* got a string/],
    ["timeoutMs of Infinity", () => ({ ...valid(), timeoutMs: Infinity }), /config\.timeoutMs/],
    ["a fractional maxRetries", () => ({ ...valid(), maxRetries: 1.5 }), /config\.maxRetries/],
    ["maxRetries of 11", () => ({ ...valid(), maxRetries: 11 }), /config\.maxRetries must be a whole number from 0 to 10/],
    ["a signal that is not an AbortSignal", () => ({ ...valid(), signal: {} }), /config\.signal must be an AbortSignal/],
    ["dangerouslyAllowBrowser as a string", () => ({ ...valid(), dangerouslyAllowBrowser: "yes" }), /config\.dangerouslyAllowBrowser must be true or false/],
  ];
  for (const [what, makeConfig, says] of cases) {
    it(`refuses ${what} with kind "config"`, async () => {
      const error = await refusedBeforeSending(
        standIn(),
        (fetch) => {
          const config = makeConfig();
          return fetch && config !== null && typeof config === "object" ? { ...config, fetch } : config;
        },
        VALID_ID,
        "config",
      );
      assert.match(error.message, says);
    });
  }

  it('refuses a fetch option that is not a function with kind "config"', async () => {
    for (const fetch of ["fetch", 42, {}, true]) {
      const before = cancelRequests(standIn()).length;
      const error = await rejection(cancelPayment({ ...valid(), fetch }, VALID_ID), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, /config\.fetch must be a function/);
      assert.equal(error.attempts, 0);
      assert.equal(cancelRequests(standIn()).length, before);
    }
  });

  it("reports a bad config before a bad id", async () => {
    const error = await rejection(cancelPayment({ ...valid(), timeoutMs: -5 }, "not-a-guid"), PaywallError);
    assert.equal(error.kind, "config");
  });

  it("accepts a config whose fields come from getters or a prototype", async () => {
    standIn().reset();
    const withGetters = {
      get baseAddress() {
        return standIn().url;
      },
      get apiKeyPrivate() {
        return valid().apiKeyPrivate;
      },
      get apiClientPrivate() {
        return valid().apiClientPrivate;
      },
    };
    const result = await cancelPayment(withGetters, idOf("demoPayment2"));
    assert.equal(result.paymentStatus, 4);
    const inherited = Object.freeze(Object.create(valid()));
    const again = await cancelPayment(inherited, idOf("demoPayment3"));
    assert.equal(again.paymentStatus, 4);
  });
});
