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
// PaywallError class (see nodeEntryExports in error.js).
import * as glue from "./glue/web.js";
import { nodeEntryExports } from "./error.js";
import wasmBase64 from "./wasm-base64.js";

export const { /* each: NAME, */ PaywallError } = nodeEntryExports(
  glue,
  (module) => glue.initSync({ module }),
  wasmBase64,
);
