// The error every paywall-edge call rejects with, and the wrapper that turns the
// WebAssembly module's error details into it. This file is the one hand-written ES module
// of the package; scripts/package.mjs derives error.cjs from it for require().

/** The kinds a PaywallError can have; the WebAssembly core never uses any other. */
const KINDS = [
  "config", "input", "network", "timeout", "aborted", "http", "decode", "api", "signature",
];

/**
 * Why a cancel failed. `kind` says what happened; `retryable` says whether the same call,
 * made again later, can succeed; `attempts` counts the requests sent to Paywall.
 */
export class PaywallError extends Error {
  /**
   * @param {string} message what went wrong and what to do about it
   * @param {{kind: string, httpStatus?: number, errorCode?: number, clientMessage?: string,
   *   paywallMessage?: string, retryable?: boolean, attempts?: number,
   *   paymentRequestId?: string}} details
   */
  constructor(message, details = { kind: "network" }) {
    super(message);
    this.kind = details.kind;
    this.httpStatus = details.httpStatus;
    this.errorCode = details.errorCode;
    this.clientMessage = details.clientMessage;
    this.paywallMessage = details.paywallMessage;
    this.retryable = details.retryable === true;
    this.attempts = details.attempts ?? 0;
    this.paymentRequestId = details.paymentRequestId;
  }

  /** Everything but the stack, for structured logs. */
  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      httpStatus: this.httpStatus,
      errorCode: this.errorCode,
      clientMessage: this.clientMessage,
      paywallMessage: this.paywallMessage,
      retryable: this.retryable,
      attempts: this.attempts,
      paymentRequestId: this.paymentRequestId,
    };
  }
}

// On the prototype, so the stack header (captured when the error is constructed) already
// reads "PaywallError: ...".
Object.defineProperty(PaywallError.prototype, "name", {
  value: "PaywallError",
  writable: true,
  configurable: true,
});

/**
 * Names `errorClass` as written, for `error.constructor.name` and Node's `util.inspect`
 * (which prints the constructor's name): a minifier renames the class itself, as
 * scripts/package.mjs does in node.mjs and a production build of the caller's bundler
 * may do in the other entries.
 */
function keepClassName(errorClass, name) {
  Object.defineProperty(errorClass, "name", { value: name, configurable: true });
}
keepClassName(PaywallError, "PaywallError");

/**
 * The error for a rejection of the WebAssembly module: its own details object, or, for a
 * trap inside the module (out of memory, or a bug), a network-kind error that says so.
 */
function toPaywallError(details) {
  if (
    details !== null &&
    typeof details === "object" &&
    KINDS.includes(details.kind) &&
    typeof details.message === "string"
  ) {
    return new PaywallError(details.message, details);
  }
  const what = details instanceof Error ? `${details.name}: ${details.message}` : String(details);
  return new PaywallError(
    `paywall-edge failed inside its WebAssembly module (${what}); please report this as a bug`,
    { kind: "network" },
  );
}

/**
 * "Name: message" of an error (of any realm), then its causes', as "(cause: ...)": what a
 * failed load says. A load sends no config and no keys, so nothing secret can be in it.
 */
export function describeError(error, depth = 0) {
  if (error === null || typeof error !== "object" || typeof error.message !== "string") {
    return String(error);
  }
  const text = `${error.name ?? "Error"}: ${error.message}`;
  return error.cause === undefined || depth >= 3
    ? text
    : `${text} (cause: ${describeError(error.cause, depth + 1)})`;
}

/**
 * A failed load of the WebAssembly module, from `source`: the URL it was fetched from, or
 * where else its bytes came from. `hint` (text starting with "; ") says what to do about it.
 */
export class WasmLoadError extends Error {
  constructor(source, cause, hint = "") {
    super(`from ${source}: ${describeError(cause)}${hint}`, { cause });
    this.source = source;
  }
}
keepClassName(WasmLoadError, "WasmLoadError");

/**
 * The functions the module exports (`cancelPayment`, `inquirePayment`, `verifyCallback`).
 * scripts/package.mjs writes every list of them in the package's entries, this one
 * included, from the exports of wasm-bindgen's glue: an export added in Rust needs no edit
 * in any entry.
 */
export const FUNCTIONS = [/* each: "NAME", */];

/**
 * Builds the package's functions (`FUNCTIONS`) from a function that returns, or resolves
 * to, the module's glue with its raw exports. The PaywallError is created here, in the
 * caller's async call chain, so its stack shows where the caller awaited it.
 */
export function makeExports(loadModule) {
  const exported = (name) => {
    const call = async (...args) => {
      let glue;
      try {
        glue = loadModule();
        // The Node entry loads synchronously; the edge and browser entries hand back a
        // promise until their first load is done.
        if (typeof glue?.then === "function") glue = await glue;
      } catch (cause) {
        const what = cause instanceof WasmLoadError ? ` ${cause.message}` : `: ${describeError(cause)}`;
        const error = new PaywallError(`paywall-edge could not load its WebAssembly module${what}`, {
          kind: "config",
        });
        Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
        throw error;
      }
      try {
        return await glue[name](...args);
      } catch (details) {
        throw toPaywallError(details);
      }
    };
    return Object.defineProperty(call, "name", { value: name });
  };
  return Object.fromEntries(FUNCTIONS.map((name) => [name, exported(name)]));
}

/**
 * The exports of a Node entry (node.mjs, node.cjs): the module's functions over `glue`, which
 * `instantiate(compiled)` readies on the first call from the module that `base64` holds.
 *
 * A process that both imports and requires paywall-edge still holds one instance and one
 * PaywallError class: both entries register their exports under one global symbol, named
 * with the package's version (scripts/package.mjs writes it in) so that two versions in one
 * process never serve each other, and whichever entry loads first serves both.
 */
export function nodeEntryExports(glue, instantiate, base64) {
  let loaded = false;
  const load = () => {
    if (!loaded) {
      instantiate(compileEmbedded(base64));
      loaded = true;
    }
    return glue;
  };
  const own = { PaywallError, ...makeExports(load) };
  try {
    return (globalThis[Symbol.for("paywall-edge@0.0.0 Node entry")] ??= own);
  } catch {
    // A frozen global object: this entry serves itself.
    return own;
  }
}

/**
 * The module's bytes from their base64 text (the copies the Node entries and browser.js
 * embed): Buffer where there is one (fast), fromBase64 where there is one, atob elsewhere.
 */
export function decodeBase64(text) {
  if (typeof Buffer === "function") return Buffer.from(text, "base64");
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The Node entries' module (node.mjs, node.cjs), compiled from its base64 text (the copy
 * they embed): here so that both formats have it from one source without loading another
 * file.
 *
 * Cloudflare's workerd and Vercel's edge runtime refuse to compile WebAssembly from bytes;
 * a Nitro (Nuxt) build for them lands on the Node entry unless its bundler can import the
 * .wasm file, and the error then says how to let it.
 */
export function compileEmbedded(base64) {
  const bytes = decodeBase64(base64);
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    if (!/disallowed/i.test(String(error?.message))) throw error;
    throw new Error(
      `${error.message}. This runtime compiles WebAssembly only from a bundled .wasm import: ` +
        "in Nuxt or Nitro, set `nitro: { experimental: { wasm: true } }` in nuxt.config " +
        "(`experimental: { wasm: true }` in nitro.config)",
    );
  }
}
