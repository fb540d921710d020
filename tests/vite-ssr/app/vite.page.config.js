// The same entry built as a page's script (Vite's client build, the `browser` entry too),
// to see what a page gets: the module as a .wasm asset, fetched; no embedded copy.
export default {
  base: "./",
  build: {
    outDir: "dist-page",
    rollupOptions: { input: "server.js", output: { entryFileNames: "page.js" }, preserveEntrySignatures: "exports-only" },
  },
};
