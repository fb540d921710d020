//! The transport cases in Node.js: `wasm-pack test --node -- --test node_transport`.
#![cfg(target_arch = "wasm32")]

mod transport_cases;
