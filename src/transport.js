// The JavaScript half of the module's boundary (src/js.rs declares every import from here):
// the work that only touches the caller's JS objects, done in JS. One attempt (the caller's
// fetch, its Response, the body stream, the deadline's timer and signals) is one call, its
// outcome reported once; reading a config's fields, the browser guard, a callback body's
// bytes and the wait before a retry are one call each.
//
// Rust still decides everything: which request to send, when, how often, and what the
// answer means (src/core/call.rs). What lives here is the part that would be a long
// conversation across the WebAssembly boundary: reading a Response and its stream, each step
// within the deadline. Here a throwing getter, a Proxy trap or a non-Error
// rejection is an ordinary `catch`, so nothing thrown ever crosses into Rust, and no guarded
// import leaks a slot of wasm-bindgen's externref table when it throws.
//
// Every function here returns normally (or resolves) whatever its arguments do: the
// imports that call them are not guarded. Messages are raw (they may echo a key); the Rust
// core redacts and cuts everything it quotes.
//
// Kept to `export function|const` at the start of a line, so scripts/commonjs.mjs can make
// the CommonJS copy the Node glue requires.

/**
 * How an attempt ended, in the `code` of its outcome, above every HTTP status. Rust reads
 * them as the constants of `Failure` in src/js.rs; `failureCodes` hands this table to the
 * test that pins the two together (tests/transport_cases).
 */
const SETUP = 1000;
const NETWORK = 1001;
const NOT_A_RESPONSE = 1002;
const TIMEOUT = 1003;
const ABORTED = 1004;

/** The failure code of that name, for the test that pins them to Rust's. */
export function failureCode(name) {
  return { setup: SETUP, network: NETWORK, notAResponse: NOT_A_RESPONSE, timeout: TIMEOUT, aborted: ABORTED }[name];
}

/** `names`, written with a comma and a space between them, as an array. */
export function namesOf(names) {
  return names.split(", ");
}

/**
 * The object a JSON text the module wrote stands for, or undefined if the runtime refuses
 * it (it never should: the module writes valid JSON; only a lack of memory could). Caught
 * here rather than by wasm-bindgen's `catch`, whose shim takes no named parameters: V8
 * then compiles one more import wrapper when the module is instantiated, and the shim
 * makes an `arguments` object for every result.
 */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The lines of `text` (split at "\n"), for the headers of a request: a name, then its value,
 * and so on (a header's value never holds a line break: the config refuses control
 * characters). `run` makes each attempt's headers from them.
 */
export function linesOf(text) {
  return text.split("\n");
}

/** The runtime's global `fetch`, or undefined (a getter that throws counts as none). */
export function globalFetch() {
  return read(globalThis, "fetch");
}

/** The length of a string, or -1 for a value that is not one. */
export function stringLength(value) {
  return typeof value === "string" ? value.length : -1;
}

/** Longest foreign string copied into the module (an error's message, a header's value). */
const MAX_FOREIGN_CHARS = 16 * 1024;

/** What the deadline's timer interrupts an attempt with: a value of this module's own. */
const TIMED_OUT = {};

const subarray = Uint8Array.prototype.subarray;
const copyInto = Uint8Array.prototype.set;
const isView = ArrayBuffer.isView;

/** `value`, if it is a string, at most MAX_FOREIGN_CHARS of it; otherwise undefined. */
function bounded(value) {
  if (typeof value !== "string") return undefined;
  return value.length > MAX_FOREIGN_CHARS ? value.slice(0, MAX_FOREIGN_CHARS) : value;
}

/** `target[key]`, or undefined when the read throws or `target` is not an object. */
function read(target, key) {
  if ((typeof target !== "object" || target === null) && typeof target !== "function") return undefined;
  try {
    return target[key];
  } catch {
    return undefined;
  }
}

/** `target[key]` if it is a function, or undefined. */
function readFunction(target, key) {
  const value = read(target, key);
  return typeof value === "function" ? value : undefined;
}

/** The JS type of a value in words, for messages ("a number", "null", "an object"). */
export function describeType(value) {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "function":
      return "a function";
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    default:
      return "an object";
  }
}

/**
 * Describes a rejection or throw for a message: `TypeError: fetch failed (cause: connect
 * ECONNREFUSED 127.0.0.1:1)`. Reads `name`, `message` and one level of `cause`, and never
 * calls the value's own `toString`.
 */
function describeFailure(value) {
  if (typeof value === "object" && value !== null) {
    const name = bounded(read(value, "name")) ?? "Error";
    const message = bounded(read(value, "message")) ?? "";
    let text = message === "" ? name : `${name}: ${message}`;
    const cause = read(value, "cause");
    const detail =
      typeof cause === "object" && cause !== null
        ? (bounded(read(cause, "message")) ?? bounded(read(cause, "code")))
        : bounded(cause);
    if (detail) text += ` (cause: ${detail})`;
    return text;
  }
  if (typeof value === "string") return `a thrown string "${bounded(value)}"`;
  if (typeof value === "symbol") return "a thrown symbol";
  if (typeof value === "function") return "a thrown function";
  return `a thrown ${bounded(String(value))}`;
}

/**
 * `target[key]` as a caller's settings object should be read: a property found only on the
 * base of its prototype chain (`Object.prototype`, of whatever realm), which is where a
 * prototype-pollution bug elsewhere in the program puts one, counts as absent; one on the
 * object or on a prototype of its own (a class with getters) is read with `target` as the
 * receiver. Throws what a getter or Proxy trap throws.
 */
function ownSetting(target, key) {
  for (let holder = target; ; ) {
    if (Object.hasOwn(holder, key)) return Reflect.get(target, key);
    const prototype = Reflect.getPrototypeOf(holder);
    if (prototype === null || Reflect.getPrototypeOf(prototype) === null) return undefined;
    holder = prototype;
  }
}

/**
 * Reads the fields `names` of a caller's settings object (each once, in order, as
 * `ownSetting` does) in one call. Returns the values, one per name (undefined from the one
 * whose read threw on), followed by three elements that say how the read went, each always
 * of the same type:
 *  - the index of the field whose read threw (the fields after it are not read), or -1;
 *  - the first own enumerable key of `target` that is not one of `names` (a misspelt
 *    setting, or another object passed in place of this one), or undefined; "" when the
 *    keys cannot be listed (a Proxy whose `ownKeys` trap throws);
 *  - whether the first `remembered` values are the same (`===`) as those of `last`, the
 *    array a previous read returned.
 */
export function readSettings(target, names, remembered, last) {
  const values = [];
  for (let index = 0; index < names.length; index += 1) {
    try {
      values.push(ownSetting(target, names[index]));
    } catch {
      values.length = names.length;
      values.push(index, undefined, false);
      return values;
    }
  }
  values.push(-1, unknownKey(target, names));
  let same = Array.isArray(last);
  for (let index = 0; same && index < remembered; index += 1) same = values[index] === last[index];
  values.push(same);
  return values;
}

/** The first own enumerable string key of `target` not in `names`; "" if they cannot be listed. */
function unknownKey(target, names) {
  let keys;
  try {
    keys = Object.keys(target);
  } catch {
    return "";
  }
  for (const key of keys) if (!names.includes(key)) return bounded(key);
  return undefined;
}

/**
 * Whether `target` has the setting `key` at all, as `ownSetting` finds settings (on the
 * object or a prototype of its own), whatever its value: `{ confirmWith: undefined }` has
 * it, `{}` has not. True when asking throws: a setting that may be there counts as there.
 */
export function hasSetting(target, key) {
  try {
    for (let holder = target; ; ) {
      if (Object.hasOwn(holder, key)) return true;
      const prototype = Reflect.getPrototypeOf(holder);
      if (prototype === null || Reflect.getPrototypeOf(prototype) === null) return false;
      holder = prototype;
    }
  } catch {
    return true;
  }
}

/**
 * True in a browser: a page (a `window` with a `document`) or a web worker (dedicated,
 * shared or service, all of which have `importScripts`), whose code and keys every visitor
 * of the site can read. Server runtimes are recognised first, so that one that looks like a
 * browser is not taken for one: Node and Bun (`process.versions.node`, even where a DOM
 * emulation such as jsdom or happy-dom has defined `window` and `document`), Deno, Bun, the
 * Next.js edge runtime (`EdgeRuntime`) and Cloudflare's workerd (its user agent). What
 * runtime this is does not change, so that is found out once; whether it looks like a
 * browser is asked on every call.
 */
export function isBrowser() {
  const defined = (name) => read(globalThis, name) !== undefined;
  server ??=
    defined("Deno") ||
    defined("Bun") ||
    defined("EdgeRuntime") ||
    typeof read(read(read(globalThis, "process"), "versions"), "node") === "string" ||
    read(read(globalThis, "navigator"), "userAgent") === "Cloudflare-Workers";
  if (server) return false;
  const page = defined("window") && defined("document");
  const worker = typeof read(globalThis, "importScripts") === "function";
  return page || worker;
}

/** Whether this runtime is a server runtime (see isBrowser), once found out. */
let server;

/** `headers.get(name)`: a Headers object that throws, or gives a non-string, has no such header. */
function header(headers, name) {
  const get = readFunction(headers, "get");
  if (!get) return undefined;
  try {
    return bounded(get.call(headers, name));
  } catch {
    return undefined;
  }
}

/**
 * The caller's AbortSignal, or any object that behaves like one (a polyfill, another
 * realm's): an `aborted` boolean and `addEventListener` / `removeEventListener` methods,
 * read once, when the call starts. Undefined for anything else.
 */
export function signalOf(value) {
  if (typeof read(value, "aborted") !== "boolean") return undefined;
  const addListener = readFunction(value, "addEventListener");
  const removeListener = readFunction(value, "removeEventListener");
  if (!addListener || !removeListener) return undefined;
  return { target: value, addListener, removeListener };
}

/**
 * A copy of the bytes of `value` if it is an `ArrayBuffer` or a view of one (a `Uint8Array`,
 * a `Buffer`, a `DataView`, a `Uint16Array`, ..., over an `ArrayBuffer` or a
 * `SharedArrayBuffer`), of this realm or another; undefined for anything else. A value of
 * more than `max` bytes is not copied: its copy is `max + 1` zero bytes, which the library
 * refuses as too large.
 *
 * The bytes are read through a fresh `Uint8Array` of this realm over the same memory, never
 * element by element: a view's bytes are its bytes whatever its element type. A view that
 * lies about its buffer, offset or length (an own getter) gets a range the constructor
 * checks, or reads other bytes of its own buffer: an error, or a body that fails its check.
 */
export function bodyBytes(value, max) {
  try {
    let bytes;
    if (Object.prototype.toString.call(value) === "[object ArrayBuffer]") {
      bytes = new Uint8Array(value);
    } else if (isView(value)) {
      bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } else {
      return undefined;
    }
    return bytes.length > max ? new Uint8Array(max + 1) : bytes.slice();
  } catch {
    return undefined;
  }
}

/** Whether a signal from `signalOf` has fired; one that cannot say has not. */
export function isAborted(signal) {
  return signal !== undefined && read(signal.target, "aborted") === true;
}

/** Calls `listener` when `signal` fires; returns what stops that, or undefined if it throws. */
function onAbort(signal, listener) {
  signal.addListener.call(signal.target, "abort", listener);
  return () => {
    try {
      signal.removeListener.call(signal.target, "abort", listener);
    } catch {
      // A signal whose removeEventListener throws keeps its listener.
    }
  };
}

/**
 * The wait before a retry: resolves with true after `ms`, or with false as soon as the
 * caller's `signal` (from `signalOf`, or undefined) fires. Leaves no timer and no listener
 * behind (a pending timer keeps a Node process alive; a long-lived signal shared by many
 * calls would gather listeners). Without a working timer it does not wait.
 */
function sleep(ms, signal) {
  if (isAborted(signal)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer;
    let stopListening;
    const done = (slept) => {
      try {
        clearTimeout(timer);
      } catch {
        // The timer has fired or never started.
      }
      stopListening?.();
      resolve(slept);
    };
    try {
      timer = setTimeout(done, ms, true);
    } catch {
      done(true);
      return;
    }
    if (signal !== undefined) {
      try {
        stopListening = onAbort(signal, () => done(false));
      } catch {
        // A signal that cannot be listened to does not cut the wait short.
      }
    }
  });
}

/** Lets `promise` (a stream's `cancel()`) settle with nobody waiting on it. */
function settleQuietly(promise) {
  const then = readFunction(promise, "then");
  if (!then) return;
  try {
    then.call(promise, () => {}, () => {});
  } catch {
    // Nothing to wait for.
  }
}

/** An attempt that ended before an answer: `code` is one of the kinds above. */
function failure(code, text) {
  return { code, text, tooLarge: false, retryAfter: undefined, location: undefined };
}

/**
 * The module's one way back in, `resume(slot, code, text, tooLarge, retryAfter, location)`:
 * how the attempt or wait of the call in `slot` ended (see `resume_call` in
 * src/transport.rs). The instance's own export, called with no glue between.
 */
let resume;

/**
 * Finds `resume` among the instance's `exports` (once, from src/transport.rs); false when it
 * is not there.
 */
export function setResume(exports) {
  resume = exports.__paywallResume;
  return typeof resume === "function";
}

/** The resolve and reject functions of each call's promise, by slot. */
const calls = [];

/** The promise of the call in `slot`, which `finish` settles. */
export function begin(slot) {
  return new Promise((resolve, reject) => {
    calls[slot] = { resolve, reject };
  });
}

/** A promise already settled with `value`: resolved when `ok`, else rejected. */
export function settled(ok, value) {
  return ok ? Promise.resolve(value) : Promise.reject(value);
}

/** Settles the promise of the call in `slot` with `value`: resolved when `ok`, else rejected. */
export function finish(slot, ok, value) {
  const call = calls[slot];
  calls[slot] = undefined;
  if (ok) call.resolve(value);
  else call.reject(value);
}

/**
 * Starts one attempt (see `run`), its outcome reported to `slot` exactly once, and never
 * before this returns: `custom` says `fetch` is the caller's `config.fetch` (called with
 * `this` undefined), else the global fetch (called on `globalThis`, as browsers require);
 * `post` says the request is a POST, else a GET.
 */
export function startAttempt(slot, fetch, custom, url, post, headers, body, timeoutMs, signal, maxBytes) {
  const attempt = new Attempt(slot, custom ? "config.fetch" : "fetch", signal, maxBytes);
  run(attempt, fetch, custom ? undefined : globalThis, url, post ? "POST" : "GET", headers, body, timeoutMs);
  attempt.started = true;
  if (attempt.outcome !== NOT_SETTLED) settleLater(attempt);
}

/** A wait of `ms` (see `sleep`), reported to `slot`: 1 when it ran to its end, 0 when cut short. */
export function startSleep(slot, ms, signal) {
  sleep(ms, signal).then(
    (slept) => resume(slot, slept ? 1 : 0, undefined, false, undefined, undefined),
    () => resume(slot, 0, undefined, false, undefined, undefined),
  );
}

/** What an attempt's outcome is before it has one. */
const NOT_SETTLED = {};

/**
 * One attempt in flight: what its deadline (the timer, the caller's signal) and the steps of
 * `run` share. The first of them to finish it reports its outcome; whatever happens after
 * that (a fetch that ignored its signal and answers late, a read that completes) changes
 * nothing.
 */
class Attempt {
  constructor(slot, fetchName, signal, maxBytes) {
    this.slot = slot;
    this.fetchName = fetchName;
    this.signal = signal;
    this.maxBytes = maxBytes;
    /** The attempt's own AbortController, aborted when the deadline passes. */
    this.controller = undefined;
    this.timer = undefined;
    this.stopListening = undefined;
    /** The outcome once finished (NOT_SETTLED before). */
    this.outcome = NOT_SETTLED;
    /** Whether startAttempt has returned: until then, an outcome waits to be reported. */
    this.started = false;
  }

  /**
   * Ends the attempt with `outcome` (the first call only): clears its timer and listener, and
   * reports the outcome, in a later job when `later` is set (the caller of a signal's abort()
   * may be anywhere, inside the module too) or when startAttempt has not returned yet.
   */
  finish(outcome, later = false) {
    if (this.outcome !== NOT_SETTLED) return;
    this.outcome = outcome;
    try {
      clearTimeout(this.timer);
    } catch {
      // A runtime whose clearTimeout throws keeps the timer; it fires into a finished attempt.
    }
    this.stopListening?.();
    if (!this.started) return;
    if (later) settleLater(this);
    else report(this.slot, outcome);
  }

  /**
   * The deadline passed (`reason` TIMED_OUT) or the caller's signal fired: the attempt's fetch
   * is aborted (which stops its request and body stream) and the attempt ends now, whatever
   * its fetch or body stream do next, so that one which ignores its signal cannot outlive it.
   */
  interrupt(reason, later = false) {
    if (this.outcome !== NOT_SETTLED) return;
    const aborted = isAborted(this.signal);
    if (reason !== TIMED_OUT && !aborted) {
      // A signal-like object that called its listener without saying it is aborted.
      this.finish(failure(NETWORK, describeFailure(reason)), later);
      return;
    }
    this.controller.abort();
    this.finish(aborted ? failure(ABORTED, "") : failure(TIMEOUT, ""), later);
  }
}

/**
 * Reports an attempt's `outcome` to Rust, one argument per member; an attempt that failed in
 * a way `run` did not foresee (no outcome) is a network failure, so that no call waits for ever.
 */
function report(slot, outcome) {
  if (outcome === undefined) resume(slot, NETWORK, "paywall-edge's fetch helper failed", false, undefined, undefined);
  else resume(slot, outcome.code, outcome.text, outcome.tooLarge, outcome.retryAfter, outcome.location);
}

/** The timer of an attempt's deadline. */
function deadlinePassed(attempt) {
  attempt.interrupt(TIMED_OUT);
}

/** The report of an attempt that finished before startAttempt returned, made in a later job. */
function settleLater(attempt) {
  Promise.resolve().then(() => report(attempt.slot, attempt.outcome));
}

/**
 * One attempt: calls `fetch` (with `thisArg`) on `url`, within `timeoutMs` and the caller's
 * signal (an AbortSignal-like `signal` whose listener methods the call read once), and reads
 * the answer's body, at most `maxBytes` of it.
 *
 * Finishes `attempt`, once, with `{ code, text, tooLarge, retryAfter, location }`: `code` is
 * the HTTP status (0 to 999), `text` the body, and, for a status that is not 2xx, the
 * `Retry-After` and `Location` headers (a 2xx answer is never retried nor followed); or
 * `code` is SETUP, NETWORK, NOT_A_RESPONSE, TIMEOUT or ABORTED and `text` says what
 * happened. The deadline finishes it from outside (`Attempt.interrupt`): after each wait,
 * an attempt that has finished stops.
 *
 * The request's `init` inherits nothing (`Object.create(null)`), nor do its headers (made
 * fresh from `headers`, a list of names and values, so a fetch that adds to them changes
 * nothing else): a
 * prototype-pollution bug elsewhere in the program (a setter on `Object.prototype` named
 * `apikeyprivate`, `redirect`, `credentials`, ...) can neither receive a key nor add a
 * member that fetch would read. `redirect: "manual"` makes a redirect an answer instead of
 * a silent switch from POST to GET.
 */
async function run(attempt, fetch, thisArg, url, method, headers, body, timeoutMs) {
  try {
    const signal = attempt.signal;
    if (isAborted(signal)) return attempt.finish(failure(ABORTED, ""));
    try {
      attempt.controller = new AbortController();
      attempt.timer = setTimeout(deadlinePassed, timeoutMs, attempt);
    } catch (error) {
      return attempt.finish(failure(SETUP, `the runtime could not prepare the request: ${describeFailure(error)}`));
    }
    if (signal !== undefined) {
      try {
        attempt.stopListening = onAbort(signal, (event) => attempt.interrupt(event, true));
      } catch (error) {
        return attempt.finish(failure(SETUP, `config.signal.addEventListener threw ${describeFailure(error)}`));
      }
      // A signal that fired as it was listened to.
      if (attempt.outcome !== NOT_SETTLED) return undefined;
    }
    // The headers, fresh for each attempt (a fetch that adds to them changes nothing
    // else), from the list of names and values Rust made once per config: a loop over an
    // array takes V8 half as long as copying a template without a prototype key by key.
    const copy = Object.create(null);
    for (let index = 0; index + 1 < headers.length; index += 2) copy[headers[index]] = headers[index + 1];
    const init = Object.create(null);
    init.method = method;
    init.headers = copy;
    if (body !== undefined) init.body = body;
    init.signal = attempt.controller.signal;
    init.redirect = "manual";
    const fetchName = attempt.fetchName;
    let pending;
    try {
      pending = fetch.call(thisArg, url, init);
    } catch (error) {
      if (isPermissionRefusal(error)) return attempt.finish(refusedByPermissions(fetchName, error));
      return attempt.finish(failure(NETWORK, `${fetchName} threw ${describeFailure(error)}`));
    }
    try {
      pending = Promise.resolve(pending);
    } catch (error) {
      return attempt.finish(failure(NOT_A_RESPONSE, describeFailure(error)));
    }
    let response;
    try {
      response = await pending;
    } catch (error) {
      if (attempt.outcome !== NOT_SETTLED) return;
      if (isAborted(signal)) return attempt.interrupt(error);
      if (isPermissionRefusal(error)) return attempt.finish(refusedByPermissions(fetchName, error));
      return attempt.finish(failure(NETWORK, describeFailure(error)));
    }
    if (attempt.outcome !== NOT_SETTLED) return;
    if (typeof response !== "object" || response === null) {
      return attempt.finish(notAResponse(attempt, describeType(response)));
    }
    // The reads of a Response's members are written out here, not through `read`: each of
    // its sites then reads one name, which V8 does several times faster.
    let status;
    try {
      status = response.status;
    } catch {
      // No status.
    }
    if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999) {
      return attempt.finish(notAResponse(attempt, "an object without a numeric status"));
    }
    if (status === 0 && read(response, "type") !== "opaqueredirect") {
      return attempt.finish(failure(NETWORK, `${fetchName} resolved to a network error response`));
    }
    let responseHeaders;
    try {
      responseHeaders = response.headers;
    } catch {
      // No headers: none is read.
    }
    let responseBody;
    try {
      responseBody = response.body;
    } catch (error) {
      return attempt.finish(readFailure(error));
    }
    // The body is read on from there, which finishes the attempt.
    const getReader = readFunction(responseBody, "getReader");
    if (getReader) readStream(attempt, status, responseHeaders, responseBody, getReader);
    else readText(attempt, status, responseHeaders, response);
  } catch {
    // Nothing above throws; should something, the attempt fails rather than never ending.
    attempt.finish(undefined);
  }
}

/**
 * Whether a fetch failed because the runtime's permissions forbid it (Deno without
 * `--allow-net`: `NotCapable`, or `PermissionDenied` in older releases), not because of the
 * network. The same request would be refused the same way every time, so it is a setup
 * problem: not retried, and no inquiry is sent to find out what happened (nothing was sent).
 */
function isPermissionRefusal(error) {
  const name = read(error, "name");
  return name === "NotCapable" || name === "PermissionDenied";
}

function refusedByPermissions(fetchName, error) {
  return failure(
    SETUP,
    `${fetchName} was refused by the runtime's permissions, not by the network: ${describeFailure(error)}. ` +
      "Give the program network access to Paywall's address (in Deno, --allow-net), then call again",
  );
}

function notAResponse(attempt, what) {
  return failure(NOT_A_RESPONSE, `${attempt.fetchName} resolved to ${what}, not a Response`);
}

function readFailure(error) {
  return failure(NETWORK, `the connection failed while reading the answer: ${describeFailure(error)}`);
}

/**
 * Finishes `attempt` with the answer: its `status`, its body's `text` (cut when `tooLarge`),
 * and, for a status that is not 2xx, the `Retry-After` and `Location` of its `headers`.
 */
function answered(attempt, status, headers, text, tooLarge) {
  const success = status >= 200 && status < 300;
  attempt.finish({
    code: status,
    text,
    tooLarge,
    retryAfter: success ? undefined : header(headers, "retry-after"),
    location: success ? undefined : header(headers, "location"),
  });
}

/**
 * Reads a body stream chunk by chunk, and stops as soon as it passes the limit: the stream
 * is cancelled and the attempt's fetch aborted, which releases the connection. Reading it
 * whole with `text()` first would let a small gzip answer (fetch inflates it by itself)
 * grow into gigabytes and take the process down. Decoded as `text()` would: UTF-8, a
 * leading BOM dropped, bad bytes replaced.
 *
 * Finishes the attempt (see `answered`), unless the attempt finished while it waited.
 */
async function readStream(attempt, status, headers, stream, getReader) {
  try {
    let reader;
    try {
      reader = getReader.call(stream);
    } catch (error) {
      return attempt.finish(readFailure(error));
    }
    const readNext = readFunction(reader, "read");
    if (!readNext) return attempt.finish(notAResponse(attempt, "a Response whose body stream has no reader"));
    const chunks = [];
    let length = 0;
    for (;;) {
      let chunk;
      try {
        chunk = await readNext.call(reader);
      } catch (error) {
        return attempt.finish(readFailure(error));
      }
      if (attempt.outcome !== NOT_SETTLED) return;
      // `read(chunk, "done")`, `read(chunk, "value")` and `read(value, "length")`, written out
      // (see the status above).
      let done;
      let value;
      if ((typeof chunk === "object" && chunk !== null) || typeof chunk === "function") {
        try {
          done = chunk.done;
        } catch {
          // Not done.
        }
        if (done) return answered(attempt, status, headers, decode(chunks, length), false);
        try {
          value = chunk.value;
        } catch {
          // No value.
        }
      }
      let size;
      if (isView(value)) {
        try {
          size = value.length;
        } catch {
          // No length.
        }
      }
      if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
        return attempt.finish(
          notAResponse(attempt, `a Response whose body stream gave ${describeType(value)} instead of bytes`),
        );
      }
      const room = attempt.maxBytes - length;
      const tooLarge = size > room;
      let source = value;
      if (tooLarge) {
        // The start of this chunk fills the body up to the limit: what a message quotes
        // from a page that is too large.
        try {
          source = subarray.call(value, 0, room);
        } catch (error) {
          return attempt.finish(readFailure(error));
        }
      }
      const bytes = new Uint8Array(tooLarge ? room : size);
      try {
        copyInto.call(bytes, source);
      } catch {
        return attempt.finish(notAResponse(attempt, "a Response whose body stream gave unreadable bytes"));
      }
      chunks.push(bytes);
      length += bytes.length;
      if (tooLarge) {
        // Stop the transfer: abort the attempt's fetch (which releases the connection) and
        // cancel the stream, for a fetch that ignores its signal.
        attempt.controller.abort();
        const cancel = readFunction(reader, "cancel");
        if (cancel) {
          try {
            settleQuietly(cancel.call(reader));
          } catch {
            // Already aborted.
          }
        }
        return answered(attempt, status, headers, decode(chunks, length), true);
      }
    }
  } catch {
    // Nothing above throws; should something, the attempt fails rather than never ending.
    attempt.finish(undefined);
  }
}

let utf8;

/** The bytes of `chunks` (`length` in all) as text, decoded as fetch's `text()` does. */
function decode(chunks, length) {
  let bytes = chunks[0] ?? new Uint8Array(0);
  if (chunks.length > 1) {
    bytes = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
  }
  utf8 ??= new TextDecoder();
  return utf8.decode(bytes);
}

/**
 * The fallback for a Response-like object without a body stream: its `text()`, measured
 * afterwards (that fetch is the caller's own). A UTF-16 unit is at least one byte of UTF-8:
 * a text longer than the limit in units is longer in bytes, and is cut before it is copied
 * into the module; then it is cut to the limit in bytes, at a character boundary.
 *
 * Finishes the attempt as readStream does.
 */
async function readText(attempt, status, headers, response) {
  try {
    const text = readFunction(response, "text");
    if (!text) return attempt.finish(notAResponse(attempt, "an object without a body stream or a text() method"));
    let value;
    try {
      value = await text.call(response);
    } catch (error) {
      return attempt.finish(readFailure(error));
    }
    if (attempt.outcome !== NOT_SETTLED) return;
    if (typeof value !== "string") {
      return attempt.finish(notAResponse(attempt, `a Response whose text() gave ${describeType(value)}`));
    }
    const maxBytes = attempt.maxBytes;
    let tooLarge = value.length > maxBytes;
    if (tooLarge) value = value.slice(0, maxBytes);
    if (value.length > maxBytes / 3) {
      // Up to three bytes of UTF-8 a unit: cut at the last whole character that fits.
      const { read: fits } = new TextEncoder().encodeInto(value, new Uint8Array(maxBytes));
      if (fits < value.length) {
        value = value.slice(0, fits);
        tooLarge = true;
      }
    }
    answered(attempt, status, headers, value, tooLarge);
  } catch {
    // As in readStream.
    attempt.finish(undefined);
  }
}

/** The refusal of the address's shape: its scheme, characters, port. */
const BASE_SHAPE =
  "must be an absolute URL in printable ASCII: https:// (or http:// to this machine), a host, then an optional " +
  ":port from 1 to 65535 and /path, without spaces or backslashes";

/**
 * `config.baseAddress` as the runtime's own URL parser (the one its fetch uses) serializes it,
 * without trailing slashes, or the problem in words: the rules are listed in
 * src/core/base_address.rs, the cases in tests/node/base-address.test.mjs. A problem never
 * quotes the address, which could hold a key pasted by mistake.
 *
 * An address without a path or port is checked without regular expressions: V8 compiles
 * each one the first time it runs, and again to machine code the second time, which made
 * this check cost a fresh process's first call about half a millisecond.
 */
export function checkBaseAddress(text, allowHttp) {
  if (!text) return "is missing";
  if (text.length > 2048) return "is too long";
  const scheme = text.slice(0, 8).toLowerCase();
  const start = scheme.startsWith("https://") ? 8 : scheme.startsWith("http://") ? 7 : 0;
  if (!start || !isGraphicAscii(text)) return BASE_SHAPE;
  if (text.includes("?") || text.includes("#")) return "must not have a query (?) or fragment (#)";
  const slash = text.indexOf("/", start);
  const authority = slash < 0 ? text.slice(start) : text.slice(start, slash);
  const path = slash < 0 ? "" : withoutTrailingSlashes(text.slice(slash));
  if (authority.includes("@")) return "must not contain a user name or password";
  // An IPv6 address in brackets, or everything up to the port's colon.
  const close = authority[0] === "[" ? authority.indexOf("]") : -1;
  const colon = authority.indexOf(":");
  const hostEnd = close >= 0 ? close + 1 : colon >= 0 ? colon : authority.length;
  const host = authority.slice(0, hostEnd);
  const port = authority.slice(hostEnd);
  let url;
  try {
    url = new URL(text);
  } catch {}
  // An IPv6 address, a host ending in a number (IPv4 to the URL standard), or a DNS name
  // (`name`: the host without the one dot that may end it).
  const serializedAsWritten = url && url.hostname === host.toLowerCase();
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  const badHost =
    host[0] === "[" ? !serializedAsWritten || (port && port[0] !== ":")
    : endsInNumber(name) ? !serializedAsWritten
    : name.length > 253 || !isHostName(name);
  if (badHost) {
    return "has a host that is not an ASCII host name (labels of 1 to 63 letters, digits, '-' or '_' joined by dots, " +
      "253 characters in all, none starting or ending with '-' nor internationalised: xn--), an IPv4 address as " +
      "four decimal numbers 0-255 without leading zeros (127.0.0.1) or an IPv6 address in brackets in its " +
      "shortest form ([::1])";
  }
  const number = port.slice(1);
  if (!url || (port && !(/^:\d{1,5}$/.test(port) && number > 0 && number < 65536))) return BASE_SHAPE;
  const plain = (segment) => /^([\w.~!$&'()*+,;=:@-]|%[\da-f]{2})+$/i.test(segment) && !/^(\.|%2e){1,2}$/i.test(segment);
  if (!path.split("/").slice(1).every(plain)) {
    return "has a path with an empty, . or .. segment (%2e counts as a dot), a malformed %-escape or a " +
      "character that must be %-escaped";
  }
  if (url.protocol === "http:" && !allowHttp && !/^(localhost\.?|127\.[\d.]+|\[::1\])$/.test(url.hostname)) {
    return "uses plain http:// to a host that is not this machine, which would send both private keys " +
      "unencrypted: use https://, or set config.dangerouslyAllowInsecureHttp to true for a test network you trust";
  }
  return url.origin + path;
}

/** Whether `text` is all graphic ASCII (`!` to `~`) but the backslash, which the URL parser reads as `/`. */
function isGraphicAscii(text) {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e || code === 0x5c) return false;
  }
  return true;
}

/** `path` without the slashes it ends with. */
function withoutTrailingSlashes(path) {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end -= 1;
  return path.slice(0, end);
}

/** Whether the last label of `name` (a host without its trailing dot) is a number: digits, or 0x and hex digits. */
function endsInNumber(name) {
  const label = name.slice(name.lastIndexOf(".") + 1);
  const hex = label.slice(0, 2).toLowerCase() === "0x";
  const digits = hex ? label.slice(2) : label;
  return (hex || digits !== "") && [...digits].every((c) => (hex ? isHexDigit(c) : c >= "0" && c <= "9"));
}

/**
 * Whether `name` (a host without its trailing dot) is an ASCII host name: labels of 1 to 63
 * letters, digits, `-` or `_`, joined by dots, none starting or ending with `-` nor starting
 * with `xn--` (internationalised, which the URL parser would rewrite).
 */
function isHostName(name) {
  return name.split(".").every(
    (label) =>
      label.length > 0 &&
      label.length <= 63 &&
      label[0] !== "-" &&
      label[label.length - 1] !== "-" &&
      label.slice(0, 4).toLowerCase() !== "xn--" &&
      [...label].every((c) => c === "-" || isWordChar(c)),
  );
}

/** Whether `c` is an ASCII letter, a digit or `_` (a regular expression's `\w`). */
function isWordChar(c) {
  const lower = c.toLowerCase();
  return (c >= "0" && c <= "9") || (lower >= "a" && lower <= "z") || c === "_";
}

/** Whether `c` is a digit or a to f, in either case. */
function isHexDigit(c) {
  return (c >= "0" && c <= "9") || (c.toLowerCase() >= "a" && c.toLowerCase() <= "f");
}
