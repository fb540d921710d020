// Browsers and bundlers (Vite, webpack, esbuild, Rollup), and Vite SSR builds with
// `ssr.target: "webworker"`, which resolve this same entry.
//
// In a built page or worker, the module is fetched on the first call from next to this file,
// through `new URL(..., import.meta.url)`, which bundlers rewrite to the asset they emit.
// Under Vite's SSR build and its dev server, that asset is not there: Vite emits none for an
// SSR build, and its dev server moves this file into its dependency cache without the .wasm.
// There the module's bytes come from wasm-base64.js instead, through a dynamic import behind
// `import.meta.env.SSR` and `.DEV`, which Vite sets at build time: its page builds keep no
// trace of it, its SSR build inlines it. Other bundlers do not know those flags; they emit
// wasm-base64.js as a chunk of its own (webpack, Turbopack, esbuild with --splitting) that a
// page never loads, or inline it (esbuild without --splitting).
//
// Nothing is loaded at import and there is no top-level await; a failed load is retried on
// the next call.
import initWasm, * as glue from "./glue/web.js";
import { PaywallError, WasmLoadError, decodeBase64, makeExports } from "./error.js";

/** Whether Vite is building for, or serving, a place where the .wasm asset cannot be. */
function viteWithoutAsset() {
  return import.meta.env?.SSR === true || import.meta.env?.DEV === true;
}

const REFUSED =
  "; this runtime does not compile WebAssembly from bytes (Cloudflare Workers and Vercel's edge " +
  "runtime refuse to): bundle paywall-edge through its `workerd` or `edge-light` export " +
  "condition, as wrangler, @cloudflare/vite-plugin and Next.js do, or leave it out of your Vite " +
  "SSR bundle (ssr.external) for your deploy tool to bundle";

async function fromEmbeddedCopy() {
  try {
    const { default: base64 } = await import("./wasm-base64.js");
    const bytes = decodeBase64(base64);
    try {
      // Synchronously: in Node, Deno and Bun several times faster to a first call than
      // WebAssembly.instantiate. A browser's main thread may refuse that for the module's
      // size (a RangeError): asynchronously there.
      glue.initSync({ module: new WebAssembly.Module(bytes) });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      await initWasm({ module_or_path: bytes });
    }
  } catch (error) {
    const refused = /disallowed by embedder/i.test(String(error?.message));
    throw new WasmLoadError("the copy embedded in paywall-edge (wasm-base64.js)", error, refused ? REFUSED : "");
  }
}

async function fromAsset() {
  let url;
  try {
    url = new URL("./paywall_edge_bg.wasm", import.meta.url);
  } catch (error) {
    throw new WasmLoadError(`./paywall_edge_bg.wasm next to ${import.meta.url}`, error);
  }
  // A data: URL (a bundler's inlined asset) holds the whole module: not worth quoting.
  const source = url.protocol === "data:" ? "a data: URL" : url.href;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trimEnd());
    const type = response.headers.get("content-type") ?? "";
    if (type.startsWith("text/html")) {
      throw new Error(`the server answered with an HTML page (${type}), not the module`);
    }
    await initWasm({ module_or_path: response });
  } catch (error) {
    throw new WasmLoadError(source, error);
  }
}

let loading;

function load() {
  loading ??= (viteWithoutAsset() ? fromEmbeddedCopy() : fromAsset()).then(
    () => glue,
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export { PaywallError };

/** See the package README. */
export const { /* each: NAME, */ } = makeExports(load);
