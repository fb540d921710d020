// Short names for what the module imports and exports, in the .wasm and in the glue
// together, for scripts/package.mjs.
//
// wasm-bindgen names each import of the module after its Rust function plus a hash
// (`__wbg___wbindgen_is_undefined_be5b34249ff1fc15`), under the module name
// `./paywall_edge_bg.js`, and the imports of src/transport.js under
// `./snippets/paywall-edge-<hash>/src/transport.js`; its internal exports are
// `__wbindgen_malloc` and the like. Each name is in the .wasm once and in each glue at least
// once (twice in a wrangler bundle, which keeps function names with `__name(fn, "...")`).
// Only the glue ever reads them, so both get short ones: one letter per module, a letter
// or two per name. The functions of src/transport.js keep their names (the glue hands the
// module that file's namespace), as do the package's exports, `memory` and the externref
// table, which the bench and the soak read from outside.

/**
 * Exports that keep their names besides the package's functions: the memory (the bench and
 * the soak read it) and wasm-bindgen's externref table (the soak counts its held slots).
 */
const KEPT_EXPORTS = ["memory", "__wbindgen_externrefs"];

/** "a", "b", ..., "z", "A", ..., "Z", "aa", "ab", ...: short names that are valid JS identifiers. */
function shortName(index) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  let n = index;
  do {
    name = letters[n % letters.length] + name;
    n = Math.floor(n / letters.length) - 1;
  } while (n >= 0);
  return name;
}

/** `value` as an unsigned LEB128, the wasm binary format's integers. */
function leb(value) {
  const encoded = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest) byte |= 0x80;
    encoded.push(byte);
  } while (rest);
  return Buffer.from(encoded);
}

/** A cursor over a wasm binary's bytes: integers, names, and the kinds of an import. */
class Reader {
  constructor(bytes, pos) {
    this.bytes = bytes;
    this.pos = pos;
  }

  u32() {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = this.bytes[this.pos++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value >>> 0;
  }

  name() {
    const length = this.u32();
    const text = this.bytes.subarray(this.pos, this.pos + length).toString("utf8");
    this.pos += length;
    return text;
  }

  limits() {
    const flags = this.u32();
    this.u32();
    if (flags & 1) this.u32();
  }

  /** Skips what an import of `kind` says after its names; true for a function. */
  importDescription(kind) {
    if (kind === 0) this.u32(); // a function: its type
    else if (kind === 1) { this.pos += 1; this.limits(); } // a table: its element type and limits
    else if (kind === 2) this.limits(); // a memory
    else if (kind === 3) this.pos += 2; // a global: its type and mutability
    else if (kind === 4) { this.pos += 1; this.u32(); } // a tag
    else throw new Error(`the module imports something of kind ${kind}`);
    return kind === 0;
  }
}

/**
 * Rewrites the names of the import section (2) and export section (7) of `bytes`, a wasm
 * binary, and leaves every other byte as it was: `importName(module, name)` returns the
 * new `[module, name]`, `exportName(name)` the new name.
 */
export function renameWasm(bytes, importName, exportName) {
  const r = new Reader(bytes, 8);
  const out = [bytes.subarray(0, 8)];
  const name = (text) => {
    const encoded = Buffer.from(text, "utf8");
    return Buffer.concat([leb(encoded.length), encoded]);
  };
  while (r.pos < bytes.length) {
    const id = bytes[r.pos++];
    const size = r.u32();
    const end = r.pos + size;
    if (id !== 2 && id !== 7) {
      out.push(Buffer.from([id]), leb(size), bytes.subarray(r.pos, end));
      r.pos = end;
      continue;
    }
    const count = r.u32();
    const parts = [leb(count)];
    for (let i = 0; i < count; i += 1) {
      if (id === 2) {
        const [module, field] = importName(r.name(), r.name());
        const start = r.pos;
        r.importDescription(bytes[r.pos++]);
        parts.push(name(module), name(field), bytes.subarray(start, r.pos));
      } else {
        const exported = exportName(r.name());
        const start = r.pos;
        r.pos += 1;
        r.u32();
        parts.push(name(exported), bytes.subarray(start, r.pos));
      }
    }
    if (r.pos !== end) throw new Error(`section ${id} of the module is not as long as it says`);
    const body = Buffer.concat(parts);
    out.push(Buffer.from([id]), leb(body.length), body);
  }
  return Buffer.concat(out);
}

/**
 * The short names for `module` (a WebAssembly.Module: wasm-bindgen's .wasm), whose imports
 * from src/transport.js come from `snippetModule` and whose exported `functions` (the
 * package's) keep their names: `{ modules, imports, exports }`, each a Map from
 * wasm-bindgen's name to the short one. `imports` covers the glue's own import object only:
 * the functions of src/transport.js keep their names.
 */
export function shortNames(module, snippetModule, functions) {
  const kept = new Set([...KEPT_EXPORTS, ...functions]);
  const modules = new Map();
  const imports = new Map();
  for (const entry of WebAssembly.Module.imports(module)) {
    if (!modules.has(entry.module)) modules.set(entry.module, shortName(modules.size));
    if (entry.module !== snippetModule && !imports.has(entry.name)) imports.set(entry.name, shortName(imports.size));
  }
  if (!modules.has(snippetModule)) throw new Error(`the module imports nothing from ${snippetModule}`);
  if (modules.size !== 2) throw new Error(`the module imports from ${[...modules.keys()].join(", ")}: expected two modules`);
  const exports = new Map();
  for (const entry of WebAssembly.Module.exports(module)) {
    // One or two letters: never one of the kept names.
    if (!kept.has(entry.name)) exports.set(entry.name, shortName(exports.size));
  }
  return { modules, imports, exports };
}

/** `text` with the one match of `pattern` (a global RegExp) replaced by `to(...match)`. */
function replaceOne(text, pattern, to, what) {
  let found = 0;
  const replaced = text.replace(pattern, (...match) => {
    found += 1;
    return to(...match);
  });
  if (found !== 1) throw new Error(`${what}: expected once, found ${found} times`);
  return replaced;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The glue `text` (wasm-bindgen's web or nodejs output, its snippet imports already
 * pointed at the package's own copy) with the module's import and export names replaced by
 * `names` (from shortNames). Each import must be found once where the glue defines it, and
 * no old name may remain after.
 */
export function renameInGlue(text, names, what) {
  let glue = text;
  // The import object: `"<module>": importN,` entries of what __wbg_get_imports returns.
  for (const [from, to] of names.modules) {
    glue = replaceOne(glue, new RegExp(`^(\\s*)"${escape(from)}": (import\\d+),$`, "gm"), (_, indent, value) => `${indent}"${to}": ${value},`, `${what}: the import object's key ${from}`);
  }
  // The glue's own imports: keys of its `import0` object, one per line.
  for (const [from, to] of names.imports) {
    glue = replaceOne(glue, new RegExp(`^(\\s*)${escape(from)}:`, "gm"), (_, indent) => `${indent}${to}:`, `${what}: the import ${from}`);
  }
  // The module's exports, read as `wasm.<name>`.
  for (const [from, to] of names.exports) {
    const pattern = new RegExp(`\\bwasm\\.${escape(from)}\\b`, "g");
    if (pattern.test(glue)) glue = glue.replace(pattern, `wasm.${to}`);
  }
  for (const from of [...names.modules.keys(), ...names.imports.keys()]) {
    if (glue.includes(from)) throw new Error(`${what} still names ${from}`);
  }
  for (const from of names.exports.keys()) {
    if (new RegExp(`\\bwasm\\.${escape(from)}\\b`).test(glue)) throw new Error(`${what} still reads wasm.${from}`);
  }
  return glue;
}

/**
 * `bytes` (a wasm binary with a name section, as wasm-bindgen writes it) with the body of
 * each function whose name matches one of `patterns` replaced by a trap (`unreachable`),
 * and every other byte as it was. Throws unless each pattern matches exactly one function.
 *
 * For what is left of `core::fmt` (see scripts/package.mjs): functions that can only run on
 * the way to a panic, whose message the module's panic handler never reads.
 */
export function trapFunctions(bytes, patterns) {
  const r = new Reader(bytes, 8);
  // The sections, and from them the number of imported functions and the named functions.
  const sections = [];
  let importedFunctions = 0;
  const found = patterns.map(() => []);
  while (r.pos < bytes.length) {
    const idAt = r.pos;
    const id = bytes[r.pos++];
    const size = r.u32();
    const start = r.pos;
    const end = r.pos + size;
    sections.push({ id, idAt, start, end });
    if (id === 2) {
      for (let count = r.u32(), i = 0; i < count; i += 1) {
        r.name();
        r.name();
        if (r.importDescription(bytes[r.pos++])) importedFunctions += 1;
      }
    } else if (id === 0 && r.name() === "name") {
      while (r.pos < end) {
        const subsection = bytes[r.pos++];
        const subsectionEnd = r.u32() + r.pos;
        if (subsection === 1) {
          for (let count = r.u32(), i = 0; i < count; i += 1) {
            const index = r.u32();
            const name = r.name();
            patterns.forEach((pattern, at) => pattern.test(name) && found[at].push(index));
          }
        }
        r.pos = subsectionEnd;
      }
    }
    r.pos = end;
  }
  patterns.forEach((pattern, at) => {
    if (found[at].length !== 1) throw new Error(`expected one function named ${pattern}, found ${found[at].length}`);
  });
  const code = sections.find((section) => section.id === 10);
  if (!code) throw new Error("the module has no code section");
  // The code section again, the entries of those functions replaced.
  r.pos = code.start;
  const count = r.u32();
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    const entryStart = r.pos;
    const size = r.u32();
    r.pos += size;
    entries.push(bytes.subarray(entryStart, r.pos));
  }
  for (const [index] of found) {
    const target = index - importedFunctions;
    if (target < 0 || target >= count) throw new Error(`function ${index} is not one the module defines`);
    // A body of 3 bytes: no locals, unreachable, end.
    entries[target] = Buffer.from([3, 0, 0x00, 0x0b]);
  }
  const body = Buffer.concat([leb(count), ...entries]);
  return Buffer.concat([bytes.subarray(0, code.idAt), Buffer.from([10]), leb(body.length), body, bytes.subarray(code.end)]);
}
