// The documented behaviour of paywall-edge against every fault the stand-in can inject:
// one row per fault, with and without retries. fault-matrix.test.mjs checks every row
// against the stand-in; README.md carries the same table (`node tests/faults/matrix.mjs`
// prints it), and tests/examples checks that the two agree.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS } from "../../standin/scenarios.mjs";

const ok = { kind: "ok", httpStatus: undefined, retryable: undefined };
const fail = (kind, httpStatus, retryable) => ({ kind, httpStatus, retryable });

/**
 * [scenario, maxRetries, outcome, requests Paywall sees, extra config]. A `kind` of "ok" is a
 * successful cancel; any other is the PaywallError's kind.
 */
export const MATRIX = [
  ["html500", 0, fail("http", 500, false), 1],
  ["html500", 2, fail("http", 500, false), 1],
  ["bad400Html", 2, fail("http", 400, false), 1],
  ["html502Twice", 0, fail("http", 502, true), 1],
  ["html502Twice", 2, ok, 3],
  ["html503Twice", 0, fail("http", 503, true), 1],
  ["html503Twice", 2, ok, 3],
  ["html503Always", 0, fail("http", 503, true), 1],
  ["html503Always", 2, fail("http", 503, true), 3],
  ["html504Once", 0, fail("http", 504, true), 1],
  ["html504Once", 2, ok, 2],
  ["envelope503Always", 0, fail("api", 503, true), 1],
  ["envelope503Always", 2, fail("api", 503, true), 3],
  ["rateLimitedOnce", 0, fail("http", 429, true), 1],
  ["rateLimitedOnce", 2, ok, 2],
  ["rateLimitedHttpDate", 2, ok, 2],
  ["rateLimitedAbsurd", 2, ok, 2],
  ["rateLimitedAlways", 0, fail("http", 429, true), 1],
  ["rateLimitedAlways", 2, fail("http", 429, true), 3],
  ["dropOnce", 0, fail("network", undefined, true), 1],
  ["dropOnce", 2, ok, 2],
  ["dropAlways", 0, fail("network", undefined, true), 1],
  ["dropAlways", 2, fail("network", undefined, true), 3],
  ["hang", 0, fail("timeout", undefined, true), 1, { timeoutMs: 300 }],
  ["hang", 2, fail("timeout", undefined, true), 1, { timeoutMs: 300 }],
  ["slow", 2, fail("timeout", undefined, true), 1, { timeoutMs: 300 }],
  ["slow", 2, ok, 1, { timeoutMs: 5000 }],
  ["invalidJson", 2, fail("decode", 200, false), 1],
  ["emptyBody200", 2, fail("decode", 200, false), 1],
  ["htmlBody200", 2, fail("decode", 200, false), 1],
  ["succeededWithoutResult", 2, fail("decode", 200, false), 1],
  ["resultForAnotherPayment", 2, fail("decode", 200, false), 1],
  ["redirect", 2, fail("http", 302, false), 1],
  ["echoHeadersHtml", 0, fail("http", 502, true), 1],
  ["echoHeadersHtml", 2, fail("http", 502, true), 3],
  ["echoHeadersJson", 2, fail("http", 400, false), 1],
  ["echoKeyInMessage", 2, fail("api", 200, false), 1],
  ["echoKeyInLocation", 2, fail("http", 302, false), 1],
  ["messageFlood", 2, fail("api", 200, false), 1],
  ["gzipBomb", 2, fail("decode", 200, false), 1],
  ["hugeBody", 2, fail("decode", 200, false), 1],
  ["alreadyCancelled", 2, fail("api", 200, false), 1],
  ["unknownPayment", 2, fail("api", 200, false), 1],
  ["deviceUnreachable", 2, fail("api", 200, false), 1],
  ["saleOnDevice", 2, ok, 1],
  ["pascalCase", 2, ok, 1],
].map(([scenario, maxRetries, outcome, requests, extra = {}]) => ({
  scenario,
  maxRetries,
  ...outcome,
  requests,
  extra,
}));

/** The matrix as the Markdown table README.md carries. */
export function matrixMarkdown() {
  const show = (value) => (value === undefined ? "" : String(value));
  const rows = MATRIX.map((row) => {
    const settings = [`maxRetries ${row.maxRetries}`, ...Object.entries(row.extra).map(([k, v]) => `${k} ${v}`)];
    return `| \`${row.scenario}\`: ${SCENARIOS[row.scenario].description} | ${settings.join(", ")} | ${row.kind === "ok" ? "cancelled" : `\`${row.kind}\``} | ${show(row.httpStatus)} | ${show(row.retryable)} | ${row.requests} |`;
  });
  return [
    "| the stand-in | config | outcome | `httpStatus` | `retryable` | requests Paywall sees |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The part of README.md between `<!-- fault-matrix -->` and `<!-- /fault-matrix -->`. */
export const README_MARKERS = /<!-- fault-matrix -->\n([\s\S]*?)\n?<!-- \/fault-matrix -->/;

// `node tests/faults/matrix.mjs` prints the table; `--update-readme` writes it into README.md.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv.includes("--update-readme")) {
    const readmePath = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");
    const readme = fs.readFileSync(readmePath, "utf8");
    if (!README_MARKERS.test(readme)) throw new Error("README.md has no fault-matrix markers");
    fs.writeFileSync(
      readmePath,
      readme.replace(README_MARKERS, () => `<!-- fault-matrix -->\n${matrixMarkdown()}\n<!-- /fault-matrix -->`),
    );
  } else {
    console.log(matrixMarkdown());
  }
}
