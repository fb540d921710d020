// Node.js, Bun and Deno through require(), and every bundler that resolves `require` for
// them (esbuild, webpack, Next.js on its nodejs runtime): the module's bytes are embedded in
// wasm-base64.cjs, so no file is read and nothing depends on where a bundle ends up. They
// are compiled and instantiated, synchronously, on the first call: requiring costs nothing
// until then.
//
// node.mjs is the same entry for import, as ES modules. A process that both imports and
// requires paywall-edge still holds one instance and one PaywallError class: this file and
// node.mjs register their exports under one global symbol (named with the package's
// version), and whichever loads first serves both.
"use strict";
const { PaywallError, makeExports, compileEmbedded } = require("./error.cjs");
const glue = require("./glue/node.cjs");
const wasmBase64 = require("./wasm-base64.cjs");

let loaded = false;

function load() {
  if (!loaded) {
    glue.initSync(compileEmbedded(wasmBase64));
    loaded = true;
  }
  return glue;
}

let shared = { PaywallError, ...makeExports(load) };
try {
  shared = globalThis[Symbol.for("paywall-edge@0.0.0 Node entry")] ??= shared;
} catch {
  // A frozen global object: this entry serves itself.
}
exports.PaywallError = shared.PaywallError;
exports.cancelPayment = shared.cancelPayment;
exports.inquirePayment = shared.inquirePayment;
exports.verifyCallback = shared.verifyCallback;
