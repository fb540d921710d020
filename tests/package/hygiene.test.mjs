// The packed tarball as npm users' tools judge it: publint (the package.json and its
// exports against the files), @arethetypeswrong/cli (the types every resolution mode
// finds) and esbuild (what wrangler and other bundlers warn about in its JavaScript). All must
// be clean: no error, no warning, no suggestion, no problem.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { describe, it } from "node:test";
import { newestTarball, root } from "../../scripts/tarball.mjs";

const bin = (name) => path.join(root, "node_modules", ".bin", name);

describe("the packed tarball", () => {
  const tarball = newestTarball();

  it("passes publint with nothing to report", () => {
    const run = spawnSync(bin("publint"), ["run", tarball, "--strict", "--level", "suggestion"], { encoding: "utf8" });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /All good!/, run.stdout);
  });

  it("passes @arethetypeswrong/cli in every resolution mode", () => {
    const report = JSON.parse(execFileSync(bin("attw"), [tarball, "--format", "json"], { encoding: "utf8" }));
    assert.deepEqual(report.analysis.problems, [], JSON.stringify(report.analysis.problems, null, 2));
    const modes = Object.values(report.analysis.entrypoints["."].resolutions);
    assert.deepEqual(
      modes.map((mode) => mode.resolutionKind).sort(),
      ["bundler", "node10", "node16-cjs", "node16-esm"],
    );
    for (const mode of modes) assert.ok(mode.resolution?.isTypeScript, `${mode.resolutionKind} finds no types`);
  });

  it("holds JavaScript a bundler reads without a warning (no duplicate key in the generated glue)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paywall-edge-package-"));
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    const files = fs
      .readdirSync(path.join(dir, "package"), { recursive: true })
      .filter((name) => /\.(c|m)?js$/.test(name))
      .map((name) => path.join(dir, "package", name));
    assert.ok(files.some((file) => file.endsWith(path.join("glue", "web.js"))), files.join(", "));
    for (const file of files) {
      const format = file.endsWith(".cjs") ? "cjs" : "esm";
      const { warnings } = esbuild.buildSync({ entryPoints: [file], write: false, logLevel: "silent", format });
      assert.deepEqual(warnings.map((warning) => warning.text), [], path.relative(dir, file));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
