//! The one error type of the library.
//!
//! Every failure, from a malformed config to Paywall refusing the cancel, is an [`Error`]
//! with one [`ErrorKind`]. The kinds mirror the JavaScript `PaywallError.kind` strings one to
//! one, so a Rust caller and a JS caller branch on the same facts.

use serde::Serialize;
use std::fmt;

use super::codes::client_message_hint;
use super::request::Action;
use super::retry;
use super::secrets::{Quoted, Secrets};

/// The closed set of ways a cancel (or a callback check) can fail; the JS
/// `PaywallError.kind` carries the same names in lowercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
    /// A 2xx answer whose body is not a valid cancel envelope, or a callback body that is not
    /// a valid Paywall callback.
    Decode,
    /// Paywall answered with an envelope that says the cancel did not succeed.
    Api,
    /// A callback's Hash is missing, malformed or wrong: it is not from Paywall (or was
    /// altered on the way) and must not be trusted.
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

/// A failed cancel: what kind of failure, a message a person can act on, and the facts
/// Paywall gave where there were any. Its texts never contain the private keys.
///
/// Serialized, it is the details object a JS `PaywallError` is built from. The details are
/// boxed so that a `Result<_, Error>` stays one pointer wide on the success path.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Error(Box<Details>);

/// What an [`Error`] carries; also the TypeScript `PaywallErrorDetails`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
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
    /// Paywall's text error code, such as `Payment.Async.AlreadyHasRefundOrCancel`.
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

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: ErrorKind, message: String) -> Self {
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

    /// A payment request id that is not a GUID.
    pub(crate) fn input(problem: impl Into<String>) -> Self {
        Error::new(ErrorKind::Input, problem.into())
    }

    /// No usable answer. `retryable` is false only when retrying cannot help (a custom
    /// fetch that resolves to something that is not a Response).
    pub(crate) fn network(url: &str, cause: &Quoted, retryable: bool) -> Self {
        let mut error = Error::new(
            ErrorKind::Network,
            format!("No answer from Paywall at {url}: {cause}"),
        );
        error.0.retryable = retryable;
        error
    }

    /// An attempt outlived its deadline. Retryable, but not retried automatically: see
    /// [`retry::is_retried_automatically`].
    pub(crate) fn timeout(url: &str, timeout_ms: u32, action: Action) -> Self {
        let advice = if action.changes_state {
            "the {name} may still be processed: check the payment before trying again, or \
             raise timeoutMs"
        } else {
            "try again later, or raise timeoutMs"
        };
        let advice = advice.replace("{name}", action.name);
        let mut error = Error::new(
            ErrorKind::Timeout,
            format!("Paywall did not answer within {timeout_ms} ms at {url}; {advice}"),
        );
        error.0.retryable = true;
        error
    }

    /// The caller's signal fired. `request_sent` says whether Paywall may have seen the cancel.
    pub(crate) fn aborted(action: Action, request_sent: bool, while_doing: &str) -> Self {
        let outcome = match (request_sent, action.changes_state) {
            (true, true) => {
                "a cancel request had been sent, so the payment may or may not be cancelled"
            }
            (true, false) => "a request had been sent, which changes nothing",
            (false, _) => "no request was sent",
        };
        Error::new(
            ErrorKind::Aborted,
            format!(
                "The {} was aborted by config.signal {while_doing}; {outcome}",
                action.name
            ),
        )
    }

    /// A non-2xx answer without a Paywall envelope.
    pub(crate) fn http(status: u16, detail: &str) -> Self {
        let mut error = Error::new(
            ErrorKind::Http,
            format!("Paywall answered HTTP {status} without a Paywall envelope: {detail}"),
        );
        error.0.http_status = Some(status);
        error.0.retryable = retry::is_retryable_status(status);
        error
    }

    /// A redirect, which is reported rather than followed: a redirected POST may lose its
    /// body. `status` is `None` for a browser's opaque redirect, which hides the status
    /// and the target.
    pub(crate) fn redirect(status: Option<u16>, location: Option<&Quoted>) -> Self {
        let shown = status.map_or_else(|| String::from("a redirect"), |s| format!("HTTP {s}"));
        let target = location.map_or_else(String::new, |to| format!(" to {to}"));
        let mut error = Error::new(
            ErrorKind::Http,
            format!(
                "Paywall answered with {shown}, a redirect{target}; it is not followed, since a \
                 redirected POST may lose its body: set baseAddress to the address Paywall gave you"
            ),
        );
        error.0.http_status = status;
        error
    }

    /// A 2xx answer that is not a valid cancel envelope. Never retryable: the cancel may
    /// have happened, and the same answer would come again.
    pub(crate) fn decode(status: u16, action: Action, problem: &str) -> Self {
        let mut error = Error::new(
            ErrorKind::Decode,
            format!(
                "Paywall answered HTTP {status} but not with a valid {} envelope: {problem}",
                action.name
            ),
        );
        error.0.http_status = Some(status);
        error
    }

    /// A callback body that cannot be read as a Paywall callback. Never retryable: the same
    /// body would fail the same way.
    pub(crate) fn callback_decode(problem: &str) -> Self {
        Error::new(
            ErrorKind::Decode,
            format!("The body is not a valid Paywall callback: {problem}"),
        )
    }

    /// A verified callback whose type or status Paywall's inquiry contradicts: the Hash
    /// does not cover them, so a genuine callback replayed with another status verifies too.
    /// When the inquiry's latest activity is another one, the callback may just be out of
    /// date (a "sent to device" notice that arrived after the outcome): the message says so,
    /// since only the caller can tell a late genuine callback from a replayed one.
    pub(crate) fn unconfirmed_callback(
        says: &str,
        paywall_says: &str,
        same_activity: bool,
    ) -> Self {
        let why = if same_activity {
            "the Hash does not cover the status, so a genuine callback replayed with another \
             status verifies too"
        } else {
            "its latest activity is not the one the callback reports, so the callback is out \
             of date or replayed"
        };
        Error::new(
            ErrorKind::Signature,
            format!(
                "The callback says {says}, but Paywall's inquiry of the payment says \
                 {paywall_says}: {why}; act on the inquiry's state, not on the callback's"
            ),
        )
    }

    /// A verified callback whose activity agrees with Paywall's inquiry on type and status,
    /// but not on the `fields` named (see `confirm_callback`): altered on the way, or
    /// replayed with a new activity id, since the Hash covers none of them but the merchant's
    /// code and the amount. Names the fields, never their values.
    pub(crate) fn callback_differs(fields: &[&str], same_activity: bool) -> Self {
        let why = if same_activity {
            "the callback was altered, or is not the one Paywall sent for this activity"
        } else {
            "the callback does not report the payment's latest activity: it is out of date, or \
             was replayed with another activity id"
        };
        Error::new(
            ErrorKind::Signature,
            format!(
                "The callback's {} {} not what Paywall's inquiry of the payment says: {why}; act \
                 on the inquiry's state, not on the callback's",
                fields.join(", "),
                if fields.len() == 1 { "is" } else { "are" },
            ),
        )
    }

    /// The error of a confirming inquiry that could not be made, as `verifyCallback`
    /// reports it: never `decode` or `input`, the kinds that say the callback itself is bad
    /// (and that a receiver answers with a 4xx, after which Paywall does not send the
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
            "The callback could not be confirmed (answer it with a 5xx status, so that Paywall \
             sends it again): ",
        );
        self
    }

    /// A callback whose Hash does not prove it came from Paywall. Never retryable.
    pub(crate) fn signature(problem: &str) -> Self {
        Error::new(
            ErrorKind::Signature,
            format!(
                "The callback's Hash {problem}: the callback is not from Paywall, or was altered \
                 on the way, and must not be trusted; check the payment with Paywall's inquiry \
                 endpoint if in doubt, and that the hash key is the panel's Physical POS webhook \
                 hash key"
            ),
        )
    }

    /// The runtime could not prepare a request, or a caller's object threw when used:
    /// reported as a config problem, never retried.
    pub(crate) fn setup(problem: &Quoted) -> Self {
        Error::new(ErrorKind::Config, problem.to_string())
    }

    /// Paywall's own refusal, with its message and text error code.
    pub(crate) fn api(
        status: u16,
        action: Action,
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
        let mut message = format!("Paywall refused the {}", action.name);
        if let Some(text) = paywall_message {
            message.push_str(": ");
            message.push_str(text);
        }
        let mut facts = Vec::new();
        if let Some(code) = client_message {
            facts.push(code.to_owned());
        }
        if let Some(code) = error_code {
            facts.push(format!("error code {code}"));
        }
        facts.push(format!("HTTP {status}"));
        message.push_str(" (");
        message.push_str(&facts.join(", "));
        message.push(')');
        if let Some(hint) = client_message.and_then(client_message_hint) {
            message.push_str(". ");
            message.push_str(hint);
        }
        let mut error = Error::new(ErrorKind::Api, message);
        error.0.http_status = Some(status);
        error.0.error_code = error_code;
        error.0.client_message = client_message.map(str::to_owned);
        error.0.paywall_message = paywall_message.map(str::to_owned);
        error.0.retryable = retry::is_retryable_status(status);
        error
    }

    /// Records how many requests this call sent and which payment it was for, and adds
    /// both to the message where they help the reader.
    pub(crate) fn finish(mut self, attempts: u32, payment_request_id: &str) -> Self {
        self.0.attempts = attempts;
        self.0.payment_request_id = Some(payment_request_id.to_owned());
        if attempts > 1 {
            self.0
                .message
                .push_str(&format!(" [after {attempts} attempts]"));
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
    /// answer, the URL, a result id). Every operation seals each error it returns.
    pub fn seal(mut self, secrets: &Secrets<'_>) -> Self {
        let details = &mut *self.0;
        for text in [&mut details.message]
            .into_iter()
            .chain(details.client_message.as_mut())
            .chain(details.paywall_message.as_mut())
            .chain(details.payment_request_id.as_mut())
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
        write!(f, "{} error: {}", self.0.kind, self.0.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::secrets::quoted;

    const CANCEL: Action = Action {
        name: "cancel",
        changes_state: true,
    };

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
    fn api_error_names_paywall_message_code_status_and_a_hint() {
        let error = Error::api(
            200,
            CANCEL,
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
    }

    #[test]
    fn api_error_on_a_retried_status_is_retryable() {
        let error = Error::api(503, CANCEL, None, None, Some(&quoted("System.ServerError")));
        assert!(error.retryable());
        assert_eq!(
            error.message(),
            "Paywall refused the cancel (System.ServerError, HTTP 503). \
             Paywall had an internal error; the cancel can be tried again later"
        );
    }

    #[test]
    fn seal_takes_every_fragment_of_a_key_out_of_every_text() {
        let key = "sk-live-1234567890abcdef";
        let secrets = Secrets::new(key, "ab");
        let error = Error::api(
            401,
            CANCEL,
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
            CANCEL,
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
