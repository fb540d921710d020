// verifyCallback (issue 13, section 4): the check an edge function at the sale's
// CallbackAddress runs on Paywall's POST. Genuine callbacks come from the stand-in, which signs
// them as Paywall does and posts them to a receiver this file starts; crafted ones are signed
// with the stand-in's own `callbackHash`. The Hash covers the key, PaymentRequestId,
// MerchantUniqueCode and the Amount's text exactly as written, and nothing else.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { callbackHash } from "../../standin/server.mjs";
import { STANDIN_CONNECTION_ID, STANDIN_WEBHOOK_KEY } from "../../standin/scenarios.mjs";
import {
  STANDIN_KEYS,
  assertNoFragment,
  configFor,
  createPayment,
  eventually,
  idOf,
  loadEsm,
  rejection,
  spyFetch,
  startStandIn,
} from "./helpers.mjs";

const { cancelPayment, verifyCallback, PaywallError } = await loadEsm();

/** The fields of a verified callback, sorted. */
const CALLBACK_FIELDS = [
  "amount",
  "amountText",
  "connectionId",
  "displayCode",
  "merchantUniqueCode",
  "message",
  "paymentRequestActivityId",
  "paymentRequestId",
  "paymentStatusId",
  "paymentTypeId",
  "terminalId",
];

const KEY = "pp-webhook-key-3f9a2c7e81d4-for-tests";
const PAYMENT = "72ec8714-d116-4306-8881-38a43c485da9";
const ACTIVITY = "3a7deace-d437-4d3f-8ef8-1cba82f18e8f";
const MERCHANT = "b0c3e2a4-6f1d-4c55-9a8e-2d7f3b1c9e00";

/**
 * A callback body as Paywall writes it: the documented fields in order, `amount` as the
 * number's text, signed with `key` over the fields as given. `fields` replaces or (with
 * undefined) removes fields after signing; `camel` lowers the first letter of every key.
 */
function craft({ key = KEY, amount = "1.50", camel = false, fields = {} } = {}) {
  const signed = {
    ConnectionId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    TerminalId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    PaymentRequestId: PAYMENT,
    PaymentRequestActivityId: ACTIVITY,
    PaymentTypeId: 2,
    PaymentStatusId: 4,
    MerchantUniqueCode: MERCHANT,
    DisplayCode: "AB12",
    Amount: "AMOUNT",
    Message: null,
  };
  const hash = callbackHash(key, signed.PaymentRequestId, signed.MerchantUniqueCode, amount);
  const body = { ...signed, Hash: hash, HashFormat: 9, HashKeyType: 7, ...fields };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete body[name];
  const spelled = camel
    ? Object.fromEntries(Object.entries(body).map(([name, value]) => [name[0].toLowerCase() + name.slice(1), value]))
    : body;
  return JSON.stringify(spelled).replace('"AMOUNT"', amount);
}

/** What verifyCallback resolves with for `craft()`. */
const CRAFTED = {
  connectionId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  terminalId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  paymentRequestId: PAYMENT,
  paymentRequestActivityId: ACTIVITY,
  paymentTypeId: 2,
  paymentStatusId: 4,
  merchantUniqueCode: MERCHANT,
  displayCode: "AB12",
  amount: 1.5,
  amountText: "1.50",
  message: null,
};

/** A tiny HTTP server on 127.0.0.1 that keeps the raw bytes of every POST it receives. */
async function startReceiver() {
  const bodies = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      bodies.push(new Uint8Array(Buffer.concat(chunks)));
      response.writeHead(200, { connection: "close" });
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/paywall/callback`,
    bodies,
    close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections?.();
      return closed;
    },
  };
}

describe("a genuine callback, as the stand-in posts it", () => {
  let receiver;
  let standIn;
  before(async () => {
    receiver = await startReceiver();
    standIn = await startStandIn({ callbackAddress: receiver.url });
  });
  after(async () => {
    await standIn.close();
    await receiver.close();
  });
  beforeEach(() => {
    standIn.reset();
    receiver.bodies.length = 0;
  });

  /** Cancels a scenario's payment and resolves to the cancel's result and its callback's raw bytes. */
  async function cancelAndReceive(name) {
    const result = await cancelPayment(configFor(standIn), idOf(name));
    assert.ok(await eventually(() => receiver.bodies.length === 1, 5000), "no callback arrived");
    return { result, raw: receiver.bodies[0] };
  }

  /** What verifyCallback must resolve with for the callback of a cancel of a seeded payment. */
  const expected = (result, overrides = {}) => ({
    connectionId: STANDIN_CONNECTION_ID,
    terminalId: "T-0001",
    paymentRequestId: result.paymentRequestId,
    paymentRequestActivityId: result.paymentRequestActivityId,
    paymentTypeId: 2,
    paymentStatusId: 4,
    merchantUniqueCode: "ORDER-1001",
    displayCode: result.paymentRequestId.slice(0, 8).toUpperCase(),
    amount: 125.5,
    amountText: "125.50",
    message: null,
    ...overrides,
  });

  it("verifies as a string, with every field of the callback, each of its type", async () => {
    const { result, raw } = await cancelAndReceive("saleOnDevice");
    const text = new TextDecoder().decode(raw);
    assert.match(text, /"Amount":125\.50,/, "the amount is written with its scale, as Paywall's decimal is");
    const callback = await verifyCallback(text, STANDIN_WEBHOOK_KEY);
    assert.deepEqual(Object.keys(callback).sort(), CALLBACK_FIELDS);
    assert.deepEqual(callback, expected(result));
    assert.equal(typeof callback.amount, "number");
    assert.equal(typeof callback.paymentTypeId, "number");
    assert.equal(typeof callback.paymentStatusId, "number");
  });

  it("verifies as a Uint8Array, an ArrayBuffer, a Node Buffer, and a Uint8Array that views part of a larger buffer", async () => {
    const { result, raw } = await cancelAndReceive("demoPayment1");
    const want = expected(result, { amount: 7.5, amountText: "7.50" });
    const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    assert.ok(buffer instanceof ArrayBuffer);
    // The view's neighbours are a whole other callback body: reading past the view would break it.
    const larger = new Uint8Array(raw.byteLength + 64).fill(0x7b);
    larger.set(raw, 32);
    const view = new Uint8Array(larger.buffer, 32, raw.byteLength);
    for (const [what, body] of [
      ["Uint8Array", new Uint8Array(raw)],
      ["ArrayBuffer", buffer],
      ["Buffer", Buffer.from(raw)],
      ["a view at offset 32", view],
      ["a subarray", larger.subarray(32, 32 + raw.byteLength)],
    ]) {
      assert.deepEqual(await verifyCallback(body, STANDIN_WEBHOOK_KEY), want, what);
    }
  });

  it("a cancel that failed on the device: status 5, and Paywall's failure message", async () => {
    const { result, raw } = await cancelAndReceive("cancelFailedOnDevice");
    const callback = await verifyCallback(raw, STANDIN_WEBHOOK_KEY);
    assert.equal(callback.paymentStatusId, 5);
    assert.equal(typeof callback.message, "string");
    assert.ok(callback.message.length > 0);
    assert.equal(callback.paymentRequestActivityId, result.paymentRequestActivityId);
  });

  it("a fresh sale's own CallbackAddress, merchant code and whole amount (24.00)", async () => {
    const id = await createPayment(standIn.url, { merchantUniqueCode: "CB-ORDER-7", amount: 24, callbackAddress: receiver.url });
    await cancelPayment(configFor(standIn), id);
    assert.ok(await eventually(() => receiver.bodies.length === 1, 5000), "no callback arrived");
    assert.match(new TextDecoder().decode(receiver.bodies[0]), /"Amount":24\.00,/);
    const callback = await verifyCallback(receiver.bodies[0], STANDIN_WEBHOOK_KEY);
    assert.equal(callback.paymentRequestId, id);
    assert.equal(callback.merchantUniqueCode, "CB-ORDER-7");
    assert.equal(callback.amount, 24);
  });

  it("fails with another key: kind signature", async () => {
    const { raw } = await cancelAndReceive("saleOnDevice");
    for (const key of ["another-webhook-key", `${STANDIN_WEBHOOK_KEY} `, STANDIN_WEBHOOK_KEY.toUpperCase()]) {
      const error = await rejection(verifyCallback(raw, key), PaywallError);
      assert.equal(error.kind, "signature");
      assert.equal(error.retryable, false);
      assert.equal(error.attempts, 0);
    }
  });

  it("fails once re-serialised by JSON.stringify(JSON.parse()), which writes 125.50 as 125.5", async () => {
    const { raw } = await cancelAndReceive("saleOnDevice");
    const reformatted = JSON.stringify(JSON.parse(new TextDecoder().decode(raw)));
    assert.match(reformatted, /"Amount":125\.5,/);
    const error = await rejection(verifyCallback(reformatted, STANDIN_WEBHOOK_KEY), PaywallError);
    assert.equal(error.kind, "signature");
  });

  it("LIMITATION: a genuine callback replayed with another PaymentStatusId still verifies (the Hash does not cover the status)", async () => {
    const id = idOf("saleOnDevice");
    await cancelAndReceive("saleOnDevice");
    const replay = await standIn.sendCallback(id, { paymentStatusId: 5, to: receiver.url });
    assert.match(replay.body, /"PaymentStatusId":5,/);
    const callback = await verifyCallback(replay.body, STANDIN_WEBHOOK_KEY);
    assert.equal(callback.paymentStatusId, 5, "verified, although the payment is cancelled successfully (status 4)");
    assert.equal(standIn.payments().find((payment) => payment.paymentRequestId === id).paymentStatus, 4);
  });

  it("confirmWith: a config rejects that replay with kind signature, after one inquiry", async () => {
    const id = idOf("saleOnDevice");
    await cancelAndReceive("saleOnDevice");
    const replay = await standIn.sendCallback(id, { paymentStatusId: 5, to: receiver.url });
    const error = await rejection(
      verifyCallback(replay.body, STANDIN_WEBHOOK_KEY, { confirmWith: configFor(standIn) }),
      PaywallError,
    );
    assert.equal(error.kind, "signature");
    assert.match(error.message, /inquiry/);
    assert.match(error.message, /callback says Cancellation \(2\) in status Failed \(5\)/, "what the callback says");
    assert.match(error.message, /inquiry of the payment says Cancellation \(2\) in status Successful \(4\)/, "what Paywall says");
    assert.equal(standIn.inquiries(id), 1);
  });

  it("confirmWith: a genuine callback that agrees with the inquiry passes, after one inquiry", async () => {
    const { result, raw } = await cancelAndReceive("saleOnDevice");
    const callback = await verifyCallback(raw, STANDIN_WEBHOOK_KEY, { confirmWith: configFor(standIn) });
    assert.deepEqual(callback, expected(result));
    assert.equal(standIn.inquiries(result.paymentRequestId), 1);
  });

  it("confirmWith: a callback that fails its Hash is refused without asking Paywall", async () => {
    const { raw } = await cancelAndReceive("saleOnDevice");
    const error = await rejection(verifyCallback(raw, "another-key", { confirmWith: configFor(standIn) }), PaywallError);
    assert.equal(error.kind, "signature");
    assert.equal(standIn.inquiries(idOf("saleOnDevice")), 0);
  });

  it("confirmWith: an inquiry that cannot be made rejects the callback rather than passing it", async () => {
    const { raw } = await cancelAndReceive("saleOnDevice");
    const down = { ...configFor(standIn), maxRetries: 0, fetch: () => Promise.reject(new TypeError("fetch failed")) };
    const error = await rejection(verifyCallback(raw, STANDIN_WEBHOOK_KEY, { confirmWith: down }), PaywallError);
    assert.equal(error.kind, "network");
    const refused = await rejection(verifyCallback(raw, STANDIN_WEBHOOK_KEY, { confirmWith: {} }), PaywallError);
    assert.equal(refused.kind, "config");
  });
});

describe("crafted callbacks", () => {
  it("PascalCase and camelCase bodies both verify, to the same result", async () => {
    assert.deepEqual(await verifyCallback(craft(), KEY), CRAFTED);
    assert.deepEqual(await verifyCallback(craft({ camel: true }), KEY), CRAFTED);
  });

  it("ConnectionId, TerminalId, DisplayCode and Message may be missing: null", async () => {
    const body = craft({ fields: { ConnectionId: undefined, TerminalId: undefined, DisplayCode: undefined, Message: undefined } });
    assert.deepEqual(await verifyCallback(body, KEY), {
      ...CRAFTED,
      connectionId: null,
      terminalId: null,
      displayCode: null,
      message: null,
    });
  });

  it('"1.50" exactly as written verifies; the same callback re-serialised (1.5) does not', async () => {
    const body = craft({ amount: "1.50" });
    assert.match(body, /"Amount":1\.50,/);
    assert.equal((await verifyCallback(body, KEY)).amount, 1.5);
    const reserialised = JSON.stringify(JSON.parse(body));
    assert.match(reserialised, /"Amount":1\.5,/);
    const error = await rejection(verifyCallback(reserialised, KEY), PaywallError);
    assert.equal(error.kind, "signature");
    // The text, not the value, is signed: a callback whose Amount is signed as "1.5" verifies as 1.5.
    assert.equal((await verifyCallback(craft({ amount: "1.5" }), KEY)).amount, 1.5);
  });

  it("every decimal spelling of a number is hashed as written, and an exponent is not Paywall's", async () => {
    for (const amount of ["125", "0.10", "-0.5", "99999.990"]) {
      assert.equal((await verifyCallback(craft({ amount }), KEY)).amount, Number(amount), amount);
    }
    for (const amount of ["1E+2", "1.5e0", "1e400", "150e-2"]) {
      const error = await verifyCallback(craft({ amount }), KEY).then(
        () => assert.fail(`${amount} verified`),
        (error) => error,
      );
      assert.equal(error.kind, "decode", amount);
      assert.match(error.message, /not a decimal amount/);
    }
  });

  for (const [field, value] of [
    ["PaymentRequestId", "72ec8714-d116-4306-8881-38a43c485da8"],
    ["PaymentRequestId", PAYMENT.toUpperCase()],
    ["MerchantUniqueCode", "b0c3e2a4-6f1d-4c55-9a8e-2d7f3b1c9e01"],
    ["MerchantUniqueCode", ` ${MERCHANT}`],
  ]) {
    it(`a tampered ${field} (${JSON.stringify(value)}): kind signature`, async () => {
      const error = await rejection(verifyCallback(craft({ fields: { [field]: value } }), KEY), PaywallError);
      assert.equal(error.kind, "signature");
      assert.match(error.message, /does not match/);
    });
  }

  // (An exponent, such as 150e-2, is refused as decode before the Hash is checked: see above.)
  for (const amount of ["1.51", "1.5", "1.500", "-1.50"]) {
    it(`an Amount tampered to ${amount}: kind signature`, async () => {
      const body = craft({ amount: "1.50" }).replace('"Amount":1.50', `"Amount":${amount}`);
      const error = await rejection(verifyCallback(body, KEY), PaywallError);
      assert.equal(error.kind, "signature");
    });
  }

  it("fields the Hash does not cover may change and still verify: status, type, activity, terminal, message", async () => {
    const body = craft({
      fields: { PaymentStatusId: 5, PaymentTypeId: 1, PaymentRequestActivityId: PAYMENT, TerminalId: "T-9", Message: "forged" },
    });
    const callback = await verifyCallback(body, KEY);
    assert.equal(callback.paymentStatusId, 5);
    assert.equal(callback.paymentTypeId, 1);
    assert.equal(callback.message, "forged");
  });

  for (const [what, hash] of [
    ["missing", undefined],
    ["null", null],
    ["empty", ""],
    ["one digit short", callbackHash(KEY, PAYMENT, MERCHANT, "1.50").slice(1)],
    ["not hex", "z".repeat(64)],
  ]) {
    it(`a Hash that is ${what}: kind signature`, async () => {
      const error = await rejection(verifyCallback(craft({ fields: { Hash: hash } }), KEY), PaywallError);
      assert.equal(error.kind, "signature", error.message);
    });
  }

  for (const [what, hashKey] of [["missing", undefined], ["empty", ""], ["null", null], ["a number", 42], ["an object", {}], ["a Uint8Array", new TextEncoder().encode(KEY)]]) {
    it(`a hashKey that is ${what}: kind config`, async () => {
      const error = await rejection(verifyCallback(craft(), hashKey), PaywallError);
      assert.equal(error.kind, "config", error.message);
      assert.match(error.message, /hashKey/);
      assert.equal(error.retryable, false);
    });
  }

  const notCallbacks = [
    ["not JSON", "Hash=abc&PaymentRequestId=1"],
    ["empty", ""],
    ["a JSON array", `[${craft()}]`],
    ["JSON null", "null"],
    ["a JSON string", JSON.stringify(craft())],
    ["truncated", craft().slice(0, -1)],
    ["a PaymentRequestId that is not a GUID", craft({ fields: { PaymentRequestId: "order-1" } })],
    ["an Amount written as a string", craft().replace('"Amount":1.50', '"Amount":"1.50"')],
    ["a Hash that is a number, not text", craft({ fields: { Hash: 12345 } })],
  ];
  for (const [what, body] of notCallbacks) {
    it(`a body that is ${what}: kind decode`, async () => {
      const error = await rejection(verifyCallback(body, KEY), PaywallError);
      assert.equal(error.kind, "decode", error.message);
      assert.equal(error.retryable, false);
    });
  }

  for (const field of ["PaymentRequestId", "PaymentRequestActivityId", "PaymentTypeId", "PaymentStatusId", "MerchantUniqueCode", "Amount"]) {
    it(`a body without ${field}: kind decode, naming it`, async () => {
      const body = craft({ fields: { [field]: undefined } });
      assert.ok(!body.includes(`"${field}"`));
      const error = await rejection(verifyCallback(body, KEY), PaywallError);
      assert.equal(error.kind, "decode");
      assert.match(error.message, new RegExp(field));
    });
  }

  it("a body over 64 KiB is refused before parsing; one of exactly 64 KiB is read", async () => {
    const genuine = craft();
    const exactly = genuine + " ".repeat(64 * 1024 - genuine.length);
    assert.deepEqual(await verifyCallback(exactly, KEY), CRAFTED, "64 KiB of a genuine callback (trailing spaces) verifies");
    const over = `${exactly} `;
    for (const body of [over, new TextEncoder().encode(over), new TextEncoder().encode(over).buffer]) {
      const error = await rejection(verifyCallback(body, KEY), PaywallError);
      assert.equal(error.kind, "decode");
      assert.match(error.message, /over 65536 bytes/);
      assert.match(error.message, /before parsing/);
    }
  });

  it("counts bytes, not characters: 40 000 two-byte characters are over the limit", async () => {
    const body = craft({ fields: { DisplayCode: "é".repeat(40_000) } });
    assert.ok(body.length < 64 * 1024);
    const error = await rejection(verifyCallback(body, KEY), PaywallError);
    assert.equal(error.kind, "decode");
    assert.match(error.message, /over 65536 bytes/);
  });

  it("refuses a 32 MB body at once, without reading it", async () => {
    const huge = `{"Hash":"${"a".repeat(32 * 1024 * 1024)}"}`;
    const started = performance.now();
    const error = await rejection(verifyCallback(huge, KEY), PaywallError);
    const ms = performance.now() - started;
    assert.equal(error.kind, "decode");
    assert.match(error.message, /before parsing/);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  for (const [what, rawBody] of [
    ["a number", 42],
    ["an object", { Hash: "x" }],
    ["null", null],
    ["undefined", undefined],
    ["a boolean", true],
    ["an array of bytes", [123, 125]],
  ]) {
    it(`a rawBody that is ${what}: kind input`, async () => {
      const error = await rejection(verifyCallback(rawBody, KEY), PaywallError);
      assert.equal(error.kind, "input", error.message);
      assert.match(error.message, /rawBody/);
    });
  }
});

/** The inquiry result that agrees with `craft()`'s callback on everything, as Paywall writes it. */
const AGREEING_INQUIRY = {
  PaymentRequestId: PAYMENT,
  PaymentRequestActivityId: ACTIVITY,
  TerminalId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  MerchantUniqueCode: MERCHANT,
  DisplayCode: "AB12",
  Amount: "AMOUNT",
  PaymentTypeId: 2,
  PaymentStatusId: 4,
};

/**
 * A config whose fetch answers every inquiry with `AGREEING_INQUIRY`, `result` fields replaced,
 * the Amount written as `amount`; `calls` are the requests it saw.
 */
function confirmingConfig({ result = {}, amount = "1.5", answer } = {}) {
  const body = JSON.stringify({ Result: { ...AGREEING_INQUIRY, ...result }, Succeeded: true, Failed: false }).replace(
    '"AMOUNT"',
    amount,
  );
  const { fetch, calls } = spyFetch(answer ?? (() => new Response(body)));
  return { config: { baseAddress: "https://paywall.example", ...STANDIN_KEYS, maxRetries: 0, fetch }, calls };
}

describe("verifyCallback options fail closed", () => {
  it("checks the Hash alone with no options, undefined, null or {}", async () => {
    for (const options of [[], [undefined], [null], [{}]]) {
      assert.deepEqual(await verifyCallback(craft(), KEY, ...options), CRAFTED, JSON.stringify(options));
    }
  });

  for (const [what, options] of [
    ["undefined (an unset binding)", { confirmWith: undefined }],
    ["null", { confirmWith: null }],
  ]) {
    it(`refuses confirmWith present but ${what}: kind config, saying it is unset`, async () => {
      const error = await rejection(verifyCallback(craft(), KEY, options), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, /options\.confirmWith is (undefined|null)/);
      assert.match(error.message, /unset/);
      assert.equal(error.attempts, 0);
    });
  }

  it("refuses confirmWith set to undefined by a getter of the options' own class", async () => {
    class Options {
      get confirmWith() {
        return undefined;
      }
    }
    const error = await rejection(verifyCallback(craft(), KEY, new Options()), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /unset/);
  });

  it("refuses a config passed in place of the options, naming its first key, and sends nothing", async () => {
    const { config, calls } = confirmingConfig();
    const error = await rejection(verifyCallback(craft(), KEY, config), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /options\.baseAddress is not an option of verifyCallback: did you mean confirmWith\?/);
    assert.equal(calls.length, 0, "no inquiry");
  });

  for (const name of ["confirmwith", "confirm", "ConfirmWith", "confirmWidth"]) {
    it(`refuses the misspelt option ${name}, naming it and confirmWith, and sends nothing`, async () => {
      const { config, calls } = confirmingConfig();
      const error = await rejection(verifyCallback(craft(), KEY, { [name]: config }), PaywallError);
      assert.equal(error.kind, "config");
      assert.match(error.message, new RegExp(`options\\.${name} is not an option of verifyCallback: did you mean confirmWith\\?`));
      assert.equal(calls.length, 0, "no inquiry");
    });
  }

  it("refuses another option beside confirmWith, and sends nothing", async () => {
    const { config, calls } = confirmingConfig();
    const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: config, strict: true }), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /options\.strict is not an option/);
    assert.equal(calls.length, 0);
  });

  it("refuses options that are not an object", async () => {
    for (const options of ["confirm", 1, true]) {
      const error = await rejection(verifyCallback(craft(), KEY, options), PaywallError);
      assert.equal(error.kind, "config", String(options));
    }
  });

  it("confirms with an inquiry when confirmWith is a config, and with a config's unknown key refuses it", async () => {
    const { config, calls } = confirmingConfig();
    assert.deepEqual(await verifyCallback(craft(), KEY, { confirmWith: config }), CRAFTED);
    assert.equal(calls.length, 1);
    const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: { ...config, timeout: 5 } }), PaywallError);
    assert.equal(error.kind, "config");
    assert.match(error.message, /config\.timeout is not a setting of paywall-edge: did you mean timeoutMs\?/);
    assert.equal(calls.length, 1, "no second inquiry");
  });
});

describe("confirmWith: the callback must be Paywall's latest activity", () => {
  it("passes when every field agrees, the amount compared as a decimal (1.50 is 1.5)", async () => {
    for (const amount of ["1.5", "1.50", "1.500"]) {
      const { config, calls } = confirmingConfig({ amount });
      assert.deepEqual(await verifyCallback(craft(), KEY, { confirmWith: config }), CRAFTED, amount);
      assert.equal(calls.length, 1);
    }
  });

  it("refuses a genuine callback replayed with a new random PaymentRequestActivityId", async () => {
    const { config } = confirmingConfig();
    for (let replay = 0; replay < 3; replay += 1) {
      const body = craft({ fields: { PaymentRequestActivityId: randomUUID() } });
      assert.ok(await verifyCallback(body, KEY), "the Hash alone does not cover the activity id");
      const error = await rejection(verifyCallback(body, KEY, { confirmWith: config }), PaywallError);
      assert.equal(error.kind, "signature");
      assert.match(error.message, /PaymentRequestActivityId/);
      assert.match(error.message, /replayed/);
    }
  });

  for (const [field, value] of [
    ["TerminalId", "9f2b5e1c-0000-4000-8000-000000000001"],
    ["TerminalId", null],
    ["DisplayCode", "REFUND APPROVED"],
    ["DisplayCode", null],
  ]) {
    it(`refuses a callback whose ${field} was altered to ${JSON.stringify(value)}, naming the field, quoting no value`, async () => {
      const body = craft({ fields: { [field]: value } });
      assert.ok(await verifyCallback(body, KEY), "the Hash alone does not cover it");
      const { config } = confirmingConfig();
      const error = await rejection(verifyCallback(body, KEY, { confirmWith: config }), PaywallError);
      assert.equal(error.kind, "signature");
      assert.match(error.message, new RegExp(`The callback's ${field} is not what Paywall's inquiry`));
      assert.doesNotMatch(error.message, /REFUND/);
      assert.doesNotMatch(error.message, new RegExp(STANDIN_KEYS.apiKeyPrivate.slice(0, 12)));
    });
  }

  for (const [field, result, amount] of [
    ["MerchantUniqueCode", { MerchantUniqueCode: "another-order" }, "1.5"],
    ["MerchantUniqueCode", { MerchantUniqueCode: null }, "1.5"],
    ["Amount", {}, "1.51"],
    ["Amount", {}, "15"],
    ["Amount", {}, "null"],
  ]) {
    it(`refuses a callback whose ${field} Paywall's inquiry does not give (${JSON.stringify(result)}, Amount ${amount})`, async () => {
      const { config } = confirmingConfig({ result, amount });
      const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: config }), PaywallError);
      assert.equal(error.kind, "signature");
      assert.match(error.message, new RegExp(`The callback's ${field} is not`));
    });
  }

  it("still refuses another status, saying both", async () => {
    const { config } = confirmingConfig({ result: { PaymentStatusId: 5 } });
    const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: config }), PaywallError);
    assert.equal(error.kind, "signature");
    assert.match(error.message, /\(2\) in status Successful \(4\).*\(2\) in status Failed \(5\)/);
  });
});

describe("confirmWith: a confirmation that could not be made is not a verdict on the callback", () => {
  const NOT_A_VERDICT = ["decode", "signature", "input"];
  for (const [what, answer, kind] of [
    ["an answer that is not JSON", () => new Response("<html>captive portal</html>"), "http"],
    ["an empty 200 answer", () => new Response(""), "http"],
    ["a success envelope without a result", () => new Response('{"Succeeded":true}'), "http"],
    [
      "a result for another payment",
      () => new Response(JSON.stringify({ Result: { ...AGREEING_INQUIRY, Amount: 1.5, PaymentRequestId: randomUUID() }, Succeeded: true })),
      "http",
    ],
    ["an answer over 64 KiB", () => new Response(" ".repeat(70_000)), "http"],
    ["a 503 page", () => new Response("<html>down</html>", { status: 503 }), "http"],
    ["a refusal", () => new Response(JSON.stringify({ Succeeded: false, Failed: true, ClientMessage: "System.ServerError" })), "api"],
    ["a network failure", () => Promise.reject(new TypeError("fetch failed")), "network"],
  ]) {
    it(`${what}: kind ${kind}, never decode, signature or input`, async () => {
      const { config, calls } = confirmingConfig({ answer });
      const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: config }), PaywallError);
      assert.ok(!NOT_A_VERDICT.includes(error.kind), `${error.kind}: ${error.message}`);
      assert.equal(error.kind, kind, error.message);
      assert.match(error.message, /^The callback could not be confirmed/);
      assert.equal(calls.length, 1);
      if (kind === "http") assert.equal(error.retryable, true, "the callback can be confirmed later");
    });
  }

  it("a timeout: kind timeout", async () => {
    const { config } = confirmingConfig({ answer: () => new Promise(() => {}) });
    const error = await rejection(verifyCallback(craft(), KEY, { confirmWith: { ...config, timeoutMs: 50 } }), PaywallError);
    assert.equal(error.kind, "timeout");
  });
});

describe("what a verified callback carries", () => {
  it("amountText is the Amount exactly as signed, where the number cannot hold it", async () => {
    for (const [written, number] of [
      ["9007199254740993", 9007199254740992],
      ["0.1000000000000000000000000001", 0.1],
      ["1.50", 1.5],
      ["-0.00", -0],
    ]) {
      const callback = await verifyCallback(craft({ amount: written }), KEY);
      assert.equal(callback.amountText, written);
      assert.equal(typeof callback.amountText, "string");
      assert.equal(callback.amount, number);
    }
  });

  it("Message is one line without control or direction characters, at most 300 characters", async () => {
    const raw = `line one\r\nFORGED LOG LINE \u001b[31mred\u001b[0m \u202eevil\u202c \u0000 ${"x".repeat(1000)}`;
    const callback = await verifyCallback(craft({ fields: { Message: raw } }), KEY);
    assert.doesNotMatch(callback.message, /[\r\n\u001b\u0000\u202e\u202c]/);
    assert.ok(callback.message.startsWith("line one FORGED LOG LINE [31mred[0m evil x"), callback.message);
    assert.ok(callback.message.length <= 300, `${callback.message.length} characters`);
    assert.ok(callback.message.endsWith("…"));
    const short = await verifyCallback(craft({ fields: { Message: "Payment failed." } }), KEY);
    assert.equal(short.message, "Payment failed.");
  });
});

describe("the hash key appears in no error", () => {
  const SECRET = `whk_"quoted" back\\slash  spaced ${"W".repeat(24)}_HASH_KEY_DO_NOT_LEAK`;
  const cases = [
    ["signature: another key", "signature", () => verifyCallback(craft({ key: "another" }), SECRET)],
    ["signature: the key as the MerchantUniqueCode", "signature", () => verifyCallback(craft({ key: "another", fields: { MerchantUniqueCode: SECRET } }), SECRET)],
    ["signature: the key as the Hash", "signature", () => verifyCallback(craft({ fields: { Hash: SECRET } }), SECRET)],
    ["decode: a body that is the key", "decode", () => verifyCallback(SECRET, SECRET)],
    ["decode: the key in a field of a broken body", "decode", () => verifyCallback(`{"PaymentRequestId":"${SECRET}"`, SECRET)],
    ["decode: the key at the start of a body over 64 KiB", "decode", () => verifyCallback(SECRET + " ".repeat(70_000), SECRET)],
    ["config: a key too long to be one", "config", () => verifyCallback(craft(), SECRET.repeat(200))],
    ["input: a rawBody that is not text or bytes", "input", () => verifyCallback({ key: SECRET }, SECRET)],
    [
      "signature: confirmWith finds another status",
      "signature",
      () =>
        verifyCallback(craft({ key: SECRET, fields: { PaymentStatusId: 5 } }), SECRET, {
          confirmWith: {
            baseAddress: "https://paywall.example",
            ...STANDIN_KEYS,
            fetch: () =>
              new Response(
                JSON.stringify({
                  Result: { PaymentRequestId: PAYMENT, PaymentRequestActivityId: ACTIVITY, PaymentTypeId: 2, PaymentStatusId: 4, MerchantUniqueCode: SECRET },
                  Succeeded: true,
                  Message: SECRET,
                }),
              ),
          },
        }),
    ],
  ];
  for (const [what, kind, call] of cases) {
    it(what, async () => {
      const error = await rejection(call(), PaywallError);
      assert.equal(error.kind, kind, error.message);
      assertNoFragment(error, [SECRET], what);
    });
  }
});
