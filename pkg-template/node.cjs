// Node.js, Bun and Deno, and every bundler that targets them (Next.js on its nodejs runtime,
// esbuild, webpack): the module's bytes are embedded in wasm-base64.cjs, so no file is read
// and nothing depends on where a bundle ends up. They are compiled and instantiated,
// synchronously, on the first call: importing costs nothing until then. node.mjs
// re-exports this same instance, so `import` and `require` in one process share one module
// and one PaywallError class.
"use strict";
const { PaywallError, makeExports } = require("./error.cjs");
const glue = require("./glue/node.cjs");
const wasmBase64 = require("./wasm-base64.cjs");

/** The embedded module's bytes: Buffer where there is one (fast), atob elsewhere. */
function decodeBase64(text) {
  if (typeof Buffer === "function") return Buffer.from(text, "base64");
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let loaded = false;

/**
 * Cloudflare's workerd and Vercel's edge runtime refuse to compile WebAssembly from bytes;
 * a Nitro (Nuxt) build for them lands here unless its bundler can import the .wasm file.
 */
function compile(bytes) {
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

function load() {
  if (!loaded) {
    glue.initSync(compile(decodeBase64(wasmBase64)));
    loaded = true;
  }
  return glue;
}

const { cancelPayment, inquirePayment, verifyCallback } = makeExports(load);
exports.PaywallError = PaywallError;
exports.cancelPayment = cancelPayment;
exports.inquirePayment = inquirePayment;
exports.verifyCallback = verifyCallback;
