//! A [`Host`] that answers from a script, for tests and fuzzing: every answer and failure the
//! cancel procedure distinguishes, with no network and no waiting. Built for `cargo test`
//! and with the `scripted-host` feature (the fuzz targets); never in the shipped module.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::config::{Config, ConfigOptions, Secret};
use super::error::Error;
use super::request::{Host, HttpRequest, HttpResponse, SendFailure, MAX_BODY_BYTES};

/// Header names and values of a scripted answer.
pub type Headers = Vec<(&'static str, String)>;

/// One scripted attempt: an answer, or why none came.
pub type Outcome = Result<HttpResponse<Headers>, SendFailure>;

/// Answers each attempt from a script and records what was asked of it.
#[derive(Default)]
pub struct ScriptedHost {
    answers: RefCell<VecDeque<Outcome>>,
    /// Every request sent: its method, URL and body, as `"POST https://... {...}"`.
    pub sent: RefCell<Vec<String>>,
    /// Every wait before a retry, in milliseconds.
    pub sleeps: RefCell<Vec<u32>>,
    /// Every header the procedure read.
    pub headers_read: RefCell<Vec<&'static str>>,
    /// When set, the caller's signal fires during every wait.
    pub abort_sleep: bool,
    /// What `now_ms` answers: the Unix time in milliseconds, for HTTP-date Retry-After.
    pub now_ms: f64,
    /// What `random` answers: the jitter of the backoff, normally in `[0, 1)`.
    pub random: f64,
}

impl ScriptedHost {
    /// A host that answers the attempts with `answers`, in order; attempts beyond them get
    /// a network failure.
    pub fn new(answers: Vec<Outcome>) -> Self {
        ScriptedHost {
            answers: RefCell::new(answers.into()),
            ..ScriptedHost::default()
        }
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> usize {
        self.sent.borrow().len()
    }

    /// How many requests were sent with `method` (`"POST"` for cancels, `"GET"` for
    /// inquiries).
    pub fn sent_with(&self, method: &str) -> usize {
        let prefix = format!("{method} ");
        self.sent
            .borrow()
            .iter()
            .filter(|sent| sent.starts_with(&prefix))
            .count()
    }
}

/// The options of a config for the scripted host: its keys, a 1 s timeout and
/// `max_retries`, addressed to a Paywall the script stands in for.
pub fn options(key: &str, client: &str, max_retries: u32) -> ConfigOptions {
    ConfigOptions {
        base_address: Some("https://paywall.example/".into()),
        api_key_private: Some(Secret::new(key)),
        api_client_private: Some(Secret::new(client)),
        timeout_ms: Some(1_000),
        max_retries: Some(max_retries),
        ..ConfigOptions::default()
    }
}

/// A config for the scripted host (see [`options`]). An error when the keys are not valid
/// header values.
pub fn config(key: &str, client: &str, max_retries: u32) -> Result<Config, Error> {
    Config::from_options(options(key, client, max_retries))
}

/// A scripted answer with a status, headers and body. A body longer than
/// [`MAX_BODY_BYTES`] is cut there and marked `too_large`, as a host's bounded read does.
pub fn answer(status: u16, headers: Headers, body: &str) -> Outcome {
    let mut end = body.len().min(MAX_BODY_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    Ok(HttpResponse {
        status,
        headers,
        body: body.get(..end).unwrap_or_default().to_owned(),
        too_large: body.len() > MAX_BODY_BYTES,
    })
}

/// Runs a future whose every await completes at once, as the scripted host's do; `None` if
/// it waits anyway.
pub fn run<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

impl Host for ScriptedHost {
    type Headers = Headers;

    async fn send(&self, request: &HttpRequest<'_>) -> Outcome {
        let sent = format!(
            "{} {} {}",
            request.method,
            request.url,
            request.body.as_deref().unwrap_or_default()
        );
        self.sent.borrow_mut().push(sent);
        self.answers.borrow_mut().pop_front().unwrap_or_else(|| {
            Err(SendFailure::Network(
                "the script has no more answers".into(),
            ))
        })
    }

    fn header(&self, headers: &Headers, name: &'static str) -> Option<String> {
        self.headers_read.borrow_mut().push(name);
        headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    }

    async fn sleep(&self, ms: u32) -> Result<(), SendFailure> {
        self.sleeps.borrow_mut().push(ms);
        if self.abort_sleep {
            Err(SendFailure::Aborted)
        } else {
            Ok(())
        }
    }

    fn now_ms(&self) -> f64 {
        self.now_ms
    }

    fn random(&self) -> f64 {
        self.random
    }
}
