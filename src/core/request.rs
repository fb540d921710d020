//! The request pipeline every operation goes through: build the request, send it through a
//! [`Host`], read Paywall's envelope, retry while the policy allows, and seal the error.
//!
//! An operation ([`Operation`]) only names what differs: its method and path, its body, the
//! shape of its `result` and how to check it. URL, headers, attempts, retry decisions,
//! envelope decoding and every error text are written once, here, so that a fix to any of
//! them reaches every endpoint at once. The pipeline is pure Rust and generic over the host,
//! so the same code that runs over fetch in a JS runtime runs over a scripted host in native
//! tests.

use serde::de::DeserializeOwned;

use super::config::Config;
use super::error::Error;
use super::json;
use super::payment_request_id::PaymentRequestId;
use super::retry;
use super::secrets::Secrets;
use super::wire::Envelope;

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

/// What an operation is, for messages and for the retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// What the operation is called in messages: "cancel", "inquiry".
    pub name: &'static str,
    /// Whether a request may change the payment. A timed-out attempt of such a request
    /// may still be carried out, so it is not retried automatically; one that changes
    /// nothing (a GET) is.
    pub changes_state: bool,
}

/// One endpoint of Paywall's API, as the pipeline needs it.
pub trait Operation {
    /// What the `result` of Paywall's envelope is read into (leniently: a refusal may come
    /// with a partial result).
    type Answer: DeserializeOwned;
    /// What the operation resolves with.
    type Output;

    /// The operation's name and retry policy.
    const ACTION: Action;

    /// The payment the operation is about.
    fn payment_request_id(&self) -> &PaymentRequestId;

    /// `GET` or `POST`.
    fn method(&self) -> &'static str;

    /// The absolute URL, below the config's base address.
    fn url(&self, config: &Config) -> String;

    /// The JSON body, for a request that has one.
    fn body(&self) -> Option<String>;

    /// The output for a successful envelope's result, or what is wrong with it.
    fn complete(&self, answer: Self::Answer) -> Result<Self::Output, String>;
}

/// One HTTP request, ready for the host to send.
pub struct HttpRequest<'a> {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Header names (lowercase) and values, the two private keys among them.
    pub headers: Vec<(&'static str, &'a str)>,
    /// The JSON body, when the request has one.
    pub body: Option<String>,
    /// Per-attempt deadline in milliseconds, covering the whole exchange.
    pub timeout_ms: u32,
}

impl std::fmt::Debug for HttpRequest<'_> {
    /// Shows header names only: two of the values are private keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl<'a> HttpRequest<'a> {
    /// The request for `operation`, exactly as Paywall documents it: its method, URL and
    /// body, `accept` and the two private key headers, and `content-type` when there is a
    /// body.
    pub fn new<O: Operation>(config: &'a Config, operation: &O) -> Self {
        let body = operation.body();
        let mut headers = Vec::with_capacity(4);
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        headers.push(("accept", "application/json"));
        headers.push(("apikeyprivate", config.api_key_private().expose()));
        headers.push(("apiclientprivate", config.api_client_private().expose()));
        HttpRequest {
            method: operation.method(),
            url: operation.url(config),
            headers,
            body,
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

/// What the pipeline needs from the runtime it runs in.
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

/// Performs `operation` through `host`, retrying transient failures up to `max_retries`
/// times.
///
/// Whatever the outcome, the returned error carries the number of requests sent and the
/// payment it was for, and holds no fragment of a private key.
pub async fn perform<H: Host, O: Operation>(
    host: &H,
    config: &Config,
    operation: &O,
    max_retries: u32,
) -> Result<O::Output, Error> {
    let (output, _attempts) = perform_counted(host, config, operation, max_retries).await?;
    Ok(output)
}

/// [`perform`], also saying how many requests the success took: for an operation that is
/// one step of a call whose own error must count them (a callback confirmed by inquiry).
pub async fn perform_counted<H: Host, O: Operation>(
    host: &H,
    config: &Config,
    operation: &O,
    max_retries: u32,
) -> Result<(O::Output, u32), Error> {
    let secrets = config.secrets();
    let id = operation.payment_request_id().to_string();
    if secrets.shares_fragment_with_guid(&id) {
        return Err(Error::input(
            "paymentRequestId holds part of a private key: pass the PaymentRequestId GUID that \
             Paywall returned for the sale, never apiKeyPrivate or apiClientPrivate",
        ));
    }
    let action = O::ACTION;
    let request = HttpRequest::new(config, operation);
    let mut attempts: u32 = 0;
    let error = loop {
        attempts += 1;
        let (error, headers) = match host.send(&request).await {
            Ok(response) => match interpret(host, &response, operation, &secrets) {
                Ok(output) => return Ok((output, attempts)),
                Err(error) => (error, Some(response.headers)),
            },
            Err(failure) => (
                failure_error(
                    failure,
                    &request,
                    action,
                    "before Paywall answered",
                    &secrets,
                ),
                None,
            ),
        };
        if attempts > max_retries || !retry::is_retried_automatically(&error, action) {
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
            break failure_error(failure, &request, action, &waiting, &secrets);
        }
    };
    Err(error.finish(attempts, &id).seal(&secrets))
}

/// The error for an attempt that produced no answer.
fn failure_error(
    failure: SendFailure,
    request: &HttpRequest<'_>,
    action: Action,
    while_doing: &str,
    secrets: &Secrets<'_>,
) -> Error {
    match failure {
        SendFailure::Network(cause) => {
            Error::network(&request.url, &secrets.quote(&cause, CAUSE_CHARS), true)
        }
        SendFailure::NotAResponse(what) => {
            Error::network(&request.url, &secrets.quote(&what, CAUSE_CHARS), false)
        }
        SendFailure::Timeout => Error::timeout(&request.url, request.timeout_ms, action),
        SendFailure::Aborted => Error::aborted(action, true, while_doing),
        SendFailure::Setup(problem) => Error::setup(&secrets.quote(&problem, CAUSE_CHARS)),
    }
}

/// Reads an answer: the operation's output, or the error it amounts to. Every text of the
/// answer that an error quotes goes through `secrets`.
pub fn interpret<H: Host, O: Operation>(
    host: &H,
    response: &HttpResponse<H::Headers>,
    operation: &O,
    secrets: &Secrets<'_>,
) -> Result<O::Output, Error> {
    let action = O::ACTION;
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
            Error::decode(status, action, &problem)
        } else {
            let start = secrets.quote(body, EXCERPT_CHARS);
            Error::http(status, &format!("{problem}; it starts \"{start}\""))
        });
    }
    match json::from_str::<Envelope<O::Answer>>(body) {
        Ok(envelope) if is_success => read_envelope(status, envelope, operation, secrets),
        Ok(envelope) if !envelope.succeeded => Err(api_error(status, &envelope, action, secrets)),
        Ok(_) => Err(Error::http(
            status,
            "an envelope that claims success, which a failed status contradicts",
        )),
        Err(problem) if is_success => Err(Error::decode(status, action, &problem)),
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

/// A 2xx envelope: success with a complete result, or Paywall's refusal.
fn read_envelope<O: Operation>(
    status: u16,
    envelope: Envelope<O::Answer>,
    operation: &O,
    secrets: &Secrets<'_>,
) -> Result<O::Output, Error> {
    let action = O::ACTION;
    if envelope.failed == Some(envelope.succeeded) {
        return Err(Error::decode(
            status,
            action,
            "it says succeeded and failed are both the same",
        ));
    }
    if !envelope.succeeded {
        return Err(api_error(status, &envelope, action, secrets));
    }
    let Some(answer) = envelope.result else {
        return Err(Error::decode(
            status,
            action,
            "it says succeeded but has no result",
        ));
    };
    operation
        .complete(answer)
        .map_err(|problem| Error::decode(status, action, &problem))
}

/// Paywall's refusal. Its message and code are Paywall's text, but Paywall's answer is
/// foreign text like any other: quoted, so that a hostile answer cannot forge log lines or
/// flood a log.
fn api_error<R>(
    status: u16,
    envelope: &Envelope<R>,
    action: Action,
    secrets: &Secrets<'_>,
) -> Error {
    let quote = |text: &Option<String>, max_chars| {
        text.as_deref().map(|text| secrets.quote(text, max_chars))
    };
    Error::api(
        status,
        action,
        envelope.error_code,
        quote(&envelope.message, CAUSE_CHARS).as_ref(),
        quote(&envelope.client_message, CODE_CHARS).as_ref(),
    )
}
