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
use super::text::excerpt;
use super::wire::{CancelRequest, CancelResult, Envelope};

/// Longest answer body this client will decode or quote. Envelopes are a few hundred bytes;
/// refusing megabytes keeps a broken or hostile server from growing memory that a
/// WebAssembly instance never gives back.
pub const MAX_BODY_CHARS: u32 = 64 * 1024;

/// How much of an unexpected body an error message quotes.
const EXCERPT_CHARS: usize = 160;

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

/// An answer, as far as this client needs it. The body and the headers stay in the host's
/// own representation (a JS string stays in JS) until the core asks for them, so that an
/// answer that needs none of its headers costs no header reads.
pub struct HttpResponse<B, Hd> {
    /// The HTTP status; 0 for a browser's opaque redirect (with `redirect: "manual"`, a
    /// browser hides a redirect's status and target).
    pub status: u16,
    /// The headers.
    pub headers: Hd,
    /// The body text.
    pub body: B,
}

/// Why an attempt produced no answer.
#[derive(Clone, Debug, PartialEq)]
pub enum SendFailure {
    /// The fetch failed: no connection, a dropped connection, a failed body read. The text
    /// describes the cause (it is redacted before it leaves).
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
    /// The body of an answer, in the host's representation.
    type Body;

    /// The headers of an answer, in the host's representation.
    type Headers;

    /// Sends one attempt and reads its whole answer within `request.timeout_ms`.
    async fn send(
        &self,
        request: &HttpRequest<'_>,
    ) -> Result<HttpResponse<Self::Body, Self::Headers>, SendFailure>;

    /// One header of an answer (`name` in lowercase), if it is there.
    fn header(&self, headers: &Self::Headers, name: &'static str) -> Option<String>;

    /// Waits `ms` milliseconds, or fails with [`SendFailure::Aborted`] if the caller aborts.
    async fn sleep(&self, ms: u32) -> Result<(), SendFailure>;

    /// Milliseconds since the Unix epoch, for `Retry-After` dates.
    fn now_ms(&self) -> f64;

    /// A random number in `[0, 1)`, for backoff jitter.
    fn random(&self) -> f64;

    /// The body's length in characters (UTF-16 units in JS), without copying it.
    fn body_len(&self, body: &Self::Body) -> u32;

    /// The whole body as text. Only asked for bodies of at most [`MAX_BODY_CHARS`].
    fn body_text(&self, body: &Self::Body) -> String;

    /// The first `max_chars` characters of the body, for a message.
    fn body_start(&self, body: &Self::Body, max_chars: u32) -> String;
}

/// Cancels `id` on Paywall through `host`, retrying transient failures as the config allows.
///
/// Whatever the outcome, the returned error carries the number of requests sent and never
/// contains a private key.
pub async fn cancel_with<H: Host>(
    host: &H,
    config: &Config,
    id: &PaymentRequestId,
) -> Result<CancelResult, Error> {
    let request = HttpRequest::cancel(config, id);
    let mut attempts: u32 = 0;
    let error = loop {
        attempts += 1;
        let (error, headers) = match host.send(&request).await {
            Ok(response) => match interpret(host, &response, id) {
                Ok(result) => return Ok(result),
                Err(error) => (error, Some(response.headers)),
            },
            Err(failure) => (
                failure_error(failure, &request, "before Paywall answered"),
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
            break failure_error(failure, &request, &waiting);
        }
    };
    Err(error
        .finish(attempts, &id.to_string())
        .redact(&config.secrets()))
}

/// The error for an attempt that produced no answer.
fn failure_error(failure: SendFailure, request: &HttpRequest<'_>, while_doing: &str) -> Error {
    match failure {
        SendFailure::Network(cause) => Error::network(request.url, &cause, true),
        SendFailure::NotAResponse(what) => Error::network(request.url, &what, false),
        SendFailure::Timeout => Error::timeout(request.url, request.timeout_ms),
        SendFailure::Aborted => Error::aborted(true, while_doing),
        SendFailure::Setup(problem) => Error::config(problem),
    }
}

/// Reads an answer: the cancel's result, or the error it amounts to.
pub fn interpret<H: Host>(
    host: &H,
    response: &HttpResponse<H::Body, H::Headers>,
    id: &PaymentRequestId,
) -> Result<CancelResult, Error> {
    let status = response.status;
    let length = host.body_len(&response.body);
    let is_success = (200..300).contains(&status);
    if status == 0 || (300..400).contains(&status) {
        let location = host
            .header(&response.headers, "location")
            .as_deref()
            .map(|to| excerpt(to, EXCERPT_CHARS));
        let status = (status != 0).then_some(status);
        return Err(Error::redirect(status, location.as_deref()));
    }
    let envelope = if length > MAX_BODY_CHARS {
        Err(format!(
            "the body is {length} characters long, far more than an envelope"
        ))
    } else {
        json::from_str::<Envelope>(&host.body_text(&response.body))
    };
    match envelope {
        Ok(envelope) if is_success => read_envelope(status, envelope, id),
        Ok(envelope) if !envelope.succeeded => Err(api_error(status, &envelope)),
        Ok(_) => Err(Error::http(
            status,
            "an envelope that claims success, which a failed status contradicts",
        )),
        Err(problem) if is_success => Err(Error::decode(status, &problem)),
        Err(_) => {
            let shown = if length == 0 {
                String::from("an empty body")
            } else {
                let start = host.body_start(&response.body, EXCERPT_CHARS as u32 + 1);
                format!("the body starts \"{}\"", excerpt(&start, EXCERPT_CHARS))
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
) -> Result<CancelResult, Error> {
    if envelope.failed == Some(envelope.succeeded) {
        return Err(Error::decode(
            status,
            "it says succeeded and failed are both the same",
        ));
    }
    if !envelope.succeeded {
        return Err(api_error(status, &envelope));
    }
    let Some(result) = envelope.result else {
        return Err(Error::decode(status, "it says succeeded but has no result"));
    };
    result
        .complete(id)
        .map_err(|problem| Error::decode(status, &problem))
}

fn api_error(status: u16, envelope: &Envelope) -> Error {
    Error::api(
        status,
        envelope.error_code,
        envelope.message.as_deref(),
        envelope.client_message.as_deref(),
    )
}

#[cfg(test)]
mod tests;
