//! The only code that calls fetch, timers and `AbortController`: a [`Host`] over the
//! web platform, available in every runtime this crate targets (browsers, Cloudflare
//! Workers, Node 18+, Bun, Deno) without any runtime-specific API.
//!
//! Rust drives each call: the core decides what to send, when, how often, and what the
//! answer means. One attempt is one call into this module's JS half (`src/transport.js`)
//! and one promise: it calls fetch within the attempt's deadline, reads the body, and
//! resolves with the status and the text, or with what went wrong. Everything the caller
//! hands in (a `fetch` function, an `AbortSignal`) and everything such a fetch hands back
//! may misbehave: a getter or a Proxy trap that throws, a promise that rejects with a
//! non-Error, a "response" that is a number, a body stream that errors. In JS each of those
//! is an ordinary `catch`; across the boundary it would need a guarded import per property
//! read (some 60 per call), each of which leaks a slot of wasm-bindgen's externref table
//! when it throws. A JS exception thrown through Rust frames, or a Rust panic, would leave
//! the WebAssembly instance unusable. This is also why gloo-net is not used here: its
//! `Request::send` panics when fetch resolves to something that is not a `Response`, and its
//! error conversion panics on a non-`Error` rejection.
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

use std::cell::{OnceCell, RefCell};

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::core::{
    self, browser_refused, Action, CancelResult, Config, Error, Host, HttpRequest, HttpResponse,
    Operation, PaymentInquiry, PaymentRequestId, PhysicalPosCallback, SendFailure, MAX_BODY_BYTES,
};

/// The imports this module calls. Those that touch a caller's objects are guarded
/// (`catch`): they return `Err` instead of throwing through Rust.
mod js {
    use js_sys::{Array, Object, Promise};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
        pub fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

        /// On objects of our own, made with [`bare_object`]: no prototype, so no inherited
        /// setter to run or to throw.
        #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
        pub fn set(target: &Object, key: &JsValue, value: &JsValue) -> bool;

        /// `Object.create(prototype)`; with null, an object that inherits nothing.
        #[wasm_bindgen(js_namespace = Object, js_name = create)]
        pub fn create(prototype: &JsValue) -> Object;

        /// Whether `value` is a typed array or a DataView. Never throws, and is false for
        /// a Proxy, whatever it pretends to be.
        #[wasm_bindgen(js_namespace = ArrayBuffer, js_name = isView)]
        pub fn is_view(value: &JsValue) -> bool;

        /// `Uint8Array.prototype.set.call(bytes, source)`: copies the elements of `source`
        /// (a `Uint8Array` of our own) into `bytes`, a view of this module's memory.
        #[wasm_bindgen(js_namespace = Uint8Array, js_name = "prototype.set.call", catch)]
        pub fn copy_bytes(bytes: &mut [u8], source: &JsValue) -> Result<(), JsValue>;

        /// `Object.prototype.toString.call(value)`: "[object ArrayBuffer]" for an
        /// ArrayBuffer of any realm.
        #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call, catch)]
        pub fn object_tag(value: &JsValue) -> Result<String, JsValue>;

        /// `Reflect.construct(target, arguments)`, guarded: a detached buffer or a revoked
        /// Proxy throws.
        #[wasm_bindgen(js_namespace = Reflect, js_name = construct, catch)]
        pub fn construct(target: &JsValue, arguments: &Array) -> Result<JsValue, JsValue>;

        /// The realm's `Uint8Array` constructor.
        #[wasm_bindgen(thread_local_v2, js_name = Uint8Array)]
        pub static UINT8_ARRAY: JsValue;

        /// The global object. Not `js_sys::global()`, which prefers `self` and `window` to
        /// `globalThis`: where a DOM emulation (jsdom, happy-dom) has defined `window` in
        /// Node, that is the emulation's window, which has no fetch of the runtime's.
        #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
        pub static GLOBAL: JsValue;
    }

    /// The JS half of this module (src/transport.js): each function returns or resolves
    /// normally whatever its arguments do, so these imports need no guard.
    #[wasm_bindgen(module = "/src/transport.js")]
    extern "C" {
        /// What `attempt` resolves with.
        pub type Outcome;

        /// The HTTP status (0 to 999), or one of the failure codes above 999.
        #[wasm_bindgen(method, getter)]
        pub fn code(this: &Outcome) -> u32;

        /// The body, or what happened.
        #[wasm_bindgen(method, getter)]
        pub fn text(this: &Outcome) -> String;

        #[wasm_bindgen(method, getter, js_name = tooLarge)]
        pub fn too_large(this: &Outcome) -> bool;

        /// The response's `headers`, read with [`header`].
        #[wasm_bindgen(method, getter)]
        pub fn headers(this: &Outcome) -> JsValue;

        /// One attempt: the fetch, within its deadline, and the body; resolves with an
        /// [`Outcome`].
        #[allow(clippy::too_many_arguments)]
        pub fn attempt(
            fetch: &JsValue,
            this: &JsValue,
            fetch_name: &JsValue,
            url: &JsValue,
            method: &JsValue,
            headers: &Object,
            body: &JsValue,
            timeout_ms: u32,
            signal: &JsValue,
            max_bytes: u32,
        ) -> Promise;

        /// Resolves with true after `ms`, or with false as soon as `signal` fires.
        pub fn sleep(ms: u32, signal: &JsValue) -> Promise;

        /// `headers.get(name)`, bounded; undefined when it throws or is not a string.
        pub fn header(headers: &JsValue, name: &JsValue) -> Option<String>;

        /// Reads the fields `names` of a caller's settings object in one call: their
        /// values, then the index of the read that threw (or -1), the first own key that
        /// is not one of `names` (or undefined), and whether the first `remembered` values
        /// are those of `last`.
        #[wasm_bindgen(js_name = readSettings)]
        pub fn read_settings(
            target: &JsValue,
            names: &Array,
            remembered: u32,
            last: &JsValue,
        ) -> Array;

        /// Whether a caller's settings object has the setting `key`, whatever its value.
        #[wasm_bindgen(js_name = hasSetting)]
        pub fn has_setting(target: &JsValue, key: &JsValue) -> bool;

        /// Whether this runtime is a browser (a page or a web worker).
        #[wasm_bindgen(js_name = isBrowser)]
        pub fn is_browser() -> bool;

        /// The caller's AbortSignal as the attempt reads it (`{ target, addListener,
        /// removeListener }`, its methods read once), or undefined if it is not one.
        #[wasm_bindgen(js_name = signalOf)]
        pub fn signal_of(value: &JsValue) -> JsValue;

        /// Whether a signal from [`signal_of`] has fired.
        #[wasm_bindgen(js_name = isAborted)]
        pub fn is_aborted(signal: &JsValue) -> bool;
    }
}

/// The JS string for one of the fixed names this crate reads and writes ("status",
/// "headers", "abort", ...), made on first use and kept.
///
/// A Rust `&str` passed to JS is otherwise decoded into a new JS string on every call, which
/// costs more than the property read it is for. The cache is keyed by the literal's address
/// and length: a handful of entries, found without hashing.
pub(crate) fn js_name(name: &'static str) -> JsValue {
    type Entry = (usize, usize, JsValue);
    thread_local! {
        static NAMES: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    }
    let key = (name.as_ptr() as usize, name.len());
    NAMES.with(|names| {
        let Ok(mut names) = names.try_borrow_mut() else {
            return JsValue::from_str(name);
        };
        if let Some((_, _, value)) = names.iter().find(|(at, len, _)| (*at, *len) == key) {
            return value.clone();
        }
        let value = JsValue::from_str(name);
        names.push((key.0, key.1, value.clone()));
        value
    })
}

/// Reads `target[key]`; a throwing getter or trap is an `Err`, and so is a target that is
/// not an object, without asking JS.
///
/// The last rule is not only a shortcut. When an import declared with `catch` throws, the
/// glue stores the exception and the import's own return value (`undefined`) in a slot of
/// wasm-bindgen's externref table, and nothing ever frees that slot: each throw leaks a
/// slot and a word of linear memory. `Reflect.get` throws for every primitive target. (The
/// reads of a call's config, signal and answer are done in transport.js, where a throw
/// costs nothing; this is for the global `fetch` and a callback's body.)
pub(crate) fn get(target: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Err(js_name(
            "Cannot read properties of a value that is not an object",
        ));
    }
    js::get(target, &js_name(key))
}

/// An object that inherits nothing, for what is handed to fetch (its `init` and headers).
/// A prototype-pollution bug elsewhere in the program (a setter or a value on
/// `Object.prototype` named `apikeyprivate`, `redirect`, `credentials`, ...) can then
/// neither receive a key, nor throw, nor add a member that fetch would read.
fn bare_object() -> Object {
    js::create(&JsValue::NULL)
}

/// Reads `target[key]` and checks it is a function.
fn get_function(target: &JsValue, key: &'static str) -> Option<JsValue> {
    get(target, key).ok().filter(JsValue::is_function)
}

/// The JS type of a value in words, for messages ("a number", "null", "an object"): the
/// same words as `describeType` in transport.js, which the transport's messages use.
pub(crate) fn describe_type(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.is_function() {
        "a function"
    } else if value.is_bigint() {
        "a bigint"
    } else if value.is_symbol() {
        "a symbol"
    } else {
        "an object"
    }
}

/// The caller's `AbortSignal`, or any object that behaves like one (a polyfill, another
/// realm's): its `addEventListener` and `removeEventListener` are read once, when the call
/// starts, into the record transport.js works with.
pub(crate) struct Signal(JsValue);

pub(crate) use js::{has_setting, read_settings};

impl Signal {
    /// Accepts any object with an `aborted` boolean and `addEventListener` /
    /// `removeEventListener` methods; `None` for anything else.
    pub(crate) fn from_js(target: JsValue) -> Option<Signal> {
        let record = js::signal_of(&target);
        (!record.is_undefined()).then_some(Signal(record))
    }

    /// Whether the signal has fired. A signal that cannot say counts as not fired.
    fn is_aborted(&self) -> bool {
        js::is_aborted(&self.0)
    }
}

/// The bytes of `value`, if it is an `ArrayBuffer` or a view of one (a `Uint8Array`, a
/// `Buffer`, a `DataView`, a `Uint16Array`, ..., over an `ArrayBuffer` or a
/// `SharedArrayBuffer`), of this realm or another: `Some(Ok(bytes))`, or `Some(Err(length))` when there are more than `max` (they
/// are not copied). `None` for anything else.
///
/// The bytes are read through a fresh `Uint8Array` of this module's realm over the same
/// memory, never an element-by-element copy: a view's bytes are its bytes whatever its
/// element type, and a view of many megabytes is measured without being copied. A view that
/// lies about its buffer, offset or length (an own getter) gets a range the constructor
/// checks, or reads other bytes of its own buffer: an error or a body that fails its check.
pub(crate) fn bytes_of(value: &JsValue, max: usize) -> Option<Result<Vec<u8>, usize>> {
    let tag = js::object_tag(value).ok()?;
    let arguments = if tag == "[object ArrayBuffer]" {
        Array::of1(value)
    } else if js::is_view(value) {
        Array::of3(
            &get(value, "buffer").ok()?,
            &get(value, "byteOffset").ok()?,
            &get(value, "byteLength").ok()?,
        )
    } else {
        return None;
    };
    let bytes = js::UINT8_ARRAY
        .with(|constructor| js::construct(constructor, &arguments))
        .ok()?;
    let length = get(&bytes, "length").ok()?.as_f64()? as usize;
    if length > max {
        return Some(Err(length));
    }
    let mut copy = vec![0; length];
    js::copy_bytes(&mut copy, &bytes).ok()?;
    Some(Ok(copy))
}

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
/// Retries transient failures as `config` allows (see
/// [`crate::core::is_retried_automatically`]), and reconciles a lost answer with an inquiry
/// unless `config` says otherwise (see [`crate::core::cancel_with`]).
pub async fn cancel_payment(config: &Config, id: &PaymentRequestId) -> Result<CancelResult, Error> {
    cancel_payment_with(config, id, &CallOptions::default()).await
}

/// Cancels the payment `id` on Paywall, with a caller's signal or fetch function.
pub async fn cancel_payment_with(
    config: &Config,
    id: &PaymentRequestId,
    options: &CallOptions,
) -> Result<CancelResult, Error> {
    let (fetch, signal) = options.read()?;
    cancel(&PreparedConfig::new(config.clone()), id, fetch, signal).await
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
    let (fetch, signal) = options.read()?;
    inquire(&PreparedConfig::new(config.clone()), id, fetch, signal).await
}

impl CallOptions {
    /// The fetch function and signal a call uses.
    fn read(&self) -> Result<(FetchFunction, Option<Signal>), Error> {
        let signal = match &self.signal {
            Some(signal) => Some(
                Signal::from_js(signal.into())
                    .ok_or_else(|| Error::config("config.signal must be an AbortSignal"))?,
            ),
            None => None,
        };
        let fetch = match &self.fetch {
            Some(fetch) => FetchFunction::Custom(fetch.into()),
            None => FetchFunction::global()?,
        };
        Ok((fetch, signal))
    }
}

/// A checked [`Config`] with the JS values that every request made from it sends: the
/// cancel's URL and the headers (the private keys among them) become JS strings once per
/// config, on its first request, instead of once per call. The bindings keep the last one
/// between calls.
pub(crate) struct PreparedConfig {
    config: Config,
    cancel_url: OnceCell<JsValue>,
    /// The headers of a request with a body (a POST) and of one without (a GET), as
    /// templates: each request sends its own copy.
    headers_with_body: OnceCell<Object>,
    headers_without_body: OnceCell<Object>,
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
    fn url(&self, request: &HttpRequest<'_>) -> JsValue {
        if request.url == self.config.cancel_url() {
            self.cancel_url
                .get_or_init(|| JsValue::from_str(&request.url))
                .clone()
        } else {
            JsValue::from_str(&request.url)
        }
    }

    /// The headers of `request`, as a template. They depend only on the config and on
    /// whether the request has a body ([`HttpRequest::new`] builds them from those), so the
    /// first request of each kind serves all.
    fn headers(&self, request: &HttpRequest<'_>) -> &Object {
        let cell = if request.body.is_some() {
            &self.headers_with_body
        } else {
            &self.headers_without_body
        };
        cell.get_or_init(|| {
            let headers = bare_object();
            for (name, value) in &request.headers {
                js::set(&headers, &js_name(name), &JsValue::from_str(value));
            }
            headers
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
        let global = js::GLOBAL.with(JsValue::clone);
        get_function(&global, "fetch")
            .map(FetchFunction::Global)
            .ok_or_else(|| {
                Error::config(
                    "this runtime has no global fetch function: pass one as config.fetch \
                     (Node.js 18 or newer has one built in)",
                )
            })
    }

    fn function_and_this(&self) -> (&JsValue, JsValue) {
        match self {
            FetchFunction::Custom(function) => (function, JsValue::UNDEFINED),
            FetchFunction::Global(function) => (function, js::GLOBAL.with(JsValue::clone)),
        }
    }

    fn is_custom(&self) -> bool {
        matches!(self, FetchFunction::Custom(_))
    }
}

/// The host for one call of `action`, after the last checks before anything is sent: the
/// browser guard, and a signal that has already fired.
fn host_for<'a>(
    prepared: &'a PreparedConfig,
    id: &PaymentRequestId,
    fetch: FetchFunction,
    signal: Option<Signal>,
    action: Action,
) -> Result<FetchHost<'a>, Error> {
    if !prepared.config.allows_browser() && js::is_browser() {
        return Err(browser_refused());
    }
    if signal.as_ref().is_some_and(Signal::is_aborted) {
        return Err(
            Error::aborted(action, false, "before the call started").finish(0, &id.to_string())
        );
    }
    Ok(FetchHost {
        config: prepared,
        fetch,
        signal,
    })
}

/// A cancel, after the bindings have read and checked its inputs.
pub(crate) async fn cancel(
    prepared: &PreparedConfig,
    id: &PaymentRequestId,
    fetch: FetchFunction,
    signal: Option<Signal>,
) -> Result<CancelResult, Error> {
    let host = host_for(prepared, id, fetch, signal, core::Cancel::ACTION)?;
    core::cancel_with(&host, &prepared.config, id).await
}

/// An inquiry, after the bindings have read and checked its inputs.
pub(crate) async fn inquire(
    prepared: &PreparedConfig,
    id: &PaymentRequestId,
    fetch: FetchFunction,
    signal: Option<Signal>,
) -> Result<PaymentInquiry, Error> {
    let host = host_for(prepared, id, fetch, signal, core::Inquiry::ACTION)?;
    core::inquire_with(&host, &prepared.config, id).await
}

/// Confirms a verified callback with an inquiry of its payment, after the bindings have
/// read and checked the config.
pub(crate) async fn confirm(
    prepared: &PreparedConfig,
    callback: &PhysicalPosCallback,
    id: &PaymentRequestId,
    fetch: FetchFunction,
    signal: Option<Signal>,
) -> Result<(), Error> {
    let host = host_for(prepared, id, fetch, signal, core::Inquiry::ACTION)?;
    core::confirm_with(&host, &prepared.config, callback).await
}

/// The [`Host`] over fetch and timers.
struct FetchHost<'a> {
    config: &'a PreparedConfig,
    fetch: FetchFunction,
    signal: Option<Signal>,
}

/// The failure codes of an attempt's outcome, above every HTTP status: the constants at the
/// top of transport.js, which writes them.
mod outcome {
    pub const SETUP: u32 = 1000;
    pub const NETWORK: u32 = 1001;
    pub const NOT_A_RESPONSE: u32 = 1002;
    pub const TIMEOUT: u32 = 1003;
    pub const ABORTED: u32 = 1004;
}

impl FetchHost<'_> {
    /// What the fetch function is called, in messages.
    fn fetch_name(&self) -> &'static str {
        if self.fetch.is_custom() {
            "config.fetch"
        } else {
            "fetch"
        }
    }

    fn signal(&self) -> JsValue {
        self.signal
            .as_ref()
            .map_or(JsValue::UNDEFINED, |signal| signal.0.clone())
    }
}

impl Host for FetchHost<'_> {
    type Headers = JsValue;

    /// One attempt, as one call into transport.js and one promise: it calls fetch with the
    /// request's `init` (method, the config's headers, the JSON body, the deadline's signal,
    /// `redirect: "manual"`), races every step against the deadline and the caller's signal,
    /// and reads at most [`MAX_BODY_BYTES`] of the body as a stream. Crossing into JS once
    /// per attempt instead of once per property read and chunk is what makes the library's
    /// own work per call cost about what a client written in JS costs.
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<JsValue>, SendFailure> {
        let (function, this) = self.fetch.function_and_this();
        let body = match &request.body {
            Some(body) => JsValue::from_str(body),
            None => JsValue::UNDEFINED,
        };
        let pending = js::attempt(
            function,
            &this,
            &js_name(self.fetch_name()),
            &self.config.url(request),
            &js_name(request.method),
            self.config.headers(request),
            &body,
            request.timeout_ms,
            &self.signal(),
            MAX_BODY_BYTES as u32,
        );
        let outcome: js::Outcome = match JsFuture::from(pending).await {
            Ok(outcome) => outcome.unchecked_into(),
            // transport.js resolves whatever happens; this is only a guard.
            Err(_) => {
                return Err(SendFailure::Network(
                    "paywall-edge's fetch helper failed".into(),
                ))
            }
        };
        let code = outcome.code();
        let text = outcome.text();
        match code {
            outcome::SETUP => Err(SendFailure::Setup(text)),
            outcome::NETWORK => Err(SendFailure::Network(text)),
            outcome::NOT_A_RESPONSE => Err(SendFailure::NotAResponse(text)),
            outcome::TIMEOUT => Err(SendFailure::Timeout),
            outcome::ABORTED => Err(SendFailure::Aborted),
            status => Ok(HttpResponse {
                // transport.js gives a whole number from 0 to 999 here.
                status: status.min(999) as u16,
                headers: outcome.headers(),
                body: text,
                too_large: outcome.too_large(),
            }),
        }
    }

    /// `headers.get(name)`, guarded: a Headers object that throws has no such header.
    fn header(&self, headers: &JsValue, name: &'static str) -> Option<String> {
        js::header(headers, &js_name(name))
    }

    async fn sleep(&self, ms: u32) -> Result<(), SendFailure> {
        match JsFuture::from(js::sleep(ms, &self.signal())).await {
            Ok(slept) if slept.is_truthy() => Ok(()),
            _ => Err(SendFailure::Aborted),
        }
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
