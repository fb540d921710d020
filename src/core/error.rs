//! The one error type of the library.
//!
//! Every failure, from a malformed config to Paywall refusing the cancel, is an [`Error`]
//! with one [`ErrorKind`]. The kinds mirror the JavaScript `PaywallError.kind` strings one to
//! one, so a Rust caller and a JS caller branch on the same facts.
//!
//! An error is data: its kind, its message, Paywall's codes where there were any, whether a
//! later call can succeed, and how many requests were sent. This module knows nothing of
//! operations or retries; the call engine (`call.rs`) decides from an error what happens
//! next, and writes what it adds (attempts, notes) through the methods here.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;
use serde::Serialize;

use super::codes::client_message_hint;
use super::secrets::{Quoted, Secrets};
use super::text::Decimal;
use crate::text;

/// The closed set of ways a call can fail; the JS `PaywallError.kind` carries the same
/// names in lowercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum ErrorKind {
    /// The config is missing, malformed or unreadable. Nothing was sent.
    Config,
    /// The payment request id is not a GUID string. Nothing was sent.
    Input,
    /// No answer came: the connection failed, dropped, or the fetch function misbehaved.
    Network,
    /// An attempt took longer than `timeoutMs`.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// A non-2xx answer that carries no Paywall envelope (a proxy page, a redirect, ...).
    Http,
    /// A 2xx answer whose body is not a valid envelope, or a callback body that is not a
    /// valid Paywall callback.
    Decode,
    /// Paywall answered with an envelope that says the request did not succeed.
    Api,
    /// A callback's Hash is missing, malformed or wrong, or Paywall's inquiry contradicts the
    /// callback: it is not from Paywall (or was altered or replayed) and must not be trusted.
    Signature,
}

impl ErrorKind {
    /// The kind as the JS API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Input => "input",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Http => "http",
            ErrorKind::Decode => "decode",
            ErrorKind::Api => "api",
            ErrorKind::Signature => "signature",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Statuses that mean "try again later": rate limited, or a gateway could not reach Paywall.
/// An error with one of them is retryable; the retry policy retries it automatically.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// A failed call: what kind of failure, a message a person can act on, and the facts
/// Paywall gave where there were any. Its texts never contain the private keys.
///
/// Serialized, it is the details object a JS `PaywallError` is built from. The details are
/// boxed so that a `Result<_, Error>` stays one pointer wide on the success path.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Details>);

impl Serialize for Error {
    /// The fields of [`Details`] in its order, absent ones left out, as its derived
    /// `Serialize` writes them; by hand so that a writer is instantiated for three value
    /// types (text, number, boolean) instead of one per field type.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let details = &*self.0;
        let mut fields = serializer.serialize_struct("PaywallErrorDetails", 9)?;
        fields.serialize_field("kind", details.kind.as_str())?;
        fields.serialize_field("message", details.message.as_str())?;
        if let Some(status) = details.http_status {
            fields.serialize_field("httpStatus", &i64::from(status))?;
        }
        if let Some(code) = details.error_code {
            fields.serialize_field("errorCode", &code)?;
        }
        if let Some(code) = &details.client_message {
            fields.serialize_field("clientMessage", code.as_str())?;
        }
        if let Some(words) = &details.paywall_message {
            fields.serialize_field("paywallMessage", words.as_str())?;
        }
        fields.serialize_field("retryable", &details.retryable)?;
        fields.serialize_field("attempts", &i64::from(details.attempts))?;
        if let Some(id) = &details.payment_request_id {
            fields.serialize_field("paymentRequestId", id.as_str())?;
        }
        fields.end()
    }
}

/// What an [`Error`] carries; also the TypeScript `PaywallErrorDetails`. The derived
/// `Serialize` is the reference for the TypeScript declaration and the tests; the module
/// writes an error through [`Error`]'s own, which writes the same JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "typescript",
    derive(tsify::Tsify),
    tsify(rename = "PaywallErrorDetails")
)]
struct Details {
    /// What kind of failure this is.
    kind: ErrorKind,
    /// What went wrong and what to do about it.
    message: String,
    /// The HTTP status of Paywall's answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    http_status: Option<u16>,
    /// Paywall's numeric `ErrorCode`, when its envelope carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<i64>,
    /// Paywall's text error code, such as `Payment.Async.AlreadyHasRefundOrCancel`: on one
    /// line and at most 120 characters, like every text that came from outside.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_message: Option<String>,
    /// Paywall's own message (localised by Paywall): the text to show a person when Paywall
    /// refuses. On one line and at most 300 characters, like every text that came from
    /// outside; `message` quotes it too, with advice.
    #[serde(skip_serializing_if = "Option::is_none")]
    paywall_message: Option<String>,
    /// Whether the same call, made again later, can succeed.
    retryable: bool,
    /// How many requests the call sent (0 when it was refused before sending).
    attempts: u32,
    /// The payment request id the call was for, once it was valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_request_id: Option<String>,
}

/// The TypeScript declaration of an error's details (`PaywallErrorDetails`).
#[cfg(feature = "typescript")]
pub fn error_details_declaration() -> &'static str {
    <Details as tsify::Tsify>::DECL
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// An error of `kind` that says `message`; not retryable, no request sent.
    pub(crate) fn new(kind: ErrorKind, message: String) -> Self {
        Error(Box::new(Details {
            kind,
            message,
            http_status: None,
            error_code: None,
            client_message: None,
            paywall_message: None,
            retryable: false,
            attempts: 0,
            payment_request_id: None,
        }))
    }

    /// A config problem, described without the offending value (it may be a key).
    pub(crate) fn config(problem: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, problem.into())
    }

    /// A payment request id that is not a GUID, or a callback body that is not text.
    pub(crate) fn input(problem: impl Into<String>) -> Self {
        Error::new(ErrorKind::Input, problem.into())
    }

    /// No usable answer from `url`. `retryable` is false only when retrying cannot help (a
    /// custom fetch that resolves to something that is not a Response).
    pub(crate) fn network(url: &str, cause: &Quoted, retryable: bool) -> Self {
        Error::new(
            ErrorKind::Network,
            text!["No answer from Paywall at ", url, ": ", cause],
        )
        .retryable_if(retryable)
    }

    /// An attempt of `operation` outlived its deadline. Retryable; whether it is retried
    /// automatically is the retry policy's decision (a request that `changes_state` may
    /// still be processed, so it is not).
    pub(crate) fn timeout(
        url: &str,
        timeout_ms: u32,
        operation: &str,
        changes_state: bool,
    ) -> Self {
        let (the, operation, advice) = if changes_state {
            (
                "the ",
                operation,
                " may still be processed: check the payment before trying again",
            )
        } else {
            ("", "", "try again later")
        };
        Error::new(
            ErrorKind::Timeout,
            text![
                "Paywall did not answer within ",
                Decimal::of(timeout_ms.into()),
                " ms at ",
                url,
                "; ",
                the,
                operation,
                advice,
                ", or raise timeoutMs"
            ],
        )
        .retryable_if(true)
    }

    /// The caller's signal fired `while_doing` something. `request_sent` says whether Paywall
    /// may have seen a request; `changes_state` whether that request can change the payment.
    pub(crate) fn aborted(
        operation: &str,
        changes_state: bool,
        request_sent: bool,
        while_doing: &str,
    ) -> Self {
        let outcome = match (request_sent, changes_state) {
            (true, true) => "a cancel was sent: the payment may or may not be cancelled",
            (true, false) => "a request was sent, which changes nothing",
            (false, _) => "no request was sent",
        };
        Error::new(
            ErrorKind::Aborted,
            text![
                "The ",
                operation,
                " was aborted by config.signal ",
                while_doing,
                "; ",
                outcome
            ],
        )
    }

    /// A non-2xx answer without a Paywall envelope.
    pub(crate) fn http(status: u16, detail: &str) -> Self {
        Error::new(
            ErrorKind::Http,
            text![
                "Paywall answered HTTP ",
                Decimal::of(status.into()),
                " without a Paywall envelope: ",
                detail
            ],
        )
        .with_status(Some(status))
        .retryable_if(is_transient_status(status))
    }

    /// A redirect, which is reported rather than followed: a redirected POST may lose its
    /// body. `status` is `None` for a browser's opaque redirect, which hides the status
    /// and the target.
    pub(crate) fn redirect(status: Option<u16>, location: Option<&Quoted>) -> Self {
        let mut message = String::from("Paywall answered with a redirect");
        if let Some(to) = location {
            message.push_str(" to ");
            message.push_str(to.as_str());
        }
        if let Some(status) = status {
            message.push_str(" (HTTP ");
            message.push_str(Decimal::of(status.into()).as_ref());
            message.push(')');
        }
        message.push_str(
            ", not followed (a redirected POST may lose its body): set baseAddress to \
             Paywall's address",
        );
        Error::new(ErrorKind::Http, message).with_status(status)
    }

    /// A 2xx answer that is not a valid envelope of `operation`. Never retryable: the
    /// request may have been carried out, and the same answer would come again.
    pub(crate) fn decode(status: u16, operation: &str, problem: &str) -> Self {
        Error::new(
            ErrorKind::Decode,
            text![
                "Paywall answered HTTP ",
                Decimal::of(status.into()),
                " but not with a valid ",
                operation,
                " envelope: ",
                problem
            ],
        )
        .with_status(Some(status))
    }

    /// A callback body that cannot be read as a Paywall callback. Never retryable: the same
    /// body would fail the same way.
    pub(crate) fn callback_decode(problem: &str) -> Self {
        Error::new(
            ErrorKind::Decode,
            text!["The body is not a valid Paywall callback: ", problem],
        )
    }

    /// A callback whose Hash does not prove it came from Paywall. Never retryable.
    pub(crate) fn signature(problem: &str) -> Self {
        Error::new(
            ErrorKind::Signature,
            text![
                "The callback's Hash ",
                problem,
                ": not from Paywall, or altered; it must not be trusted (is hashKey the \
                 Physical POS webhook hash key?)"
            ],
        )
    }

    /// The runtime could not prepare a request, refused it by its permissions, or a caller's
    /// object threw when used: reported as a config problem, never retried.
    pub(crate) fn setup(problem: Quoted) -> Self {
        Error::new(ErrorKind::Config, problem.into_string())
    }

    /// Paywall's own refusal of `operation`, with its message and text error code.
    pub(crate) fn api(
        status: u16,
        operation: &str,
        error_code: Option<i64>,
        paywall_message: Option<&Quoted>,
        client_message: Option<&Quoted>,
    ) -> Self {
        let paywall_message = paywall_message
            .map(Quoted::as_str)
            .filter(|text| !text.is_empty());
        let client_message = client_message
            .map(Quoted::as_str)
            .filter(|text| !text.is_empty());
        let mut message = text!["Paywall refused the ", operation];
        if let Some(words) = paywall_message {
            message.push_str(": ");
            message.push_str(words);
        }
        message.push_str(" (");
        if let Some(code) = client_message {
            message.push_str(code);
            message.push_str(", ");
        }
        if let Some(code) = error_code {
            message.push_str("error code ");
            message.push_str(Decimal::signed(code).as_ref());
            message.push_str(", ");
        }
        message.push_str("HTTP ");
        message.push_str(Decimal::of(status.into()).as_ref());
        message.push(')');
        if let Some(hint) = client_message.and_then(client_message_hint) {
            message.push_str(". ");
            message.push_str(hint);
        }
        let mut error = Error::new(ErrorKind::Api, message)
            .with_status(Some(status))
            .retryable_if(is_transient_status(status));
        error.0.error_code = error_code;
        error.0.client_message = client_message.map(String::from);
        error.0.paywall_message = paywall_message.map(String::from);
        error
    }

    /// The same error, with `status` as its HTTP status.
    fn with_status(mut self, status: Option<u16>) -> Self {
        self.0.http_status = status;
        self
    }

    /// The same error, saying whether a later call can succeed.
    pub(crate) fn retryable_if(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// The same error as a failed confirmation of a callback, as `verifyCallback` reports
    /// it: never `decode`, `input` or `signature`, the kinds that say the callback itself is
    /// bad (and that a receiver answers with a 4xx, after which Paywall does not send the
    /// callback again). An answer that cannot be read is kind `http`, retryable; an id
    /// refused against the config's keys is kind `config`. The message says the callback is
    /// unconfirmed, not refused.
    pub(crate) fn unconfirmed(mut self) -> Self {
        let details = &mut *self.0;
        match details.kind {
            ErrorKind::Decode => {
                details.kind = ErrorKind::Http;
                details.retryable = true;
            }
            ErrorKind::Input | ErrorKind::Signature => details.kind = ErrorKind::Config,
            _ => {}
        }
        details.message.insert_str(
            0,
            "The callback could not be confirmed (answer 5xx, so that Paywall sends it again): ",
        );
        self
    }

    /// Records how many requests this call sent and which payment it was for, and adds
    /// the first to the message where it helps the reader.
    pub(crate) fn finish(mut self, attempts: u32, payment_request_id: impl Into<String>) -> Self {
        self.0.attempts = attempts;
        self.0.payment_request_id = Some(payment_request_id.into());
        if attempts > 1 {
            self.0.message.push_str(" [after ");
            self.0
                .message
                .push_str(Decimal::of(attempts.into()).as_ref());
            self.0.message.push_str(" attempts]");
        }
        self
    }

    /// Adds what a later step found out about the failure (an inquiry after a lost answer)
    /// to the message, for the person reading it. The caller seals the error again.
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        self.0.message.push_str("; ");
        self.0.message.push_str(note);
        self
    }

    /// Makes the error fit to leave: every text it carries passes [`Secrets::redact`], so
    /// that no fragment of a secret is in it, whatever route the secret took (a quoted
    /// answer, the URL, a result id). Every call seals each error it returns.
    pub fn seal(mut self, secrets: &Secrets<'_>) -> Self {
        let details = &mut *self.0;
        for text in [
            Some(&mut details.message),
            details.client_message.as_mut(),
            details.paywall_message.as_mut(),
            details.payment_request_id.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            *text = secrets.redact(text);
        }
        self
    }

    /// Which kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, written for the person reading the log.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The HTTP status of Paywall's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// Paywall's numeric `ErrorCode`, when its envelope carried one.
    pub fn error_code(&self) -> Option<i64> {
        self.0.error_code
    }

    /// Paywall's text error code (`ClientMessage`), such as
    /// `Payment.Async.AlreadyHasRefundOrCancel`.
    pub fn client_message(&self) -> Option<&str> {
        self.0.client_message.as_deref()
    }

    /// Paywall's own message (localised by Paywall), when it refused with one.
    pub fn paywall_message(&self) -> Option<&str> {
        self.0.paywall_message.as_deref()
    }

    /// Whether the same call, made again later, can succeed: the failure was transient.
    pub fn retryable(&self) -> bool {
        self.0.retryable
    }

    /// How many requests this call sent to Paywall (0 when it failed before sending).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The payment request id the call was for, once it had been validated.
    pub fn payment_request_id(&self) -> Option<&str> {
        self.0.payment_request_id.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.kind.as_str())?;
        f.write_str(" error: ")?;
        f.write_str(&self.0.message)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::secrets::quoted;
    use alloc::format;

    #[test]
    fn kinds_are_spelled_as_in_javascript() {
        let all = [
            (ErrorKind::Config, "config"),
            (ErrorKind::Input, "input"),
            (ErrorKind::Network, "network"),
            (ErrorKind::Timeout, "timeout"),
            (ErrorKind::Aborted, "aborted"),
            (ErrorKind::Http, "http"),
            (ErrorKind::Decode, "decode"),
            (ErrorKind::Api, "api"),
            (ErrorKind::Signature, "signature"),
        ];
        for (kind, name) in all {
            assert_eq!(kind.as_str(), name);
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(name));
        }
    }

    #[test]
    fn only_transient_statuses_are_retryable() {
        for status in [429, 502, 503, 504] {
            assert!(is_transient_status(status), "{status}");
        }
        for status in [200, 301, 400, 401, 403, 404, 408, 409, 500, 501, 505] {
            assert!(!is_transient_status(status), "{status}");
        }
    }

    #[test]
    fn api_error_names_paywall_message_code_status_and_a_hint() {
        let error = Error::api(
            200,
            "cancel",
            Some(1001),
            Some(&quoted("Payment was already cancelled.")),
            Some(&quoted("Payment.Async.AlreadyHasRefundOrCancel")),
        );
        assert_eq!(error.kind(), ErrorKind::Api);
        assert_eq!(error.http_status(), Some(200));
        assert_eq!(error.error_code(), Some(1001));
        assert_eq!(
            error.client_message(),
            Some("Payment.Async.AlreadyHasRefundOrCancel")
        );
        assert!(!error.retryable());
        assert!(error.message().starts_with(
            "Paywall refused the cancel: Payment was already cancelled. \
             (Payment.Async.AlreadyHasRefundOrCancel, error code 1001, HTTP 200). "
        ));
        assert!(error.message().contains("already cancelled or refunded"));
        assert_eq!(
            error.paywall_message(),
            Some("Payment was already cancelled.")
        );
        let negative = Error::api(400, "cancel", Some(-7), None, None);
        assert!(negative.message().contains("error code -7, HTTP 400"));
    }

    #[test]
    fn api_error_on_a_retried_status_is_retryable() {
        let error = Error::api(
            503,
            "cancel",
            None,
            None,
            Some(&quoted("System.ServerError")),
        );
        assert!(error.retryable());
        assert_eq!(
            error.message(),
            "Paywall refused the cancel (System.ServerError, HTTP 503). \
             Paywall had an internal error: try again later"
        );
    }

    #[test]
    fn seal_takes_every_fragment_of_a_key_out_of_every_text() {
        let key = "sk-live-1234567890abcdef";
        let secrets = Secrets::new(key, "ab");
        let error = Error::api(
            401,
            "cancel",
            None,
            Some(&quoted("key sk-live-1234567890abcdef is not valid")),
            Some(&quoted("echo sk-live-1234567890")),
        )
        .finish(1, "sk-live-1234567890abc")
        .seal(&secrets);
        let everything = format!(
            "{error} {error:?} {}",
            serde_json::to_string(&error).unwrap()
        );
        assert!(!everything.contains("sk-live-1234"), "{everything}");
        assert!(error.message().contains("key [redacted] is not valid"));
        assert_eq!(error.client_message(), Some("echo [redacted]"));
        assert_eq!(error.paywall_message(), Some("key [redacted] is not valid"));
        assert_eq!(error.payment_request_id(), Some("[redacted]"));
    }

    #[test]
    fn api_error_texts_are_flattened_and_bounded() {
        let flood = format!("line one\r\nFAKE LOG LINE\u{1b}[31m{}", "x ".repeat(30_000));
        let secrets = Secrets::new("", "");
        let error = Error::api(
            200,
            "cancel",
            None,
            Some(&secrets.quote(&flood, 300)),
            Some(&secrets.quote("System.Auth\nError", 120)),
        );
        assert!(
            !error.message().contains(['\n', '\r', '\u{1b}']),
            "{}",
            error.message()
        );
        assert!(error.message().chars().count() < 500, "{}", error.message());
        assert!(error.paywall_message().unwrap().chars().count() <= 300);
        assert_eq!(error.client_message(), Some("System.Auth Error"));
    }

    #[test]
    fn finish_records_attempts_and_id() {
        let error = Error::http(503, "an HTML page").finish(3, "id-1");
        assert_eq!(error.attempts(), 3);
        assert_eq!(error.payment_request_id(), Some("id-1"));
        assert!(error.message().ends_with("[after 3 attempts]"));
        let once = Error::http(500, "x").finish(1, "id-1");
        assert!(!once.message().contains("attempts"));
    }

    #[test]
    fn a_failed_confirmation_is_never_a_verdict_on_the_callback() {
        let unreadable = Error::decode(200, "inquiry", "not JSON").unconfirmed();
        assert_eq!(unreadable.kind(), ErrorKind::Http);
        assert!(unreadable.retryable());
        assert!(unreadable
            .message()
            .starts_with("The callback could not be confirmed"));
        assert_eq!(Error::input("id").unconfirmed().kind(), ErrorKind::Config);
        assert_eq!(Error::http(503, "x").unconfirmed().kind(), ErrorKind::Http);
    }

    #[test]
    fn serializes_to_the_js_error_details_shape() {
        let error = Error::http(502, "bad gateway").finish(2, "abc");
        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(value["kind"], "http");
        assert_eq!(value["httpStatus"], 502);
        assert_eq!(value["retryable"], true);
        assert_eq!(value["attempts"], 2);
        assert_eq!(value["paymentRequestId"], "abc");
        assert!(value.get("errorCode").is_none());
        assert!(value.get("clientMessage").is_none());
    }
}
