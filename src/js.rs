//! The boundary with JavaScript, in one place: every import the module makes, and the few
//! helpers that turn a JS value into what Rust reads (as a `-sys` crate would keep them).
//!
//! Most imports come from the JS half of the module, `src/transport.js`, whose functions
//! return or resolve normally whatever their arguments do: a caller's throwing getter,
//! Proxy trap or misbehaving fetch is an ordinary `catch` there, so nothing thrown ever
//! crosses into Rust (where it would leave the instance unusable), and no guarded import
//! leaks a slot of wasm-bindgen's externref table when it throws.
//!
//! Tested in: `tests/transport_cases` (in Node and Chromium), `tests/node/` (the package).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A value the module keeps between calls. The module runs on one thread (wasm32 without
/// atomics, in a JS isolate), where a `static` needs no lock; this says so to the compiler,
/// which `no_std` leaves without `thread_local!`.
pub(crate) struct Local<T>(RefCell<T>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread: nothing can
// reach the value from another.
#[cfg(not(target_feature = "atomics"))]
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    pub(crate) const fn new(value: T) -> Self {
        Local(RefCell::new(value))
    }

    /// Runs `use_it` with the value, or returns `None` when a caller's JS that ran inside
    /// an earlier use (a getter) has re-entered the module and the value is in use.
    pub(crate) fn with<R>(&self, use_it: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0
            .try_borrow_mut()
            .ok()
            .map(|mut value| use_it(&mut value))
    }
}

/// How an attempt ended, in the `code` it reports, above every HTTP status: the
/// constants at the top of transport.js, which writes them (`failureCodes()` there; a test
/// in `tests/transport_cases` pins the two tables together).
pub(crate) mod failure {
    /// The runtime could not prepare the request, or refused it by its permissions.
    pub const SETUP: u32 = 1000;
    /// No connection, a dropped one, a fetch that threw or rejected, a failed body read.
    pub const NETWORK: u32 = 1001;
    /// The fetch function resolved to something that is not a Response.
    pub const NOT_A_RESPONSE: u32 = 1002;
    /// The attempt's deadline passed.
    pub const TIMEOUT: u32 = 1003;
    /// The caller's signal fired.
    pub const ABORTED: u32 = 1004;
}

#[wasm_bindgen(module = "/src/transport.js")]
extern "C" {
    /// Hands transport.js the instance's exports (`wasm_bindgen::exports()`), where it finds
    /// the driver's resume function
    /// ([`resume_call`](crate::transport::resume_call)); false if it is not there.
    #[wasm_bindgen(js_name = setResume)]
    pub(crate) fn set_resume(exports: &JsValue) -> bool;

    /// The base address as the runtime's URL parser serializes it, or the problem with it:
    /// see [`check_base_address`](crate::core::check_base_address).
    #[wasm_bindgen(js_name = checkBaseAddress)]
    pub(crate) fn check_base_address(text: &str, allow_insecure_http: bool) -> String;

    /// The promise of the call in `slot`, which [`finish`] settles.
    pub(crate) fn begin(slot: u32) -> JsValue;

    /// A promise already settled: resolved with `value` when `ok`, else rejected with it.
    pub(crate) fn settled(ok: bool, value: &JsValue) -> JsValue;

    /// Settles the promise of the call in `slot`: resolved with `value` when `ok`, else
    /// rejected with it.
    pub(crate) fn finish(slot: u32, ok: bool, value: &JsValue);

    /// Starts one attempt (the fetch, within its deadline, and the body), reported to
    /// `slot` through [`resume_call`](crate::transport::resume_call). `custom` says the
    /// fetch is `config.fetch` (called with `this` undefined), not the global one; `post`
    /// that the request is a POST (else a GET).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = startAttempt)]
    pub(crate) fn start_attempt(
        slot: u32,
        fetch: &JsValue,
        custom: bool,
        url: &JsValue,
        post: bool,
        headers: &JsValue,
        body: Option<&str>,
        timeout_ms: u32,
        signal: &JsValue,
        max_bytes: u32,
    );

    /// Starts a wait of `ms`, reported to `slot` with true when it is over, or with false
    /// as soon as `signal` fires.
    #[wasm_bindgen(js_name = startSleep)]
    pub(crate) fn start_sleep(slot: u32, ms: u32, signal: &JsValue);

    /// Reads the fields `names` of a caller's settings object in one call: their values (as
    /// many as there are names), then the index of the read that threw (or -1), the first
    /// own key that is not one of `names` (or undefined), and whether the first `remembered`
    /// values are those of `last`.
    #[wasm_bindgen(js_name = readSettings)]
    pub(crate) fn read_settings(
        target: &JsValue,
        names: &JsValue,
        remembered: u32,
        last: &JsValue,
    ) -> Values;

    /// Whether a caller's settings object has the setting `key`, whatever its value.
    #[wasm_bindgen(js_name = hasSetting)]
    pub(crate) fn has_setting(target: &JsValue, key: &str) -> bool;

    /// Whether this runtime is a browser (a page or a web worker).
    #[wasm_bindgen(js_name = isBrowser)]
    pub(crate) fn is_browser() -> bool;

    /// The caller's AbortSignal as the attempt reads it (`{ target, addListener,
    /// removeListener }`, its methods read once), or undefined if it is not one.
    #[wasm_bindgen(js_name = signalOf)]
    pub(crate) fn signal_of(value: &JsValue) -> JsValue;

    /// Whether a signal from [`signal_of`] has fired.
    #[wasm_bindgen(js_name = isAborted)]
    pub(crate) fn is_aborted(signal: &JsValue) -> bool;

    /// A copy of the bytes of an ArrayBuffer or a view of one (`max + 1` zero bytes when
    /// there are more than `max`), or undefined for anything else.
    #[wasm_bindgen(js_name = bodyBytes)]
    fn body_bytes(value: &JsValue, max: u32) -> Option<Vec<u8>>;

    /// The JS type of a value in words, for messages ("a number", "null", "an object").
    #[wasm_bindgen(js_name = describeType)]
    pub(crate) fn describe_type(value: &JsValue) -> String;

    /// transport.js's [`failure`] code of that name (`"setup"`, `"network"`, ...), for the
    /// test that pins the two tables together.
    #[wasm_bindgen(js_name = failureCode)]
    pub(crate) fn failure_code(name: &str) -> u32;

    /// The names, written one after another with a comma and a space between them, as a
    /// JS array.
    #[wasm_bindgen(js_name = namesOf)]
    pub(crate) fn names_of(names: &str) -> JsValue;

    /// The lines of `text` as a JS array: the headers of a request, a name then its value
    /// (a header's value never holds a line break: the config refuses control characters),
    /// from which transport.js makes each attempt's headers.
    #[wasm_bindgen(js_name = linesOf)]
    pub(crate) fn lines_of(text: &str) -> JsValue;

    /// The runtime's global `fetch` function (`globalThis.fetch`), or undefined.
    #[wasm_bindgen(js_name = globalFetch)]
    pub(crate) fn global_fetch() -> JsValue;

    /// The length of a JS string in UTF-16 units, or -1 for a value that is not a string.
    #[wasm_bindgen(js_name = stringLength)]
    fn string_length(value: &JsValue) -> i32;

    /// `JSON.parse`, for the objects the module hands back: written as JSON by the core's
    /// writer and built by the runtime in one call, instead of one call per field.
    /// `undefined` if the runtime refuses the text.
    #[wasm_bindgen(js_name = parseJson)]
    fn parse_json(text: &str) -> JsValue;

    /// What [`read_settings`] returns: the values read, then what it found.
    pub(crate) type Values;

    /// The value at `index`.
    #[wasm_bindgen(method, structural, indexing_getter)]
    pub(crate) fn get(this: &Values, index: u32) -> JsValue;
}

/// What the runtime itself has.
#[wasm_bindgen]
extern "C" {
    /// `Date.now()`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(crate) fn now_ms() -> f64;

    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub(crate) fn random() -> f64;
}

/// A serde value as a plain JS object (see [`parse_json`]). The library's types are flat
/// and small, and always write (the JSON tests cover them); a message beats a trap.
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    json_to_js(crate::core::json::to_string(value).ok())
}

/// The JSON text of [`to_js`] as a JS object; apart from the generic `to_js`, so that its
/// code is in the module once rather than once per type.
fn json_to_js(text: Option<String>) -> JsValue {
    match text.map(|text| parse_json(&text)) {
        Some(object) if !object.is_undefined() => object,
        _ => JsValue::from_str("paywall-edge could not convert its answer"),
    }
}

/// The bytes of a callback body given as bytes (see transport.js's `bodyBytes`), or
/// `None` when `value` is no ArrayBuffer nor a view of one.
pub(crate) fn bytes_of(value: &JsValue, max: usize) -> Option<Vec<u8>> {
    body_bytes(value, max as u32)
}

/// A JS string, copied, when it has at most `max` UTF-16 units: `Ok(text)`, or `Err(length)`
/// for a longer one (not copied: wasm memory never shrinks). `None` for a value that is
/// not a string.
pub(crate) fn bounded_string(value: &JsValue, max: u32) -> Option<Result<String, u32>> {
    let length = u32::try_from(string_length(value)).ok()?;
    Some(if length > max {
        Err(length)
    } else {
        Ok(value.as_string().unwrap_or_default())
    })
}
