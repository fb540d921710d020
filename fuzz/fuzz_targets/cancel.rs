//! The whole cancel procedure against answers and failures the fuzzer chooses: decoding, the
//! retry loop, error construction and redaction, and the reconciliation of a lost answer by
//! one inquiry. Nothing may panic, and whatever comes out must keep the promises the README
//! and issue 13 make.
//!
//! The script answers every request in order, cancels (POST) and the inquiry (GET) alike.
//! Each input is run twice on the same script: once with `reconcile: false` (the plain
//! cancel, today's behaviour), and once with the input's own setting. The second run must be
//! the first one, plus, exactly when the outcome was unknown, one inquiry that decides it.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::scripted_host::{answer, options, run, Outcome, ScriptedHost};
use paywall_edge::core::{
    cancel_with, inquire_with, is_retried_automatically, Cancel, CancelResult, CancelState, Config,
    ConfigOptions, ConfirmedBy, Error, ErrorKind, Operation, PaymentRequestId, Secrets,
    SendFailure,
};
use std::sync::OnceLock;

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";
/// Long keys holding quotes, backslashes and runs of spaces, all legal in a header value and
/// each spelled differently once JSON-escaped or flattened.
const KEY: &str =
    r#"fuzz_live_"quoted"\back\slash  two  spaces   three_KKKKKKKKKKKKKKKKKKKKKKKK_5150"#;
const CLIENT: &str = r#"fuzz_client_'single'  "double"\gap_CCCCCCCCCCCCCCCCCCCCCCCCCCCC_8086"#;
/// Paywall's code for a payment that already has a cancellation or a refund.
const ALREADY_CANCELLED: &str = "Payment.Async.AlreadyHasRefundOrCancel";
/// What the scripted host records for the inquiry of ID: a GET of its URL, with no body.
const INQUIRY_SENT: &str =
    "GET https://paywall.example/api/payment/inquiry/72ec8714-d116-4306-8881-38a43c485da9 ";
/// A GUID for the activities the inquiry answers report.
const ACTIVITY: &str = "9b2f3c1e-0d4a-4f6b-8c7d-1e2f3a4b5c6d";

#[path = "../oracle.rs"]
mod oracle;

#[derive(Arbitrary, Debug)]
enum Attempt {
    Answer {
        status: Status,
        retry_after: Option<String>,
        location: Option<String>,
        body: String,
        /// Puts the keys into the body, as an echoing proxy or server would.
        echo_keys: bool,
        /// How much text comes before the echoed keys: moves them across every cut a message
        /// makes (160 and 300 characters).
        pad: u16,
        /// Starts the body with a well-formed cancel envelope, so decoding goes deep.
        envelope: Option<Envelope>,
    },
    /// An inquiry's answer (for the GET that reconciles), built from its fields.
    Inquiry {
        status: Status,
        envelope: InquiryEnvelope,
        /// Text after the envelope: usually nothing.
        tail: String,
    },
    Network(String),
    NotAResponse(String),
    Timeout,
    Aborted,
    Setup(String),
}

/// An answer's HTTP status: mostly those the rules tell apart.
#[derive(Arbitrary, Debug)]
enum Status {
    Ok,
    /// 429, 502, 503 or 504.
    Retryable(u8),
    Any(u16),
}

impl Status {
    fn code(&self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::Retryable(at) => [429, 502, 503, 504][usize::from(*at % 4)],
            Status::Any(status) => status % 1000,
        }
    }
}

/// Paywall's text error code: the one the reconciliation looks for, or any.
#[derive(Arbitrary, Debug)]
enum Code {
    AlreadyCancelled,
    Other(String),
}

impl Code {
    fn text(&self) -> String {
        match self {
            Code::AlreadyCancelled => ALREADY_CANCELLED.to_owned(),
            Code::Other(text) => text.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Envelope {
    succeeded: bool,
    failed: Option<bool>,
    pascal: bool,
    error_code: Option<i64>,
    message: Option<String>,
    client_message: Option<Code>,
    result_id: Option<String>,
    activity_id: Option<String>,
    activity_type: Option<i32>,
    status: Option<i32>,
}

/// The payment request id an inquiry answer names.
#[derive(Arbitrary, Debug)]
enum AnsweredId {
    Requested,
    Uppercase,
    Missing,
    Other(String),
}

#[derive(Arbitrary, Debug)]
struct InquiryEnvelope {
    succeeded: bool,
    failed: Option<bool>,
    pascal: bool,
    client_message: Option<Code>,
    id: AnsweredId,
    /// None: a GUID.
    activity_id: Option<Option<String>>,
    /// `PaymentTypeId`: mostly a cancellation.
    cancellation: bool,
    payment_type: Option<i32>,
    payment_status: Option<i32>,
    amount: Option<String>,
    terminal: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Keys of the fuzzer's choosing (used when the config accepts them), so that redaction
    /// meets keys that overlap each other, the mark, or the texts around them.
    keys: Option<(String, String)>,
    max_retries: u8,
    /// `reconcile` as the caller sets it; None is the default (true).
    reconcile: Option<bool>,
    abort_sleep: bool,
    now_ms: f64,
    random: f64,
    attempts: Vec<Attempt>,
}

/// `camel` in PascalCase when `pascal`.
fn cased(pascal: bool, camel: &str) -> String {
    if pascal {
        let mut chars = camel.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
    } else {
        camel.to_owned()
    }
}

fn envelope_json(envelope: &Envelope) -> String {
    let key = |camel: &str| cased(envelope.pascal, camel);
    let result = serde_json::json!({
        key("paymentRequestId"): envelope.result_id.clone().unwrap_or_else(|| ID.to_owned()),
        key("paymentRequestActivityId"): envelope.activity_id.clone().unwrap_or_else(|| ID.to_owned()),
        key("paymentRequestActivityTypeId"): envelope.activity_type,
        key("paymentStatus"): envelope.status,
    });
    serde_json::json!({
        key("result"): result,
        key("succeeded"): envelope.succeeded,
        key("failed"): envelope.failed,
        key("errorCode"): envelope.error_code,
        key("message"): envelope.message,
        key("clientMessage"): envelope.client_message.as_ref().map(Code::text),
    })
    .to_string()
}

impl InquiryEnvelope {
    fn payment_type(&self) -> Option<i32> {
        if self.cancellation {
            Some(2)
        } else {
            self.payment_type
        }
    }

    /// The answer's text: the documented inquiry envelope with these fields.
    fn json(&self) -> String {
        let key = |camel: &str| cased(self.pascal, camel);
        let id = match &self.id {
            AnsweredId::Requested => Some(ID.to_owned()),
            AnsweredId::Uppercase => Some(ID.to_uppercase()),
            AnsweredId::Missing => None,
            AnsweredId::Other(text) => Some(text.clone()),
        };
        let activity = match &self.activity_id {
            None => Some(ACTIVITY.to_owned()),
            Some(text) => text.clone(),
        };
        // The amount as a number when it is one, or as the text it is otherwise.
        let amount = self.amount.as_ref().map(|text| {
            serde_json::from_str::<serde_json::Number>(text)
                .map_or_else(|_| serde_json::Value::from(text.clone()), Into::into)
        });
        let result = serde_json::json!({
            key("paymentRequestId"): id,
            key("paymentRequestActivityId"): activity,
            key("terminalId"): self.terminal,
            key("amount"): amount,
            key("paymentTypeId"): self.payment_type(),
            key("paymentStatusId"): self.payment_status,
            key("modifiedDate"): null,
        });
        serde_json::json!({
            key("result"): result,
            key("succeeded"): self.succeeded,
            key("failed"): self.failed,
            key("message"): null,
            key("clientMessage"): self.client_message.as_ref().map(Code::text),
        })
        .to_string()
    }

    /// What this answer must make of a cancel whose outcome is unknown, as far as it is
    /// plain from the fields alone: Some(status) when it shows a cancellation in that status
    /// (the cancel resolves), Some(None) when it shows anything else or fails (the cancel
    /// keeps its error), None when only the decoder can tell (an amount that may not be a
    /// number, say).
    fn decides(&self, http_status: u16, tail: &str) -> Option<Option<i32>> {
        if !(200..300).contains(&http_status) {
            return Some(None);
        }
        if !tail
            .bytes()
            .all(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        {
            // Text after the envelope: not JSON (unless the tail is only JSON's white space).
            return Some(None);
        }
        if !self.succeeded || self.failed == Some(true) {
            return Some(None);
        }
        let id_ok = matches!(self.id, AnsweredId::Requested | AnsweredId::Uppercase);
        let activity_ok = self.activity_id.is_none();
        let amount_ok = self.amount.is_none();
        if !(id_ok && activity_ok && amount_ok) {
            return None;
        }
        match (self.payment_type(), self.payment_status) {
            (Some(2), Some(status)) => Some(Some(status)),
            _ => Some(None),
        }
    }
}

/// The state a cancel's codes amount to, as issue 13 words it: a cancellation (type 2) in
/// status 4 is cancelled; a cancellation in 1, 2 or 7 to 11 is pending; status 3, 5 or 12
/// is failed; anything else unknown.
fn expected_state(activity_type: i32, status: i32) -> CancelState {
    if activity_type == 2 && status == 4 {
        CancelState::Cancelled
    } else if activity_type == 2 && (status == 1 || status == 2 || (7..=11).contains(&status)) {
        CancelState::Pending
    } else if [3, 5, 12].contains(&status) {
        CancelState::Failed
    } else {
        CancelState::Unknown
    }
}

/// A config for the scripted host with these keys, retries and reconciliation.
fn config_with(
    key: &str,
    client: &str,
    max_retries: u32,
    reconcile: Option<bool>,
) -> Option<Config> {
    Config::from_options(ConfigOptions {
        reconcile,
        ..options(key, client, max_retries)
    })
    .ok()
}

/// The script of an input, with `key` and `client` echoed where the fuzzer asked.
fn script(attempts: &[Attempt], key: &str, client: &str) -> Vec<Outcome> {
    attempts
        .iter()
        .map(|attempt| match attempt {
            Attempt::Answer {
                status,
                retry_after,
                location,
                body,
                echo_keys,
                pad,
                envelope,
            } => {
                let pad = "p".repeat(usize::from(pad % 400));
                let mut headers = Vec::new();
                if let Some(value) = retry_after {
                    headers.push(("retry-after", value.clone()));
                }
                if let Some(value) = location {
                    headers.push((
                        "location",
                        if *echo_keys {
                            format!("{value}{pad}{key}")
                        } else {
                            value.clone()
                        },
                    ));
                }
                let mut text = envelope.as_ref().map(envelope_json).unwrap_or_default();
                text.push_str(body);
                if *echo_keys {
                    let json_key = serde_json::to_string(key).unwrap_or_default();
                    text = text
                        .replace('x', &format!("{pad}{key}"))
                        .replace('y', client)
                        .replace('z', &json_key);
                }
                answer(status.code(), headers, &text)
            }
            Attempt::Inquiry {
                status,
                envelope,
                tail,
            } => answer(
                status.code(),
                Vec::new(),
                &format!("{}{tail}", envelope.json()),
            ),
            Attempt::Network(cause) => Err(SendFailure::Network(format!("{cause} {key}"))),
            Attempt::NotAResponse(what) => {
                Err(SendFailure::NotAResponse(format!("{what} {client}")))
            }
            Attempt::Timeout => Err(SendFailure::Timeout),
            Attempt::Aborted => Err(SendFailure::Aborted),
            Attempt::Setup(problem) => Err(SendFailure::Setup(format!("{problem}{key}"))),
        })
        .collect()
}

/// Whether a plain cancel's error leaves its outcome unknown (issue 13): no answer came
/// (network, timeout), or an attempt after the first met AlreadyHasRefundOrCancel.
fn outcome_is_unknown(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Network | ErrorKind::Timeout => true,
        ErrorKind::Api => error.attempts() > 1 && error.client_message() == Some(ALREADY_CANCELLED),
        _ => false,
    }
}

/// The promises every error of a cancel keeps.
fn check_error(error: &Error, attempts: usize, max_retries: u32, key: &str, client: &str) {
    assert_eq!(error.attempts() as usize, attempts);
    assert!(error.attempts() <= max_retries + 1);
    // The id, or (for a key of which a derived spelling is shorter than a fragment, such as
    // "14-d116-430\\" without its backslash, which the guard before sending does not look for)
    // the id with that piece redacted: never anything else.
    let id = error.payment_request_id().expect("the id");
    assert!(
        id == ID
            || (id.contains("[redacted]")
                && id.split("[redacted]").all(|piece| ID.contains(piece))),
        "{id:?}"
    );
    // No text an error carries holds a fragment of either key: no FRAGMENT-byte window of it
    // (or all of it, when it is shorter), as sent, JSON-escaped or with its white space
    // collapsed. (Keys under four bytes are left alone: masking every "a" would protect
    // nothing.) A key the fuzzer chose may be a piece of the printed forms' own vocabulary,
    // such as a Debug field name, so those forms are checked whole with the fixed keys only.
    let texts = [
        Some(error.message()),
        error.client_message(),
        error.paywall_message(),
        error.payment_request_id(),
    ];
    let fixed = (key, client) == (KEY, CLIENT);
    let chosen;
    let fragments = if fixed {
        static FIXED: OnceLock<oracle::Fragments> = OnceLock::new();
        FIXED.get_or_init(|| oracle::Fragments::of(&[KEY, CLIENT]))
    } else {
        chosen = oracle::Fragments::of(&[key, client]);
        &chosen
    };
    for text in texts.into_iter().flatten() {
        fragments.assert_none_in(text);
    }
    if fixed {
        static PRINTED: OnceLock<oracle::Fragments> = OnceLock::new();
        let json = serde_json::to_string(&error).expect("serializable");
        PRINTED
            .get_or_init(|| oracle::Fragments::as_printed(&[KEY, CLIENT]))
            .assert_none_in(&format!("{error} {error:?} {json}"));
    }
    match error.kind() {
        ErrorKind::Decode => {
            assert!(!error.retryable());
            assert!(error.http_status().is_some_and(|s| (200..300).contains(&s)));
        }
        ErrorKind::Http => {
            assert!(error.http_status().is_none_or(|s| !(200..300).contains(&s)))
        }
        ErrorKind::Api => assert!(error.http_status().is_some()),
        ErrorKind::Timeout => assert!(error.retryable()),
        ErrorKind::Aborted | ErrorKind::Config | ErrorKind::Input | ErrorKind::Signature => {
            assert!(!error.retryable())
        }
        ErrorKind::Network => {}
    }
    // The loop stopped for a reason: no retries left, or not a retried failure.
    assert!(
        error.attempts() == max_retries + 1
            || !is_retried_automatically(error, Cancel::ACTION)
            || error.kind() == ErrorKind::Aborted,
        "stopped early: {error:?}"
    );
}

/// The promises every result keeps: the requested payment, a GUID activity, and the state
/// its codes amount to.
fn check_result(result: &CancelResult, id: &PaymentRequestId) {
    assert!(id.matches(&result.payment_request_id), "{result:?}");
    assert!(
        PaymentRequestId::is_guid(&result.payment_request_activity_id),
        "{result:?}"
    );
    assert_eq!(
        result.state,
        expected_state(
            result.payment_request_activity_type_id,
            result.payment_status
        ),
        "{result:?}"
    );
}

fuzz_target!(|input: Input| {
    let max_retries = u32::from(input.max_retries % 11);
    let (key, client) = match input
        .keys
        .as_ref()
        .filter(|(key, client)| config_with(key, client, max_retries, Some(false)).is_some())
    {
        Some((key, client)) => (key.as_str(), client.as_str()),
        None => (KEY, CLIENT),
    };
    let plain_config = config_with(key, client, max_retries, Some(false)).expect("a config");
    let config = config_with(key, client, max_retries, input.reconcile).expect("a config");
    let reconciles = input.reconcile != Some(false);
    assert_eq!(config.reconciles(), reconciles);
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let host_for = |script: Vec<Outcome>| {
        let mut host = ScriptedHost::new(script);
        host.abort_sleep = input.abort_sleep;
        host.now_ms = input.now_ms;
        host.random = input.random;
        host
    };
    let plain_host = host_for(script(&input.attempts, key, client));
    let plain =
        run(cancel_with(&plain_host, &plain_config, &id)).expect("the scripted host never waits");
    let host = host_for(script(&input.attempts, key, client));
    let outcome = run(cancel_with(&host, &config, &id)).expect("the scripted host never waits");

    let (cancels, inquiries) = (host.sent_with("POST"), host.sent_with("GET"));
    assert_eq!(cancels + inquiries, host.attempts(), "a POST or a GET only");
    // The cancel itself does not depend on the reconciliation: the same attempts, in order.
    assert_eq!(
        plain_host.sent_with("GET"),
        0,
        "reconcile: false never asks"
    );
    assert_eq!(cancels, plain_host.attempts());
    assert_eq!(
        host.sent.borrow()[..cancels],
        plain_host.sent.borrow()[..],
        "the cancels come first, as without reconciliation"
    );

    // A key that holds part of the id (in any letter case) means the id may be a key passed
    // by mistake: refused before anything is sent.
    let id_holds_a_key = [key, client].iter().any(|secret| {
        let secret = secret.to_ascii_lowercase();
        let width = oracle::FRAGMENT.min(secret.len());
        secret.len() >= 4
            && secret
                .as_bytes()
                .windows(width)
                .any(|piece| ID.as_bytes().windows(width).any(|part| part == piece))
    });
    // The library also refuses an id that its redaction, which knows more spellings of a
    // key than this oracle, would cut: a sent id must never be shown redacted.
    let redaction_would_cut_the_id = Secrets::new(key, client).redact(ID) != ID;
    if id_holds_a_key || redaction_would_cut_the_id {
        let error = outcome.expect_err("an id that holds part of a key is refused");
        assert_eq!(error.kind(), ErrorKind::Input);
        assert_eq!((host.attempts(), error.attempts()), (0, 0));
        return;
    }
    assert!(
        cancels >= 1 && cancels <= max_retries as usize + 1,
        "{cancels} cancel attempts"
    );
    for &wait in host.sleeps.borrow().iter() {
        assert!(wait <= 60_000, "waited {wait} ms");
    }
    if let Err(error) = &plain {
        check_error(error, cancels, max_retries, key, client);
    }
    if let Ok(result) = &plain {
        check_result(result, &id);
        assert_eq!(result.confirmed_by, ConfirmedBy::Response);
    }

    let unknown = plain.as_ref().is_err_and(outcome_is_unknown);
    if !reconciles || !unknown {
        // Nothing to reconcile: exactly the plain cancel, and no inquiry.
        assert_eq!(inquiries, 0, "{plain:?}");
        assert_eq!(outcome, plain);
        return;
    }

    // Unknown: exactly one inquiry, after the cancels, never retried, whatever it met.
    assert_eq!(inquiries, 1, "{plain:?}");
    assert_eq!(
        host.sent.borrow().last().map(String::as_str),
        Some(INQUIRY_SENT)
    );
    let plain = plain.expect_err("unknown outcomes are errors");
    // What that one inquiry amounts to, asked on its own (no retries, as the reconciliation
    // asks it) of the answer the script gave it.
    let inquiry_answer = input.attempts.get(cancels..=cancels).unwrap_or_default();
    let inquiry_config = config_with(key, client, 0, Some(false)).expect("a config");
    let inquiry_host = host_for(script(inquiry_answer, key, client));
    let inquiry = run(inquire_with(&inquiry_host, &inquiry_config, &id))
        .expect("the scripted host never waits");
    assert_eq!(inquiry_host.attempts(), 1);
    if let Ok(found) = &inquiry {
        // A decoded inquiry is of the requested payment, with its required fields.
        assert!(id.matches(&found.payment_request_id), "{found:?}");
        assert!(PaymentRequestId::is_guid(
            &found.payment_request_activity_id
        ));
    }
    // The fields of a structured answer tell the outcome without the decoder, mostly.
    let decided = match input.attempts.get(cancels) {
        Some(Attempt::Inquiry {
            status,
            envelope,
            tail,
        }) => envelope.decides(status.code(), tail),
        None | Some(Attempt::Network(_) | Attempt::NotAResponse(_)) => Some(None),
        Some(Attempt::Timeout | Attempt::Aborted | Attempt::Setup(_)) => Some(None),
        Some(Attempt::Answer { .. }) => None,
    };

    match (&inquiry, &outcome) {
        (Ok(found), Ok(result)) if found.payment_type_id == 2 => {
            oracle::assert_confirmed_by(result, found);
            check_result(result, &id);
            if let Some(decided) = decided {
                assert_eq!(decided, Some(result.payment_status), "{input:?}");
            }
        }
        (_, Err(error)) => {
            // Not shown cancelled (or not shown at all): the original error, with what was
            // found added to its message.
            assert!(
                !matches!(&inquiry, Ok(found) if found.payment_type_id == 2),
                "an inquiry that shows the cancellation must resolve: {inquiry:?} {error:?}"
            );
            if let Some(decided) = decided {
                assert_eq!(decided, None, "{input:?}");
            }
            assert_eq!(error.kind(), plain.kind());
            assert_eq!(error.http_status(), plain.http_status());
            assert_eq!(error.client_message(), plain.client_message());
            assert_eq!(error.paywall_message(), plain.paywall_message());
            assert_eq!(error.error_code(), plain.error_code());
            assert_eq!(error.retryable(), plain.retryable());
            check_error(error, cancels, max_retries, key, client);
            if (key, client) == (KEY, CLIENT) {
                let message = error.message();
                assert!(
                    message.starts_with(plain.message())
                        && message[plain.message().len()..].starts_with("; an inquiry "),
                    "{message:?} after {:?}",
                    plain.message()
                );
            }
        }
        (_, Ok(result)) => panic!("resolved {result:?} though the inquiry gave {inquiry:?}"),
    }
});
