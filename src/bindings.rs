//! The JavaScript face of the crate: the `#[wasm_bindgen]` exports, and the conversions
//! between JS values and the core's types.
//!
//! The exports (`cancelPayment`, `inquirePayment`, `verifyCallback`) never throw and never
//! reject with anything but a plain details object (`kind`, `message`, `httpStatus`, ...):
//! the package's thin JS entry turns that object into a `PaywallError` inside the caller's
//! own async call chain, which gives the error a stack trace that shows where the caller
//! awaited it.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{
    self, json, ActivityType, Config, ConfigOptions, Error, FieldValue, PaymentRequestId,
    PaymentStatus, PhysicalPosCallback, Secrets, MAX_CALLBACK_BYTES,
};
use crate::transport::{self, describe_type, FetchFunction, PreparedConfig, Signal};

/// Longest string copied out of a config field. Keys and URLs are far shorter; refusing a
/// multi-megabyte string before copying it keeps WebAssembly memory (which never shrinks)
/// from growing on a bad input.
const MAX_FIELD_CHARS: u32 = 4096;

/// Longer than any GUID by a margin; a longer id is rejected without being copied.
const MAX_ID_CHARS: u32 = 64;

/// How much of an unknown key of a settings object a message quotes.
const KEY_CHARS: usize = 60;

/// The declarations the serde types cannot give: the two code tables (see `core::codes`),
/// the JS-only config fields, and the error class, whose fields are the generated
/// `PaywallErrorDetails`. The class itself lives in the package's error.js.
#[wasm_bindgen(typescript_custom_section)]
const ACTIVITY_TYPE_TYPESCRIPT: &str = ActivityType::TYPESCRIPT;

#[wasm_bindgen(typescript_custom_section)]
const PAYMENT_STATUS_TYPESCRIPT: &str = PaymentStatus::TYPESCRIPT;

#[wasm_bindgen(typescript_custom_section)]
const CONFIG_AND_ERROR_TYPESCRIPT: &str = r#"
/**
 * Where Paywall is: the address Paywall gave you (`baseAddress`), or its Physical POS test
 * environment by name (`environment: "test"`); never both.
 */
export type PaywallAddress =
  | { baseAddress: string; environment?: undefined }
  | { environment: "test"; baseAddress?: undefined };

/** What only JavaScript adds to the settings of a call. */
export interface CallOptions {
  /** Aborts the call: the attempt in flight and any wait before a retry. */
  signal?: AbortSignal;
  /**
   * A fetch-compatible function used instead of the global `fetch` (a test double, a
   * Workers service binding, an instrumented fetch). Called as
   * `fetch(url, { method, headers, body, signal, redirect: "manual" })`.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response> | Response;
}

/**
 * The `config` of {@link cancelPayment} and {@link inquirePayment}: where Paywall is, the
 * two private keys, the settings, and what only JavaScript has.
 */
export type PaywallConfig = Omit<CancelConfigOptions, "baseAddress" | "environment"> &
  PaywallAddress &
  CallOptions;

/** The `config` of {@link cancelPayment}: the same as {@link PaywallConfig}. */
export type CancelConfig = PaywallConfig;

/**
 * The options of {@link verifyCallback}: none (or `{}`) to check the Hash alone, or
 * `{ confirmWith: config }`. They fail closed: a `confirmWith` that is present but
 * `undefined` or `null` (an unset binding), or any other option name, is a "config" error,
 * and no inquiry is sent.
 */
export type VerifyCallbackOptions =
  | {
      /**
       * Also asks Paywall's inquiry endpoint, with this config, for the payment, and rejects
       * with kind "signature" unless the callback reports its latest activity as Paywall has
       * it: the activity id, type and status, the terminal, the display code, the merchant's
       * code and the amount. The Hash covers only the payment, the merchant's code and the
       * amount, so this is the way to act on a callback safely. A confirmation that could
       * not be made rejects with a kind other than "decode", "signature" and "input".
       */
      confirmWith: PaywallConfig;
    }
  | { [option: string]: never };

/** The error every paywall-edge call rejects with; its fields are {@link PaywallErrorDetails}. */
export interface PaywallError extends PaywallErrorDetails {}
export declare class PaywallError extends Error {
  constructor(message: string, details: PaywallErrorDetails);
  /** The details as a plain object, for structured logs. */
  toJSON(): PaywallErrorDetails & { name: string };
}
"#;

/// Cancels a Paywall async payment. Resolves with Paywall's result; rejects with a
/// `PaywallError` whose `kind` says what went wrong. Bad config or input is rejected
/// before any request is sent.
#[wasm_bindgen(js_name = cancelPayment, unchecked_return_type = "CancelResult")]
pub async fn cancel_payment(
    #[wasm_bindgen(
        unchecked_param_type = "CancelConfig",
        param_description = "Paywall's address, the two private keys, and options"
    )]
    config: JsValue,
    #[wasm_bindgen(
        js_name = paymentRequestId,
        unchecked_param_type = "string",
        param_description = "the GUID Paywall returned for the sale"
    )]
    payment_request_id: JsValue,
) -> Result<JsValue, JsValue> {
    let outcome = match read_call(&config, &payment_request_id) {
        Ok(call) => transport::cancel(&call.config, &call.id, call.fetch, call.signal).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(result) => Ok(to_js(&result)),
        Err(error) => Err(to_js(&error)),
    }
}

/// Asks Paywall for a payment's state (its latest activity and status). Resolves with the
/// payment; rejects with a `PaywallError` whose `kind` says what went wrong. Bad config or
/// input is rejected before any request is sent.
#[wasm_bindgen(js_name = inquirePayment, unchecked_return_type = "PaymentInquiry")]
pub async fn inquire_payment(
    #[wasm_bindgen(
        unchecked_param_type = "PaywallConfig",
        param_description = "Paywall's address, the two private keys, and options"
    )]
    config: JsValue,
    #[wasm_bindgen(
        js_name = paymentRequestId,
        unchecked_param_type = "string",
        param_description = "the GUID Paywall returned for the sale"
    )]
    payment_request_id: JsValue,
) -> Result<JsValue, JsValue> {
    let outcome = match read_call(&config, &payment_request_id) {
        Ok(call) => transport::inquire(&call.config, &call.id, call.fetch, call.signal).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(inquiry) => Ok(to_js(&inquiry)),
        Err(error) => Err(to_js(&error)),
    }
}

/// Checks a Physical POS callback's Hash and reads it. Resolves with the callback; rejects
/// with a `PaywallError` of kind `signature` (not from Paywall, or altered), `decode` (not a
/// callback), `config` (no hash key) or `input` (a body that is not text or bytes).
#[wasm_bindgen(js_name = verifyCallback, unchecked_return_type = "PhysicalPosCallback")]
pub async fn verify_callback(
    #[wasm_bindgen(
        js_name = rawBody,
        unchecked_param_type = "string | Uint8Array | ArrayBuffer",
        param_description = "the request body exactly as received, before any JSON parsing"
    )]
    raw_body: JsValue,
    #[wasm_bindgen(
        js_name = hashKey,
        unchecked_param_type = "string",
        param_description = "the Physical POS webhook hash key from the merchant panel"
    )]
    hash_key: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "VerifyCallbackOptions",
        param_description = "confirmWith: a config, to confirm the status with an inquiry"
    )]
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    match verified_callback(&raw_body, &hash_key, &options).await {
        Ok(callback) => Ok(to_js(&callback)),
        Err(error) => Err(to_js(&error)),
    }
}

/// The callback in `raw_body`, verified with `hash_key`, and confirmed by an inquiry when the
/// options ask for it.
async fn verified_callback(
    raw_body: &JsValue,
    hash_key: &JsValue,
    options: &JsValue,
) -> Result<PhysicalPosCallback, Error> {
    let hash_key = match hash_key.dyn_ref::<JsString>() {
        Some(key) if key.length() <= MAX_FIELD_CHARS => key.as_string().unwrap_or_default(),
        Some(_) => return Err(Error::config("hashKey is too long to be a hash key")),
        None if hash_key.is_undefined() || hash_key.is_null() => {
            return Err(Error::config(
                "hashKey is missing: pass the Physical POS webhook hash key from your Paywall \
                 merchant panel (an environment variable or a secret binding; an unset one \
                 reads as undefined)",
            ))
        }
        None => {
            return Err(Error::config(format!(
                "hashKey must be a string, got {}",
                describe_type(hash_key)
            )))
        }
    };
    let callback = core::verify_callback(&callback_bytes(raw_body)?, &hash_key)?;
    let Some(config) = confirm_with(options, &hash_key)? else {
        return Ok(callback);
    };
    let call = read_call(&config, &JsValue::from_str(&callback.payment_request_id))?;
    transport::confirm(&call.config, &callback, &call.id, call.fetch, call.signal).await?;
    Ok(callback)
}

/// The config that `options` asks to confirm a callback with, or `None` for the Hash alone.
///
/// Fails closed: the Hash alone is checked only when the options are absent or hold
/// nothing. A `confirmWith` that is there but unset (an environment binding that is not
/// defined reads as undefined), or any other option (`confirmwith`, a config passed in
/// place of the options), is a config error: either would otherwise switch the confirming
/// inquiry off without a word.
fn confirm_with(options: &JsValue, hash_key: &str) -> Result<Option<JsValue>, Error> {
    const NAME: &str = "confirmWith";
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(Error::config(format!(
            "options must be an object such as {{ confirmWith: config }}, got {}",
            describe_type(options)
        )));
    }
    let names = Array::of1(&JsValue::from_str(NAME));
    let read = FieldsRead::new(options, &names, 0, &JsValue::UNDEFINED);
    if read.threw.is_some() {
        return Err(Error::config(
            "reading options.confirmWith threw an exception; pass a plain object",
        ));
    }
    if let Some(key) = &read.unknown {
        let secrets = Secrets::one(hash_key);
        let key = key.as_deref().map(|key| secrets.quote(key, KEY_CHARS));
        return Err(core::unknown_callback_option(key.as_ref()).seal(&secrets));
    }
    let config = read.values.get(0);
    if !(config.is_undefined() || config.is_null()) {
        return Ok(Some(config));
    }
    if transport::has_setting(options, &JsValue::from_str(NAME)) {
        return Err(Error::config(format!(
            "options.confirmWith is {}: the config to confirm the callback with is unset (an \
             environment variable or binding that is not defined reads as undefined); pass \
             the config, or leave confirmWith out to check the Hash alone",
            describe_type(&config)
        )));
    }
    Ok(None)
}

/// The bytes of a callback body given as a string (UTF-8), a `Uint8Array` (or another
/// view) or an `ArrayBuffer`. A body over [`MAX_CALLBACK_BYTES`] is not copied: a stand-in
/// of that length makes the core refuse it, before parsing, as too large.
fn callback_bytes(raw_body: &JsValue) -> Result<Vec<u8>, Error> {
    let too_large = || vec![0; MAX_CALLBACK_BYTES + 1];
    if let Some(text) = raw_body.dyn_ref::<JsString>() {
        // A UTF-16 unit is at least one byte of UTF-8.
        if text.length() as usize > MAX_CALLBACK_BYTES {
            return Ok(too_large());
        }
        return Ok(text.as_string().unwrap_or_default().into_bytes());
    }
    match transport::bytes_of(raw_body, MAX_CALLBACK_BYTES) {
        Some(Ok(bytes)) => Ok(bytes),
        Some(Err(_length)) => Ok(too_large()),
        None => Err(Error::input(format!(
            "rawBody must be the request body as a string, a Uint8Array or an ArrayBuffer, got {}",
            describe_type(raw_body)
        ))),
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &str) -> Result<JsValue, JsValue>;
}

/// A serde value as a plain JS object: written as JSON by the core's writer and read back
/// by the runtime's `JSON.parse`, which builds the object in one call instead of one call
/// per field. The result and the error details are flat and small.
fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    match json::to_string(value).map(|text| parse_json(&text)) {
        Ok(Ok(object)) => object,
        // Unreachable for the wire types (the JSON tests cover both); a message beats a trap.
        Ok(Err(_)) | Err(_) => JsValue::from_str("paywall-edge could not convert its answer"),
    }
}

/// The checked inputs of one call.
struct Call {
    config: Rc<PreparedConfig>,
    id: PaymentRequestId,
    fetch: FetchFunction,
    signal: Option<Signal>,
}

/// The fields a call reads from its config, all in one call into JS: every name of
/// [`core::JS_CONFIG_FIELDS`], the settings ([`core::CONFIG_FIELDS`]) first, then these two.
const FETCH: usize = core::CONFIG_FIELDS.len();
const SIGNAL: usize = FETCH + 1;

/// The name of a field [`read_call`] reads, by index.
fn call_field(index: usize) -> &'static str {
    core::JS_CONFIG_FIELDS
        .get(index)
        .copied()
        .unwrap_or_default()
}

/// The config fields the last successful call read, as the array transport.js returned, and
/// what they became. Most programs pass the same settings to every call; when every setting
/// holds the same value again (`===`, compared in JS), the checked config and its prepared JS
/// values are reused instead of copying and checking the strings anew. Fields are still read
/// on every call, so a getter that changes its answer is seen.
struct RememberedConfig {
    values: Array,
    prepared: Rc<PreparedConfig>,
}

thread_local! {
    // A Cell, taken for the duration of a read: a getter that calls back into this module
    // finds it empty instead of finding it borrowed.
    static LAST_CONFIG: Cell<Option<RememberedConfig>> = const { Cell::new(None) };
    static CALL_FIELD_NAMES: Array = core::JS_CONFIG_FIELDS.iter().map(|name| JsValue::from_str(name)).collect();
}

/// What [`transport::read_settings`] found: the values, the field whose read threw, the
/// first key that is none of the names read, and whether the settings are the last call's.
struct FieldsRead {
    values: Array,
    threw: Option<usize>,
    /// `Some(None)` when the keys could not be listed.
    unknown: Option<Option<String>>,
    same_settings: bool,
}

impl FieldsRead {
    /// Reads `names` from `target`, comparing the first `remembered` with `last`.
    fn new(target: &JsValue, names: &Array, remembered: usize, last: &JsValue) -> FieldsRead {
        let values = transport::read_settings(target, names, remembered as u32, last);
        let at = |offset: u32| values.get(values.length().saturating_sub(3) + offset);
        let threw = at(0).as_f64().filter(|index| *index >= 0.0);
        let unknown = at(1)
            .as_string()
            .map(|key| Some(key).filter(|key| !key.is_empty()));
        FieldsRead {
            threw: threw.map(|index| index as usize),
            unknown,
            same_settings: at(2).as_bool() == Some(true),
            values,
        }
    }

    /// Field `index` of a config, or the config error of a read that threw.
    fn get(&self, index: usize) -> Result<JsValue, Error> {
        if self.threw == Some(index) {
            return Err(Error::config(format!(
                "reading config.{} threw an exception; pass a plain object",
                call_field(index)
            )));
        }
        Ok(self.values.get(index as u32))
    }
}

/// Reads and checks everything the caller passed, before anything is sent.
fn read_call(config: &JsValue, payment_request_id: &JsValue) -> Result<Call, Error> {
    if !config.is_object() {
        return Err(Error::config(format!(
            "config must be an object with baseAddress, apiKeyPrivate and apiClientPrivate, got {}",
            describe_type(config)
        )));
    }
    let remembered = LAST_CONFIG.with(Cell::take);
    let last = remembered
        .as_ref()
        .map_or(JsValue::UNDEFINED, |remembered| {
            remembered.values.clone().into()
        });
    let fields = CALL_FIELD_NAMES
        .with(|names| FieldsRead::new(config, names, core::CONFIG_FIELDS.len(), &last));
    let prepared = match remembered {
        Some(remembered) if fields.same_settings && fields.unknown.is_none() => remembered.prepared,
        _ => {
            // The core asks for the fields in the order of CONFIG_FIELDS (a native test
            // checks), which is the order they were read in.
            let mut next = 0;
            let options = core::read_config_options(|_name| {
                next += 1;
                Ok(field_value(&fields.get(next - 1)?))
            })?;
            if let Some(key) = &fields.unknown {
                return Err(unknown_config_field(&options, key.as_deref()));
            }
            Rc::new(PreparedConfig::new(Config::from_options(options)?))
        }
    };
    LAST_CONFIG.with(|last| {
        last.set(Some(RememberedConfig {
            values: fields.values.clone(),
            prepared: Rc::clone(&prepared),
        }))
    });
    let id = read_payment_request_id(payment_request_id)
        .map_err(|error| error.seal(&prepared.config().secrets()))?;
    let fetch = match fields.get(FETCH)? {
        absent if absent.is_undefined() || absent.is_null() => FetchFunction::global()?,
        function if function.is_function() => FetchFunction::Custom(function),
        other => {
            return Err(Error::config(format!(
                "config.fetch must be a function like fetch, got {}",
                describe_type(&other)
            )))
        }
    };
    let signal = match fields.get(SIGNAL)? {
        absent if absent.is_undefined() || absent.is_null() => None,
        value => {
            let what = describe_type(&value);
            let signal = Signal::from_js(value).ok_or_else(|| {
                Error::config(format!(
                    "config.signal must be an AbortSignal (from an AbortController), got {what}"
                ))
            })?;
            Some(signal)
        }
    };
    Ok(Call {
        config: prepared,
        id,
        fetch,
        signal,
    })
}

/// The error for a config that holds `key` (`None`: keys that could not be listed), which
/// is not a setting; the key is quoted without any fragment of the config's own keys.
fn unknown_config_field(options: &ConfigOptions, key: Option<&str>) -> Error {
    let expose = |secret: &Option<core::Secret>| {
        secret
            .as_ref()
            .map_or("", |secret| secret.expose())
            .to_owned()
    };
    let (key_private, client_private) = (
        expose(&options.api_key_private),
        expose(&options.api_client_private),
    );
    let secrets = Secrets::new(&key_private, &client_private);
    let key = key.map(|key| secrets.quote(key, KEY_CHARS));
    core::unknown_config_field(key.as_ref()).seal(&secrets)
}

/// A config property as the core's [`FieldValue`], copying strings only when they are
/// short enough to be a setting. Ordered by what configs hold most (strings, then absent
/// fields); each test is one call into JS.
fn field_value(value: &JsValue) -> FieldValue {
    if let Some(text) = value.dyn_ref::<JsString>() {
        let length = text.length();
        if length > MAX_FIELD_CHARS {
            FieldValue::LongString(length)
        } else {
            FieldValue::String(text.as_string().unwrap_or_default())
        }
    } else if value.is_undefined() {
        FieldValue::Missing
    } else if let Some(number) = value.as_f64() {
        FieldValue::Number(number)
    } else if let Some(flag) = value.as_bool() {
        FieldValue::Bool(flag)
    } else if value.is_null() {
        FieldValue::Null
    } else {
        FieldValue::Other(describe_type(value))
    }
}

/// Reads the id: a string holding a canonical GUID.
fn read_payment_request_id(value: &JsValue) -> Result<PaymentRequestId, Error> {
    let Some(text) = value.dyn_ref::<JsString>() else {
        return Err(PaymentRequestId::not_a_string(describe_type(value)));
    };
    let length = text.length();
    if length > MAX_ID_CHARS {
        return Err(PaymentRequestId::too_long(length));
    }
    PaymentRequestId::parse(&text.as_string().unwrap_or_default())
}
