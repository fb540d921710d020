#!/usr/bin/env node
// Installs the packed tarball into a fresh folder, exactly as a user's project would get it,
// and writes two shims there that load it by name through its exports map:
// load-esm.mjs (import) and load-cjs.cjs (require). The suite loads the package only
// through these.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { consumerDir, newestTarball } from "./helpers.mjs";

const tarball = newestTarball();
fs.rmSync(consumerDir, { recursive: true, force: true });
fs.mkdirSync(consumerDir, { recursive: true });
fs.writeFileSync(
  path.join(consumerDir, "package.json"),
  JSON.stringify({ private: true, type: "module" }, null, 2),
);
execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--loglevel=error"], {
  cwd: consumerDir,
  stdio: ["ignore", "ignore", "inherit"],
});
fs.writeFileSync(path.join(consumerDir, "load-esm.mjs"), 'export * from "paywall-edge";\n');
fs.writeFileSync(path.join(consumerDir, "load-cjs.cjs"), 'module.exports = require("paywall-edge");\n');
console.log(`installed ${path.basename(tarball)} into ${consumerDir}`);
