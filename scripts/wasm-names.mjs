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
 * Exports that keep their names: the package's functions, the memory (the bench and the soak
 * read it) and wasm-bindgen's externref table (the soak counts its held slots).
 */
const KEPT_EXPORTS = new Set(["memory", "cancelPayment", "inquirePayment", "verifyCallback", "__wbindgen_externrefs"]);

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

/**
 * Rewrites the names of the import section (2) and export section (7) of `bytes`, a wasm
 * binary, and leaves every other byte as it was: `importName(module, name)` returns the
 * new `[module, name]`, `exportName(name)` the new name.
 */
export function renameWasm(bytes, importName, exportName) {
  let pos = 8;
  const out = [bytes.subarray(0, 8)];
  const u32 = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[pos++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value >>> 0;
  };
  const leb = (value) => {
    const encoded = [];
    do {
      let byte = value & 0x7f;
      value >>>= 7;
      if (value) byte |= 0x80;
      encoded.push(byte);
    } while (value);
    return Buffer.from(encoded);
  };
  const readName = () => {
    const length = u32();
    const text = bytes.subarray(pos, pos + length).toString("utf8");
    pos += length;
    return text;
  };
  const name = (text) => {
    const encoded = Buffer.from(text, "utf8");
    return Buffer.concat([leb(encoded.length), encoded]);
  };
  const limits = () => {
    const flags = u32();
    u32();
    if (flags & 1) u32();
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id !== 2 && id !== 7) {
      out.push(Buffer.from([id]), leb(size), bytes.subarray(pos, end));
      pos = end;
      continue;
    }
    const count = u32();
    const parts = [leb(count)];
    for (let i = 0; i < count; i += 1) {
      if (id === 2) {
        const [module, field] = importName(readName(), readName());
        const start = pos;
        const kind = bytes[pos++];
        if (kind === 0) u32(); // a function: its type
        else if (kind === 1) { pos += 1; limits(); } // a table: its element type and limits
        else if (kind === 2) limits(); // a memory
        else if (kind === 3) pos += 2; // a global: its type and mutability
        else if (kind === 4) { pos += 1; u32(); } // a tag
        else throw new Error(`the module imports something of kind ${kind}`);
        parts.push(name(module), name(field), bytes.subarray(start, pos));
      } else {
        const exported = exportName(readName());
        const start = pos;
        pos += 1;
        u32();
        parts.push(name(exported), bytes.subarray(start, pos));
      }
    }
    if (pos !== end) throw new Error(`section ${id} of the module is not as long as it says`);
    const body = Buffer.concat(parts);
    out.push(Buffer.from([id]), leb(body.length), body);
  }
  return Buffer.concat(out);
}

/**
 * The short names for `module` (a WebAssembly.Module: wasm-bindgen's .wasm), whose imports
 * from src/transport.js come from `snippetModule`: `{ modules, imports, exports }`, each a
 * Map from wasm-bindgen's name to the short one. `imports` covers the glue's own import
 * object only: the functions of src/transport.js keep their names.
 */
export function shortNames(module, snippetModule) {
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
    if (!KEPT_EXPORTS.has(entry.name)) exports.set(entry.name, shortName(exports.size));
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
  let pos = 8;
  const u32 = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[pos++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value >>> 0;
  };
  const readName = () => {
    const length = u32();
    const text = bytes.subarray(pos, pos + length).toString("utf8");
    pos += length;
    return text;
  };
  // The sections, and from them the number of imported functions and the named function.
  const sections = [];
  let importedFunctions = 0;
  const found = patterns.map(() => []);
  while (pos < bytes.length) {
    const idAt = pos;
    const id = bytes[pos++];
    const size = u32();
    const start = pos;
    const end = pos + size;
    sections.push({ id, idAt, start, end });
    if (id === 2) {
      for (let count = u32(), i = 0; i < count; i += 1) {
        readName();
        readName();
        const kind = bytes[pos++];
        if (kind === 0) {
          u32();
          importedFunctions += 1;
        } else if (kind === 1) {
          pos += 1;
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 2) {
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 3) pos += 2;
        else if (kind === 4) {
          pos += 1;
          u32();
        } else throw new Error(`the module imports something of kind ${kind}`);
      }
    } else if (id === 0 && readName() === "name") {
      while (pos < end) {
        const subsection = bytes[pos++];
        const subsectionEnd = u32() + pos;
        if (subsection === 1) {
          for (let count = u32(), i = 0; i < count; i += 1) {
            const index = u32();
            const name = readName();
            patterns.forEach((pattern, at) => pattern.test(name) && found[at].push(index));
          }
        }
        pos = subsectionEnd;
      }
    }
    pos = end;
  }
  patterns.forEach((pattern, at) => {
    if (found[at].length !== 1) throw new Error(`expected one function named ${pattern}, found ${found[at].length}`);
  });
  const code = sections.find((section) => section.id === 10);
  if (!code) throw new Error("the module has no code section");
  // The code section again, its entry for the function replaced.
  pos = code.start;
  const count = u32();
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    const entryStart = pos;
    const size = u32();
    pos += size;
    entries.push(bytes.subarray(entryStart, pos));
  }
  for (const [index] of found) {
    const target = index - importedFunctions;
    if (target < 0 || target >= count) throw new Error(`function ${index} is not one the module defines`);
    // A body of 3 bytes: no locals, unreachable, end.
    entries[target] = Buffer.from([3, 0, 0x00, 0x0b]);
  }
  const leb = (value) => {
    const encoded = [];
    do {
      let byte = value & 0x7f;
      value >>>= 7;
      if (value) byte |= 0x80;
      encoded.push(byte);
    } while (value);
    return Buffer.from(encoded);
  };
  const body = Buffer.concat([leb(count), ...entries]);
  return Buffer.concat([bytes.subarray(0, code.idAt), Buffer.from([10]), leb(body.length), body, bytes.subarray(code.end)]);
}
