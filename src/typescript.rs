//! The TypeScript declarations of the package's types, generated from the Rust types (tsify
//! reads the serde types; the code tables write their own), with the few declarations only
//! JavaScript has: the config's address and JS-only fields, the options of
//! `verifyCallback`, and the error class, whose fields are the generated
//! `PaywallErrorDetails`.
//!
//! A native build only (`--features typescript`): the WebAssembly module links neither tsify
//! nor std. `examples/typescript.rs` prints them and `scripts/package.mjs` puts them, with
//! wasm-bindgen's declarations of the exported functions, into the package's `index.d.ts`.

use alloc::string::String;
use tsify::Tsify;

use crate::core::{
    ActivityType, CancelResult, CancelState, ConfigOptions, ConfirmedBy, ErrorKind, PaymentInquiry,
    PaymentStatus, PhysicalPosCallback,
};

/// What JavaScript adds to the generated types.
const JAVASCRIPT_ONLY: &str = include_str!("typescript.d.ts");

/// Every declaration of the package's types, in one text.
pub fn declarations() -> String {
    [
        ActivityType::TYPESCRIPT,
        PaymentStatus::TYPESCRIPT,
        <ConfigOptions as Tsify>::DECL,
        <CancelResult as Tsify>::DECL,
        <CancelState as Tsify>::DECL,
        <ConfirmedBy as Tsify>::DECL,
        <PaymentInquiry as Tsify>::DECL,
        <PhysicalPosCallback as Tsify>::DECL,
        <ErrorKind as Tsify>::DECL,
        crate::core::error_details_declaration(),
        JAVASCRIPT_ONLY,
    ]
    .iter()
    .map(|declaration| declaration.trim())
    .collect::<alloc::vec::Vec<_>>()
    .join("\n\n")
}
