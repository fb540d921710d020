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
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

use crate::core::{
    browser_refused, Answer, Call, CancelResult, Config, Error, Event, Failure, Operation, Outcome,
    PaymentInquiry, PaymentRequestId, Request, Step, MAX_BODY_BYTES,
};
use crate::js::{self, failure, Local};

/// What the JS world adds to a [`Config`] for one call (a cancel or an inquiry).
///
/// The fields are plain `JsValue`s, set most easily through [`CallOptions::signal`] and
/// [`CallOptions::fetch`], which take a `web_sys::AbortSignal` or a `js_sys::Function` (or
/// anything that converts into a `JsValue`). Naming those types here would link js-sys into
/// the npm package's module, which costs it 1.2 KB gzip for code no call runs.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// An `AbortSignal` (or an object that behaves like one): aborts the call, the attempt
    /// in flight and any wait before a retry.
    pub signal: Option<JsValue>,
    /// A fetch-compatible function to use instead of the global `fetch` (a test double,
    /// a Workers service binding, an instrumented fetch). Called as
    /// `fetch(url, { method, headers, body, signal, redirect })` with `this` undefined.
    pub fetch: Option<JsValue>,
}

impl CallOptions {
    /// These options with `signal` (a `web_sys::AbortSignal`).
    pub fn signal(mut self, signal: impl Into<JsValue>) -> Self {
        self.signal = Some(signal.into());
        self
    }

    /// These options with `fetch` (a `js_sys::Function` like fetch).
    pub fn fetch(mut self, fetch: impl Into<JsValue>) -> Self {
        self.fetch = Some(fetch.into());
        self
    }
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
                .ok_or_else(|| Error::config("CallOptions.signal must be an AbortSignal"))?,
        ),
        None => None,
    };
    let fetch = match &options.fetch {
        Some(fetch) if fetch.is_function() => FetchFunction::Custom(fetch.clone()),
        Some(_) => {
            return Err(Error::config(
                "CallOptions.fetch must be a function like fetch",
            ))
        }
        None => FetchFunction::global()?,
    };
    let prepared = Rc::new(PreparedConfig::new(config.clone()));
    let ending = Rc::new(RefCell::new(Ending::default()));
    spawn(
        prepared,
        operation,
        fetch,
        signal,
        Report::Rust(Rc::clone(&ending)),
    );
    Finished(ending).await
}

/// A checked [`Config`] with the JS values that every request made from it sends: the
/// cancel's URL and the headers (the private keys among them) become JS values once per
/// config, on its first request, instead of once per call. The bindings keep the last one
/// between calls.
pub(crate) struct PreparedConfig {
    config: Config,
    /// Each filled on its first use. A `Cell` of an `Option`, filled explicitly, rather than
    /// a `OnceCell`: its `get_or_init` brings a "reentrant init" panic path into the module.
    cancel_url: Cell<Option<JsValue>>,
    /// The headers of a request with a body (a POST) and of one without (a GET), as the
    /// lists transport.js makes each attempt's headers from.
    headers_with_body: Cell<Option<JsValue>>,
    headers_without_body: Cell<Option<JsValue>>,
}

impl PreparedConfig {
    pub(crate) fn new(config: Config) -> Self {
        PreparedConfig {
            config,
            cancel_url: Cell::new(None),
            headers_with_body: Cell::new(None),
            headers_without_body: Cell::new(None),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The URL of `request`: the cancel's, made once; another (an inquiry's, which holds
    /// the payment's id) each time.
    fn url(&self, request: &Request<'_>) -> JsValue {
        if request.url != self.config.cancel_url() {
            return JsValue::from_str(request.url);
        }
        kept(&self.cancel_url, || JsValue::from_str(request.url))
    }

    /// The headers of `request`, as the list of names and values transport.js makes each
    /// attempt's headers from (an object that inherits nothing: a prototype-pollution bug
    /// elsewhere in the program can neither receive a key through a setter nor throw while
    /// it is made). They depend only on the config and on whether the request has a body
    /// (see [`Request::headers`]), so the first request of each kind serves all.
    fn headers(&self, request: &Request<'_>) -> JsValue {
        let cell = if request.body.is_some() {
            &self.headers_with_body
        } else {
            &self.headers_without_body
        };
        kept(cell, || {
            let mut lines = String::new();
            for (name, value) in request.header_pairs() {
                lines.push_str(name);
                lines.push('\n');
                lines.push_str(value);
                lines.push('\n');
            }
            js::lines_of(&lines)
        })
    }
}

/// The value `cell` keeps, made by `make` on its first use (see [`PreparedConfig`]).
fn kept(cell: &Cell<Option<JsValue>>, make: impl FnOnce() -> JsValue) -> JsValue {
    let value = cell.take().unwrap_or_else(make);
    cell.set(Some(value.clone()));
    value
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
        Some(js::global_fetch())
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

/// A call's config as the call holds it: shared with the bindings' cache of the last config.
struct SharedConfig(Rc<PreparedConfig>);

impl Deref for SharedConfig {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.0.config
    }
}

/// Where a call's end goes.
pub(crate) enum Report {
    /// The promise a JS caller holds, made by transport.js's `begin` for the call's slot.
    Promise,
    /// The future a Rust caller awaits.
    Rust(Rc<RefCell<Ending>>),
}

/// The end of a call a Rust caller awaits, once there is one.
#[derive(Default)]
pub(crate) struct Ending {
    outcome: Option<Result<Outcome, Error>>,
    waker: Option<Waker>,
}

/// A Rust caller's wait for [`Ending`].
struct Finished(Rc<RefCell<Ending>>);

impl Future for Finished {
    type Output = Result<Outcome, Error>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let Ok(mut ending) = self.0.try_borrow_mut() else {
            // Only the driver borrows it, and never across a poll: unreachable in practice.
            context.waker().wake_by_ref();
            return Poll::Pending;
        };
        match ending.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                ending.waker = Some(context.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A call in flight, between the steps its driver takes.
struct Running {
    call: Call<SharedConfig>,
    prepared: Rc<PreparedConfig>,
    fetch: JsValue,
    /// Whether `fetch` is `config.fetch` (called with `this` undefined) rather than the
    /// global one (called on `globalThis`).
    custom_fetch: bool,
    signal: JsValue,
    /// What transport.js will report for this call: an attempt's outcome, or a wait's end.
    awaiting: Awaiting,
    report: Report,
}

#[derive(Clone, Copy)]
enum Awaiting {
    Answer,
    WaitEnd,
}

/// A slot of the table of calls in flight. The slot's number is how transport.js names the
/// call when it reports an attempt or a wait, and whose promise `finish` settles.
// Most entries hold a call; a box would cost an allocation per call.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Free,
    /// Taken out of the table while the driver works on it.
    Busy,
    Running(Running),
}

static CALLS: Local<Vec<Entry>> = Local::new(Vec::new());

/// Whether transport.js has found [`resume_call`] (see [`js::set_resume`]), once.
static RESUME_FOUND: Local<bool> = Local::new(false);

/// Starts a call: the checks before anything is sent (the browser guard, a signal that has
/// already fired), then its first step. Returns the promise a JS caller gets
/// ([`Report::Promise`]). Every call, whatever its operation, is driven by the same few
/// functions: nothing is generic, nothing is async, no executor runs; the call's state
/// machine sits in a table between the steps that transport.js reports.
pub(crate) fn spawn(
    prepared: Rc<PreparedConfig>,
    operation: Operation,
    fetch: FetchFunction,
    signal: Option<Signal>,
    report: Report,
) -> Option<JsValue> {
    let connected = RESUME_FOUND
        .with(|found| {
            if !*found {
                *found = js::set_resume(&wasm_bindgen::exports());
            }
            *found
        })
        .unwrap_or(false);
    let slot = CALLS
        .with(
            |calls| match calls.iter().position(|entry| matches!(entry, Entry::Free)) {
                Some(free) => {
                    if let Some(entry) = calls.get_mut(free) {
                        *entry = Entry::Busy;
                    }
                    free as u32
                }
                None => {
                    calls.push(Entry::Busy);
                    calls.len() as u32 - 1
                }
            },
        )
        .unwrap_or(u32::MAX);
    let promise = matches!(report, Report::Promise).then(|| js::begin(slot));
    let signal = signal.map_or(JsValue::UNDEFINED, |signal| signal.0);
    let (fetch, custom_fetch) = match fetch {
        FetchFunction::Custom(function) => (function, true),
        FetchFunction::Global(function) => (function, false),
    };
    let seed = next_seed();
    let refused = !prepared.config.allows_browser() && js::is_browser();
    let running = Running {
        call: Call::new(SharedConfig(Rc::clone(&prepared)), operation, seed),
        prepared,
        fetch,
        custom_fetch,
        // A signal that fired before the call is the call's first event: nothing is sent.
        awaiting: Awaiting::Answer,
        signal,
        report,
    };
    // One call of `end` for both refusals, so that its code and the moves into it are not
    // made twice.
    let refusal = if slot == u32::MAX || !connected {
        // The table is only ever borrowed while no JS runs, and the module always exports
        // resume_call: unreachable in practice.
        Some(Error::config(
            "paywall-edge could not start the call: its table is in use, or its module is incomplete",
        ))
    } else if refused {
        Some(browser_refused())
    } else {
        None
    };
    match refusal {
        Some(error) => end(slot, running.report, Err(error)),
        None => {
            let aborted = !running.signal.is_undefined() && js::is_aborted(&running.signal);
            let first = aborted.then_some(Event::Failed(Failure::Aborted));
            advance(slot, running, first);
        }
    }
    promise
}

/// The state of the generator of the calls' seeds (SplitMix64), seeded once from
/// `Math.random`: one call into JS per process instead of one per call.
static SEEDS: Local<u64> = Local::new(0);

/// A seed for a call's jitter (see [`Call::new`]).
fn next_seed() -> u64 {
    SEEDS
        .with(|state| {
            if *state == 0 {
                *state = (js::random() * 9_007_199_254_740_992.0) as u64 | 1;
            }
            *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .unwrap_or(1)
}

/// transport.js's one way back into the module: how the attempt or wait of the call in
/// `slot` ended, in one call. An attempt reports its HTTP status (0 to 999) or a
/// [`failure`] code, the body or what happened (`text`), whether the body went on past the
/// limit, and the `Retry-After` and `Location` headers of an answer that is not 2xx (strings,
/// or undefined); a wait reports 1 when it ran to its end, 0 when the caller's signal cut it
/// short.
///
/// An export that transport.js calls straight on the instance (it finds it through
/// [`js::set_resume`]), rather than a `Closure`: no glue runs between, and the module carries
/// no closure machinery (its wrapper, its drop guard, the `throw` import). Not part of the
/// package's API: `make package` lists no export whose name starts with `__`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __paywallResume, skip_typescript)]
pub fn resume_call(
    slot: u32,
    code: u32,
    text: JsValue,
    too_large: bool,
    retry_after: JsValue,
    location: JsValue,
) {
    let running = CALLS
        .with(|calls| {
            let entry = calls.get_mut(slot as usize)?;
            match core::mem::replace(entry, Entry::Busy) {
                Entry::Running(running) => Some(running),
                other => {
                    *entry = other;
                    None
                }
            }
        })
        .flatten();
    let Some(running) = running else { return };
    let text = text.as_string().unwrap_or_default();
    let event = match (running.awaiting, code) {
        (Awaiting::WaitEnd, 1) => Event::Waited,
        (Awaiting::WaitEnd, _) => Event::Failed(Failure::Aborted),
        (Awaiting::Answer, failure::SETUP) => Event::Failed(Failure::Setup(text)),
        (Awaiting::Answer, failure::NETWORK) => Event::Failed(Failure::Network(text)),
        (Awaiting::Answer, failure::NOT_A_RESPONSE) => Event::Failed(Failure::NotAResponse(text)),
        (Awaiting::Answer, failure::TIMEOUT) => Event::Failed(Failure::Timeout),
        (Awaiting::Answer, failure::ABORTED) => Event::Failed(Failure::Aborted),
        (Awaiting::Answer, status) => {
            let retry_after = retry_after.as_string();
            Event::Answer(Answer {
                // transport.js gives a whole number from 0 to 999 here.
                status: status.min(999) as u16,
                body: text,
                too_large,
                // Only a `Retry-After` date needs the time.
                now_ms: if retry_after.is_some() {
                    js::now_ms()
                } else {
                    0.0
                },
                retry_after,
                location: location.as_string(),
            })
        }
    };
    advance(slot, running, Some(event));
}

/// Feeds `event` to the call in `slot` and starts what its next step asks for; transport.js
/// reports back through [`resume_call`], never before this returns (it reports from a
/// promise's reaction).
fn advance(slot: u32, mut running: Running, event: Option<Event>) {
    let ended = match running.call.next(event) {
        Step::Send(request) => {
            js::start_attempt(
                slot,
                &running.fetch,
                running.custom_fetch,
                &running.prepared.url(&request),
                // Only a POST has a body (see [`Request`]).
                request.body.is_some(),
                &running.prepared.headers(&request),
                request.body,
                request.timeout_ms,
                &running.signal,
                MAX_BODY_BYTES as u32,
            );
            running.awaiting = Awaiting::Answer;
            None
        }
        Step::Wait(ms) => {
            js::start_sleep(slot, ms, &running.signal);
            running.awaiting = Awaiting::WaitEnd;
            None
        }
        Step::Done(outcome) => Some(outcome),
    };
    match ended {
        Some(outcome) => end(slot, running.report, outcome),
        None => {
            CALLS.with(|calls| {
                if let Some(entry) = calls.get_mut(slot as usize) {
                    *entry = Entry::Running(running);
                }
            });
        }
    }
}

/// Frees `slot` and reports the call's end where it goes.
fn end(slot: u32, report: Report, outcome: Result<Outcome, Error>) {
    CALLS.with(|calls| {
        if let Some(entry) = calls.get_mut(slot as usize) {
            *entry = Entry::Free;
        }
    });
    match report {
        Report::Promise => {
            let (ok, value) = match outcome {
                Ok(outcome) => (true, js::to_js(&outcome)),
                Err(error) => (false, js::to_js(&error)),
            };
            js::finish(slot, ok, &value);
        }
        Report::Rust(ending) => {
            let waker = ending.try_borrow_mut().ok().and_then(|mut ending| {
                ending.outcome = Some(outcome);
                ending.waker.take()
            });
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }
}

/// Whether transport.js writes the failure codes this module reads: the two tables are
/// twins across the boundary, and `tests/transport_cases` pins them together with this.
#[doc(hidden)]
pub fn failure_codes_agree() -> bool {
    [
        ("setup", failure::SETUP),
        ("network", failure::NETWORK),
        ("notAResponse", failure::NOT_A_RESPONSE),
        ("timeout", failure::TIMEOUT),
        ("aborted", failure::ABORTED),
    ]
    .iter()
    .all(|(name, code)| js::failure_code(name) == *code)
}
