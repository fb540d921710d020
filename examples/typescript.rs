//! Prints the TypeScript declarations of paywall-edge's types, generated from the Rust types:
//! `cargo run --quiet --example typescript --features typescript`. `scripts/package.mjs`
//! runs it to write the npm package's `index.d.ts`.

fn main() {
    println!("{}", paywall_edge::typescript::declarations());
}
