// Finding the packed package and installing it into a fresh folder, as a user's project
// would get it. Shared by the demo and every test that runs on the released tarball.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The newest target/npm/paywall-edge-*.tgz, or an error that says how to make one.
 * PAYWALL_EDGE_TARBALL=path names another tarball instead (an older release, or a mutated
 * build), so that any suite can be run against it.
 */
export function newestTarball() {
  if (process.env.PAYWALL_EDGE_TARBALL) return path.resolve(process.env.PAYWALL_EDGE_TARBALL);
  const dir = path.join(root, "target", "npm");
  const tarballs = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((name) => /^paywall-edge-.*\.tgz$/.test(name))
        .map((name) => path.join(dir, name))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
    : [];
  if (tarballs.length === 0) {
    throw new Error("no packed package in target/npm: run `make package` first");
  }
  return tarballs[0];
}

/**
 * Makes `dir` a project (an ES-module one unless `packageJson` says otherwise) and installs
 * `tarball` there with npm (offline is fine: the package has no dependencies). Without
 * `packageJson`, `dir` is emptied first; with it, the files already there (an app's source)
 * are kept.
 */
export function installTarball(tarball, dir, { packageJson } = {}) {
  if (!packageJson) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify(packageJson ?? { private: true, type: "module" }, null, 2)}\n`,
  );
  execFileSync("npm", ["install", tarball, "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
