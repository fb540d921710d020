// Node.js, Bun and Deno through require(), and every bundler that resolves `require` for
// them (esbuild, webpack, Next.js on its nodejs runtime): the module's bytes are embedded in
// wasm-base64.cjs, so no file is read and nothing depends on where a bundle ends up. They
// are compiled and instantiated, synchronously, on the first call: requiring costs nothing
// until then.
//
// node.mjs is the same entry for import, as ES modules. A process that both imports and
// requires paywall-edge still holds one instance and one PaywallError class (see
// nodeEntryExports in error.js).
"use strict";
const { nodeEntryExports } = require("./error.cjs");
const glue = require("./glue/node.cjs");
const wasmBase64 = require("./wasm-base64.cjs");

const shared = nodeEntryExports(glue, (module) => glue.initSync(module), wasmBase64);
exports.PaywallError = shared.PaywallError;
/* each: exports.NAME = shared.NAME; */
