// Browsers and bundlers (Vite, webpack, esbuild, Rollup). The module is fetched from next
// to this file on the first call, through `new URL(..., import.meta.url)`, which bundlers
// rewrite to the asset they emit. Nothing is loaded at import and there is no top-level
// await; a failed load is retried on the next call.
import initWasm, * as glue from "./glue/web.js";
import { PaywallError, makeExports } from "./error.js";

let loading;

function load() {
  if (!loading) {
    loading = initWasm({
      module_or_path: new URL("./paywall_edge_bg.wasm", import.meta.url),
    }).then(
      () => glue,
      (error) => {
        loading = undefined;
        throw error;
      },
    );
  }
  return loading;
}

export { PaywallError };

/** See the package README. */
export const { cancelPayment, inquirePayment, verifyCallback } = makeExports(load);
