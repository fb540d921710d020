// The packed tarball as npm users' tools judge it: publint (the package.json and its
// exports against the files) and @arethetypeswrong/cli (the types every resolution mode
// finds). Both must be clean: no error, no warning, no suggestion, no problem.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
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
});
