// Turns the package's hand-written ES modules (pkg-template/error.js, and src/transport.js,
// the JS half of the transport) into CommonJS for Node's require() entry, so each exists in
// one source.
//
// The module is kept to a shape this can convert exactly: no imports, and exports only as
// `export class|function|const Name` at the start of a line. Anything else is refused.

/** Returns the CommonJS form of `source`, or throws if `source` leaves that shape. */
export function commonJsFromModule(source) {
  const names = [];
  const lines = source.split("\n").map((line, index) => {
    if (/^\s*import\b/.test(line)) {
      throw new Error(`line ${index + 1}: imports cannot be converted to CommonJS`);
    }
    const match = /^export (class|function|async function|const) ([A-Za-z_$][\w$]*)/.exec(line);
    if (match) {
      names.push(match[2]);
      return line.slice("export ".length);
    }
    if (/^\s*export\b/.test(line)) {
      throw new Error(`line ${index + 1}: only "export class|function|const Name" is converted`);
    }
    return line;
  });
  if (names.length === 0) throw new Error("the module exports nothing");
  return `"use strict";\n${lines.join("\n")}\nmodule.exports = { ${names.join(", ")} };\n`;
}
