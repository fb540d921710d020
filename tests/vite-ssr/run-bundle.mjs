// Run in a process of its own by vite-ssr.test.mjs: imports a built bundle (argv[2], a
// path) and calls its `cancel` for each id of the job (argv[3], JSON `{ config, ids,
// refuseCompile }`). With `refuseCompile`, the first call runs with WebAssembly refusing to
// compile the package's module from bytes, as workerd and Vercel's edge runtime do, and the
// next ones without.
// Prints the outcomes as one JSON line.
import { pathToFileURL } from "node:url";

const [bundle, jobText] = process.argv.slice(2);
const { config, ids, refuseCompile = false } = JSON.parse(jobText);

const real = { Module: WebAssembly.Module, compile: WebAssembly.compile, instantiate: WebAssembly.instantiate };
/** Whether `source` is the package's module as bytes (Node's fetch compiles wasm of its own). */
function isPackageBytes(source) {
  if (source instanceof real.Module || !(ArrayBuffer.isView(source) || source instanceof ArrayBuffer)) return false;
  try {
    return real.Module.exports(new real.Module(source)).some((entry) => entry.name === "cancelPayment");
  } catch {
    return false;
  }
}
const refusal = () => new WebAssembly.CompileError("WebAssembly.Module(): Wasm code generation disallowed by embedder");
if (refuseCompile) {
  WebAssembly.Module = new Proxy(real.Module, {
    construct(target, args, newTarget) {
      if (isPackageBytes(args[0])) throw refusal();
      return Reflect.construct(target, args, newTarget);
    },
  });
  WebAssembly.compile = (source, ...rest) =>
    isPackageBytes(source) ? Promise.reject(refusal()) : real.compile(source, ...rest);
  WebAssembly.instantiate = (source, ...rest) =>
    isPackageBytes(source) ? Promise.reject(refusal()) : real.instantiate(source, ...rest);
}

const { cancel } = await import(pathToFileURL(bundle).href);
const outcomes = [];
for (const id of ids) {
  outcomes.push(await cancel(config, id));
  Object.assign(WebAssembly, real);
}
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
