// Edge runtimes that refuse to compile WebAssembly from bytes at run time, and whose
// bundler turns a `.wasm?module` import into a compiled WebAssembly.Module: Cloudflare
// Workers (wrangler, condition "workerd") and the Next.js edge runtime ("edge-light").
//
// The module comes through a dynamic import of edge-wasm.js, on the first call. A static
// import would make this entry an async module to Turbopack (WebAssembly imports are), and a
// CommonJS `require("paywall-edge")` in a Next edge route would then get a promise instead of
// the package. A failed load is tried again on the next call.
//
// The module is instantiated with the glue's initSync (a compiled module needs no await),
// and only the functions this file uses are imported from the glue: a bundler then leaves
// out the glue's asynchronous loader (fetch, instantiateStreaming and their messages), which
// only browser.js needs.
import { initSync, /* each: NAME as glue_NAME, */ } from "./glue/web.js";
import { PaywallError, makeExports } from "./error.js";

const glue = { /* each: NAME: glue_NAME, */ };
let ready;
let loading;

async function instantiate() {
  const { default: wasmModule } = await import("./edge-wasm.js");
  // Not `instanceof WebAssembly.Module`: Next.js's edge sandbox hands over a module
  // compiled in another realm, which WebAssembly.Instance accepts all the same (the glue's
  // initSync recognises it by the same tag: scripts/package.mjs makes it).
  if (Object.prototype.toString.call(wasmModule) !== "[object WebAssembly.Module]") {
    throw new Error(
      `importing paywall_edge_bg.wasm?module gave ${typeof wasmModule}, not a WebAssembly.Module: ` +
        "bundle with wrangler or Next.js, or make your bundler import .wasm files as compiled modules",
    );
  }
  initSync({ module: wasmModule });
  ready = glue;
  return ready;
}

function load() {
  if (ready) return ready;
  loading ??= instantiate().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export { PaywallError };

/** See the package README. */
export const { /* each: NAME, */ } = makeExports(load);
