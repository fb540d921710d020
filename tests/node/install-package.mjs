#!/usr/bin/env node
// Installs the packed tarball into a fresh folder, exactly as a user's project would get it,
// and writes two shims there that load it by name through its exports map:
// load-esm.mjs (import) and load-cjs.cjs (require). The suite loads the package only
// through these.
import fs from "node:fs";
import path from "node:path";
import { installTarball, newestTarball } from "../../scripts/tarball.mjs";
import { consumerDir } from "./helpers.mjs";

const tarball = newestTarball();
installTarball(tarball, consumerDir);
fs.writeFileSync(path.join(consumerDir, "load-esm.mjs"), 'export * from "paywall-edge";\n');
fs.writeFileSync(path.join(consumerDir, "load-cjs.cjs"), 'module.exports = require("paywall-edge");\n');
console.log(`installed ${path.basename(tarball)} into ${consumerDir}`);
