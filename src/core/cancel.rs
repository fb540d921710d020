//! The cancel itself: build the request, send it through a [`Host`], read the answer, and
//! retry while the policy allows.
//!
//! The procedure is pure Rust and generic over the host, so the same code that runs over
//! fetch in a JS runtime runs over a scripted host in native tests.

use super::config::Config;
use super::error::Error;
use super::json;
use super::payment_request_id::PaymentRequestId;
use super::retry;
use super::secrets::Secrets;
use super::wire::{CancelRequest, CancelResult, Envelope};

/// Longest answer body this client reads, in bytes. Envelopes are a few hundred bytes. A
/// host stops reading at this limit (see [`HttpResponse::too_large`]): fetch inflates a
/// compressed answer by itself, so a small gzip answer can grow into gigabytes, and only a
/// read that stops keeps a broken or hostile server from exhausting the process's memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How much of an unexpected body or a redirect's target an error message quotes.
const EXCERPT_CHARS: usize = 160;

/// How much of a fetch failure's text, or of Paywall's own message, a message quotes.
const CAUSE_CHARS: usize = 300;

/// How much of Paywall's text error code a message quotes; real codes are under 60.
const CODE_CHARS: usize = 120;

/// One HTTP request, ready for the host to send.
pub struct HttpRequest<'a> {
    /// Absolute URL of Async Cancel.
    pub url: &'a str,
    /// Header names (lowercase) and values, the two private keys among them.
    pub headers: [(&'static str, &'a str); 4],
    /// The JSON body.
    pub body: CancelRequest<'a>,
    /// Per-attempt deadline in milliseconds, covering the whole exchange.
    pub timeout_ms: u32,
}

impl std::fmt::Debug for HttpRequest<'_> {
    /// Shows header names only: two of the values are private keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("headers", &names)
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl<'a> HttpRequest<'a> {
    /// The Async Cancel request for `id`, exactly as Paywall documents it.
    pub fn cancel(config: &'a Config, id: &'a PaymentRequestId) -> Self {
        HttpRequest {
            url: config.cancel_url(),
            headers: [
                ("content-type", "application/json"),
                ("accept", "application/json"),
                ("apikeyprivate", config.api_key_private().expose()),
                ("apiclientprivate", config.api_client_private().expose()),
            ],
            body: CancelRequest {
                payment_request_id: id,
            },
            timeout_ms: config.timeout_ms(),
        }
    }
}

/// An answer, as far as this client needs it. The headers stay in the host's own
/// representation until the core asks for one, so that an answer that needs none of its
/// headers costs no header reads.
pub struct HttpResponse<Hd> {
    /// The HTTP status; 0 for a browser's opaque redirect (with `redirect: "manual"`, a
    /// browser hides a redirect's status and target).
    pub status: u16,
    /// The headers.
    pub headers: Hd,
    /// The body as text (UTF-8, invalid sequences replaced): all of it, or, when
    /// `too_large`, its first [`MAX_BODY_BYTES`].
    pub body: String,
    /// True when the body went on past [`MAX_BODY_BYTES`] and the host stopped reading it
    /// there (and released the connection).
    pub too_large: bool,
}

/// Why an attempt produced no answer. The texts are raw, as the runtime gave them (they
/// may echo a key): the core quotes them through [`Secrets::quote`] before any message
/// holds them.
#[derive(Clone, Debug, PartialEq)]
pub enum SendFailure {
    /// The fetch failed: no connection, a dropped connection, a failed body read.
    Network(String),
    /// The fetch function answered with something that is not a Response; retrying the same
    /// function cannot help.
    NotAResponse(String),
    /// The attempt's deadline passed.
    Timeout,
    /// The caller's signal fired.
    Aborted,
    /// The request could not be prepared: the runtime lacks a facility, or a caller's
    /// object (its signal) threw when used. Reported as a config problem, never retried.
    Setup(String),
}

/// What the procedure needs from the runtime it runs in.
#[allow(async_fn_in_trait)] // The hosts are single-threaded JS runtimes: no Send bound wanted.
pub trait Host {
    /// The headers of an answer, in the host's representation.
    type Headers;

    /// Sends one attempt and reads its answer within `request.timeout_ms`: the whole body,
    /// or, if it is longer than [`MAX_BODY_BYTES`], its start, stopping the read there.
    async fn send(
        &self,
        request: &HttpRequest<'_>,
    ) -> Result<HttpResponse<Self::Headers>, SendFailure>;

    /// One header of an answer (`name` in lowercase), if it is there.
    fn header(&self, headers: &Self::Headers, name: &'static str) -> Option<String>;

    /// Waits `ms` milliseconds, or fails with [`SendFailure::Aborted`] if the caller aborts.
    async fn sleep(&self, ms: u32) -> Result<(), SendFailure>;

    /// Milliseconds since the Unix epoch, for `Retry-After` dates.
    fn now_ms(&self) -> f64;

    /// A random number in `[0, 1)`, for backoff jitter.
    fn random(&self) -> f64;
}

/// Cancels `id` on Paywall through `host`, retrying transient failures as the config allows.
///
/// Whatever the outcome, the returned error carries the number of requests sent and holds
/// no fragment of a private key.
pub async fn cancel_with<H: Host>(
    host: &H,
    config: &Config,
    id: &PaymentRequestId,
) -> Result<CancelResult, Error> {
    let secrets = config.secrets();
    let id_text = id.to_string();
    if secrets.shares_fragment_with_guid(&id_text) {
        return Err(Error::input(
            "paymentRequestId holds part of a private key: pass the PaymentRequestId GUID that \
             Paywall returned for the sale, never apiKeyPrivate or apiClientPrivate",
        ));
    }
    let request = HttpRequest::cancel(config, id);
    let mut attempts: u32 = 0;
    let error = loop {
        attempts += 1;
        let (error, headers) = match host.send(&request).await {
            Ok(response) => match interpret(host, &response, id, &secrets) {
                Ok(result) => return Ok(result),
                Err(error) => (error, Some(response.headers)),
            },
            Err(failure) => (
                failure_error(failure, &request, "before Paywall answered", &secrets),
                None,
            ),
        };
        if attempts > config.max_retries() || !retry::is_retried_automatically(&error) {
            break error;
        }
        let retry_after = headers.and_then(|headers| host.header(&headers, "retry-after"));
        let delay = retry::delay_before_retry(
            attempts,
            retry_after.as_deref(),
            host.now_ms(),
            host.random(),
        );
        if let Err(failure) = host.sleep(delay).await {
            let waiting = format!("while waiting to retry after: {}", error.message());
            break failure_error(failure, &request, &waiting, &secrets);
        }
    };
    Err(error.finish(attempts, &id_text).seal(&secrets))
}

/// The error for an attempt that produced no answer.
fn failure_error(
    failure: SendFailure,
    request: &HttpRequest<'_>,
    while_doing: &str,
    secrets: &Secrets<'_>,
) -> Error {
    match failure {
        SendFailure::Network(cause) => {
            Error::network(request.url, &secrets.quote(&cause, CAUSE_CHARS), true)
        }
        SendFailure::NotAResponse(what) => {
            Error::network(request.url, &secrets.quote(&what, CAUSE_CHARS), false)
        }
        SendFailure::Timeout => Error::timeout(request.url, request.timeout_ms),
        SendFailure::Aborted => Error::aborted(true, while_doing),
        SendFailure::Setup(problem) => Error::setup(&secrets.quote(&problem, CAUSE_CHARS)),
    }
}

/// Reads an answer: the cancel's result, or the error it amounts to. Every text of the
/// answer that an error quotes goes through `secrets`.
pub fn interpret<H: Host>(
    host: &H,
    response: &HttpResponse<H::Headers>,
    id: &PaymentRequestId,
    secrets: &Secrets<'_>,
) -> Result<CancelResult, Error> {
    let status = response.status;
    let is_success = (200..300).contains(&status);
    if status == 0 || (300..400).contains(&status) {
        let location = host
            .header(&response.headers, "location")
            .map(|to| secrets.quote(&to, EXCERPT_CHARS));
        let status = (status != 0).then_some(status);
        return Err(Error::redirect(status, location.as_ref()));
    }
    let body = &response.body;
    if response.too_large {
        let problem = format!(
            "the answer is too large: over {MAX_BODY_BYTES} bytes, where an envelope is a few \
             hundred, so reading stopped there"
        );
        return Err(if is_success {
            Error::decode(status, &problem)
        } else {
            let start = secrets.quote(body, EXCERPT_CHARS);
            Error::http(status, &format!("{problem}; it starts \"{start}\""))
        });
    }
    match json::from_str::<Envelope>(body) {
        Ok(envelope) if is_success => read_envelope(status, envelope, id, secrets),
        Ok(envelope) if !envelope.succeeded => Err(api_error(status, &envelope, secrets)),
        Ok(_) => Err(Error::http(
            status,
            "an envelope that claims success, which a failed status contradicts",
        )),
        Err(problem) if is_success => Err(Error::decode(status, &problem)),
        Err(_) => {
            let start = secrets.quote(body, EXCERPT_CHARS);
            let shown = if start.is_empty() {
                String::from("an empty body")
            } else {
                format!("the body starts \"{start}\"")
            };
            Err(Error::http(status, &shown))
        }
    }
}

/// A 2xx envelope: success with a complete result for the requested payment, or Paywall's
/// refusal.
fn read_envelope(
    status: u16,
    envelope: Envelope,
    id: &PaymentRequestId,
    secrets: &Secrets<'_>,
) -> Result<CancelResult, Error> {
    if envelope.failed == Some(envelope.succeeded) {
        return Err(Error::decode(
            status,
            "it says succeeded and failed are both the same",
        ));
    }
    if !envelope.succeeded {
        return Err(api_error(status, &envelope, secrets));
    }
    let Some(result) = envelope.result else {
        return Err(Error::decode(status, "it says succeeded but has no result"));
    };
    result
        .complete(id)
        .map_err(|problem| Error::decode(status, &problem))
}

/// Paywall's refusal. Its message and code are Paywall's text, but Paywall's answer is
/// foreign text like any other: quoted, so that a hostile answer cannot forge log lines or
/// flood a log.
fn api_error(status: u16, envelope: &Envelope, secrets: &Secrets<'_>) -> Error {
    let quote = |text: &Option<String>, max_chars| {
        text.as_deref().map(|text| secrets.quote(text, max_chars))
    };
    Error::api(
        status,
        envelope.error_code,
        quote(&envelope.message, CAUSE_CHARS).as_ref(),
        quote(&envelope.client_message, CODE_CHARS).as_ref(),
    )
}

#[cfg(test)]
mod tests;
