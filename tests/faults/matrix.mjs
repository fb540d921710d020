// The documented behaviour of paywall-edge against every fault the stand-in can inject:
// one row per fault, with and without retries, and for the cancel lifecycle (issue 13) with
// the reconciliation of a lost answer on and off. fault-matrix.test.mjs checks every row
// against the stand-in; README.md carries the same table (`node tests/faults/matrix.mjs`
// prints it), and tests/examples checks that the two agree.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS } from "../../standin/scenarios.mjs";

/**
 * A cancel that resolves: its `state`, where it was confirmed (`confirmedBy`), and the
 * `paymentStatus` it reports.
 */
const ok = (state = "cancelled", confirmedBy = "response", paymentStatus = 4) => ({
  kind: "ok",
  state,
  confirmedBy,
  paymentStatus,
  httpStatus: undefined,
  retryable: undefined,
});
/** A cancel that rejects with a PaywallError of `kind`; `says`, what its message must hold. */
const fail = (kind, httpStatus, retryable, says) => ({ kind, httpStatus, retryable, says });

/** What the message of a cancel that an inquiry could not resolve adds, by what it found. */
const FOUND_A_SALE = /; an inquiry found the payment not cancelled: its latest activity is Sale \(1\) in status Sent to device \(2\)$/;
const INQUIRY_503 = /; an inquiry to find out failed too \(http error, HTTP 503\)$/;

/**
 * [scenario, maxRetries, outcome, cancel requests Paywall sees, inquiries Paywall sees, extra
 * config]. A `kind` of "ok" is a cancel that resolves; any other is the PaywallError's kind.
 * `reconcile` is on by default: every cancel whose answer is lost (`network`, `timeout`)
 * asks the inquiry once, so the rows that end that way count one inquiry.
 */
export const MATRIX = [
  ["html500", 0, fail("http", 500, false), 1, 0],
  ["html500", 2, fail("http", 500, false), 1, 0],
  ["bad400Html", 2, fail("http", 400, false), 1, 0],
  ["html502Twice", 0, fail("http", 502, true), 1, 0],
  ["html502Twice", 2, ok(), 3, 0],
  ["html503Twice", 0, fail("http", 503, true), 1, 0],
  ["html503Twice", 2, ok(), 3, 0],
  ["html503Always", 0, fail("http", 503, true), 1, 0],
  ["html503Always", 2, fail("http", 503, true), 3, 0],
  ["html504Once", 0, fail("http", 504, true), 1, 0],
  ["html504Once", 2, ok(), 2, 0],
  ["envelope503Always", 0, fail("api", 503, true), 1, 0],
  ["envelope503Always", 2, fail("api", 503, true), 3, 0],
  ["rateLimitedOnce", 0, fail("http", 429, true), 1, 0],
  ["rateLimitedOnce", 2, ok(), 2, 0],
  ["rateLimitedHttpDate", 2, ok(), 2, 0],
  ["rateLimitedAbsurd", 2, ok(), 2, 0],
  ["rateLimitedAlways", 0, fail("http", 429, true), 1, 0],
  ["rateLimitedAlways", 2, fail("http", 429, true), 3, 0],
  // A dropped connection or a timeout leaves the outcome unknown: one inquiry, which finds
  // the payment still a sale on the device (these faults carry nothing out).
  ["dropOnce", 0, fail("network", undefined, true, FOUND_A_SALE), 1, 1],
  ["dropOnce", 2, ok(), 2, 0],
  ["dropAlways", 0, fail("network", undefined, true, FOUND_A_SALE), 1, 1],
  ["dropAlways", 2, fail("network", undefined, true, FOUND_A_SALE), 3, 1],
  ["hang", 0, fail("timeout", undefined, true, FOUND_A_SALE), 1, 1, { timeoutMs: 300 }],
  ["hang", 2, fail("timeout", undefined, true, FOUND_A_SALE), 1, 1, { timeoutMs: 300 }],
  // The inquiry comes at the timeout, long before the stand-in answers (and cancels) at 1.5 s.
  ["slow", 2, fail("timeout", undefined, true, FOUND_A_SALE), 1, 1, { timeoutMs: 300 }],
  ["slow", 2, ok(), 1, 0, { timeoutMs: 5000 }],
  ["invalidJson", 2, fail("decode", 200, false), 1, 0],
  ["emptyBody200", 2, fail("decode", 200, false), 1, 0],
  ["htmlBody200", 2, fail("decode", 200, false), 1, 0],
  ["succeededWithoutResult", 2, fail("decode", 200, false), 1, 0],
  ["resultForAnotherPayment", 2, fail("decode", 200, false), 1, 0],
  ["redirect", 2, fail("http", 302, false), 1, 0],
  ["echoHeadersHtml", 0, fail("http", 502, true), 1, 0],
  ["echoHeadersHtml", 2, fail("http", 502, true), 3, 0],
  ["echoHeadersJson", 2, fail("http", 400, false), 1, 0],
  ["echoKeyInMessage", 2, fail("api", 200, false), 1, 0],
  ["echoKeyInLocation", 2, fail("http", 302, false), 1, 0],
  ["messageFlood", 2, fail("api", 200, false), 1, 0],
  ["gzipBomb", 2, fail("decode", 200, false), 1, 0],
  ["hugeBody", 2, fail("decode", 200, false), 1, 0],
  // Cancelled before this call: the first attempt's refusal is Paywall's answer, not unknown.
  ["alreadyCancelled", 2, fail("api", 200, false), 1, 0],
  ["unknownPayment", 2, fail("api", 200, false), 1, 0],
  ["deviceUnreachable", 2, fail("api", 200, false), 1, 0],
  ["saleOnDevice", 2, ok(), 1, 0],
  ["pascalCase", 2, ok(), 1, 0],
  // The cancel lifecycle, with the reconciliation of a lost answer on and off.
  ["cancelAppliedAnswerLost", 2, ok("cancelled", "inquiry"), 2, 1, { reconcile: true }],
  ["cancelAppliedAnswerLost", 2, fail("api", 200, false), 2, 0, { reconcile: false }],
  ["cancelAppliedAnswerLost", 0, ok("cancelled", "inquiry"), 1, 1, { reconcile: true }],
  ["cancelAppliedAnswerLost", 0, fail("network", undefined, true), 1, 0, { reconcile: false }],
  ["cancelAppliedAnswerLostAlways", 2, ok("cancelled", "inquiry"), 3, 1, { reconcile: true }],
  ["cancelAppliedAnswerLostAlways", 2, fail("network", undefined, true), 3, 0, { reconcile: false }],
  ["cancelAppliedThenHang", 2, ok("cancelled", "inquiry"), 1, 1, { reconcile: true, timeoutMs: 300 }],
  ["cancelAppliedThenHang", 2, fail("timeout", undefined, true), 1, 0, { reconcile: false, timeoutMs: 300 }],
  ["cancelLostNotApplied", 2, fail("network", undefined, true, FOUND_A_SALE), 3, 1, { reconcile: true }],
  ["cancelLostNotApplied", 2, fail("network", undefined, true), 3, 0, { reconcile: false }],
  ["cancelPendingOnDevice", 2, ok("pending", "response", 2), 1, 0, { reconcile: true }],
  ["cancelPendingOnDevice", 2, ok("pending", "response", 2), 1, 0, { reconcile: false }],
  ["cancelFailedOnDevice", 2, ok("failed", "response", 5), 1, 0, { reconcile: true }],
  ["cancelFailedOnDevice", 2, ok("failed", "response", 5), 1, 0, { reconcile: false }],
  ["inquiryUnavailable", 2, fail("network", undefined, true, INQUIRY_503), 3, 1, { reconcile: true }],
  ["inquiryUnavailable", 2, fail("network", undefined, true), 3, 0, { reconcile: false }],
].map(([scenario, maxRetries, outcome, requests, inquiries, extra = {}]) => ({
  scenario,
  maxRetries,
  ...outcome,
  requests,
  inquiries,
  extra,
}));

/** A row's settings as the table and the test names show them. */
export function settingsOf(row) {
  return [`maxRetries ${row.maxRetries}`, ...Object.entries(row.extra).map(([k, v]) => `${k} ${v}`)].join(", ");
}

/** The matrix as the Markdown table README.md carries. */
export function matrixMarkdown() {
  const show = (value) => (value === undefined ? "" : String(value));
  const outcome = (row) =>
    row.kind === "ok" ? `resolved: \`${row.state}\`, confirmed by \`${row.confirmedBy}\`` : `\`${row.kind}\``;
  const rows = MATRIX.map(
    (row) =>
      `| \`${row.scenario}\`: ${SCENARIOS[row.scenario].description} | ${settingsOf(row)} | ${outcome(row)} | ${show(row.httpStatus)} | ${show(row.retryable)} | ${row.requests} | ${row.inquiries} |`,
  );
  return [
    "| the stand-in | config | outcome | `httpStatus` | `retryable` | cancels Paywall sees | inquiries Paywall sees |",
    "|---|---|---|---|---|---|---|",
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
