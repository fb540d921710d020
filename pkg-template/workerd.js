// Cloudflare Workers (workerd), and worker runtimes whose bundler turns an imported .wasm
// file into a compiled WebAssembly.Module, as wrangler does. The module is instantiated
// once, when this file is imported; workerd allows that synchronously.
import wasmModule from "./paywall_edge_bg.wasm";
import { cancelPayment as rawCancel, initSync } from "./glue/web.js";
import { PaywallError, makeCancelPayment } from "./error.js";

let loadFailure;
try {
  if (!(wasmModule instanceof WebAssembly.Module)) {
    throw new Error(
      `importing paywall_edge_bg.wasm gave ${typeof wasmModule}, not a WebAssembly.Module: ` +
        "bundle with wrangler, or make your bundler import .wasm files as compiled modules",
    );
  }
  initSync({ module: wasmModule });
} catch (error) {
  loadFailure = error;
}

export { PaywallError };

/** Cancels a Paywall async payment; see the package README. */
export const cancelPayment = makeCancelPayment(() => {
  if (loadFailure) throw loadFailure;
  return rawCancel;
});
