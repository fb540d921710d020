// The examples users copy must work, and the README's snippets must be taken from them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { installTarball, newestTarball, root } from "../../scripts/tarball.mjs";
import { startStandIn } from "../../standin/server.mjs";
import { SCENARIOS, STANDIN_KEYS } from "../../standin/scenarios.mjs";
import { README_MARKERS, matrixMarkdown } from "../faults/matrix.mjs";

const run = promisify(execFile);

/**
 * The README's code blocks that follow a `<!-- snippet: path -->` marker, with the file
 * they claim to come from.
 */
function readmeSnippets() {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  return [...readme.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(
    ([, file, code]) => ({ file, code }),
  );
}

/**
 * True when `snippet` is taken from `source`: its lines appear there in order and
 * contiguously (indentation and blank lines aside), where a line `// ...` stands for
 * lines left out.
 */
function isTakenFrom(snippet, source) {
  const lines = source
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const chunks = snippet
    .split(/^\s*\/\/ \.\.\.\s*$/m)
    .map((chunk) => chunk.split("\n").map((line) => line.trim()).filter(Boolean));
  let from = 0;
  for (const chunk of chunks) {
    let found = -1;
    for (let start = from; start + chunk.length <= lines.length; start += 1) {
      if (chunk.every((line, i) => lines[start + i] === line)) {
        found = start;
        break;
      }
    }
    if (found === -1) return false;
    from = found + chunk.length;
  }
  return true;
}

describe("the README's snippets", () => {
  const snippets = readmeSnippets();

  it("cover Node, Workers, browsers, Next.js (cancel and callback routes) and TypeScript", () => {
    assert.deepEqual(snippets.map((s) => s.file).sort(), [
      "examples/cloudflare-worker/src/index.js",
      "examples/node/cancel-payment.mjs",
      "tests/browser/vite-app/main.js",
      "tests/nextjs/app/app/api/edge/payments/[id]/cancel/route.js",
      "tests/nextjs/app/lib/callback-route.js",
      "tests/nextjs/app/lib/cancel-route.js",
      "tests/types/consumer.mts",
    ]);
  });

  for (const { file, code } of snippets) {
    it(`are taken verbatim from ${file}`, () => {
      const source = fs.readFileSync(path.join(root, file), "utf8");
      assert.ok(isTakenFrom(code, source), `the README's snippet is not in ${file}:\n${code}`);
    });
  }

  it("would notice a snippet that drifted", () => {
    assert.equal(isTakenFrom("const a = 1;\n// ...\nconst b = 2;", "const a = 1;\nx;\nconst b = 2;"), true);
    assert.equal(isTakenFrom("const b = 2;\n// ...\nconst a = 1;", "const a = 1;\nconst b = 2;"), false);
    assert.equal(isTakenFrom("const a = 2;", "const a = 1;"), false);
  });
});

describe("the README's fault matrix", () => {
  it("is the table tests/faults checks (node tests/faults/matrix.mjs --update-readme)", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const [, shown] = README_MARKERS.exec(readme) ?? [];
    assert.equal(shown, matrixMarkdown());
  });
});

describe("examples/node/cancel-payment.mjs on the packed package", () => {
  const app = path.join(root, "target", "examples-app");
  let standIn;

  before(async () => {
    installTarball(newestTarball(), app);
    fs.copyFileSync(
      path.join(root, "examples", "node", "cancel-payment.mjs"),
      path.join(app, "cancel-payment.mjs"),
    );
    standIn = await startStandIn();
  });
  after(() => standIn.close());

  const runtimes = [
    ["Node.js", process.execPath, []],
    ["Bun", path.join(root, "node_modules", ".bin", "bun"), []],
    ["Deno", path.join(root, "node_modules", ".bin", "deno"), ["run", "--allow-all"]],
  ];
  const ids = ["demoPayment1", "demoPayment2", "demoPayment4"].map((n) => SCENARIOS[n].paymentRequestId);

  /**
   * Runs the example for `paymentRequestId` under `command` (Node by default) against the
   * stand-in; resolves to `{ stdout, exitCode }`.
   */
  async function runExample(paymentRequestId, command = process.execPath, args = []) {
    const child = run(command, [...args, "cancel-payment.mjs"], {
      cwd: app,
      env: {
        ...process.env,
        NO_COLOR: "1",
        PAYWALL_BASE_ADDRESS: standIn.url,
        PAYWALL_API_KEY_PRIVATE: STANDIN_KEYS.apiKeyPrivate,
        PAYWALL_API_CLIENT_PRIVATE: STANDIN_KEYS.apiClientPrivate,
        PAYMENT_REQUEST_ID: paymentRequestId,
      },
    });
    try {
      return { stdout: (await child).stdout, exitCode: 0 };
    } catch (error) {
      return { stdout: error.stdout, exitCode: error.code };
    }
  }
  const runFor = (scenario) => runExample(SCENARIOS[scenario].paymentRequestId);

  runtimes.forEach(([runtime, command, args], i) => {
    it(`cancels, then shows Paywall's refusal, under ${runtime}`, async () => {
      const { stdout, exitCode } = await runExample(ids[i], command, args);
      assert.match(stdout, /1\. Cancel the payment/);
      assert.match(stdout, /cancelled, confirmed by the response: \{[\s\S]*paymentStatus: 4,\s+state: ["']cancelled["']/);
      assert.match(stdout, /rejected with PaywallError, kind "api"/);
      assert.match(stdout, /Payment\.Async\.AlreadyHasRefundOrCancel/);
      assert.equal(exitCode, 0);
      assert.equal(standIn.attempts(ids[i]), 2);
    });
  });

  it("tells a cancel still on its way to the terminal from a cancelled payment", async () => {
    const { stdout, exitCode } = await runFor("cancelPendingOnDevice");
    assert.match(stdout, /accepted, but the terminal has not finished: \{[\s\S]*paymentStatus: 2,\s+state: 'pending'/);
    assert.doesNotMatch(stdout, /^cancelled/m);
    assert.equal(exitCode, 0, "Paywall took the cancel");
  });

  it("tells a cancel the terminal could not carry out, and exits with 1", async () => {
    const { stdout, exitCode } = await runFor("cancelFailedOnDevice");
    assert.match(stdout, /not cancelled, the terminal could not cancel it: \{[\s\S]*paymentStatus: 5,\s+state: 'failed'/);
    assert.equal(exitCode, 1);
  });

  it("says a lost answer was confirmed by the inquiry", async () => {
    const { stdout, exitCode } = await runFor("cancelAppliedAnswerLost");
    assert.match(stdout, /cancelled, confirmed by the inquiry: \{[\s\S]*state: 'cancelled',\s+confirmedBy: 'inquiry'/);
    assert.equal(exitCode, 0);
  });
});
