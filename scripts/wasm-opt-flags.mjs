// How the package's module is optimized (binaryen 132's wasm-opt from node_modules): one
// list, for scripts/package.mjs and for the bench's breakdown, which rebuilds the same
// module with names.
//
// - `--low-memory-unused`: Rust's wasm32 module keeps its stack below 1 MiB, growing down
//   from there, and its data above; the first 1 KiB is only ever touched by a stack about to
//   overflow. It lets wasm-opt fold constant offsets into loads and stores.
// - `--zero-filled-memory`: the module's own memory starts zeroed, as every instance's does.
// - `-Oz` twice: the second pass finds a little more after the first one's inlining.
// - `--always-inline-max-function-size 6` (binaryen's default is 2): the one-line helpers
//   (a byte at the cursor, a field's getter, a drop) go into their callers. 21 fewer
//   functions, 40 bytes smaller gzipped, and fewer functions for V8 to compile, one by one,
//   on the first call (a fresh process's first cancel, `make bench`'s cold start). 7 and
//   more cost bytes.
// - `--one-caller-inline-max-function-size 150` (binaryen's default: no limit): a function
//   called from one place is inlined only when small. Without the limit, every error path
//   and every operation's branch joined its one caller, in four functions of 4 to 7 KB
//   that V8 compiled whole on a call's first run, used or not. With it the module is
//   about 420 bytes smaller gzipped, and a fresh process's first cancel compiles 34.8 KB
//   of code instead of 38.7 KB (`node --trace-wasm-compilation-times`). Calls run as fast.
// - the producers and target-features sections are for tools, not for runtimes.
//
// Not `--traps-never-happen`: it would let wasm-opt remove the checks that end in a trap,
// turning a bug into silent corruption instead of a stopped instance. Measured by
// `make bench` (the `.wasm` row).
export const WASM_OPT_FLAGS = [
  "--low-memory-unused",
  "--zero-filled-memory",
  "--always-inline-max-function-size",
  "6",
  "--one-caller-inline-max-function-size",
  "150",
  "-Oz",
  "-Oz",
  "--strip-producers",
  "--strip-target-features",
];
