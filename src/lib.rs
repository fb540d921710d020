#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// An input from JS must never reach a panic: a panic aborts the WebAssembly instance and
// every later call in that isolate fails. These lints keep the panicking shortcuts out of
// library code; tests may use them.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod core;

// Talc instead of std's dlmalloc: smaller and faster in WebAssembly (see `make bench`).
// Single-threaded wasm32 only; natively the system allocator stays.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod transport;

pub use crate::core::{
    verify_callback, ActivityType, CancelResult, CancelState, Config, ConfigOptions, ConfirmedBy,
    Error, ErrorKind, PaymentInquiry, PaymentRequestId, PaymentStatus, PhysicalPosCallback, Result,
    Secret, TEST_BASE_ADDRESS,
};
#[cfg(target_arch = "wasm32")]
pub use crate::transport::{
    cancel_payment, cancel_payment_with, inquire_payment, inquire_payment_with, CallOptions,
};
