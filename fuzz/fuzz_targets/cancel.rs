//! The whole cancel procedure against answers and failures the fuzzer chooses: decoding, the
//! retry loop and its waits, error construction and redaction, and the reconciliation of a
//! lost answer by one inquiry. Nothing may panic, and whatever comes out must keep the
//! promises the README and issue 13 make.
//!
//! The call is the library's sans-IO state machine (`Call`), driven by its `Script`: the
//! script answers every request in order, cancels (POST) and the inquiry (GET) alike, and
//! records the requests and the waits. Each input is run twice on the same script and seed:
//! once with `reconcile: false` (the plain cancel), and once with the input's own setting.
//! The second run must be the first one, plus, exactly when the outcome was unknown, one
//! inquiry that decides it. The first step of a call is also checked on its own: the request
//! exactly as Paywall documents it, and a signal that fired before the start.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::script::{answer, failed, options, Script};
use paywall_edge::core::{
    Answer, Call, CancelResult, CancelState, Config, ConfigOptions, ConfirmedBy, Error, ErrorKind,
    Event, Failure, Operation, Outcome, PaymentInquiry, PaymentRequestId, Secrets, Step,
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
/// What the script records for the inquiry of ID: a GET of its URL, with no body.
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
    /// When every answer came: what an HTTP-date `Retry-After` is measured from.
    now_ms: f64,
    /// The seed of the call's jitter (the old host's `random` knob: the waits now come from
    /// a generator inside the call, so they are checked against their ranges).
    seed: u64,
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

/// A config for the script with these keys, retries and reconciliation.
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

/// The script of an input, with `key` and `client` echoed where the fuzzer asked; every
/// answer came at `now_ms`.
fn script(attempts: &[Attempt], key: &str, client: &str, now_ms: f64) -> Vec<Event> {
    let at = |event: Event| match event {
        Event::Answer(answer) => Event::Answer(Answer { now_ms, ..answer }),
        other => other,
    };
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
                let location = location.as_ref().map(|value| {
                    if *echo_keys {
                        format!("{value}{pad}{key}")
                    } else {
                        value.clone()
                    }
                });
                let mut text = envelope.as_ref().map(envelope_json).unwrap_or_default();
                text.push_str(body);
                if *echo_keys {
                    let json_key = serde_json::to_string(key).unwrap_or_default();
                    text = text
                        .replace('x', &format!("{pad}{key}"))
                        .replace('y', client)
                        .replace('z', &json_key);
                }
                // The headers travel in the answer now: the script's answer (its body cut at
                // the driver's limit), with them.
                match answer(status.code(), &text) {
                    Event::Answer(answer) => Event::Answer(Answer {
                        retry_after: retry_after.clone(),
                        location,
                        now_ms,
                        ..answer
                    }),
                    other => panic!("the script's answer is {other:?}"),
                }
            }
            Attempt::Inquiry {
                status,
                envelope,
                tail,
            } => at(answer(status.code(), &format!("{}{tail}", envelope.json()))),
            Attempt::Network(cause) => failed(Failure::Network(format!("{cause} {key}"))),
            Attempt::NotAResponse(what) => {
                failed(Failure::NotAResponse(format!("{what} {client}")))
            }
            Attempt::Timeout => failed(Failure::Timeout),
            Attempt::Aborted => failed(Failure::Aborted),
            Attempt::Setup(problem) => failed(Failure::Setup(format!("{problem}{key}"))),
        })
        .collect()
}

/// The `Retry-After` an attempt's answer carried.
fn retry_after(attempt: Option<&Attempt>) -> Option<&str> {
    match attempt {
        Some(Attempt::Answer { retry_after, .. }) => retry_after.as_deref(),
        _ => None,
    }
}

/// A cancel's result, from what its call resolved with.
fn cancelled(outcome: Result<Outcome, Error>) -> Result<CancelResult, Error> {
    outcome.map(|outcome| match outcome {
        Outcome::Cancelled(result) => result,
        other => panic!("a cancel resolved with {other:?}"),
    })
}

/// An inquiry's result, from what its call resolved with.
fn inquired(outcome: Result<Outcome, Error>) -> Result<PaymentInquiry, Error> {
    outcome.map(|outcome| match outcome {
        Outcome::Inquired(inquiry) => inquiry,
        other => panic!("an inquiry resolved with {other:?}"),
    })
}

/// The first step of a cancel of `id`: the request exactly as Paywall documents it, its
/// headers the config's keys (and the request's Debug shows none of them); or, for an id
/// that holds part of a key, the refusal, with nothing sent. A signal that fired before the
/// start sends nothing either.
fn check_first_step(config: &Config, id: &PaymentRequestId, seed: u64, refused: bool) {
    let (key, client) = (
        config.api_key_private().expose(),
        config.api_client_private().expose(),
    );
    let mut call = Call::new(config, Operation::Cancel(*id), seed);
    match call.next(None) {
        Step::Send(request) => {
            assert!(!refused, "an id that holds part of a key was sent");
            assert_eq!(request.method, "POST");
            assert_eq!(
                request.url,
                "https://paywall.example/api/payment/async/cancel"
            );
            assert_eq!(
                request.body.as_deref(),
                Some(format!(r#"{{"PaymentRequestId":"{ID}"}}"#).as_str())
            );
            assert_eq!(request.timeout_ms, 1_000);
            assert_eq!(
                request.headers(),
                [
                    ("content-type", "application/json"),
                    ("accept", "application/json"),
                    ("apikeyprivate", key),
                    ("apiclientprivate", client),
                ]
            );
            if (key, client) == (KEY, CLIENT) {
                fixed_printed().assert_none_in(&format!("{request:?}"));
            }
        }
        Step::Done(Err(error)) if refused => {
            assert_eq!(error.kind(), ErrorKind::Input, "{error:?}");
            assert_eq!(error.attempts(), 0);
        }
        other => panic!("a cancel started with {other:?}"),
    }
    let mut call = Call::new(config, Operation::Cancel(*id), seed);
    match call.next(Some(Event::Failed(Failure::Aborted))) {
        Step::Done(Err(error)) => {
            assert_eq!(error.kind(), ErrorKind::Aborted, "{error:?}");
            assert_eq!(error.attempts(), 0);
            assert!(!error.retryable());
            oracle::Fragments::of(&[key, client]).assert_none_in(error.message());
            if (key, client) == (KEY, CLIENT) {
                assert!(error.message().contains("no request was sent"), "{error}");
            }
        }
        other => panic!("a cancel aborted before it started went on with {other:?}"),
    }
}

/// The pieces of the fixed keys that the printed forms (Display, Debug, JSON) must not hold.
fn fixed_printed() -> &'static oracle::Fragments {
    static PRINTED: OnceLock<oracle::Fragments> = OnceLock::new();
    PRINTED.get_or_init(|| oracle::Fragments::as_printed(&[KEY, CLIENT]))
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
        let json = serde_json::to_string(&error).expect("serializable");
        fixed_printed().assert_none_in(&format!("{error} {error:?} {json}"));
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
    // The loop stopped for a reason: no retries left, or not a retried failure (a cancel
    // changes the payment: a timed-out one is not retried).
    assert!(
        error.attempts() == max_retries + 1
            || !oracle::is_retried_automatically(error, true)
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
    let script_for = |events: Vec<Event>| {
        let mut script = Script::new(events);
        script.abort_sleep = input.abort_sleep;
        script
    };
    let events = || script(&input.attempts, key, client, input.now_ms);
    let plain_host = script_for(events());
    let plain =
        cancelled(plain_host.run(Call::new(&plain_config, Operation::Cancel(id), input.seed)));
    let host = script_for(events());
    let outcome = cancelled(host.run(Call::new(&config, Operation::Cancel(id), input.seed)));

    let (cancels, inquiries) = (host.sent_with("POST"), host.sent_with("GET"));
    assert_eq!(cancels + inquiries, host.attempts(), "a POST or a GET only");
    // The cancel itself does not depend on the reconciliation: the same attempts, in order,
    // and the same waits between them (the same seed).
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
    assert_eq!(host.sleeps, plain_host.sleeps);

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
    let refused = id_holds_a_key || redaction_would_cut_the_id;
    check_first_step(&config, &id, input.seed, refused);
    if refused {
        let error = outcome.expect_err("an id that holds part of a key is refused");
        assert_eq!(error.kind(), ErrorKind::Input);
        assert_eq!((host.attempts(), error.attempts()), (0, 0));
        assert!(host.sleeps.borrow().is_empty());
        return;
    }
    assert!(
        cancels >= 1 && cancels <= max_retries as usize + 1,
        "{cancels} cancel attempts"
    );
    // One wait before each retry, of what the failed attempt's answer asked or of the
    // backoff; with a signal that fires during every wait, one wait at most, which ends the
    // call.
    let sleeps = host.sleeps.borrow();
    if input.abort_sleep {
        assert_eq!(cancels, 1, "a wait cut short ends the call");
        assert!(sleeps.len() <= 1, "{sleeps:?}");
    } else {
        assert_eq!(sleeps.len(), cancels - 1, "{sleeps:?}");
    }
    for (at, &wait) in sleeps.iter().enumerate() {
        let retry = at as u32 + 1;
        oracle::assert_wait(
            wait,
            retry,
            retry_after(input.attempts.get(at)),
            input.now_ms,
        );
    }
    if let Err(error) = &plain {
        check_error(error, cancels, max_retries, key, client);
        if input.abort_sleep && !sleeps.is_empty() {
            assert_eq!(error.kind(), ErrorKind::Aborted, "{error:?}");
            // (Its words are the library's own, except where a key of the fuzzer's choosing
            // overlaps them, and redaction takes them out with it.)
            if (key, client) == (KEY, CLIENT) {
                assert!(
                    error.message().contains("while waiting to retry after: "),
                    "{error}"
                );
            }
        }
    }
    if let Ok(result) = &plain {
        check_result(result, &id);
        assert_eq!(result.confirmed_by, ConfirmedBy::Response);
        assert!(sleeps.len() < cancels, "a wait that was cut short resolved");
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
    let inquiry_host = script_for(script(inquiry_answer, key, client, input.now_ms));
    let inquiry = inquired(inquiry_host.run(Call::new(
        &inquiry_config,
        Operation::Inquiry(id),
        input.seed,
    )));
    assert_eq!(inquiry_host.attempts(), 1);
    assert_eq!(
        inquiry_host.sent.borrow().first().map(String::as_str),
        Some(INQUIRY_SENT)
    );
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
