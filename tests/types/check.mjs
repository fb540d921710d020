#!/usr/bin/env node
// The TypeScript consumer check: installs the packed tarball next to consumer.mts and
// consumer.cts, and compiles both with `tsc --strict --noEmit`. The @ts-expect-error lines
// in them prove that misuse does not compile; an unused one fails the check too.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";

const dir = path.join(root, "target", "types-consumer");
installTarball(newestTarball(), dir);
for (const file of ["consumer.mts", "consumer.cts", "tsconfig.json"]) {
  fs.copyFileSync(path.join(root, "tests", "types", file), path.join(dir, file));
}
const tsc = path.join(root, "node_modules", ".bin", "tsc");
try {
  execFileSync(tsc, ["-p", dir], { stdio: "inherit" });
} catch {
  console.error("tsc --strict found errors in the consumer check (above)");
  process.exit(1);
}
console.log("types: consumer.mts and consumer.cts compile under --strict; every misuse is rejected");
