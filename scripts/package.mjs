#!/usr/bin/env node
// Builds the npm package: release wasm, JS glue for ES-module and CommonJS runtimes, a
// working wasm-opt, the files of pkg-template/, then `npm pack` into
// target/npm/paywall-edge-<version>.tgz. Prints the tarball's path on stdout.
//
// One .wasm serves every runtime: wasm-bindgen writes the same module for its `web`
// (ES module) and `nodejs` (CommonJS) targets, which this script checks.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { commonJsFromModule } from "./commonjs.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const target = path.join(root, "target");
const staging = path.join(target, "npm", "staging");
const packageDir = path.join(target, "npm", "package");
const crateName = "paywall_edge";

function run(command, args, options = {}) {
  execFileSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...options });
}

function step(text) {
  process.stderr.write(`[package] ${text}\n`);
}

/** Replaces `from` by `to` in `text`, insisting it occurs exactly once. */
function replaceOnce(text, from, to, what) {
  const count = text.split(from).length - 1;
  if (count !== 1) {
    throw new Error(`${what}: expected one occurrence of ${JSON.stringify(from)}, found ${count}`);
  }
  return text.replace(from, to);
}

/**
 * The npm page: the title and the parts of the repository README between `<!-- npm -->`
 * and `<!-- /npm -->`, so the two never disagree.
 */
function npmReadme(readme) {
  const title = readme.split("\n", 1)[0];
  const parts = [...readme.matchAll(/<!-- npm -->\n([\s\S]*?)<!-- \/npm -->/g)].map((m) => m[1].trim());
  if (parts.length === 0) throw new Error("README.md has no <!-- npm --> sections");
  return `${title}\n\n${parts.join("\n\n")}\n`;
}

const metadata = JSON.parse(
  execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1"], { cwd: root }),
);
const version = metadata.packages.find((p) => p.name === "paywall-edge").version;

step(`building paywall-edge ${version} for wasm32 (release)`);
run("cargo", ["build", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--quiet"]);
const built = path.join(target, "wasm32-unknown-unknown", "release", `${crateName}.wasm`);

step("generating the JS glue (web and nodejs targets)");
fs.rmSync(staging, { recursive: true, force: true });
for (const flavour of ["web", "nodejs"]) {
  run("wasm-bindgen", ["--target", flavour, "--out-dir", path.join(staging, flavour), built]);
}
const webWasm = fs.readFileSync(path.join(staging, "web", `${crateName}_bg.wasm`));
const nodeWasm = fs.readFileSync(path.join(staging, "nodejs", `${crateName}_bg.wasm`));
if (!webWasm.equals(nodeWasm)) {
  throw new Error("wasm-bindgen wrote different modules for web and nodejs: one .wasm cannot serve both");
}

step("assembling the package from pkg-template/");
fs.rmSync(packageDir, { recursive: true, force: true });
fs.cpSync(path.join(root, "pkg-template"), packageDir, { recursive: true });
for (const license of ["LICENSE-MIT", "LICENSE-APACHE"]) {
  fs.copyFileSync(path.join(root, license), path.join(packageDir, license));
}
fs.writeFileSync(path.join(packageDir, "README.md"), npmReadme(fs.readFileSync(path.join(root, "README.md"), "utf8")));
const glue = path.join(packageDir, "glue");
fs.mkdirSync(glue);
fs.copyFileSync(path.join(staging, "web", `${crateName}.js`), path.join(glue, "web.js"));
fs.copyFileSync(path.join(staging, "web", `${crateName}.d.ts`), path.join(glue, "web.d.ts"));
// The nodejs glue is CommonJS (the package is "type": "module", hence .cjs) and loads the
// module from its own folder; point it at the one shared .wasm instead.
const nodeGlue = replaceOnce(
  fs.readFileSync(path.join(staging, "nodejs", `${crateName}.js`), "utf8"),
  "const wasmPath = `${__dirname}/paywall_edge_bg.wasm`;",
  "const wasmPath = require('path').join(__dirname, '..', 'paywall_edge_bg.wasm');",
  "nodejs glue",
);
fs.writeFileSync(path.join(glue, "node.cjs"), nodeGlue);
// The error class is written once, as an ES module; Node's require() entry gets a
// mechanical CommonJS copy.
const errorModule = fs.readFileSync(path.join(packageDir, "error.js"), "utf8");
fs.writeFileSync(path.join(packageDir, "error.cjs"), commonJsFromModule(errorModule));

step("optimizing with binaryen 132's wasm-opt -Oz");
const wasmOpt = path.join(root, "node_modules", ".bin", "wasm-opt");
run(wasmOpt, [
  "-Oz",
  path.join(staging, "web", `${crateName}_bg.wasm`),
  "-o",
  path.join(packageDir, `${crateName}_bg.wasm`),
]);

const manifestPath = path.join(packageDir, "package.json");
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
manifest.version = version;
fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

step("checking that the optimized module loads and answers");
const load = createRequire(import.meta.url)(path.join(packageDir, "node.cjs"));
await load
  .cancelPayment({}, "x")
  .then(() => {
    throw new Error("cancelPayment({}) resolved; the module is not the one that was built");
  })
  .catch((error) => {
    if (error?.name !== "PaywallError" || error.kind !== "config") throw error;
  });

step("packing");
const out = path.join(target, "npm");
const packed = execFileSync("npm", ["pack", "--pack-destination", out, "--loglevel=error"], {
  cwd: packageDir,
  encoding: "utf8",
})
  .trim()
  .split("\n")
  .pop();
const tarball = path.join(out, packed);
const wasmBytes = fs.statSync(path.join(packageDir, `${crateName}_bg.wasm`)).size;
step(`${path.relative(root, tarball)} (.wasm ${wasmBytes} bytes)`);
process.stdout.write(`${tarball}\n`);
