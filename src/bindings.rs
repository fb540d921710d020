//! The JavaScript face of the crate: the `#[wasm_bindgen]` exports, the one reader of what a
//! caller passes (a config, its fetch and signal, an id, a callback), and the one way every
//! export settles.
//!
//! The exports (`cancelPayment`, `inquirePayment`, `verifyCallback`) return a promise and
//! never throw. It rejects with nothing but a plain details object (`kind`, `message`,
//! `httpStatus`, ...): the package's thin JS entry turns that object into a `PaywallError`
//! inside the caller's own async call chain, which gives the error a stack trace that shows
//! where the caller awaited it. Bad input is refused before anything is sent, with a promise
//! that is already settled.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use crate::core::{
    self, Config, ConfigOptions, Error, FieldValue, Operation, Outcome, PaymentRequestId,
    PhysicalPosCallback, Quoted, Secrets, MAX_CALLBACK_BYTES,
};
use crate::js::{self, describe_type, to_js, Local};
use crate::text;
use crate::transport::{self, FetchFunction, PreparedConfig, Report, Signal};

/// Longest string copied out of a config field. Keys and URLs are far shorter; refusing a
/// multi-megabyte string before copying it keeps WebAssembly memory (which never shrinks)
/// from growing on a bad input.
const MAX_FIELD_CHARS: u32 = 4096;

/// Longer than any GUID by a margin; a longer id is rejected without being copied.
const MAX_ID_CHARS: u32 = 64;

/// How much of an unknown key of a settings object a message quotes.
const KEY_CHARS: usize = 60;

/// Cancels a Paywall async payment. Resolves with Paywall's result; rejects with a
/// `PaywallError` whose `kind` says what went wrong. Bad config or input is rejected
/// before any request is sent.
#[wasm_bindgen(js_name = cancelPayment, unchecked_return_type = "Promise<CancelResult>")]
pub fn cancel_payment(
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
) -> JsValue {
    settle(start(&config, Wanted::Cancel(&payment_request_id)))
}

/// Asks Paywall for a payment's state (its latest activity and status). Resolves with the
/// payment; rejects with a `PaywallError` whose `kind` says what went wrong. Bad config or
/// input is rejected before any request is sent.
#[wasm_bindgen(js_name = inquirePayment, unchecked_return_type = "Promise<PaymentInquiry>")]
pub fn inquire_payment(
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
) -> JsValue {
    settle(start(&config, Wanted::Inquiry(&payment_request_id)))
}

/// Checks a Physical POS callback's Hash and reads it, and with `confirmWith` confirms it
/// with Paywall's inquiry. Resolves with the callback; rejects with a `PaywallError` of kind
/// `signature` (not from Paywall, altered, or not the payment's latest activity), `decode`
/// (not a callback), `config` (no hash key, or options that cannot be followed), `input` (a
/// body that is not text or bytes), or another kind when the confirmation could not be made.
#[wasm_bindgen(js_name = verifyCallback, unchecked_return_type = "Promise<PhysicalPosCallback>")]
pub fn verify_callback(
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
        param_description = "confirmWith: a config, to confirm the callback with an inquiry"
    )]
    options: Option<JsValue>,
) -> JsValue {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let checked = read_hash_key(&hash_key).and_then(|hash_key| {
        let callback = core::verify_callback(&callback_bytes(&raw_body)?, &hash_key)?;
        Ok((callback, confirm_with(&options, &hash_key)?))
    });
    settle(checked.and_then(|(callback, config)| match config {
        None => Ok(Started::Done(Outcome::Confirmed(callback))),
        Some(config) => start(&config, Wanted::Confirm(callback)),
    }))
}

/// How an export goes on once its inputs are read.
enum Started {
    /// Nothing to send: the outcome is known (a callback checked by its Hash alone).
    Done(Outcome),
    /// A call to drive.
    Call {
        config: Rc<PreparedConfig>,
        operation: Operation,
        fetch: FetchFunction,
        signal: Option<Signal>,
    },
}

/// The one way every export settles: a promise already settled for what needs no request,
/// else the call's, driven by `transport::spawn`.
fn settle(started: Result<Started, Error>) -> JsValue {
    match started {
        Err(error) => js::settled(false, &to_js(&error)),
        Ok(Started::Done(outcome)) => js::settled(true, &to_js(&outcome)),
        Ok(Started::Call {
            config,
            operation,
            fetch,
            signal,
        }) => {
            transport::spawn(config, operation, fetch, signal, Report::Promise).unwrap_or_default()
        }
    }
}

/// The operation an export asks for, before its id is read.
enum Wanted<'a> {
    Cancel(&'a JsValue),
    Inquiry(&'a JsValue),
    Confirm(PhysicalPosCallback),
}

/// A call with the caller's `config`, once it is read and checked, of the operation
/// `wanted`: its id is read after the config, so that a key passed as the id is never
/// quoted.
fn start(config: &JsValue, wanted: Wanted<'_>) -> Result<Started, Error> {
    let (config, fetch, signal) = read_config(config)?;
    let operation = match wanted {
        Wanted::Cancel(id) => read_id(id).map(Operation::Cancel),
        Wanted::Inquiry(id) => read_id(id).map(Operation::Inquiry),
        Wanted::Confirm(callback) => Ok(Operation::Confirm(callback)),
    }
    .map_err(|error| error.seal(&config.config().secrets()))?;
    Ok(Started::Call {
        config,
        operation,
        fetch,
        signal,
    })
}

/// The fields a call reads from its config, all in one call into JS: every name of
/// [`core::JS_CONFIG_FIELDS`], the settings ([`core::CONFIG_FIELDS`]) first, then these two.
const FETCH: usize = core::CONFIG_FIELDS.len();
const SIGNAL: usize = FETCH + 1;

/// The name of a field [`read_config`] reads, by index.
fn call_field(index: usize) -> &'static str {
    core::JS_CONFIG_FIELDS
        .get(index)
        .copied()
        .unwrap_or_default()
}

/// The config fields the last call read, as the array transport.js returned, and what they
/// became. Most programs pass the same settings to every call; when every setting holds the
/// same value again (`===`, compared in JS), the checked config and its prepared JS values
/// are reused instead of copying and checking the strings anew. Fields are still read on
/// every call, so a getter that changes its answer is seen.
struct RememberedConfig {
    values: JsValue,
    prepared: Rc<PreparedConfig>,
}

/// The last call's config, and the field names as JS strings (made once).
static LAST_CONFIG: Local<Option<RememberedConfig>> = Local::new(None);
static CALL_FIELD_NAMES: Local<Option<JsValue>> = Local::new(None);

/// What [`js::read_settings`] found: the values, the field whose read threw, the first key
/// that is none of the names read, and whether the settings are the last call's.
struct FieldsRead {
    values: js::Values,
    threw: Option<usize>,
    /// `Some(None)` when the keys could not be listed.
    unknown: Option<Option<String>>,
    same_settings: bool,
}

impl FieldsRead {
    /// Reads the `count` fields `names` from `target`, comparing the first `remembered` with
    /// `last`.
    fn new(
        target: &JsValue,
        names: &JsValue,
        count: usize,
        remembered: usize,
        last: &JsValue,
    ) -> FieldsRead {
        let values = js::read_settings(target, names, remembered as u32, last);
        let at = |offset: u32| values.get(count as u32 + offset);
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
            return Err(Error::config(text![
                "reading config.",
                call_field(index),
                " threw; pass a plain object"
            ]));
        }
        Ok(self.values.get(index as u32))
    }
}

/// Reads and checks a caller's config, its fetch and its signal: the one reader of them.
fn read_config(
    config: &JsValue,
) -> Result<(Rc<PreparedConfig>, FetchFunction, Option<Signal>), Error> {
    if !config.is_object() {
        return Err(Error::config(text![
            "config must be an object with baseAddress, apiKeyPrivate and apiClientPrivate, got ",
            describe_type(config)
        ]));
    }
    let names = CALL_FIELD_NAMES
        .with(|names| {
            names
                .get_or_insert_with(|| js::names_of(core::SETTINGS_LIST))
                .clone()
        })
        .unwrap_or_default();
    let remembered = LAST_CONFIG.with(Option::take).flatten();
    let last = remembered
        .as_ref()
        .map_or(JsValue::UNDEFINED, |remembered| remembered.values.clone());
    let fields = FieldsRead::new(
        config,
        &names,
        core::JS_CONFIG_FIELDS.len(),
        core::CONFIG_FIELDS.len(),
        &last,
    );
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
        *last = Some(RememberedConfig {
            values: fields.values.clone(),
            prepared: Rc::clone(&prepared),
        })
    });
    let fetch = match fields.get(FETCH)? {
        absent if absent.is_null_or_undefined() => FetchFunction::global()?,
        function if function.is_function() => FetchFunction::Custom(function),
        other => {
            return Err(Error::config(text![
                "config.fetch must be a function like fetch, got ",
                describe_type(&other)
            ]))
        }
    };
    let signal = match fields.get(SIGNAL)? {
        absent if absent.is_null_or_undefined() => None,
        value => Some(Signal::from_js(&value).ok_or_else(|| {
            Error::config(text![
                "config.signal must be an AbortSignal, got ",
                describe_type(&value)
            ])
        })?),
    };
    Ok((prepared, fetch, signal))
}

/// The error for a config that holds `key` (`None`: keys that could not be listed), which
/// is not a setting; the key is quoted without any fragment of the config's own keys.
fn unknown_config_field(options: &ConfigOptions, key: Option<&str>) -> Error {
    let secrets = Secrets::new(
        options
            .api_key_private
            .as_ref()
            .map_or("", core::Secret::expose),
        options
            .api_client_private
            .as_ref()
            .map_or("", core::Secret::expose),
    );
    unknown_key(key, &secrets, core::unknown_config_field)
}

/// The error `unknown` makes for a settings object that holds `key` (`None`: keys that
/// could not be listed): the key quoted, the error sealed against `secrets`.
fn unknown_key(
    key: Option<&str>,
    secrets: &Secrets<'_>,
    unknown: fn(Option<&Quoted>) -> Error,
) -> Error {
    let key = key.map(|key| secrets.quote(key, KEY_CHARS));
    unknown(key.as_ref()).seal(secrets)
}

/// A config property as the core's [`FieldValue`], copying strings only when they are
/// short enough to be a setting. Ordered by what configs hold most (strings, then absent
/// fields); each test is one call into JS. `null` reads as [`FieldValue::Missing`]: every
/// setting takes the two alike.
fn field_value(value: &JsValue) -> FieldValue {
    if let Some(text) = js::bounded_string(value, MAX_FIELD_CHARS) {
        match text {
            Ok(text) => FieldValue::String(text),
            Err(length) => FieldValue::LongString(length),
        }
    } else if value.is_null_or_undefined() {
        FieldValue::Missing
    } else if let Some(number) = value.as_f64() {
        FieldValue::Number(number)
    } else if let Some(flag) = value.as_bool() {
        FieldValue::Bool(flag)
    } else {
        FieldValue::Other(describe_kind(value))
    }
}

/// The kind of a value that is none of a setting's kinds, for a message: as transport.js's
/// `describeType` words it (one import for every kind, rather than one per kind).
fn describe_kind(value: &JsValue) -> &'static str {
    let kind = describe_type(value);
    ["a function", "a symbol", "a bigint"]
        .into_iter()
        .find(|known| *known == kind)
        .unwrap_or("an object")
}

/// Reads the id: a string holding a canonical GUID.
fn read_id(value: &JsValue) -> Result<PaymentRequestId, Error> {
    match js::bounded_string(value, MAX_ID_CHARS) {
        Some(Ok(text)) => PaymentRequestId::parse(&text),
        Some(Err(length)) => Err(PaymentRequestId::too_long(length)),
        None => Err(PaymentRequestId::not_a_string(&describe_type(value))),
    }
}

/// Reads the webhook hash key: a string, never quoted.
fn read_hash_key(value: &JsValue) -> Result<String, Error> {
    match js::bounded_string(value, MAX_FIELD_CHARS) {
        Some(Ok(key)) => Ok(key),
        Some(Err(_)) => Err(Error::config("hashKey is too long to be a hash key")),
        None if value.is_null_or_undefined() => Err(Error::config(
            "hashKey is missing (an unset variable or binding?): pass the Physical POS webhook \
             hash key from your Paywall merchant panel",
        )),
        None => Err(Error::config(text![
            "hashKey must be a string, got ",
            describe_type(value)
        ])),
    }
}

/// The bytes of a callback body given as a string (UTF-8), a `Uint8Array` (or another
/// view) or an `ArrayBuffer`. A body over [`MAX_CALLBACK_BYTES`] is not copied: a stand-in
/// of that length makes the core refuse it, before parsing, as too large.
fn callback_bytes(raw_body: &JsValue) -> Result<Vec<u8>, Error> {
    // A UTF-16 unit is at least one byte of UTF-8.
    match js::bounded_string(raw_body, MAX_CALLBACK_BYTES as u32) {
        Some(Ok(text)) => return Ok(text.into_bytes()),
        Some(Err(_)) => return Ok(vec![0; MAX_CALLBACK_BYTES + 1]),
        None => {}
    }
    js::bytes_of(raw_body, MAX_CALLBACK_BYTES).ok_or_else(|| {
        Error::input(text![
            "rawBody must be the request body as a string, a Uint8Array or an ArrayBuffer, got ",
            describe_type(raw_body)
        ])
    })
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
    if options.is_null_or_undefined() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(Error::config(text![
            "options must be an object such as { confirmWith: config }, got ",
            describe_type(options)
        ]));
    }
    let names = js::names_of(NAME);
    let read = FieldsRead::new(options, &names, 1, 0, &JsValue::UNDEFINED);
    if read.threw.is_some() {
        return Err(Error::config(
            "reading options.confirmWith threw; pass a plain object",
        ));
    }
    if let Some(key) = &read.unknown {
        return Err(unknown_key(
            key.as_deref(),
            &Secrets::one(hash_key),
            core::unknown_callback_option,
        ));
    }
    let config = read.values.get(0);
    if !config.is_null_or_undefined() {
        return Ok(Some(config));
    }
    if js::has_setting(options, NAME) {
        return Err(Error::config(text![
            "options.confirmWith is ",
            describe_type(&config),
            " (an unset variable or binding?): pass the config, or leave confirmWith out"
        ]));
    }
    Ok(None)
}
