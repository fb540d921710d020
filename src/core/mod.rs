//! The pure core: settings and id validation, the wire types, envelope decoding and the
//! retry policy, with the cancel procedure written against a [`Host`] trait.
//!
//! Nothing here touches JavaScript: the core compiles and is tested natively with
//! `cargo test`, and the same code runs inside the WebAssembly module.

mod base_address;
mod callback;
mod cancel;
mod codes;
mod config;
mod decode_error;
mod error;
mod fields;
mod inquiry;
pub mod json;
mod payment_request_id;
mod request;
mod retry;
#[cfg(any(test, feature = "scripted-host"))]
pub mod scripted_host;
mod secrets;
mod sha256;
mod text;
mod wire;

pub use base_address::{parse_base_address, BaseAddress};
pub use callback::{
    confirm_callback, confirm_with, verify_callback, PhysicalPosCallback, MAX_CALLBACK_BYTES,
};
pub use cancel::{cancel_with, Cancel};
pub use codes::{client_message_hint, ActivityType, PaymentStatus};
pub use config::{
    browser_refused, Config, ConfigOptions, Secret, CANCEL_PATH, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT_MS, INQUIRY_PATH, MAX_RETRIES_LIMIT, MAX_TIMEOUT_MS, TEST_BASE_ADDRESS,
};
pub use error::{Error, ErrorKind, Result};
pub use fields::{
    read_config_options, unknown_callback_option, unknown_config_field, FieldValue, CONFIG_FIELDS,
    JS_CONFIG_FIELDS,
};
pub use inquiry::{inquire_with, Inquiry};
pub use payment_request_id::PaymentRequestId;
pub use request::{
    interpret, perform, Action, Host, HttpRequest, HttpResponse, Operation, SendFailure,
    MAX_BODY_BYTES,
};
pub use retry::{
    delay_before_retry, is_retried_automatically, is_retryable_status, parse_http_date,
    parse_retry_after, BASE_DELAY_MS, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS,
};
pub use secrets::{Quoted, Secrets, FRAGMENT_BYTES};
pub use sha256::sha256;
pub use text::{cut, decode_body, flatten};
pub use wire::{
    CancelAnswer, CancelEnvelope, CancelRequest, CancelResult, CancelState, ConfirmedBy, Envelope,
    InquiryAnswer, PaymentInquiry,
};
