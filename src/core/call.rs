//! The call engine: one call to Paywall as a state machine that does no I/O.
//!
//! A [`Call`] owns every decision of a call: the request to send, whether a failure is
//! retried and after how long (`Retry-After` included), whether a lost cancel answer is
//! reconciled with an inquiry, how an answer is decoded, what the error says, and that no
//! key is in it. It never sends anything itself. The platform drives it:
//!
//! ```text
//! let mut event = None;
//! loop {
//!     match call.next(event.take()) {
//!         Step::Send(request) => event = Some(send(request)),  // fetch, within request.timeout_ms
//!         Step::Wait(ms) => event = Some(wait(ms)),            // a timer, or the caller's abort
//!         Step::Done(outcome) => return outcome,
//!     }
//! }
//! ```
//!
//! The WebAssembly driver (`src/transport.rs`) is that loop over fetch and timers, once for
//! every operation; the tests are that loop over a list of events. Reconciling a lost cancel
//! answer is a stage of the same call, not a second one: after the cancel's last failed
//! attempt, the next step is the inquiry's request.
//!
//! Tested in: `call/tests.rs` (every row of the fault matrix, step by step), the fuzz
//! targets `cancel`, `inquiry` and `callback`.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;

use super::callback::{confirm_callback, PhysicalPosCallback};
use super::cancel::{self, CancelAnswer, CancelResult};
use super::config::Config;
use super::error::{is_transient_status, Error, ErrorKind};
use super::inquiry::{self, InquiryAnswer, PaymentInquiry};
use super::payment_request_id::PaymentRequestId;
use super::retry::{delay_before_retry, Action};
use super::secrets::Secrets;
use super::wire::{fill_envelope, Envelope};
use crate::text;

/// Longest answer body this client reads, in bytes. Envelopes are a few hundred bytes. A
/// driver stops reading at this limit (see [`Answer::too_large`]): fetch inflates a
/// compressed answer by itself, so a small gzip answer can grow into gigabytes, and only a
/// read that stops keeps a broken or hostile server from exhausting the process's memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why an answer over [`MAX_BODY_BYTES`] is not read (a test checks the number).
const TOO_LARGE: &str = "the answer is too large: over 65536 bytes";

/// How much of an unexpected body or a redirect's target an error message quotes.
const EXCERPT_CHARS: usize = 160;

/// How much of a fetch failure's text, or of Paywall's own message, a message quotes.
const CAUSE_CHARS: usize = 300;

/// How much of Paywall's text error code a message quotes; real codes are under 60.
const CODE_CHARS: usize = 120;

/// The error of a call whose driver reported what the call did not ask for (a bug in the
/// driver): the call ends, rather than guess.
const OUT_OF_STEP: &str = "paywall-edge's driver reported an event the call did not ask for";

/// What a call does.
#[derive(Clone, Debug, PartialEq)]
// One per call, made once: a box would cost an allocation per call for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Operation {
    /// Async Cancel of the payment, reconciled by an inquiry when its outcome is unknown
    /// (unless the config says `reconcile: false`).
    Cancel(PaymentRequestId),
    /// The payment's state.
    Inquiry(PaymentRequestId),
    /// An inquiry of a verified callback's payment, which must agree with the callback
    /// (see [`confirm_callback`]).
    Confirm(PhysicalPosCallback),
}

/// What a call resolves with. Serialized, it is the object the JS promise resolves with:
/// the variant's own, untagged.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // one per call, handed on once
pub enum Outcome {
    /// A cancel Paywall accepted, or whose lost answer an inquiry settled.
    Cancelled(CancelResult),
    /// The payment's state.
    Inquired(PaymentInquiry),
    /// The callback, which Paywall's inquiry confirmed.
    Confirmed(PhysicalPosCallback),
}

/// One HTTP request, ready for a driver to send: a view of the call's request, borrowed for
/// as long as the driver needs it to send.
pub struct Request<'a> {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: &'a str,
    /// The JSON body, when the request has one (then its content type is JSON).
    pub body: Option<&'a str>,
    /// Per-attempt deadline in milliseconds, covering the whole exchange.
    pub timeout_ms: u32,
    keys: [&'a str; 2],
}

impl<'a> Request<'a> {
    /// The headers, names in lowercase: `content-type` when there is a body, `accept`, and
    /// the two private keys. A driver that keeps them per config (the WebAssembly one) makes
    /// them from [`Config`] the same way: they depend only on it and on whether there is a body.
    pub fn headers(&self) -> Vec<(&'static str, &'a str)> {
        self.header_pairs().collect()
    }

    /// The headers of [`Request::headers`], without a `Vec` to hold them.
    pub(crate) fn header_pairs(&self) -> impl Iterator<Item = (&'static str, &'a str)> {
        let [key, client] = self.keys;
        let all = [
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("apikeyprivate", key),
            ("apiclientprivate", client),
        ];
        all.into_iter().skip(usize::from(self.body.is_none()))
    }
}

/// What a call sends next, kept in the call: the URL and body it owns (an inquiry's URL
/// holds the payment's id; the cancel's is the config's).
struct Planned {
    method: &'static str,
    /// `None` for the config's cancel URL.
    url: Option<String>,
    body: Option<String>,
}

impl fmt::Debug for Request<'_> {
    /// Shows header names only: two of the values are private keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers().iter().map(|(name, _)| *name).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// An answer, as far as a call needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// The HTTP status; 0 for a browser's opaque redirect (with `redirect: "manual"`, a
    /// browser hides a redirect's status and target).
    pub status: u16,
    /// The body as text (UTF-8, invalid sequences replaced): all of it, or, when
    /// `too_large`, its first [`MAX_BODY_BYTES`].
    pub body: String,
    /// True when the body went on past [`MAX_BODY_BYTES`] and the driver stopped reading it
    /// there (and released the connection).
    pub too_large: bool,
    /// The `Retry-After` header, when the answer has one. A driver may leave it out of a
    /// 2xx answer, which is never retried.
    pub retry_after: Option<String>,
    /// The `Location` header, when the answer has one. A driver may leave it out of an
    /// answer that is not a redirect (not 3xx, nor the opaque status 0).
    pub location: Option<String>,
    /// When the answer came, in milliseconds since the Unix epoch: what a `Retry-After`
    /// date is measured from.
    pub now_ms: f64,
}

/// Why an attempt produced no answer. The texts are raw, as the runtime gave them (they
/// may echo a key): the call quotes them through [`Secrets::quote`] before any message
/// holds them.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The fetch failed: no connection, a dropped connection, a failed body read.
    Network(String),
    /// The fetch function answered with something that is not a Response; retrying the same
    /// function cannot help.
    NotAResponse(String),
    /// The attempt's deadline passed.
    Timeout,
    /// The caller's signal fired (during an attempt, or during a wait).
    Aborted,
    /// The request could not be prepared: the runtime lacks a facility, refused the request
    /// by its permissions, or a caller's object (its signal) threw when used. Reported as a
    /// config problem, never retried.
    Setup(String),
}

/// What happened since the last step.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The request of [`Step::Send`] was answered.
    Answer(Answer),
    /// The request of [`Step::Send`] produced no answer, or the wait of [`Step::Wait`] was
    /// cut short ([`Failure::Aborted`]).
    Failed(Failure),
    /// The wait of [`Step::Wait`] is over.
    Waited,
}

/// What the driver does next.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // the last step of a call holds its outcome, once
pub enum Step<'a> {
    /// Send this request, then report its [`Event::Answer`] or [`Event::Failed`].
    Send(Request<'a>),
    /// Wait this many milliseconds, then report [`Event::Waited`] (or
    /// [`Event::Failed`]`(Aborted)` if the caller aborts).
    Wait(u32),
    /// The call is over.
    Done(Result<Outcome, Error>),
}

/// Where a call is.
enum Stage {
    /// Nothing sent yet.
    Start,
    /// The operation's request is out.
    Attempting,
    /// Waiting to retry after the attempt that failed with this error.
    Waiting(Error),
    /// The cancel failed with this error (finished and sealed) and its outcome is unknown:
    /// the inquiry that settles it is out.
    Reconciling(Error),
    /// Done: nothing more happens.
    Over,
}

/// One call to Paywall: see the module documentation. `C` is how the call holds its
/// config: a reference (`&Config`), or a shared pointer when the call outlives the code
/// that started it (the WebAssembly driver keeps calls in flight in a table).
pub struct Call<C> {
    config: C,
    operation: Operation,
    /// The payment the call is about (a confirmation's, once its id is read).
    id: PaymentRequestId,
    /// Why a confirmation cannot start: a callback whose id is no GUID Paywall issues.
    refused: Option<Error>,
    request: Planned,
    stage: Stage,
    /// Requests of the operation sent so far (a reconciling inquiry is not counted).
    attempts: u32,
    /// Whether the request out is the inquiry that reconciles a cancel.
    reconciling: bool,
    /// The state of the generator that spreads the waits before retries (xorshift64*).
    jitter: u64,
}

impl<C: Deref<Target = Config>> Call<C> {
    /// A call of `operation` with the settings of `config`. `seed` (any number, such as a
    /// random one) seeds the jitter of the waits before retries, so that clients that failed
    /// together do not come back together.
    pub fn new(config: C, operation: Operation, seed: u64) -> Self {
        // One match makes the id, the refusal and the first request of each operation.
        let (id, refused, request) = match &operation {
            Operation::Cancel(id) => (
                *id,
                None,
                Planned {
                    method: "POST",
                    url: None,
                    body: Some(cancel::body(id)),
                },
            ),
            Operation::Inquiry(id) => (*id, None, inquiry_request(&config, id)),
            Operation::Confirm(callback) => {
                let (id, refused) = match PaymentRequestId::parse(&callback.payment_request_id) {
                    Ok(id) => (id, None),
                    Err(error) => (PaymentRequestId::NIL, Some(error)),
                };
                (id, refused, inquiry_request(&config, &id))
            }
        };
        Call {
            config,
            operation,
            id,
            refused,
            request,
            stage: Stage::Start,
            attempts: 0,
            reconciling: false,
            jitter: seed | 1,
        }
    }

    /// The request out now, as a driver sends it.
    fn request(&self) -> Request<'_> {
        let config = &*self.config;
        Request {
            method: self.request.method,
            url: self
                .request
                .url
                .as_deref()
                .unwrap_or_else(|| cancel::url(config)),
            body: self.request.body.as_deref(),
            timeout_ms: config.timeout_ms(),
            keys: [
                config.api_key_private().expose(),
                config.api_client_private().expose(),
            ],
        }
    }

    /// The next step, given what happened since the last one: `None` to start, or
    /// `Some(Event::Failed(Failure::Aborted))` to start a call whose signal has already
    /// fired (nothing is sent).
    pub fn next(&mut self, event: Option<Event>) -> Step<'_> {
        let asked = matches!(
            (&self.stage, &event),
            (Stage::Start, None | Some(Event::Failed(Failure::Aborted)))
                | (
                    Stage::Attempting | Stage::Waiting(_) | Stage::Reconciling(_),
                    Some(_)
                )
        );
        if !asked {
            // A driver that reports what was not asked for (a bug in it): the call ends,
            // rather than guess.
            return Step::Done(Err(Error::config(OUT_OF_STEP)));
        }
        let stage = core::mem::replace(&mut self.stage, Stage::Over);
        let next = match (stage, &event) {
            (Stage::Start, None) => self.start(),
            (Stage::Attempting, Some(event)) => self.attempted(event),
            (Stage::Waiting(_), Some(Event::Waited)) => {
                self.attempts += 1;
                Next::Send(Stage::Attempting)
            }
            (Stage::Reconciling(original), Some(event)) => {
                // The inquiry's own error only lends its kind and codes to the note that
                // `reconciled` adds to the original one.
                let found = match self.read(event) {
                    Ok(Outcome::Inquired(inquiry)) => Ok(inquiry),
                    // An inquiry's answer is read as an inquiry: never met.
                    Ok(_) => Err(Error::config(OUT_OF_STEP)),
                    Err(error) => Err(error),
                };
                Next::Done(match cancel::reconciled(original, found) {
                    Ok(cancelled) => Ok(Outcome::Cancelled(cancelled)),
                    Err(error) => Err(error.seal(&self.config.secrets())),
                })
            }
            // What is left is the caller's signal: it fired before anything was sent, or
            // during a wait (nothing else cuts a wait short).
            (stage, _) => {
                let while_doing = match &stage {
                    Stage::Waiting(error) => {
                        text!["while waiting to retry after: ", error.message()]
                    }
                    _ => String::from("before the call started"),
                };
                let aborted = self.failure_error(&Failure::Aborted, &while_doing);
                Next::Done(Err(
                    self.concluded(aborted.finish(self.attempts, self.id_text()))
                ))
            }
        };
        match next {
            Next::Send(stage) => {
                self.stage = stage;
                Step::Send(self.request())
            }
            Next::Wait(error, ms) => {
                self.stage = Stage::Waiting(error);
                Step::Wait(ms)
            }
            Next::Done(outcome) => Step::Done(outcome),
        }
    }

    /// The checks before the first request: an id Paywall issued (a callback's), and one
    /// that holds no part of a key.
    fn start(&mut self) -> Next {
        if let Some(error) = self.refused.take() {
            return Next::Done(Err(self.concluded(error)));
        }
        if self
            .config
            .secrets()
            .shares_fragment_with_guid(&self.id.as_text())
        {
            let error = Error::input(
                "paymentRequestId holds part of a private key: pass the GUID Paywall returned \
                 for the sale, never a key",
            );
            return Next::Done(Err(self.concluded(error)));
        }
        self.attempts = 1;
        Next::Send(Stage::Attempting)
    }

    /// After an attempt of the operation: its outcome, a retry, or the end.
    fn attempted(&mut self, event: &Event) -> Next {
        let error = match self.read(event) {
            Ok(Outcome::Inquired(inquiry)) if matches!(self.operation, Operation::Confirm(_)) => {
                return Next::Done(self.confirm(&inquiry));
            }
            Ok(outcome) => return Next::Done(Ok(outcome)),
            Err(error) => error,
        };
        let action = self.action();
        if self.attempts > self.config.max_retries() || !is_retried_automatically(&error, action) {
            let error = self.finished(error);
            if self.reconciles(&error) {
                self.request = inquiry_request(&self.config, &self.id);
                self.reconciling = true;
                return Next::Send(Stage::Reconciling(error));
            }
            return Next::Done(Err(self.concluded(error)));
        }
        let (retry_after, now_ms) = match event {
            Event::Answer(answer) => (answer.retry_after.as_deref(), answer.now_ms),
            _ => (None, 0.0),
        };
        let delay = delay_before_retry(self.attempts, retry_after, now_ms, self.next_jitter());
        Next::Wait(error, delay)
    }

    /// The callback of this confirmation, if Paywall's `inquiry` of its payment agrees with
    /// it. The call ends here: the callback is handed on, not copied.
    fn confirm(&mut self, inquiry: &PaymentInquiry) -> Result<Outcome, Error> {
        if let Operation::Confirm(callback) = &self.operation {
            if let Err(error) = confirm_callback(callback, inquiry) {
                // Sealed like every error a call returns, although it quotes only codes and
                // the id was checked against the keys before it was sent.
                return Err(self.finished(error));
            }
        }
        match core::mem::replace(&mut self.operation, Operation::Inquiry(self.id)) {
            Operation::Confirm(callback) => Ok(Outcome::Confirmed(callback)),
            // Only a confirmation is confirmed: never met.
            _ => Err(Error::config(OUT_OF_STEP)),
        }
    }

    /// Whether this failed cancel is reconciled with an inquiry (see the module doc).
    fn reconciles(&self, error: &Error) -> bool {
        matches!(self.operation, Operation::Cancel(_))
            && self.config.reconciles()
            && cancel::outcome_is_unknown(error)
    }

    /// `error` with the attempts made and the payment, sealed against the keys.
    fn finished(&self, error: Error) -> Error {
        error
            .finish(self.attempts, self.id_text())
            .seal(&self.config.secrets())
    }

    /// The call's error as it leaves: a confirmation's failure is never a verdict on the
    /// callback (see [`Error::unconfirmed`]).
    fn concluded(&self, error: Error) -> Error {
        let error = error.seal(&self.config.secrets());
        match self.operation {
            Operation::Confirm(_) => error.unconfirmed(),
            _ => error,
        }
    }

    /// The payment the call is about, as errors name it (a callback's as it wrote it).
    fn id_text(&self) -> String {
        match &self.operation {
            Operation::Confirm(callback) => callback.payment_request_id.clone(),
            _ => self.id.as_text(),
        }
    }

    /// What the request out now is, for messages and the retry policy.
    fn action(&self) -> Action {
        match self.reading() {
            Reading::Cancel => cancel::ACTION,
            Reading::Inquiry => inquiry::ACTION,
        }
    }

    /// Which `result` the request out now is answered with.
    fn reading(&self) -> Reading {
        match self.operation {
            Operation::Cancel(_) if !self.reconciling => Reading::Cancel,
            _ => Reading::Inquiry,
        }
    }

    /// The next number of the jitter generator, in `[0, 1)`.
    fn next_jitter(&mut self) -> f64 {
        self.jitter ^= self.jitter >> 12;
        self.jitter ^= self.jitter << 25;
        self.jitter ^= self.jitter >> 27;
        let value = self.jitter.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (value >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Reads what an attempt of the request out now produced: its outcome, or the error it
    /// amounts to. Borrowed, so that the caller still has the answer's `Retry-After`.
    fn read(&self, event: &Event) -> Result<Outcome, Error> {
        match event {
            Event::Answer(answer) => self.interpret(answer),
            Event::Failed(failure) => Err(self.failure_error(failure, "before Paywall answered")),
            Event::Waited => Err(Error::config(OUT_OF_STEP)),
        }
    }

    /// The error for an attempt that produced no answer.
    fn failure_error(&self, failure: &Failure, while_doing: &str) -> Error {
        let request = self.request();
        let action = self.action();
        // The runtime's text, and whether the failure is a network one (and retryable).
        let (cause, network) = match failure {
            Failure::Network(cause) => (cause, Some(true)),
            Failure::NotAResponse(what) => (what, Some(false)),
            Failure::Setup(problem) => (problem, None),
            Failure::Timeout => {
                return Error::timeout(
                    request.url,
                    request.timeout_ms,
                    action.name,
                    action.changes_state,
                )
            }
            Failure::Aborted => {
                let request_sent = self.attempts > 0;
                return Error::aborted(
                    action.name,
                    action.changes_state,
                    request_sent,
                    while_doing,
                );
            }
        };
        let cause = self.config.secrets().quote(cause, CAUSE_CHARS);
        match network {
            Some(retryable) => Error::network(request.url, &cause, retryable),
            None => Error::setup(cause),
        }
    }

    /// Reads an answer: the outcome, or the error it amounts to. Every text of the answer
    /// that an error quotes goes through the call's secrets.
    fn interpret(&self, answer: &Answer) -> Result<Outcome, Error> {
        let secrets = self.config.secrets();
        let name = self.action().name;
        let status = answer.status;
        let is_success = (200..300).contains(&status);
        if status == 0 || (300..400).contains(&status) {
            let location = answer
                .location
                .as_deref()
                .map(|location| secrets.quote(location, EXCERPT_CHARS));
            return Err(Error::redirect(
                (status != 0).then_some(status),
                location.as_ref(),
            ));
        }
        // The result, read in place into an empty one of the kind expected.
        let mut result = match self.reading() {
            Reading::Cancel => Read::Cancel(CancelAnswer::default()),
            Reading::Inquiry => Read::Inquiry(InquiryAnswer::default()),
        };
        let mut envelope = Envelope::default();
        let read = if answer.too_large {
            Err(String::from(TOO_LARGE))
        } else {
            fill_envelope(
                &answer.body,
                &mut envelope,
                &mut |reader| match &mut result {
                    Read::Cancel(answer) => answer.read_from(reader),
                    Read::Inquiry(answer) => answer.read_from(reader),
                },
            )
        };
        // A problem (Ok) or an error (Err): every failure leaves by the one exit below, so
        // that the envelope and the result are dropped in one place, not once per arm.
        let problem = match read.map(|()| &envelope) {
            Ok(envelope) if is_success && envelope.failed == Some(envelope.succeeded) => Ok(
                String::from("it says succeeded and failed are both the same"),
            ),
            Ok(envelope) if !envelope.succeeded => Err(api_error(status, envelope, name, &secrets)),
            Ok(_) if !is_success => Err(Error::http(
                status,
                "an envelope that claims success despite the failed status",
            )),
            Ok(envelope) => match result {
                _ if !envelope.has_result => {
                    Ok(String::from("it says succeeded but has no result"))
                }
                Read::Cancel(answer) => match answer.complete(&self.id) {
                    Ok(cancelled) => return Ok(Outcome::Cancelled(cancelled)),
                    Err(problem) => Ok(problem),
                },
                Read::Inquiry(answer) => match answer.complete(&self.id) {
                    Ok(inquired) => return Ok(Outcome::Inquired(inquired)),
                    Err(problem) => Ok(problem),
                },
            },
            Err(problem) if is_success => Ok(problem),
            // A failed status without an envelope: what its body starts with says what
            // answered (a proxy's page, a gateway's error).
            Err(problem) => {
                let start = secrets.quote(&answer.body, EXCERPT_CHARS);
                let detail = if answer.too_large {
                    text![problem, "; it starts \"", start, "\""]
                } else if start.is_empty() {
                    String::from("an empty body")
                } else {
                    text!["the body starts \"", start, "\""]
                };
                Err(Error::http(status, &detail))
            }
        };
        // A problem with a 2xx answer (or its envelope) is a decode error.
        Err(match problem {
            Ok(problem) => Error::decode(status, name, &problem),
            Err(error) => error,
        })
    }
}

/// What `Call::next` does after a stage, before it becomes a [`Step`].
#[allow(clippy::large_enum_variant)] // made and matched at once, never kept
enum Next {
    Send(Stage),
    Wait(Error, u32),
    Done(Result<Outcome, Error>),
}

/// Which `result` an answer holds.
#[derive(Clone, Copy)]
enum Reading {
    Cancel,
    Inquiry,
}

/// A `result`, read.
enum Read {
    Cancel(CancelAnswer),
    Inquiry(InquiryAnswer),
}

/// The inquiry of `id`.
fn inquiry_request(config: &Config, id: &PaymentRequestId) -> Planned {
    Planned {
        method: "GET",
        url: Some(inquiry::url(config, id)),
        body: None,
    }
}

/// Whether the library itself retries `action` after `error` (when retries remain): a
/// failure that is likely transient and says nothing about the payment (no connection; 429,
/// 502, 503, 504), and a timeout of a request that changes nothing. See `retry.rs`.
fn is_retried_automatically(error: &Error, action: Action) -> bool {
    match error.kind() {
        ErrorKind::Network => error.retryable(),
        ErrorKind::Http | ErrorKind::Api => error.http_status().is_some_and(is_transient_status),
        ErrorKind::Timeout => !action.changes_state,
        ErrorKind::Config
        | ErrorKind::Input
        | ErrorKind::Aborted
        | ErrorKind::Decode
        | ErrorKind::Signature => false,
    }
}

/// Paywall's refusal. Its message and code are Paywall's text, but Paywall's answer is
/// foreign text like any other: quoted, so that a hostile answer cannot forge log lines or
/// flood a log.
fn api_error(status: u16, envelope: &Envelope, name: &str, secrets: &Secrets<'_>) -> Error {
    let quote = |text: &Option<String>, max_chars| {
        text.as_deref().map(|text| secrets.quote(text, max_chars))
    };
    Error::api(
        status,
        name,
        envelope.error_code,
        quote(&envelope.message, CAUSE_CHARS).as_ref(),
        quote(&envelope.client_message, CODE_CHARS).as_ref(),
    )
}

#[cfg(test)]
mod tests;
