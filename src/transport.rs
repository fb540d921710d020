//! The only code that calls fetch, timers and `AbortController`: a [`Host`] over the
//! web platform, available in every runtime this crate targets (browsers, Cloudflare
//! Workers, Node 18+, Bun, Deno) without any runtime-specific API.
//!
//! Everything the caller hands in (a `fetch` function, an `AbortSignal`) and everything
//! such a fetch hands back may misbehave: a getter or a Proxy trap that throws, a promise
//! that rejects with a non-Error, a "response" that is a number, a body stream that
//! errors. So every touch of those objects goes through a guarded import (`catch`), which
//! turns a JS exception into a Rust `Err`; a JS exception thrown through Rust frames, or a
//! Rust panic, would leave the WebAssembly instance unusable. This is also why gloo-net is
//! not used here: its `Request::send` panics when fetch resolves to something that is not
//! a `Response`, and its error conversion panics on a non-`Error` rejection.
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

use js_sys::{Array, Function, JsString, Object, Promise};
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
    use js_sys::{Array, JsString, Object, Promise};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
        pub fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

        /// On objects of our own, made with [`bare_object`]: no prototype, so no inherited
        /// setter to run or to throw.
        #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
        pub fn set(target: &Object, key: &JsValue, value: &JsValue) -> bool;

        /// `Object.assign(target, source)` for objects of our own: a shallow copy.
        #[wasm_bindgen(js_namespace = Object, js_name = assign)]
        pub fn assign(target: &Object, source: &Object) -> Object;

        /// `Object.create(prototype)`; with null, an object that inherits nothing.
        #[wasm_bindgen(js_namespace = Object, js_name = create)]
        pub fn create(prototype: &JsValue) -> Object;

        /// `Reflect.getPrototypeOf(target)`, guarded: a Proxy's trap may throw.
        #[wasm_bindgen(js_namespace = Reflect, js_name = getPrototypeOf, catch)]
        pub fn get_prototype_of(target: &JsValue) -> Result<JsValue, JsValue>;

        /// `Object.prototype.hasOwnProperty.call(target, key)` in the form that calls no
        /// method of the target: `Object.hasOwn`. Guarded: a Proxy's trap may throw.
        #[wasm_bindgen(js_namespace = Object, js_name = hasOwn, catch)]
        pub fn has_own(target: &JsValue, key: &JsValue) -> Result<bool, JsValue>;

        /// A function of unknown origin, called through `Function.prototype.call`.
        pub type Callable;

        #[wasm_bindgen(method, catch, js_name = call)]
        pub fn call0(this: &Callable, context: &JsValue) -> Result<JsValue, JsValue>;

        #[wasm_bindgen(method, catch, js_name = call)]
        pub fn call1(this: &Callable, context: &JsValue, a: &JsValue) -> Result<JsValue, JsValue>;

        #[wasm_bindgen(method, catch, js_name = call)]
        pub fn call2(
            this: &Callable,
            context: &JsValue,
            a: &JsValue,
            b: &JsValue,
        ) -> Result<JsValue, JsValue>;

        #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
        pub fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;

        #[wasm_bindgen(js_namespace = Promise, js_name = race)]
        pub fn promise_race(promises: &Array) -> Promise;

        #[wasm_bindgen(js_name = setTimeout, catch)]
        pub fn set_timeout(
            handler: &JsValue,
            ms: u32,
            argument: &JsValue,
        ) -> Result<JsValue, JsValue>;

        #[wasm_bindgen(js_name = clearTimeout, catch)]
        pub fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;

        #[wasm_bindgen(js_name = String, catch)]
        pub fn to_js_string(value: &JsValue) -> Result<JsString, JsValue>;

        /// Whether `value` is a typed array or a DataView. Never throws, and is false for
        /// a Proxy, whatever it pretends to be.
        #[wasm_bindgen(js_namespace = ArrayBuffer, js_name = isView)]
        pub fn is_view(value: &JsValue) -> bool;

        /// `Uint8Array.prototype.set.call(bytes, source)`: copies the elements of `source`
        /// into `bytes`, a view of this module's memory; throws (an `Err`) when `source`
        /// has more of them than `bytes` has room for, or when reading it throws.
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

        /// `Uint8Array.prototype.subarray`, the realm's own, to call on a chunk.
        #[wasm_bindgen(thread_local_v2, js_namespace = ["Uint8Array", "prototype"], js_name = subarray)]
        pub static SUBARRAY: JsValue;

        /// The global object. Not `js_sys::global()`, which prefers `self` and `window` to
        /// `globalThis`: where a DOM emulation (jsdom, happy-dom) has defined `window` in
        /// Node, that is the emulation's window, which has no fetch of the runtime's.
        #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
        pub static GLOBAL: JsValue;

        /// A function that does nothing, to settle a promise nobody waits for.
        #[wasm_bindgen(thread_local_v2, js_namespace = Function, js_name = prototype)]
        pub static NOOP: JsValue;
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
/// slot and a word of linear memory. `Reflect.get` throws for every primitive target, and
/// the browser guard reads `navigator.userAgent` where `navigator` is undefined (Node 20)
/// on every call, which grew the linear memory without bound. Throws are now left to
/// callers' own hostile getters.
pub(crate) fn get(target: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Err(js_name(
            "Cannot read properties of a value that is not an object",
        ));
    }
    js::get(target, &js_name(key))
}

/// Sets `target[key]` on an object of our own.
fn set(target: &Object, key: &'static str, value: &JsValue) {
    js::set(target, &js_name(key), value);
}

/// An object that inherits nothing, for what is handed to fetch (its `init` and headers).
/// A prototype-pollution bug elsewhere in the program (a setter or a value on
/// `Object.prototype` named `apikeyprivate`, `redirect`, `credentials`, ...) can then
/// neither receive a key, nor throw, nor add a member that fetch would read.
fn bare_object() -> Object {
    js::create(&JsValue::NULL)
}

/// Reads `target[key]` as a caller's settings object should be read: a property found only
/// on the base of its prototype chain (`Object.prototype`, of whatever realm), which is
/// where a prototype-pollution bug elsewhere in the program puts one, counts as absent;
/// one on the object or on a prototype of its own (a class with getters) is read with
/// `target` as the receiver. A throwing trap or getter is an `Err`.
pub(crate) fn get_own_setting(target: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    let name = js_name(key);
    let mut holder = target.clone();
    loop {
        if js::has_own(&holder, &name)? {
            return js::get(target, &name);
        }
        let prototype = js::get_prototype_of(&holder)?;
        if prototype.is_null() || js::get_prototype_of(&prototype)?.is_null() {
            return Ok(JsValue::UNDEFINED);
        }
        holder = prototype;
    }
}

/// Calls `function` with `this` and `args`; a throw is an `Err`.
fn call(function: &JsValue, this: &JsValue, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: &js::Callable = function.unchecked_ref();
    match args {
        [] => function.call0(this),
        [a] => function.call1(this, a),
        [a, b] => function.call2(this, a, b),
        _ => Err(JsValue::from_str("at most two arguments are passed")),
    }
}

/// Reads `target[key]` and checks it is a function.
fn get_function(target: &JsValue, key: &'static str) -> Option<JsValue> {
    get(target, key).ok().filter(JsValue::is_function)
}

/// The JS type of a value in words, for messages ("a number", "null", "an object").
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

/// Longest foreign string copied into this module (an error's message, a header's value):
/// far more than any message quotes, and bounded, since WebAssembly memory never shrinks.
/// The core redacts and cuts what it quotes from it.
const MAX_FOREIGN_CHARS: u32 = 16 * 1024;

/// A foreign string's text, at most [`MAX_FOREIGN_CHARS`] of it; `None` for a non-string.
fn bounded_string(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<JsString>()?;
    if text.length() > MAX_FOREIGN_CHARS {
        text.slice(0, MAX_FOREIGN_CHARS).as_string()
    } else {
        text.as_string()
    }
}

/// A string property of a foreign object, if it is one (bounded).
fn get_string(target: &JsValue, key: &'static str) -> Option<String> {
    get(target, key)
        .ok()
        .and_then(|value| bounded_string(&value))
}

/// Describes a rejection or throw for a message: `TypeError: fetch failed (cause: connect
/// ECONNREFUSED 127.0.0.1:1)`. Reads `name`, `message` and one level of `cause` through
/// guarded reads, and never calls the value's own `toString`. The text is raw (it may echo
/// a key): the core quotes it.
pub(crate) fn describe_failure(value: &JsValue) -> String {
    let text = if value.is_object() {
        let name = get_string(value, "name").unwrap_or_else(|| "Error".into());
        let message = get_string(value, "message").unwrap_or_default();
        let mut text = if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        };
        if let Ok(cause) = get(value, "cause") {
            let detail = if cause.is_object() {
                get_string(&cause, "message").or_else(|| get_string(&cause, "code"))
            } else {
                bounded_string(&cause)
            };
            if let Some(detail) = detail.filter(|detail| !detail.is_empty()) {
                text.push_str(&format!(" (cause: {detail})"));
            }
        }
        text
    } else if let Some(text) = bounded_string(value) {
        format!("a thrown string \"{text}\"")
    } else if value.is_symbol() {
        "a thrown symbol".into()
    } else if value.is_function() {
        "a thrown function".into()
    } else {
        let text = js::to_js_string(value)
            .ok()
            .and_then(|text| bounded_string(&text));
        format!("a thrown {}", text.unwrap_or_default())
    };
    text
}

/// An `AbortSignal`, or any object that behaves like one (a polyfill, another realm's).
/// Its methods are read once, when the call starts.
#[derive(Clone)]
pub(crate) struct Signal {
    target: JsValue,
    add_listener: JsValue,
    remove_listener: JsValue,
}

impl Signal {
    /// Accepts any object with an `aborted` boolean and `addEventListener` /
    /// `removeEventListener` methods; `None` for anything else.
    pub(crate) fn from_js(target: JsValue) -> Option<Signal> {
        get(&target, "aborted").ok()?.as_bool()?;
        Some(Signal {
            add_listener: get_function(&target, "addEventListener")?,
            remove_listener: get_function(&target, "removeEventListener")?,
            target,
        })
    }

    /// Whether the signal has fired. A signal that cannot say counts as not fired.
    fn is_aborted(&self) -> bool {
        get(&self.target, "aborted")
            .ok()
            .and_then(|aborted| aborted.as_bool())
            .unwrap_or(false)
    }

    /// Calls `listener` when the signal fires, until the returned guard is dropped.
    fn on_abort(&self, listener: &JsValue) -> Result<Listening, JsValue> {
        let event = js_name("abort");
        call(&self.add_listener, &self.target, &[&event, listener])?;
        Ok(Listening {
            signal: self.clone(),
            listener: listener.clone(),
        })
    }
}

/// A listener registered on the caller's signal; removed on drop so that a long-lived
/// signal shared by many calls does not accumulate listeners.
struct Listening {
    signal: Signal,
    listener: JsValue,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let event = js_name("abort");
        // A signal whose removeEventListener throws keeps its listener; nothing else to do.
        let _ = call(
            &self.signal.remove_listener,
            &self.signal.target,
            &[&event, &self.listener],
        );
    }
}

/// A pending `setTimeout`, cleared on drop so that a finished call leaves no timer behind
/// (a pending timer keeps a Node process alive).
struct Timer(JsValue);

impl Timer {
    /// Calls `handler(argument)` after `ms` milliseconds.
    fn start(handler: &JsValue, ms: u32, argument: &JsValue) -> Result<Timer, JsValue> {
        js::set_timeout(handler, ms, argument).map(Timer)
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let _ = js::clear_timeout(&self.0);
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

/// Lets `promise` (a stream's `cancel()`) settle with nobody waiting: a rejection that no
/// handler catches would be reported as unhandled in the caller's process.
fn settle_quietly(promise: &JsValue) {
    if let Some(then) = get_function(promise, "then") {
        js::NOOP.with(|noop| {
            let _ = call(&then, promise, &[noop, noop]);
        });
    }
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

/// True in a browser: a page (a `window` with a `document`) or a web worker (dedicated,
/// shared or service, all of which have `importScripts`), whose code and keys every visitor
/// of the site can read. Server runtimes are recognised first, so that one that looks like a
/// browser is not taken for one: Node and Bun (`process.versions.node`, even where a DOM
/// emulation such as jsdom or happy-dom has defined `window` and `document`), Deno, Bun, the
/// Next.js edge runtime (`EdgeRuntime`) and Cloudflare's workerd (its user agent).
fn is_browser() -> bool {
    let global = js::GLOBAL.with(JsValue::clone);
    let value = |target: &JsValue, name| get(target, name).unwrap_or(JsValue::UNDEFINED);
    let defined = |name| !value(&global, name).is_undefined();
    let node_versions = value(&value(&global, "process"), "versions");
    let user_agent = value(&value(&global, "navigator"), "userAgent");
    let server = defined("Deno")
        || defined("Bun")
        || defined("EdgeRuntime")
        || value(&node_versions, "node").is_string()
        || user_agent.as_string().as_deref() == Some("Cloudflare-Workers");
    let page = defined("window") && defined("document");
    let worker = value(&global, "importScripts").is_function();
    !server && (page || worker)
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
    if !prepared.config.allows_browser() && is_browser() {
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

/// A runtime facility (a timer, an `AbortController`) failed while preparing an attempt.
fn setup_failure(error: JsValue) -> SendFailure {
    SendFailure::Setup(format!(
        "the runtime could not prepare the request: {}",
        describe_failure(&error)
    ))
}

/// How a race against the attempt's deadline ended.
enum Interrupted {
    Timeout,
    Aborted,
}

/// One attempt's deadline: a promise that rejects when the timer fires or the caller's
/// signal does, raced against every step so that a fetch which ignores its signal cannot
/// outlive the deadline; and the attempt's own `AbortController`, aborted when the race is
/// lost, so the request and its body stream stop.
struct Deadline {
    controller: web_sys::AbortController,
    signal: web_sys::AbortSignal,
    interrupted: Promise,
    _timer: Timer,
    _listening: Option<Listening>,
}

/// What the deadline's timer rejects with: a value of this module's own, so that it cannot
/// be mistaken for a fetch that rejects.
fn timeout_marker() -> JsValue {
    thread_local! {
        static MARKER: JsValue = Object::new().into();
    }
    MARKER.with(JsValue::clone)
}

impl Deadline {
    fn start(timeout_ms: u32, signal: Option<&Signal>) -> Result<Deadline, SendFailure> {
        let controller = web_sys::AbortController::new().map_err(setup_failure)?;
        let mut reject = JsValue::UNDEFINED;
        let interrupted = Promise::new(&mut |_resolve, reject_fn| reject = reject_fn.into());
        let timer = Timer::start(&reject, timeout_ms, &timeout_marker()).map_err(setup_failure)?;
        let listening = match signal {
            Some(signal) => Some(signal.on_abort(&reject).map_err(|error| {
                SendFailure::Setup(format!(
                    "config.signal.addEventListener threw {}",
                    describe_failure(&error)
                ))
            })?),
            None => None,
        };
        Ok(Deadline {
            signal: controller.signal(),
            controller,
            interrupted,
            _timer: timer,
            _listening: listening,
        })
    }

    fn fetch_signal(&self) -> &web_sys::AbortSignal {
        &self.signal
    }

    /// Aborts the attempt's fetch: the request, and the body stream with it.
    fn abort(&self) {
        self.controller.abort();
    }

    /// Waits for `promise` unless the deadline passes first; `Err(None)` when it did (and the
    /// attempt's fetch has been aborted), `Err(Some(reason))` when `promise` rejected.
    async fn race(
        &self,
        promise: &Promise,
        caller: Option<&Signal>,
    ) -> Result<JsValue, Option<JsValue>> {
        let racers = Array::of2(promise, &self.interrupted);
        match JsFuture::from(js::promise_race(&racers)).await {
            Ok(value) => Ok(value),
            Err(reason) if reason == timeout_marker() || caller.is_some_and(Signal::is_aborted) => {
                self.abort();
                Err(None)
            }
            Err(reason) => Err(Some(reason)),
        }
    }
}

impl FetchHost<'_> {
    fn interruption(&self) -> Interrupted {
        if self.signal.as_ref().is_some_and(Signal::is_aborted) {
            Interrupted::Aborted
        } else {
            Interrupted::Timeout
        }
    }

    fn interrupted(&self) -> SendFailure {
        match self.interruption() {
            Interrupted::Aborted => SendFailure::Aborted,
            Interrupted::Timeout => SendFailure::Timeout,
        }
    }

    /// The `init` argument of fetch: method, headers (as a plain record, which every
    /// fetch and every test double reads), the JSON body, the deadline's signal, and
    /// `redirect: "manual"` so a redirect is reported instead of silently turning the POST
    /// into a GET. Each call gets its own headers object (a fetch may add to it), copied
    /// from the config's template. Both inherit nothing (see [`bare_object`]).
    fn request_init(
        &self,
        request: &HttpRequest<'_>,
        signal: &web_sys::AbortSignal,
    ) -> Result<Object, String> {
        let init = bare_object();
        set(&init, "method", &js_name(request.method));
        let headers = js::assign(&bare_object(), self.config.headers(request));
        set(&init, "headers", &headers);
        if let Some(body) = &request.body {
            set(&init, "body", &JsValue::from_str(body));
        }
        set(&init, "signal", signal);
        set(&init, "redirect", &js_name("manual"));
        Ok(init)
    }

    /// What the fetch function is called, in messages.
    fn fetch_name(&self) -> &'static str {
        if self.fetch.is_custom() {
            "config.fetch"
        } else {
            "fetch"
        }
    }

    /// Reads the body of `response` within the attempt's deadline, and at most
    /// [`MAX_BODY_BYTES`] of it: `(text, too_large)`.
    ///
    /// The body is read as a stream, chunk by chunk, and the read stops as soon as it passes
    /// the limit: the stream is cancelled and the attempt's fetch aborted, which releases the
    /// connection. Reading it whole with `text()` first would let a small gzip answer (fetch
    /// inflates it by itself) grow into gigabytes and take the process down. A Response-like
    /// object of a custom fetch that has no stream is read with its `text()`, and only
    /// measured afterwards: that fetch is the caller's own.
    async fn read_body(
        &self,
        response: &JsValue,
        deadline: &Deadline,
    ) -> Result<(String, bool), SendFailure> {
        let body = get(response, "body").map_err(|error| self.read_failure(&error))?;
        match get_function(&body, "getReader") {
            Some(get_reader) => self.read_stream(&body, &get_reader, deadline).await,
            None => self.read_text(response, deadline).await,
        }
    }

    async fn read_stream(
        &self,
        body: &JsValue,
        get_reader: &JsValue,
        deadline: &Deadline,
    ) -> Result<(String, bool), SendFailure> {
        let reader = call(get_reader, body, &[]).map_err(|error| self.read_failure(&error))?;
        let read = get_function(&reader, "read")
            .ok_or_else(|| self.not_a_response("a Response whose body stream has no reader"))?;
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let next = call(&read, &reader, &[])
                .and_then(|next| js::promise_resolve(&next))
                .map_err(|error| self.read_failure(&error))?;
            let chunk = match deadline.race(&next, self.signal.as_ref()).await {
                Ok(chunk) => chunk,
                Err(None) => return Err(self.interrupted()),
                Err(Some(error)) => return Err(self.read_failure(&error)),
            };
            if get(&chunk, "done").is_ok_and(|done| done.is_truthy()) {
                return Ok((core::decode_body(&bytes), false));
            }
            let value = get(&chunk, "value").unwrap_or(JsValue::UNDEFINED);
            let length = get(&value, "length")
                .ok()
                .and_then(|length| length.as_f64())
                .filter(|length| length.fract() == 0.0 && *length >= 0.0)
                .filter(|_| js::is_view(&value))
                .ok_or_else(|| {
                    self.not_a_response(&format!(
                        "a Response whose body stream gave {} instead of bytes",
                        describe_type(&value)
                    ))
                })?;
            let room = MAX_BODY_BYTES - bytes.len();
            let too_large = length > room as f64;
            let source = if too_large {
                // The start of this chunk fills the body up to the limit: what a message
                // quotes from a page that is too large.
                js::SUBARRAY
                    .with(|subarray| call(subarray, &value, &[&JsValue::from(0), &room.into()]))
                    .map_err(|error| self.read_failure(&error))?
            } else {
                value
            };
            let start = bytes.len();
            bytes.resize(start + if too_large { room } else { length as usize }, 0);
            let copied = bytes
                .get_mut(start..)
                .map(|into| js::copy_bytes(into, &source));
            if !matches!(copied, Some(Ok(()))) {
                return Err(
                    self.not_a_response("a Response whose body stream gave unreadable bytes")
                );
            }
            if too_large {
                // Stop the transfer: abort the attempt's fetch (which releases the
                // connection) and cancel the stream, for a fetch that ignores its signal.
                deadline.abort();
                if let Some(cancel) = get_function(&reader, "cancel") {
                    if let Ok(cancelling) = call(&cancel, &reader, &[]) {
                        settle_quietly(&cancelling);
                    }
                }
                return Ok((core::decode_body(&bytes), true));
            }
        }
    }

    /// The fallback for a Response-like object without a body stream: its `text()`.
    async fn read_text(
        &self,
        response: &JsValue,
        deadline: &Deadline,
    ) -> Result<(String, bool), SendFailure> {
        let text = get_function(response, "text").ok_or_else(|| {
            self.not_a_response("an object without a body stream or a text() method")
        })?;
        let reading = call(&text, response, &[])
            .and_then(|reading| js::promise_resolve(&reading))
            .map_err(|error| self.read_failure(&error))?;
        let text = match deadline.race(&reading, self.signal.as_ref()).await {
            Ok(text) => text,
            Err(None) => return Err(self.interrupted()),
            Err(Some(error)) => return Err(self.read_failure(&error)),
        };
        let text = text.dyn_into::<JsString>().map_err(|other| {
            self.not_a_response(&format!(
                "a Response whose text() gave {}",
                describe_type(&other)
            ))
        })?;
        // A UTF-16 unit is at least one byte of UTF-8: a text longer than the limit in units
        // is longer in bytes, and is cut before it is copied into this module.
        let limit = MAX_BODY_BYTES as u32;
        let units = text.length();
        let text = if units > limit {
            text.slice(0, limit)
        } else {
            text
        };
        let mut text = text.as_string().unwrap_or_default();
        let mut too_large = units > limit;
        if text.len() > MAX_BODY_BYTES {
            let mut end = MAX_BODY_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            too_large = true;
        }
        Ok((text, too_large))
    }

    /// A failure while reading the answer.
    fn read_failure(&self, error: &JsValue) -> SendFailure {
        SendFailure::Network(format!(
            "the connection failed while reading the answer: {}",
            describe_failure(error)
        ))
    }

    fn not_a_response(&self, what: &str) -> SendFailure {
        SendFailure::NotAResponse(format!(
            "{} resolved to {what}, not a Response",
            self.fetch_name()
        ))
    }
}

impl Host for FetchHost<'_> {
    type Headers = JsValue;

    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<JsValue>, SendFailure> {
        if self.signal.as_ref().is_some_and(Signal::is_aborted) {
            return Err(SendFailure::Aborted);
        }
        let deadline = Deadline::start(request.timeout_ms, self.signal.as_ref())?;
        let init = self
            .request_init(request, deadline.fetch_signal())
            .map_err(SendFailure::Setup)?;
        let (function, this) = self.fetch.function_and_this();
        let url = &self.config.url(request);
        let returned = call(function, &this, &[url, &init]).map_err(|error| {
            SendFailure::Network(format!(
                "{} threw {}",
                self.fetch_name(),
                describe_failure(&error)
            ))
        })?;
        let pending = js::promise_resolve(&returned)
            .map_err(|error| SendFailure::NotAResponse(describe_failure(&error)))?;
        let response = match deadline.race(&pending, self.signal.as_ref()).await {
            Ok(response) => response,
            Err(None) => return Err(self.interrupted()),
            Err(Some(error)) => return Err(SendFailure::Network(describe_failure(&error))),
        };
        if !response.is_object() {
            return Err(self.not_a_response(describe_type(&response)));
        }
        let status = get(&response, "status")
            .ok()
            .and_then(|status| status.as_f64())
            .filter(|status| status.fract() == 0.0 && (0.0..=999.0).contains(status))
            .ok_or_else(|| self.not_a_response("an object without a numeric status"))?;
        if status == 0.0 && get_string(&response, "type").as_deref() != Some("opaqueredirect") {
            return Err(SendFailure::Network(format!(
                "{} resolved to a network error response",
                self.fetch_name()
            )));
        }
        let headers = get(&response, "headers").unwrap_or(JsValue::UNDEFINED);
        // Boxed: the body read is the largest state of an attempt, and only its last step;
        // inline, every call in flight would hold room for it while it waits on fetch.
        let (body, too_large) = Box::pin(self.read_body(&response, &deadline)).await?;
        Ok(HttpResponse {
            // Checked above to be a whole number from 0 to 999.
            status: status as u16,
            headers,
            body,
            too_large,
        })
    }

    /// `headers.get(name)`, guarded: a Headers object that throws has no such header.
    fn header(&self, headers: &JsValue, name: &'static str) -> Option<String> {
        let function = get_function(headers, "get")?;
        bounded_string(&call(&function, headers, &[&js_name(name)]).ok()?)
    }

    async fn sleep(&self, ms: u32) -> Result<(), SendFailure> {
        if self.signal.as_ref().is_some_and(Signal::is_aborted) {
            return Err(SendFailure::Aborted);
        }
        let mut timer = None;
        let mut listening = None;
        let wait = Promise::new(&mut |resolve, reject| {
            timer = Timer::start(&resolve, ms, &JsValue::UNDEFINED).ok();
            if timer.is_none() {
                // Without a timer there is nothing to wait with: retry at once.
                let _ = call(&resolve, &JsValue::UNDEFINED, &[]);
            }
            if let Some(signal) = &self.signal {
                listening = signal.on_abort(&reject).ok();
            }
        });
        let outcome = JsFuture::from(wait).await;
        drop((timer, listening));
        outcome.map(drop).map_err(|_| SendFailure::Aborted)
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
