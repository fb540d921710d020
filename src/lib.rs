#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// The WebAssembly module is `no_std`, with a panic handler of its own: std's panic path
// formats its message, which keeps `core::fmt` (some 10 KB) in the module. Natively, in
// tests and with the `std` feature the library uses std as usual.
#![cfg_attr(all(target_arch = "wasm32", not(any(test, feature = "std"))), no_std)]
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

extern crate alloc;

pub mod core;

/// The TypeScript declarations of the types, for the npm package (a native build).
#[cfg(feature = "typescript")]
pub mod typescript;

// Talc instead of std's dlmalloc: smaller and faster in WebAssembly (see `make bench`).
// Single-threaded wasm32 only; natively the system allocator stays.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// No panic is reachable from an input (the lints above keep the panicking shortcuts out,
/// and the fuzz targets look for the rest); should one happen all the same, the instance
/// stops at once, as `panic = "abort"` asks, without formatting a message nobody can read.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "std"))))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod js;
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
