// Node.js, Bun and Deno through import, and every bundler that resolves `import` for them
// (esbuild, Next.js on its nodejs runtime, Nitro's node-server and deno presets): an ES
// module graph of its own (the ES-module glue, error.js, and the module's bytes embedded in
// wasm-base64.js), which scripts/package.mjs bundles into this one file, so that Node imports
// no CommonJS (importing node.cjs from here cost a fresh process about 4 ms more: Node's
// CommonJS translation and export scan, and four require() calls) and resolves one file, not
// five. The bytes are compiled and instantiated, synchronously, on the first call: importing
// costs nothing until then.
//
// A process that both imports and requires paywall-edge still holds one instance and one
// PaywallError class: node.cjs and this file register their exports under one global
// symbol (named with the package's version), and whichever loads first serves both.
import * as glue from "./glue/web.js";
import { PaywallError as OwnPaywallError, makeExports, compileEmbedded } from "./error.js";
import wasmBase64 from "./wasm-base64.js";

let loaded = false;

function load() {
  if (!loaded) {
    glue.initSync({ module: compileEmbedded(wasmBase64) });
    loaded = true;
  }
  return glue;
}

let shared = { PaywallError: OwnPaywallError, ...makeExports(load) };
try {
  shared = globalThis[Symbol.for("paywall-edge@0.0.0 Node entry")] ??= shared;
} catch {
  // A frozen global object: this entry serves itself.
}

export const { cancelPayment, inquirePayment, verifyCallback, PaywallError } = shared;
