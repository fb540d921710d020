// An answer larger than the 64 KiB an envelope could ever need is read only that far: the
// read stops, the stream is cancelled and the connection released, whatever the answer's
// size or encoding, and the call ends in a typed error that says the answer was too large.
// Peak memory is measured in a process of its own around one call, with a generous margin:
// reading such an answer whole costs hundreds of megabytes (a gzip answer of 300 KB
// inflates to 300 MB).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { configFor, idOf, loadEsm, rejection, runInOwnProcess, successBody, useStandIn } from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();
const LIMIT = 64 * 1024;
const ID = idOf("demoPayment1");
/** Far below what reading the answers whole costs, far above what a bounded read does. */
const MEMORY_MARGIN_MB = 150;

/**
 * Cancels a stand-in scenario in a fresh process (peak-memory-child.mjs) and resolves to
 * `{ kind, message, growthMB }`: the error and the peak growth of that process's RSS.
 */
const cancelInOwnProcess = (standIn, scenario) =>
  runInOwnProcess("peak-memory-child.mjs", { PAYWALL_BASE_ADDRESS: standIn.url, PAYMENT_REQUEST_ID: idOf(scenario) });

/** A success envelope for ID padded with white space to exactly `bytes` bytes. */
function envelopeOfSize(bytes) {
  const body = successBody(ID);
  return `${body.slice(0, -1)}${" ".repeat(bytes - body.length)}}`;
}

describe("answers larger than 64 KiB", () => {
  const standIn = useStandIn({ before, after });

  it("a gzip bomb (300 KB inflating to 300 MB) ends as decode, too large, with memory bounded", async () => {
    const { kind, message, growthMB } = await cancelInOwnProcess(standIn(), "gzipBomb");
    assert.equal(kind, "decode", message);
    assert.match(message, /the answer is too large: over 65536 bytes/);
    assert.ok(growthMB < MEMORY_MARGIN_MB, `peak memory grew by ${growthMB.toFixed(1)} MB`);
    const error = await rejection(cancelPayment(configFor(standIn()), idOf("gzipBomb")), PaywallError);
    assert.equal(error.httpStatus, 200);
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 1);
  });

  it("a 512 MB plain answer ends as decode, too large, and the server stops sending early", async () => {
    standIn().reset();
    const { kind, message, growthMB } = await cancelInOwnProcess(standIn(), "hugeBody");
    assert.equal(kind, "decode", message);
    assert.match(message, /too large/);
    assert.ok(growthMB < MEMORY_MARGIN_MB, `peak memory grew by ${growthMB.toFixed(1)} MB`);
    // The connection was released: the stand-in's write loop ended long before 512 MB.
    const deadline = Date.now() + 5000;
    while (!standIn().bigAnswers.some((answer) => answer.fault === "hugeBody") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sent = standIn().bigAnswers.find((answer) => answer.fault === "hugeBody");
    assert.ok(sent, "the stand-in's answer never ended: the connection was not released");
    assert.ok(sent.bytesWritten < 64 * 2 ** 20, `the stand-in wrote ${sent.bytesWritten} bytes`);
  });

  it("a non-2xx answer that is too large is an http error quoting its start", async () => {
    const page = `<html><body>${"<p>busy</p>".repeat(20_000)}</body></html>`;
    const fetch = async () => new Response(page, { status: 503 });
    const error = await rejection(cancelPayment(configFor(standIn(), { fetch, maxRetries: 0 }), ID), PaywallError);
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 503);
    assert.equal(error.retryable, true);
    assert.match(error.message, /too large.*it starts "<html><body><p>busy<\/p>/);
  });

  it("an answer just under the limit, and one exactly at it, still decode", async () => {
    for (const bytes of [LIMIT - 1, LIMIT]) {
      const body = envelopeOfSize(bytes);
      assert.equal(Buffer.byteLength(body), bytes);
      const fetch = async () => new Response(body);
      const result = await cancelPayment(configFor(standIn(), { fetch }), ID);
      assert.equal(result.paymentRequestId, ID, `${bytes} bytes`);
    }
  });

  it("an answer one byte over the limit is too large", async () => {
    const fetch = async () => new Response(envelopeOfSize(LIMIT + 1));
    const error = await rejection(cancelPayment(configFor(standIn(), { fetch }), ID), PaywallError);
    assert.equal(error.kind, "decode");
    assert.match(error.message, /too large/);
  });

  it("counts bytes, not characters: 40 000 two-byte characters are too large", async () => {
    const body = `${successBody(ID).slice(0, -1)},"note":"${"ç".repeat(40_000)}"}`;
    assert.ok(body.length < LIMIT && Buffer.byteLength(body) > LIMIT);
    const fetch = async () => new Response(body);
    const error = await rejection(cancelPayment(configFor(standIn(), { fetch }), ID), PaywallError);
    assert.match(error.message, /too large/);
  });

  it("stops an endless stream: cancels it and aborts the fetch's own signal", async () => {
    let pulled = 0;
    let cancelled = false;
    let fetchSignal;
    const fetch = async (_url, init) => {
      fetchSignal = init.signal;
      const stream = new ReadableStream({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024).fill(32));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(stream);
    };
    const error = await rejection(cancelPayment(configFor(standIn(), { fetch }), ID), PaywallError);
    assert.match(error.message, /too large/);
    assert.equal(cancelled, true, "the body stream was not cancelled");
    assert.equal(fetchSignal.aborted, true, "the fetch's signal was not aborted");
    assert.ok(pulled <= 70, `${pulled} chunks of 1 KiB were pulled`);
  });

  it("falls back to text() for a Response-like object without a stream, and bounds it", async () => {
    const plain = async () => ({ status: 200, headers: new Headers(), text: async () => successBody(ID) });
    const result = await cancelPayment(configFor(standIn(), { fetch: plain }), ID);
    assert.equal(result.paymentRequestId, ID);
    const huge = async () => ({ status: 200, headers: new Headers(), text: async () => "x".repeat(10 * LIMIT) });
    const error = await rejection(cancelPayment(configFor(standIn(), { fetch: huge }), ID), PaywallError);
    assert.equal(error.kind, "decode");
    assert.match(error.message, /too large/);
  });
});
