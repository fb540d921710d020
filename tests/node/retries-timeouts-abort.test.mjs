// Which failures are retried and how often (counted at the stand-in), how long the waits
// are, the per-attempt timeout, and the caller's AbortSignal.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  assertDroppedRequestsSeen,
  cancelRequests,
  configFor,
  eventually,
  idOf,
  loadEsm,
  rejection,
  useStandIn,
} from "./helpers.mjs";

const { cancelPayment, PaywallError } = await loadEsm();

/**
 * A fetch that passes every request to the global fetch and keeps each cancel request's
 * `init.signal` (a cancel whose outcome is unknown is followed by an inquiry, which has a
 * signal of its own and is left out).
 */
function recordingFetch() {
  const signals = [];
  const fetch = (url, init) => {
    if (url.endsWith("/api/payment/async/cancel")) signals.push(init.signal);
    return globalThis.fetch(url, init);
  };
  return { fetch, signals };
}

async function timed(promise) {
  const started = performance.now();
  try {
    return { value: await promise, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

describe("retries", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());
  const cancel = (name, overrides) => cancelPayment(configFor(standIn(), overrides), idOf(name));

  it("retries 502 until Paywall answers: three requests, one success", async () => {
    const { value, ms } = await timed(cancel("html502Twice"));
    assert.equal(value.paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("html502Twice")), 3);
    assert.ok(ms >= 750, `waited 250-500 ms then 500-1000 ms, took ${ms}`);
    assert.ok(ms < 3000, `took ${ms}`);
  });

  it("retries 503 and 504 the same way", async () => {
    assert.equal((await cancel("html503Twice")).paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("html503Twice")), 3);
    assert.equal((await cancel("html504Once")).paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("html504Once")), 2);
  });

  it("gives up after maxRetries (default 2) with the last answer, retryable", async () => {
    const error = await rejection(cancel("html503Always"), PaywallError);
    assert.equal(error.kind, "http");
    assert.equal(error.httpStatus, 503);
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 3);
    assert.equal(standIn().attempts(idOf("html503Always")), 3);
    assert.match(error.message, /after 3 attempts/);
  });

  it("sends exactly maxRetries + 1 requests", async () => {
    for (const maxRetries of [0, 1, 3]) {
      standIn().reset();
      const error = await rejection(cancel("rateLimitedAlways", { maxRetries }), PaywallError);
      assert.equal(error.kind, "http");
      assert.equal(error.httpStatus, 429);
      assert.equal(error.attempts, maxRetries + 1);
      assert.equal(standIn().attempts(idOf("rateLimitedAlways")), maxRetries + 1);
    }
  });

  it("honours Retry-After in seconds", async () => {
    const { value, ms } = await timed(cancel("rateLimitedOnce"));
    assert.equal(value.paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("rateLimitedOnce")), 2);
    assert.ok(ms >= 950, `Retry-After: 1 was not honoured (${ms} ms)`);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const { value, ms } = await timed(cancel("rateLimitedHttpDate"));
    assert.equal(value.paymentStatus, 4);
    assert.ok(ms >= 900, `the date was not honoured (${ms} ms)`);
    assert.ok(ms < 4000, `took ${ms}`);
  });

  it("falls back to the backoff when Retry-After is absurd", async () => {
    const { value, ms } = await timed(cancel("rateLimitedAbsurd"));
    assert.equal(value.paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("rateLimitedAbsurd")), 2);
    assert.ok(ms >= 200 && ms < 2000, `expected a 250-500 ms backoff, took ${ms}`);
  });

  it("retries a dropped connection", async () => {
    assert.equal((await cancel("dropOnce")).paymentStatus, 4);
    assert.equal(standIn().attempts(idOf("dropOnce")), 2, "the drop, then the cancel");
    const error = await rejection(cancel("dropAlways", { maxRetries: 1 }), PaywallError);
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2);
    assertDroppedRequestsSeen(standIn().attempts(idOf("dropAlways")), 2);
  });

  it("retries a 503 that carries an envelope and reports it as api", async () => {
    const error = await rejection(cancel("envelope503Always"), PaywallError);
    assert.equal(error.kind, "api");
    assert.equal(error.httpStatus, 503);
    assert.equal(error.clientMessage, "System.ServerError");
    assert.equal(error.retryable, true);
    assert.equal(standIn().attempts(idOf("envelope503Always")), 3);
  });

  for (const name of ["html500", "bad400Html", "alreadyCancelled", "invalidJson", "redirect"]) {
    it(`does not retry ${name}`, async () => {
      const error = await rejection(cancel(name), PaywallError);
      assert.equal(error.attempts, 1);
      assert.equal(standIn().attempts(idOf(name)), 1);
    });
  }
});

describe("timeouts", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  it("ends an attempt at timeoutMs, close to it, and does not retry it", async () => {
    const { error, ms } = await timed(
      cancelPayment(configFor(standIn(), { timeoutMs: 1000 }), idOf("hang")),
    );
    assert.ok(error instanceof PaywallError);
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 1);
    assert.match(error.message, /within 1000 ms/);
    assert.equal(standIn().attempts(idOf("hang")), 1);
    // Strict enough to catch a timer that fires late by half, loose enough for a busy machine.
    assert.ok(ms >= 990 && ms < 1400, `took ${ms} ms for a 1000 ms timeout`);
  });

  it("tears the timed-out request down at the server", async () => {
    const { fetch, signals } = recordingFetch();
    const error = await rejection(
      cancelPayment(configFor(standIn(), { timeoutMs: 300, fetch }), idOf("hang")),
      PaywallError,
    );
    assert.equal(error.kind, "timeout");
    assert.equal(signals.length, 1);
    assert.equal(signals[0].aborted, true, "the fetch's own signal was not aborted");
    assert.ok(await eventually(() => standIn().abandoned(idOf("hang")) === 1), "the server still holds the request");
  });

  it("lets a slow answer through when it arrives within timeoutMs", async () => {
    const result = await cancelPayment(configFor(standIn(), { timeoutMs: 5000 }), idOf("slow"));
    assert.equal(result.paymentStatus, 4);
  });

  it("times out a slow answer that arrives after timeoutMs", async () => {
    const error = await rejection(
      cancelPayment(configFor(standIn(), { timeoutMs: 500 }), idOf("slow")),
      PaywallError,
    );
    assert.equal(error.kind, "timeout");
  });

  it("holds even when a custom fetch ignores its signal", async () => {
    const urls = [];
    const { error, ms } = await timed(
      cancelPayment(
        {
          ...configFor(standIn(), { timeoutMs: 500, reconcile: false }),
          fetch: (url) => {
            urls.push(url);
            return new Promise(() => {});
          },
        },
        idOf("demoPayment1"),
      ),
    );
    assert.equal(error.kind, "timeout");
    assert.equal(urls.length, 1, "the cancel only: reconcile is off");
    assert.ok(ms >= 490 && ms < 750, `took ${ms} ms for a 500 ms timeout`);
  });

  it("holds for the reconciling inquiry too: one timeout for the cancel, one for the inquiry", async () => {
    const urls = [];
    const { error, ms } = await timed(
      cancelPayment(
        {
          ...configFor(standIn(), { timeoutMs: 500 }),
          fetch: (url) => {
            urls.push(new URL(url).pathname);
            return new Promise(() => {});
          },
        },
        idOf("demoPayment1"),
      ),
    );
    assert.ok(error instanceof PaywallError);
    assert.equal(error.kind, "timeout", "the cancel's own kind");
    assert.equal(error.attempts, 1);
    assert.deepEqual(urls, ["/api/payment/async/cancel", `/api/payment/inquiry/${idOf("demoPayment1")}`]);
    assert.match(error.message, /inquiry/);
    assert.ok(ms >= 990 && ms < 1500, `took ${ms} ms for two 500 ms timeouts`);
  });

  it("aborts the fetch of a timed-out attempt through its signal", async () => {
    const signals = [];
    const error = await rejection(
      cancelPayment(
        {
          ...configFor(standIn(), { timeoutMs: 100 }),
          fetch: (url, init) => {
            signals.push(init.signal);
            return new Promise(() => {});
          },
        },
        idOf("demoPayment1"),
      ),
      PaywallError,
    );
    assert.equal(error.kind, "timeout");
    assert.equal(signals.length, 2, "the cancel, then the reconciling inquiry");
    assert.equal(signals[0].aborted, true, "the timed-out cancel's fetch was aborted");
    assert.equal(signals[1].aborted, true, "the timed-out inquiry's fetch was aborted too");
  });
});

describe("the caller's AbortSignal", () => {
  const standIn = useStandIn({ before, after });
  beforeEach(() => standIn().reset());

  it("aborts a request in flight: its fetch is aborted and the server sees it go", async () => {
    const controller = new AbortController();
    const { fetch, signals } = recordingFetch();
    setTimeout(() => controller.abort(), 100);
    const { error, ms } = await timed(
      cancelPayment(configFor(standIn(), { signal: controller.signal, fetch }), idOf("hang")),
    );
    assert.ok(error instanceof PaywallError);
    assert.equal(error.kind, "aborted");
    assert.equal(error.retryable, false);
    assert.equal(error.attempts, 1);
    assert.match(error.message, /may or may not be cancelled/);
    assert.ok(ms < 1000, `took ${ms}`);
    assert.equal(signals.length, 1);
    assert.equal(signals[0].aborted, true, "the fetch's own signal was not aborted");
    assert.ok(await eventually(() => standIn().abandoned(idOf("hang")) === 1), "the server still holds the request");
  });

  it("aborts the wait before a retry", async () => {
    const controller = new AbortController();
    const pending = timed(
      cancelPayment(configFor(standIn(), { signal: controller.signal }), idOf("html503Always")),
    );
    setTimeout(() => controller.abort(), 150);
    const { error, ms } = await pending;
    assert.equal(error.kind, "aborted");
    assert.equal(standIn().attempts(idOf("html503Always")), 1);
    assert.match(error.message, /waiting to retry/);
    assert.match(error.message, /HTTP 503/);
    assert.ok(ms < 1000, `took ${ms}`);
  });

  it("rejects at once, sending nothing, when it has already fired", async () => {
    const error = await rejection(
      cancelPayment(configFor(standIn(), { signal: AbortSignal.abort() }), idOf("demoPayment1")),
      PaywallError,
    );
    assert.equal(error.kind, "aborted");
    assert.equal(error.attempts, 0);
    assert.match(error.message, /no request was sent/);
    assert.equal(cancelRequests(standIn()).length, 0);
  });

  it("leaves no listener behind on a signal shared by many calls", async () => {
    const controller = new AbortController();
    const added = [];
    const removed = [];
    const { addEventListener, removeEventListener } = controller.signal;
    controller.signal.addEventListener = function (type, listener, options) {
      added.push(listener);
      return addEventListener.call(this, type, listener, options);
    };
    controller.signal.removeEventListener = function (type, listener, options) {
      removed.push(listener);
      return removeEventListener.call(this, type, listener, options);
    };
    for (const name of ["demoPayment1", "demoPayment2", "alreadyCancelled"]) {
      await cancelPayment(configFor(standIn(), { signal: controller.signal }), idOf(name)).catch(() => {});
    }
    assert.ok(added.length >= 3);
    assert.deepEqual(removed, added);
  });
});
