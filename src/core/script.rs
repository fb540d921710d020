//! A driver of a [`Call`] that answers from a script, for the tests and the fuzz targets:
//! the same loop as the WebAssembly driver, over a list of events instead of fetch and
//! timers, recording what the call asked for. Built for `cargo test` and with the
//! `scripted` feature (the fuzz targets); never in the shipped module.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use super::call::{Answer, Call, Event, Failure, Operation, Outcome, Step, MAX_BODY_BYTES};
use super::config::{Config, ConfigOptions, Secret};
use super::error::Error;
use crate::text;

/// The seed of the jitter of every scripted call: scripted runs repeat exactly.
pub const SEED: u64 = 0x5eed;

/// Answers each request from a script and records what was asked of it.
#[derive(Default)]
pub struct Script {
    events: RefCell<VecDeque<Event>>,
    /// Every request sent: its method, URL and body, as `"POST https://... {...}"`.
    pub sent: RefCell<Vec<String>>,
    /// Every wait before a retry, in milliseconds.
    pub sleeps: RefCell<Vec<u32>>,
    /// When set, the caller's signal fires during every wait.
    pub abort_sleep: bool,
}

impl Script {
    /// A script that answers the requests with `events`, in order; requests beyond them get
    /// a network failure.
    pub fn new(events: Vec<Event>) -> Self {
        Script {
            events: RefCell::new(events.into()),
            ..Script::default()
        }
    }

    /// Drives `call` to its end.
    pub fn run<C: core::ops::Deref<Target = Config>>(
        &self,
        mut call: Call<C>,
    ) -> Result<Outcome, Error> {
        let mut event = None;
        loop {
            event = Some(match call.next(event.take()) {
                Step::Send(request) => {
                    self.sent.borrow_mut().push(text![
                        request.method,
                        " ",
                        request.url,
                        " ",
                        request.body.unwrap_or_default()
                    ]);
                    self.events.borrow_mut().pop_front().unwrap_or_else(|| {
                        Event::Failed(Failure::Network(String::from(
                            "the script has no more answers",
                        )))
                    })
                }
                Step::Wait(ms) => {
                    self.sleeps.borrow_mut().push(ms);
                    if self.abort_sleep {
                        Event::Failed(Failure::Aborted)
                    } else {
                        Event::Waited
                    }
                }
                Step::Done(outcome) => return outcome,
            });
        }
    }

    /// Runs `operation` with `config` to its end.
    pub fn call(&self, config: &Config, operation: Operation) -> Result<Outcome, Error> {
        self.run(Call::new(config, operation, SEED))
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> usize {
        self.sent.borrow().len()
    }

    /// How many requests were sent with `method` (`"POST"` for cancels, `"GET"` for
    /// inquiries).
    pub fn sent_with(&self, method: &str) -> usize {
        self.sent
            .borrow()
            .iter()
            .filter(|sent| {
                sent.strip_prefix(method)
                    .is_some_and(|rest| rest.starts_with(' '))
            })
            .count()
    }
}

/// The options of a config for a script: its keys, a 1 s timeout and `max_retries`,
/// addressed to a Paywall the script stands in for.
pub fn options(key: &str, client: &str, max_retries: u32) -> ConfigOptions {
    ConfigOptions {
        base_address: Some(String::from("https://paywall.example/")),
        api_key_private: Some(Secret::new(key)),
        api_client_private: Some(Secret::new(client)),
        timeout_ms: Some(1_000),
        max_retries: Some(max_retries),
        ..ConfigOptions::default()
    }
}

/// A config for a script (see [`options`]). An error when the keys are not valid header
/// values.
pub fn config(key: &str, client: &str, max_retries: u32) -> Result<Config, Error> {
    Config::from_options(options(key, client, max_retries))
}

/// A scripted answer with a status and body. A body longer than [`MAX_BODY_BYTES`] is cut
/// there and marked `too_large`, as a driver's bounded read does.
pub fn answer(status: u16, body: &str) -> Event {
    let mut end = body.len().min(MAX_BODY_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    Event::Answer(Answer {
        status,
        body: String::from(body.get(..end).unwrap_or_default()),
        too_large: body.len() > MAX_BODY_BYTES,
        ..Answer::default()
    })
}

/// A scripted answer that also carries a `Retry-After` header.
pub fn answer_retrying_after(status: u16, body: &str, retry_after: &str) -> Event {
    match answer(status, body) {
        Event::Answer(answer) => Event::Answer(Answer {
            retry_after: Some(String::from(retry_after)),
            ..answer
        }),
        other => other,
    }
}

/// A scripted attempt that produced no answer.
pub fn failed(failure: Failure) -> Event {
    Event::Failed(failure)
}
