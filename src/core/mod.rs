//! The pure core: settings and id validation, the wire types, envelope decoding and the
//! retry policy, with the cancel procedure written against a [`Host`] trait.
//!
//! Nothing here touches JavaScript: the core compiles and is tested natively with
//! `cargo test`, and the same code runs inside the WebAssembly module.

mod base_address;
mod cancel;
mod codes;
mod config;
mod decode_error;
mod error;
mod fields;
pub mod json;
mod payment_request_id;
mod retry;
#[cfg(any(test, feature = "scripted-host"))]
pub mod scripted_host;
mod secrets;
mod text;
mod wire;

pub use base_address::{parse_base_address, BaseAddress};
pub use cancel::{
    cancel_with, interpret, Host, HttpRequest, HttpResponse, SendFailure, MAX_BODY_BYTES,
};
pub use codes::{client_message_hint, ActivityType, PaymentStatus};
pub use config::{
    browser_refused, Config, ConfigOptions, Secret, CANCEL_PATH, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT_MS, MAX_RETRIES_LIMIT, MAX_TIMEOUT_MS, TEST_BASE_ADDRESS,
};
pub use error::{Error, ErrorKind, Result};
pub use fields::{read_config_options, FieldValue};
pub use payment_request_id::PaymentRequestId;
pub use retry::{
    delay_before_retry, is_retried_automatically, is_retryable_status, parse_http_date,
    parse_retry_after, BASE_DELAY_MS, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS,
};
pub use secrets::{Quoted, Secrets, FRAGMENT_BYTES};
pub use text::{cut, decode_body, flatten};
pub use wire::{CancelRequest, CancelResult, Envelope, EnvelopeResult};
