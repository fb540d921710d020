// Where the module's bytes go, for `make bench`: twiggy's shallow sizes of the optimized
// module, grouped into parts a reader can tell apart (data, each module of the core, the JS
// boundary, futures, wasm-bindgen's glue, the allocator, formatting and panics, ...).
//
// The shipped .wasm has no names, so this works on a named copy: wasm-bindgen's module before
// wasm-opt (target/npm/staging/web/paywall_edge_bg.wasm, left by `make package`, which has a
// name section) optimized exactly as scripts/package.mjs does, plus `-g` to keep the names.
// It also optimizes the same input without `-g` and compares the result with the shipped
// .wasm, so that a breakdown of another build (a stale staging folder, PAYWALL_EDGE_TARBALL
// naming an older tarball) says so.
//
// `node bench/breakdown.mjs [shipped.wasm]` prints the table on its own.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WASM_OPT_FLAGS } from "../scripts/wasm-opt-flags.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAGING_WASM = path.join(root, "target", "npm", "staging", "web", "paywall_edge_bg.wasm");
const NAMED_WASM = path.join(root, "target", "bench-named.wasm");
const TOP_ROWS = 5000;

/** twiggy on PATH, else where `cargo install` puts it; or an error that says how to get it. */
function twiggyBinary() {
  const cargoBin = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), ".cargo"), "bin", "twiggy");
  for (const candidate of ["twiggy", cargoBin]) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error("twiggy is not installed: run `scripts/install-tools.sh --bench` (or `make bench`, which does)");
}

/** Rows of an RFC 4180 CSV text (quoted fields, doubled quotes inside them). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}

/** A symbol without its hash (`::h0123...`) and without crate disambiguators (`core[abcd]`). */
export const tidy = (name) => name.replace(/::h[0-9a-f]{16}\b/g, "").replace(/\[[0-9a-f]{16}\]/g, "");

/** `text` with every `<...>` (generic arguments, `<impl ...>` blocks) taken out. */
function withoutGenerics(text) {
  let out = "";
  let depth = 0;
  for (const c of text) {
    if (c === "<") depth += 1;
    else if (c === ">" && depth > 0 && !out.endsWith("-")) depth -= 1;
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * What a function is about: for drop glue, the type it drops; for `<T as Trait>::f` and
 * `<T>::f`, the type T; otherwise the function's own path with generic arguments taken out
 * (so that `js_sys::futures::future_to_promise<paywall_edge::...>` counts as futures).
 */
function subjectOf(name) {
  const drop = /^core::ptr::drop_in_place<(.*)>$/.exec(name);
  if (drop) return drop[1];
  if (name.startsWith("<")) {
    let depth = 0;
    for (let i = 0; i < name.length; i += 1) {
      if (name[i] === "<") depth += 1;
      else if (name[i] === ">" && name[i - 1] !== "-") {
        depth -= 1;
        if (depth === 0) return name.slice(1, i);
      } else if (depth === 1 && name.startsWith(" as ", i)) return name.slice(1, i);
    }
  }
  return withoutGenerics(name);
}

const BOUNDARY = "the JS boundary (`paywall_edge::bindings`, `::js`, `::transport`, transport.js imports)";
const EXPORTS = "export shims (wasm-bindgen's `<export> externref shim`, with what wasm-opt inlined into them)";
const FUTURES = "futures (`js_sys::futures`, `wasm_bindgen_futures`)";
const GLUE = "wasm-bindgen glue and intrinsics (`wasm_bindgen`, other `js_sys`, `__wbg` imports, externref table)";
const ALLOC = "allocator and collections (talc, `alloc::`)";
const FMT = "`core::fmt` and panics";
const CORE = "Rust's core library, other (`core::str`, `core::slice`, iterators, compiler builtins)";
const STRUCTURE = "module structure (types, exports, tables, globals, section headers)";
const UNNAMED = "unnamed functions (`code[N]`, made by wasm-bindgen or wasm-opt)";

/** paywall-edge's own part, or futures, for a subject; or undefined. */
function ownPart(text) {
  const core = /paywall_edge::core::(\w+)/.exec(text);
  if (core) return `\`paywall_edge::core::${core[1]}\``;
  if (/paywall_edge::(bindings|js|transport)\b/.test(text)) return BOUNDARY;
  const own = /paywall_edge::(\w+)/.exec(text);
  if (own) return `\`paywall_edge::${own[1]}\``;
  if (/js_sys::futures|wasm_bindgen_futures/.test(text)) return FUTURES;
  return undefined;
}

/** The library part a subject or name belongs to, from the first rule it matches, or undefined. */
function libraryPart(text) {
  if (/wasm_bindgen|js_sys|__wbg|__wbindgen|externref/.test(text)) return GLUE;
  if (/\btalc::|^alloc::|[<\s(&\[]alloc::|__rust_(alloc|realloc|dealloc)|__rdl_|dlmalloc|wee_alloc/.test(text)) return ALLOC;
  if (/\buuid::/.test(text)) return "uuid";
  if (/\bserde/.test(text)) return "serde";
  if (/^(core|std)::|[<\s(&\[](core|std)::|^<?(str|char|bool|[ui](8|16|32|64|128|size)|f32|f64)\b|^(mem(cmp|cpy|set|move)|__multi3|__[a-z]+[sdt]i[0-9])$|compiler_builtins/.test(text)) {
    return CORE;
  }
  return undefined;
}

/** The part of the module an item of twiggy's `top` belongs to; null for custom sections. */
export function partOf(rawName) {
  const name = tidy(rawName);
  if (/ subsection$|^custom section /.test(name)) return null;
  if (/^data segment /.test(name)) return "data segments (messages, tables, constants)";
  if (/^\w+ externref shim$/.test(name)) return EXPORTS;
  if (/^import \S*snippets\//.test(name)) return BOUNDARY;
  if (/^code\[\d+\]$/.test(name)) return UNNAMED;
  if (/^(type|table|global|elem|memory|func)\[\d+\]|^export "|section headers$|^wasm magic bytes$/.test(name)) {
    return STRUCTURE;
  }
  // paywall-edge's own code first (its Display impls too), then formatting and panics
  // wherever they are (`<u32 as core::fmt::Display>::fmt`), then the libraries.
  const subject = subjectOf(name);
  if (ownPart(subject)) return ownPart(subject);
  if (/\bfmt\b|panic|expect_failed|unwrap_failed/.test(name)) return FMT;
  return libraryPart(subject) ?? ownPart(name) ?? libraryPart(name) ?? "other";
}

/**
 * The breakdown of the module that `make package` last built. `shippedWasm` is the .wasm the
 * bench measures (the one in the installed tarball): the result says whether the named copy
 * is that module. Throws with what to run when twiggy or the staging module is missing.
 */
export function wasmBreakdown(shippedWasm) {
  const twiggy = twiggyBinary();
  if (!fs.existsSync(STAGING_WASM)) {
    throw new Error(`${path.relative(root, STAGING_WASM)} is missing: run \`make package\` first`);
  }
  const wasmOpt = path.join(root, "node_modules", ".bin", "wasm-opt");
  execFileSync(wasmOpt, [...WASM_OPT_FLAGS, "-g", STAGING_WASM, "-o", NAMED_WASM], { stdio: ["ignore", "ignore", "inherit"] });
  // The same optimization without -g is what scripts/package.mjs ships: is it this tarball's?
  const unnamed = path.join(root, "target", "bench-unnamed.wasm");
  execFileSync(wasmOpt, [...WASM_OPT_FLAGS, STAGING_WASM, "-o", unnamed], { stdio: ["ignore", "ignore", "inherit"] });
  const matchesShipped = fs.readFileSync(unnamed).equals(fs.readFileSync(shippedWasm));
  fs.rmSync(unnamed);

  const csv = execFileSync(twiggy, ["top", "-n", String(TOP_ROWS), "-f", "csv", NAMED_WASM], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const [header, ...rows] = parseCsv(csv).filter((row) => row.length > 1);
  const nameAt = header.indexOf("Name");
  const sizeAt = header.indexOf("ShallowSize");
  if (nameAt === -1 || sizeAt === -1) throw new Error(`twiggy's CSV changed shape: ${header.join(",")}`);
  if (rows.length >= TOP_ROWS) throw new Error(`the module has more than ${TOP_ROWS} items: raise TOP_ROWS`);

  const parts = new Map();
  let customSections = 0;
  for (const row of rows) {
    const bytes = Number(row[sizeAt]);
    const part = partOf(row[nameAt]);
    if (part === null) {
      customSections += bytes;
      continue;
    }
    const entry = parts.get(part) ?? { part, bytes: 0, items: 0, largest: "", largestBytes: 0 };
    entry.bytes += bytes;
    entry.items += 1;
    if (bytes > entry.largestBytes) Object.assign(entry, { largest: tidy(row[nameAt]), largestBytes: bytes });
    parts.set(part, entry);
  }
  const total = [...parts.values()].reduce((sum, p) => sum + p.bytes, 0);
  return {
    source: path.relative(root, NAMED_WASM),
    namedFrom: path.relative(root, STAGING_WASM),
    matchesShipped,
    shippedBytes: fs.statSync(shippedWasm).size,
    total,
    customSections,
    parts: [...parts.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .map((p) => ({ ...p, share: p.bytes / total })),
  };
}

/** The breakdown as a caption and a markdown table (part, bytes, share, largest item). */
export function breakdownMarkdown(breakdown) {
  const cell = (text) => text.replaceAll("|", "\\|");
  const short = (name) => (name.length > 70 ? `${name.slice(0, 67)}...` : name);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const caption =
    `Where the module's bytes go: twiggy's shallow sizes in \`wasm-opt ${WASM_OPT_FLAGS.join(" ")} -g\` of wasm-bindgen's output ` +
    `(the shipped module plus its names), custom sections (names, producers, target features) left out, ` +
    `grouped by part. wasm-opt inlines across modules, so a function is counted where it ended up: an ` +
    `export's code inside its shim, a helper inside its caller.` +
    (breakdown.matchesShipped
      ? ""
      : ` **This is not the measured module**: ${breakdown.namedFrom} (from the last \`make package\`) does not ` +
        `optimize to the tarball's .wasm (${kb(breakdown.shippedBytes)}), so these are another build's figures.`);
  const rows = breakdown.parts.map((p) => [
    cell(p.part),
    String(p.bytes),
    `${(p.share * 100).toFixed(1)}%`,
    `\`${cell(short(p.largest))}\` (${p.largestBytes})`,
  ]);
  const shipped = breakdown.matchesShipped
    ? `the shipped .wasm, custom sections included: ${breakdown.shippedBytes}`
    : "";
  rows.push(["**total**", `**${breakdown.total}**`, "100%", shipped]);
  const header = ["part of the module", "bytes", "share", "largest item (bytes)"];
  return [
    caption,
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shipped = process.argv[2] ?? path.join(root, "target", "npm", "package", "paywall_edge_bg.wasm");
  console.log(breakdownMarkdown(wasmBreakdown(shipped)));
}
