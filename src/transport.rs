//! The one driver of a [`Call`] in a JS runtime: the loop that turns each step into fetch or
//! a timer and feeds back what happened, the same for every operation (browsers, Cloudflare
//! Workers, Node 18+, Bun, Deno), and the Rust API over it.
//!
//! The call decides everything (what to send, when, how often, what the answer means); this
//! module only sends: one attempt is one call into transport.js and one promise, which calls
//! fetch within the attempt's deadline, reads the body and resolves with the status and the
//! text, or with what went wrong; a wait is one promise of a timer. Everything the caller
//! hands in (a `fetch` function, an `AbortSignal`) and everything such a fetch hands back
//! may misbehave; transport.js catches all of it. This is also why gloo-net is not used
//! here: its `Request::send` panics when fetch resolves to something that is not a
//! `Response`, and its error conversion panics on a non-`Error` rejection.
//!
//! ```no_run
//! # async fn demo() -> Result<(), paywall_edge::Error> {
//! use paywall_edge::{cancel_payment, Config, PaymentRequestId};
//!
//! let config = Config::new(
//!     paywall_edge::TEST_BASE_ADDRESS,
//!     "private key from the merchant panel",
//!     "private client from the merchant panel",
//! )?;
//! let id = PaymentRequestId::parse("72ec8714-d116-4306-8881-38a43c485da9")?;
//! let result = cancel_payment(&config, &id).await?;
//! assert_eq!(result.payment_status, 4);
//! # Ok(())
//! # }
//! ```

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::OnceCell;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{
    browser_refused, Answer, Call, CancelResult, Config, Error, Event, Failure, Operation, Outcome,
    PaymentInquiry, PaymentRequestId, Request, Step, MAX_BODY_BYTES,
};
use crate::js::{self, failure, Settlement};

/// What the JS world adds to a [`Config`] for one call (a cancel or an inquiry).
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// Aborts the call: the attempt in flight and any wait before a retry.
    pub signal: Option<web_sys::AbortSignal>,
    /// A fetch-compatible function to use instead of the global `fetch` (a test double,
    /// a Workers service binding, an instrumented fetch). Called as
    /// `fetch(url, { method, headers, body, signal, redirect })` with `this` undefined.
    pub fetch: Option<Function>,
}

/// Cancels the payment `id` on Paywall with the global `fetch`.
///
/// Retries transient failures as `config` allows, and reconciles a lost answer with an
/// inquiry unless `config` says otherwise (see [`crate::core::Call`]).
pub async fn cancel_payment(config: &Config, id: &PaymentRequestId) -> Result<CancelResult, Error> {
    cancel_payment_with(config, id, &CallOptions::default()).await
}

/// Cancels the payment `id` on Paywall, with a caller's signal or fetch function.
pub async fn cancel_payment_with(
    config: &Config,
    id: &PaymentRequestId,
    options: &CallOptions,
) -> Result<CancelResult, Error> {
    match run_with(config, Operation::Cancel(*id), options).await? {
        Outcome::Cancelled(result) => Ok(result),
        _ => Err(Error::config(
            "paywall-edge's cancel resolved with something else",
        )),
    }
}

/// Asks Paywall for the state of the payment `id`, with the global `fetch`.
pub async fn inquire_payment(
    config: &Config,
    id: &PaymentRequestId,
) -> Result<PaymentInquiry, Error> {
    inquire_payment_with(config, id, &CallOptions::default()).await
}

/// Asks Paywall for the state of the payment `id`, with a caller's signal or fetch function.
pub async fn inquire_payment_with(
    config: &Config,
    id: &PaymentRequestId,
    options: &CallOptions,
) -> Result<PaymentInquiry, Error> {
    match run_with(config, Operation::Inquiry(*id), options).await? {
        Outcome::Inquired(inquiry) => Ok(inquiry),
        _ => Err(Error::config(
            "paywall-edge's inquiry resolved with something else",
        )),
    }
}

/// The Rust API's calls: `operation` with `config` and the options' fetch and signal.
async fn run_with(
    config: &Config,
    operation: Operation,
    options: &CallOptions,
) -> Result<Outcome, Error> {
    let signal = match &options.signal {
        Some(signal) => Some(
            Signal::from_js(signal)
                .ok_or_else(|| Error::config("config.signal must be an AbortSignal"))?,
        ),
        None => None,
    };
    let fetch = match &options.fetch {
        Some(fetch) => FetchFunction::Custom(fetch.into()),
        None => FetchFunction::global()?,
    };
    let prepared = Rc::new(PreparedConfig::new(config.clone()));
    run(prepared, operation, fetch, signal).await
}

/// A checked [`Config`] with the JS values that every request made from it sends: the
/// cancel's URL and the headers (the private keys among them) become JS values once per
/// config, on its first request, instead of once per call. The bindings keep the last one
/// between calls.
pub(crate) struct PreparedConfig {
    config: Config,
    cancel_url: OnceCell<JsValue>,
    /// The headers of a request with a body (a POST) and of one without (a GET), as
    /// templates: transport.js sends a copy of them each time.
    headers_with_body: OnceCell<JsValue>,
    headers_without_body: OnceCell<JsValue>,
}

impl PreparedConfig {
    pub(crate) fn new(config: Config) -> Self {
        PreparedConfig {
            config,
            cancel_url: OnceCell::new(),
            headers_with_body: OnceCell::new(),
            headers_without_body: OnceCell::new(),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The URL of `request`: the cancel's, made once; another (an inquiry's, which holds
    /// the payment's id) each time.
    fn url(&self, request: &Request<'_>) -> JsValue {
        if request.url == self.config.cancel_url() {
            self.cancel_url
                .get_or_init(|| JsValue::from_str(&request.url))
                .clone()
        } else {
            JsValue::from_str(&request.url)
        }
    }

    /// The headers of `request`, as a template. They depend only on the config and on
    /// whether the request has a body (see [`Request::headers`]), so the first request of
    /// each kind serves all. An object that inherits nothing: a prototype-pollution bug
    /// elsewhere in the program can neither receive a key through a setter nor throw while
    /// the module builds it.
    fn headers(&self, request: &Request<'_>) -> &JsValue {
        let cell = if request.body.is_some() {
            &self.headers_with_body
        } else {
            &self.headers_without_body
        };
        cell.get_or_init(|| {
            let headers: Object = Object::create(JsValue::NULL.unchecked_ref());
            for (name, value) in request.headers() {
                // On an object of our own with no prototype: nothing to throw.
                let _ = Reflect::set(
                    &headers,
                    &JsValue::from_str(name),
                    &JsValue::from_str(value),
                );
            }
            headers.into()
        })
    }
}

/// The fetch a call uses: the caller's own, or the runtime's global one, looked up per call
/// so that instrumentation installed after import is honoured.
pub(crate) enum FetchFunction {
    /// `config.fetch`, called with `this` undefined.
    Custom(JsValue),
    /// `globalThis.fetch`, called with `this` = `globalThis` as browsers require.
    Global(JsValue),
}

impl FetchFunction {
    /// The runtime's `fetch`, or a config error in a runtime that has none.
    pub(crate) fn global() -> Result<FetchFunction, Error> {
        js::GLOBAL
            .with(|global| Reflect::get(global, &JsValue::from_str("fetch")).ok())
            .filter(JsValue::is_function)
            .map(FetchFunction::Global)
            .ok_or_else(|| {
                Error::config(
                    "this runtime has no global fetch function: pass one as config.fetch \
                     (Node.js 18 or newer has one built in)",
                )
            })
    }
}

/// The caller's `AbortSignal`, or any object that behaves like one (a polyfill, another
/// realm's): its `addEventListener` and `removeEventListener` are read once, when the call
/// starts, into the record transport.js works with.
pub(crate) struct Signal(JsValue);

impl Signal {
    /// Accepts any object with an `aborted` boolean and `addEventListener` /
    /// `removeEventListener` methods; `None` for anything else.
    pub(crate) fn from_js(target: &JsValue) -> Option<Signal> {
        let record = js::signal_of(target);
        (!record.is_undefined()).then_some(Signal(record))
    }
}

/// Runs `operation` to its end: the checks before anything is sent (the browser guard, a
/// signal that has already fired), then the loop. One loop for every operation, so that
/// nothing async is generic: the module holds one state machine for all of them.
pub(crate) async fn run(
    prepared: Rc<PreparedConfig>,
    operation: Operation,
    fetch: FetchFunction,
    signal: Option<Signal>,
) -> Result<Outcome, Error> {
    let config = prepared.config();
    if !config.allows_browser() && js::is_browser() {
        return Err(browser_refused());
    }
    let signal = signal.map_or(JsValue::UNDEFINED, |signal| signal.0);
    let (function, this, fetch_name) = match &fetch {
        FetchFunction::Custom(function) => (function, JsValue::UNDEFINED, "config.fetch"),
        FetchFunction::Global(function) => (function, js::GLOBAL.with(JsValue::clone), "fetch"),
    };
    let seed = (js::random() * 9_007_199_254_740_992.0) as u64;
    let mut call = Call::new(config, operation, seed);
    // A signal that fired before the call is the call's first event: nothing is sent.
    let mut event = js::is_aborted(&signal).then_some(Event::Failed(Failure::Aborted));
    loop {
        event = Some(match call.next(event.take()) {
            Step::Send(request) => answered(
                Settlement::attempt(
                    function,
                    &this,
                    fetch_name,
                    &prepared.url(request),
                    request.method,
                    prepared.headers(request),
                    request.body.as_deref(),
                    request.timeout_ms,
                    &signal,
                    MAX_BODY_BYTES as u32,
                )
                .await,
            ),
            Step::Wait(ms) => {
                if Settlement::sleep(ms, &signal).await.is_truthy() {
                    Event::Waited
                } else {
                    Event::Failed(Failure::Aborted)
                }
            }
            Step::Done(outcome) => return outcome,
        });
    }
}

/// Whether transport.js writes the failure codes this module reads: the two tables are
/// twins across the boundary, and `tests/transport_cases` pins them together with this.
#[doc(hidden)]
pub fn failure_codes_agree() -> bool {
    let table = js::failure_codes();
    [
        ("setup", failure::SETUP),
        ("network", failure::NETWORK),
        ("notAResponse", failure::NOT_A_RESPONSE),
        ("timeout", failure::TIMEOUT),
        ("aborted", failure::ABORTED),
    ]
    .iter()
    .all(|(name, code)| {
        Reflect::get(&table, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_f64())
            == Some(f64::from(*code))
    })
}

/// The event of an attempt's outcome (transport.js reports one whatever happens; anything
/// else is only a guard).
fn answered(outcome: JsValue) -> Event {
    if !outcome.is_object() {
        return Event::Failed(Failure::Network(String::from(
            "paywall-edge's fetch helper failed",
        )));
    }
    let outcome: js::Outcome = outcome.unchecked_into();
    let code = outcome.code();
    match code {
        failure::SETUP => Event::Failed(Failure::Setup(outcome.text())),
        failure::NETWORK => Event::Failed(Failure::Network(outcome.text())),
        failure::NOT_A_RESPONSE => Event::Failed(Failure::NotAResponse(outcome.text())),
        failure::TIMEOUT => Event::Failed(Failure::Timeout),
        failure::ABORTED => Event::Failed(Failure::Aborted),
        status => {
            let retry_after = outcome.retry_after();
            Event::Answer(Answer {
                // transport.js gives a whole number from 0 to 999 here.
                status: status.min(999) as u16,
                body: outcome.text(),
                too_large: outcome.too_large(),
                // Only a `Retry-After` date needs the time.
                now_ms: if retry_after.is_some() {
                    js::now_ms()
                } else {
                    0.0
                },
                retry_after,
                location: outcome.location(),
            })
        }
    }
}
