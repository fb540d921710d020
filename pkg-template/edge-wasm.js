// The module for edge.js, compiled by the edge runtime's bundler (wrangler, Next.js).
export { default } from "./paywall_edge_bg.wasm?module";
