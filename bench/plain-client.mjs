// The baseline paywall-edge is measured against: the same cancel client written by hand in
// plain JavaScript, doing the same job the same way (config and id validation, the
// documented request, a per-attempt deadline that also holds against a fetch that ignores
// its signal, the caller's signal, retries with backoff and Retry-After, envelope decoding
// in both casings, the same error shape with the keys redacted). It is not shipped; it
// exists so that the benchmark compares like with like.

const KINDS = new Set(["config", "input", "network", "timeout", "aborted", "http", "decode", "api"]);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL = "00000000-0000-0000-0000-000000000000";
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const CONTROL = /[\u0000-\u001f\u007f]/;

export class PlainPaywallError extends Error {
  constructor(message, details) {
    super(message);
    this.kind = KINDS.has(details.kind) ? details.kind : "network";
    this.httpStatus = details.httpStatus;
    this.errorCode = details.errorCode;
    this.clientMessage = details.clientMessage;
    this.paywallMessage = details.paywallMessage;
    this.retryable = details.retryable === true;
    this.attempts = details.attempts ?? 0;
    this.paymentRequestId = details.paymentRequestId;
  }
}
PlainPaywallError.prototype.name = "PaywallError";

const fail = (kind, message, details = {}) => new PlainPaywallError(message, { kind, ...details });

function read(config, name) {
  try {
    return config[name];
  } catch {
    throw fail("config", `reading config.${name} threw an exception; pass a plain object`);
  }
}

function checkedKey(config, name) {
  const key = read(config, name);
  if (typeof key !== "string") throw fail("config", `config.${name} must be a string`);
  if (key === "") throw fail("config", `config.${name} is empty`);
  if (CONTROL.test(key)) throw fail("config", `config.${name} contains a control character`);
  if (!/^[\x20-\x7e]*$/.test(key)) throw fail("config", `config.${name} contains a non-ASCII character`);
  if (key.trim() !== key) throw fail("config", `config.${name} starts or ends with a space`);
  return key;
}

function wholeNumber(config, name, min, max, fallback) {
  const value = read(config, name);
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw fail("config", `config.${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function checkedConfig(config) {
  if (config === null || typeof config !== "object") throw fail("config", "config must be an object");
  const base = read(config, "baseAddress");
  if (typeof base !== "string" || !/^https?:\/\/[!-~]+$/i.test(base)) {
    throw fail("config", "config.baseAddress must be an absolute http or https URL");
  }
  let url;
  try {
    url = new URL(base);
  } catch {
    throw fail("config", "config.baseAddress is not a URL");
  }
  if (url.username || url.password || url.search || url.hash || base.includes("?") || base.includes("#")) {
    throw fail("config", "config.baseAddress must not have credentials, a query or a fragment");
  }
  const keys = [checkedKey(config, "apiKeyPrivate"), checkedKey(config, "apiClientPrivate")];
  const fetchOption = read(config, "fetch");
  if (fetchOption != null && typeof fetchOption !== "function") {
    throw fail("config", "config.fetch must be a function");
  }
  const signal = read(config, "signal");
  if (signal != null && typeof signal.addEventListener !== "function") {
    throw fail("config", "config.signal must be an AbortSignal");
  }
  return {
    url: `${base.replace(/\/+$/, "")}/api/payment/async/cancel`,
    keys,
    timeoutMs: wholeNumber(config, "timeoutMs", 1, 2147483647, 30000),
    maxRetries: wholeNumber(config, "maxRetries", 0, 10, 2),
    fetch: fetchOption ?? globalThis.fetch,
    signal,
  };
}

function retryAfterMs(value) {
  if (value == null) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - Date.now();
  if (!Number.isFinite(ms) || ms > 60000) return undefined;
  return Math.max(0, Math.ceil(ms));
}

function backoffMs(retry) {
  const backoff = Math.min(500 * 2 ** (retry - 1), 8000);
  return backoff / 2 + Math.floor((backoff / 2) * Math.random());
}

function field(object, camel) {
  if (object === null || typeof object !== "object") return undefined;
  if (camel in object) return object[camel];
  return object[camel[0].toUpperCase() + camel.slice(1)];
}

/** Reads an answer: the result, or the error it amounts to (with `retryable` set). */
function decode(status, body, id) {
  if (status === 0 || (status >= 300 && status < 400)) {
    return fail("http", `Paywall answered HTTP ${status}, a redirect`, { httpStatus: status || undefined });
  }
  let envelope;
  try {
    envelope = body.length > 65536 ? undefined : JSON.parse(body);
  } catch {
    envelope = undefined;
  }
  const succeeded = field(envelope, "succeeded");
  const ok = status >= 200 && status < 300;
  if (typeof succeeded !== "boolean") {
    return ok
      ? fail("decode", `Paywall answered HTTP ${status} but not with a valid cancel envelope`, { httpStatus: status })
      : fail("http", `Paywall answered HTTP ${status} without a Paywall envelope`, {
          httpStatus: status,
          retryable: RETRY_STATUSES.has(status),
        });
  }
  if (!succeeded) {
    const paywallMessage = field(envelope, "message") ?? undefined;
    const clientMessage = field(envelope, "clientMessage") ?? undefined;
    return fail("api", `Paywall refused the cancel: ${paywallMessage} (${clientMessage}, HTTP ${status})`, {
      httpStatus: status,
      errorCode: field(envelope, "errorCode") ?? undefined,
      clientMessage,
      paywallMessage,
      retryable: RETRY_STATUSES.has(status),
    });
  }
  if (!ok) return fail("http", `Paywall answered HTTP ${status} with an envelope claiming success`, { httpStatus: status });
  const result = field(envelope, "result");
  const paymentRequestId = field(result, "paymentRequestId");
  const paymentRequestActivityId = field(result, "paymentRequestActivityId");
  const paymentRequestActivityTypeId = field(result, "paymentRequestActivityTypeId");
  const paymentStatus = field(result, "paymentStatus");
  if (
    !GUID.test(paymentRequestId) ||
    !GUID.test(paymentRequestActivityId) ||
    paymentRequestId.toLowerCase() !== id ||
    !Number.isInteger(paymentRequestActivityTypeId) ||
    !Number.isInteger(paymentStatus)
  ) {
    return fail("decode", "the result is missing, incomplete, or for another payment", { httpStatus: status });
  }
  return { paymentRequestId, paymentRequestActivityId, paymentRequestActivityTypeId, paymentStatus };
}

/** One attempt within its deadline: the response's status, Retry-After and body, or why not. */
async function attempt(settings, body) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  let interrupt;
  const interrupted = new Promise((_, reject) => {
    interrupt = reject;
  });
  controller.signal.addEventListener("abort", () => interrupt(new Error("interrupted")));
  const timer = setTimeout(abort, settings.timeoutMs);
  settings.signal?.addEventListener("abort", abort);
  const why = () => (settings.signal?.aborted ? "aborted" : "timeout");
  try {
    let response;
    try {
      response = await Promise.race([
        settings.fetch.call(undefined, settings.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            apikeyprivate: settings.keys[0],
            apiclientprivate: settings.keys[1],
          },
          body,
          signal: controller.signal,
          redirect: "manual",
        }),
        interrupted,
      ]);
    } catch (error) {
      return { failure: controller.signal.aborted ? why() : "network", cause: error };
    }
    if (response === null || typeof response !== "object" || !Number.isInteger(response.status)) {
      return { failure: "not-a-response" };
    }
    let text;
    try {
      text = await Promise.race([response.text(), interrupted]);
    } catch (error) {
      return { failure: controller.signal.aborted ? why() : "network", cause: error };
    }
    return { status: response.status, retryAfter: response.headers?.get?.("retry-after"), text };
  } finally {
    clearTimeout(timer);
    settings.signal?.removeEventListener("abort", abort);
    interrupted.catch(() => {});
  }
}

function redact(error, keys) {
  for (const key of keys) {
    if (key.length >= 4 && error.message.includes(key)) error.message = error.message.replaceAll(key, "[redacted]");
  }
  return error;
}

/** `cancelPayment(config, paymentRequestId)`, by hand. */
export async function cancelPayment(config, paymentRequestId) {
  const settings = checkedConfig(config);
  if (typeof paymentRequestId !== "string" || !GUID.test(paymentRequestId) || paymentRequestId === NIL) {
    throw fail("input", "paymentRequestId must be a GUID such as 7cc7c8e8-9d92-41b6-9378-e9ecef5a7812");
  }
  const id = paymentRequestId.toLowerCase();
  if (settings.signal?.aborted) throw fail("aborted", "The cancel was aborted before it started");
  const body = JSON.stringify({ PaymentRequestId: id });
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt(settings, body);
    let error;
    if (outcome.failure === undefined) {
      const decoded = decode(outcome.status, outcome.text, id);
      if (!(decoded instanceof PlainPaywallError)) return decoded;
      error = decoded;
    } else {
      const kind = outcome.failure === "not-a-response" ? "network" : outcome.failure;
      error = fail(kind, `No answer from Paywall at ${settings.url}: ${outcome.cause?.message ?? outcome.failure}`, {
        retryable: outcome.failure === "network" || outcome.failure === "timeout",
      });
    }
    error.attempts = attempts;
    error.paymentRequestId = id;
    const retried = error.kind === "network" ? error.retryable : RETRY_STATUSES.has(error.httpStatus);
    if (attempts > settings.maxRetries || !retried || error.kind === "timeout" || error.kind === "aborted") {
      throw redact(error, settings.keys);
    }
    const wait = retryAfterMs(outcome.retryAfter) ?? backoffMs(attempts);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
