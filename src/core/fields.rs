//! Reading a caller's options object one named field at a time.
//!
//! A JS caller's `config` may be a plain object, a class instance with getters, a frozen
//! object, an object whose fields live on its prototype, or a Proxy whose traps throw.
//! The host reads exactly the fields named here, one property read each (guarded, so a
//! throwing getter becomes an error value), and hands them here as [`FieldValue`]s, which
//! this module turns into [`ConfigOptions`] with plain typed reads: messages name the field,
//! state the range the check uses, and never quote a string value (it might be a key).
//!
//! The config is not a wire type: reading it needs no serde deserializer, which would cost
//! the WebAssembly module a second monomorphised one beside the envelope's.

use alloc::string::String;

use super::config::{ConfigOptions, Secret, WholeNumber, MAX_RETRIES, TIMEOUT_MS};
use super::error::Error;
use super::secrets::Quoted;
use super::text::{describe_number, is_whole, Decimal};
use crate::text;

/// One property of the caller's object, as the host read it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// `undefined`, or no such property.
    Missing,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (JS numbers are all doubles).
    Number(f64),
    /// A string.
    String(String),
    /// A string the host did not copy because it is longer than any valid setting; its
    /// length in UTF-16 units.
    LongString(u32),
    /// Anything else, described for a message: "an object", "a function", "a symbol", ...
    Other(&'static str),
}

impl FieldValue {
    /// The kind of the value, for a message about a field that may hold a key: a key given
    /// as a number or a boolean by mistake is still a key, and is not printed.
    fn kind(&self) -> &'static str {
        match self {
            FieldValue::Missing => "undefined",
            FieldValue::Null => "null",
            FieldValue::Bool(_) => "a boolean",
            FieldValue::Number(_) => "a number",
            FieldValue::String(_) | FieldValue::LongString(_) => "a string",
            FieldValue::Other(what) => what,
        }
    }

    /// Describes the value for a message, whole numbers included; strings are not quoted.
    fn describe(&self) -> String {
        match self {
            FieldValue::Number(n) => describe_number(*n),
            other => other.kind().into(),
        }
    }
}

/// The fields [`read_config_options`] asks for, in the order it asks: a host that reads
/// them all at once (the WebAssembly bindings, in one call into JS) reads this list.
pub const CONFIG_FIELDS: [&str; 9] = [
    "baseAddress",
    "apiKeyPrivate",
    "apiClientPrivate",
    "timeoutMs",
    "maxRetries",
    "dangerouslyAllowBrowser",
    "dangerouslyAllowInsecureHttp",
    "environment",
    "reconcile",
];

/// Reads the settings of a caller's config through `read`, which returns one field's value
/// (or the error of a failed read, returned unchanged); every field is asked for once, in
/// the order of [`ConfigOptions`], which is that of [`CONFIG_FIELDS`].
// Filled in place rather than in one struct literal: a failed read then drops what was
// read in one call, where a literal drops the fields read so far at each of its nine `?`s.
#[allow(clippy::field_reassign_with_default)]
pub fn read_config_options<R>(mut read: R) -> Result<ConfigOptions, Error>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    let mut options = ConfigOptions::default();
    options.base_address = text(&mut read, "baseAddress")?;
    options.api_key_private = text(&mut read, "apiKeyPrivate")?.map(Secret::new);
    options.api_client_private = text(&mut read, "apiClientPrivate")?.map(Secret::new);
    options.timeout_ms = whole_number(&mut read, &TIMEOUT_MS)?;
    options.max_retries = whole_number(&mut read, &MAX_RETRIES)?;
    options.dangerously_allow_browser = flag(&mut read, "dangerouslyAllowBrowser")?;
    options.dangerously_allow_insecure_http = flag(&mut read, "dangerouslyAllowInsecureHttp")?;
    options.environment = text(&mut read, "environment")?;
    options.reconcile = flag(&mut read, "reconcile")?;
    Ok(options)
}

/// The error for a field whose value is not of the kind it must be; `got` describes it.
fn wrong(field: &str, expected: &str, got: &str) -> Error {
    Error::config(text![
        "config.",
        field,
        " must be ",
        expected,
        ", got ",
        got
    ])
}

/// A string setting; absent (`undefined` or `null`) is `None`.
fn text<R>(read: &mut R, field: &'static str) -> Result<Option<String>, Error>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    match read(field)? {
        FieldValue::Missing | FieldValue::Null => Ok(None),
        FieldValue::String(value) => Ok(Some(value)),
        FieldValue::LongString(length) => Err(Error::config(text![
            "config.",
            field,
            " is too long to be a valid setting (",
            Decimal::of(length.into()),
            " characters)"
        ])),
        other => Err(wrong(field, "a string", other.kind())),
    }
}

/// A whole-number setting within the bounds of `setting`; absent is `None`.
fn whole_number<R>(read: &mut R, setting: &WholeNumber) -> Result<Option<u32>, Error>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    match read(setting.field)? {
        FieldValue::Missing | FieldValue::Null => Ok(None),
        // Exact: the value is whole and within the bounds, which fit a u32.
        FieldValue::Number(n)
            if (f64::from(setting.min)..=f64::from(setting.max)).contains(&n) && is_whole(n) =>
        {
            Ok(Some(n as u32))
        }
        other => Err(setting.refused(&other.describe())),
    }
}

/// A true-or-false setting; absent is `None`.
fn flag<R>(read: &mut R, field: &'static str) -> Result<Option<bool>, Error>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    match read(field)? {
        FieldValue::Missing | FieldValue::Null => Ok(None),
        FieldValue::Bool(value) => Ok(Some(value)),
        other => Err(wrong(field, "true or false", &other.describe())),
    }
}

/// Every name a JS config may hold: the settings, then what only JavaScript adds.
pub const JS_CONFIG_FIELDS: [&str; 11] = [
    "baseAddress",
    "apiKeyPrivate",
    "apiClientPrivate",
    "timeoutMs",
    "maxRetries",
    "dangerouslyAllowBrowser",
    "dangerouslyAllowInsecureHttp",
    "environment",
    "reconcile",
    "fetch",
    "signal",
];

/// [`JS_CONFIG_FIELDS`] as a message lists them (a test checks that they agree); the
/// WebAssembly bindings also hand this text to JS, which splits it into the names to read.
pub const SETTINGS_LIST: &str = "baseAddress, apiKeyPrivate, apiClientPrivate, timeoutMs, \
    maxRetries, dangerouslyAllowBrowser, dangerouslyAllowInsecureHttp, environment, reconcile, \
    fetch, signal";

/// The error for a config that holds `key`, which is not a setting: a misspelt one (`timeout`
/// for `timeoutMs`), or another object passed as the config. A setting the library does not
/// know is refused rather than ignored, since ignoring it would silently run the call with a
/// default the caller meant to change. Names the key (the caller's text, quoted) and the
/// known name nearest to it. `None` stands for keys that could not be listed.
pub fn unknown_config_field(key: Option<&Quoted>) -> Error {
    let Some(key) = key else {
        return Error::config(
            "the keys of config could not be listed (a Proxy trap threw): pass a plain object",
        );
    };
    Error::config(text![
        "config.",
        key,
        " is not a setting of paywall-edge: did you mean ",
        nearest_name(key.as_str(), &JS_CONFIG_FIELDS),
        "? The settings are ",
        SETTINGS_LIST
    ])
}

/// The error for `verifyCallback` options that hold `key`, which is not `confirmWith`: a
/// misspelling (`confirmwith`), or a config passed in place of the options. Either would
/// otherwise switch the confirming inquiry off without a word.
pub fn unknown_callback_option(key: Option<&Quoted>) -> Error {
    let Some(key) = key else {
        return Error::config(
            "the keys of options could not be listed (a Proxy trap threw): pass a plain object",
        );
    };
    Error::config(text![
        "options.",
        key,
        " is not an option of verifyCallback: did you mean confirmWith?"
    ])
}

/// The name in `names` nearest to `key`: the fewest single-letter edits, less the letters
/// the two start with alike (so that `apiKey` is nearer to `apiKeyPrivate` than to
/// `fetch`), letter case ignored; the first of equals.
fn nearest_name<'a>(key: &str, names: &[&'a str]) -> &'a str {
    let mut best = ("", usize::MAX);
    for name in names {
        let mut same_start = 0;
        while let (Some(a), Some(b)) = (
            key.as_bytes().get(same_start),
            name.as_bytes().get(same_start),
        ) {
            if !a.eq_ignore_ascii_case(b) {
                break;
            }
            same_start += 1;
        }
        // Offset so that the score stays unsigned: a common start is never longer than the
        // key.
        let score = edit_distance(key.as_bytes(), name.as_bytes()) + key.len() - same_start;
        if score < best.1 {
            best = (name, score);
        }
    }
    best.0
}

/// The Levenshtein distance between `a` and `b` in bytes, ASCII letter case ignored (the
/// names are ASCII; a key with other characters is far from all of them anyway). `b` is a
/// name, shorter than [`NAME_ROOM`] bytes: the table's row is on the stack.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut row = [0; NAME_ROOM];
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, a) in a.iter().enumerate() {
        let mut diagonal = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, b) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else {
                break;
            };
            let cost = usize::from(!a.eq_ignore_ascii_case(b));
            let next = (diagonal + cost).min(left + 1).min(up + 1);
            diagonal = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = next;
            }
        }
    }
    row.get(b.len()).copied().unwrap_or(usize::MAX)
}

/// Room for the longest name [`edit_distance`] measures against, and the row's first cell.
const NAME_ROOM: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_settings_are_the_fields() {
        assert_eq!(SETTINGS_LIST, JS_CONFIG_FIELDS.join(", "));
    }
    use crate::ErrorKind;
    use std::collections::HashMap;

    fn read_options(fields: &[(&str, FieldValue)]) -> Result<ConfigOptions, Error> {
        let map: HashMap<&str, FieldValue> = fields.iter().cloned().collect();
        read_config_options(|name| Ok(map.get(name).cloned().unwrap_or(FieldValue::Missing)))
    }

    fn message(fields: &[(&str, FieldValue)]) -> String {
        let error = read_options(fields).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        error.message().to_owned()
    }

    #[test]
    fn reads_every_field_once_by_the_name_its_serde_form_uses() {
        let mut asked = Vec::new();
        read_config_options(|name| {
            asked.push(name);
            Ok(FieldValue::Missing)
        })
        .unwrap();
        assert_eq!(
            asked,
            [
                "baseAddress",
                "apiKeyPrivate",
                "apiClientPrivate",
                "timeoutMs",
                "maxRetries",
                "dangerouslyAllowBrowser",
                "dangerouslyAllowInsecureHttp",
                "environment",
                "reconcile",
            ]
        );
        // The list a host that reads every field at once (the bindings) reads, in this order.
        assert_eq!(asked, CONFIG_FIELDS);
        // The same names, read by serde (which the TypeScript declaration comes from), give
        // the same settings: the two cannot drift apart.
        let json = serde_json::json!({
            "baseAddress": "https://a.example", "apiKeyPrivate": "k-1", "apiClientPrivate": "c-1",
            "timeoutMs": 1500, "maxRetries": 3, "dangerouslyAllowBrowser": true,
            "dangerouslyAllowInsecureHttp": true, "environment": "test", "reconcile": false,
        });
        let by_serde: ConfigOptions = serde_json::from_value(json.clone()).unwrap();
        let by_fields = read_config_options(|name| {
            Ok(match &json[name] {
                serde_json::Value::String(text) => FieldValue::String(text.clone()),
                serde_json::Value::Number(n) => FieldValue::Number(n.as_f64().unwrap()),
                serde_json::Value::Bool(flag) => FieldValue::Bool(*flag),
                _ => FieldValue::Missing,
            })
        })
        .unwrap();
        assert_eq!(format!("{by_serde:?}"), format!("{by_fields:?}"));
        assert_eq!(by_fields.dangerously_allow_insecure_http, Some(true));
        assert_eq!(by_fields.timeout_ms, Some(1500));
    }

    #[test]
    fn reads_present_values_and_treats_null_as_absent() {
        let options = read_options(&[
            (
                "baseAddress",
                FieldValue::String("https://a.example".into()),
            ),
            ("apiKeyPrivate", FieldValue::String("key-123".into())),
            ("timeoutMs", FieldValue::Number(1500.0)),
            ("maxRetries", FieldValue::Null),
            ("dangerouslyAllowBrowser", FieldValue::Bool(true)),
        ])
        .unwrap();
        assert_eq!(options.base_address.as_deref(), Some("https://a.example"));
        assert_eq!(options.api_key_private.unwrap().expose(), "key-123");
        assert_eq!(options.timeout_ms, Some(1500));
        assert_eq!(options.max_retries, None);
        assert_eq!(options.dangerously_allow_browser, Some(true));
    }

    #[test]
    fn messages_name_the_field_state_its_range_and_never_quote_strings() {
        let cases = [
            (
                ("timeoutMs", FieldValue::String("sk-secret-value".into())),
                "config.timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got a string",
            ),
            (
                ("timeoutMs", FieldValue::Number(1.5)),
                "config.timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got a number with a fractional part",
            ),
            (
                ("timeoutMs", FieldValue::Number(0.0)),
                "config.timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got the number 0",
            ),
            (
                ("maxRetries", FieldValue::Number(-1.0)),
                "config.maxRetries must be a whole number from 0 to 10, got the number -1",
            ),
            (
                ("maxRetries", FieldValue::Number(1e300)),
                "config.maxRetries must be a whole number from 0 to 10, got a number larger than 9007199254740991",
            ),
            (
                ("maxRetries", FieldValue::Number(-1e300)),
                "config.maxRetries must be a whole number from 0 to 10, got a number smaller than -9007199254740991",
            ),
            (
                ("timeoutMs", FieldValue::Number(f64::INFINITY)),
                "config.timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got Infinity",
            ),
            (
                ("maxRetries", FieldValue::Number(f64::NAN)),
                "config.maxRetries must be a whole number from 0 to 10, got NaN",
            ),
            (
                ("apiKeyPrivate", FieldValue::Number(12345.0)),
                "config.apiKeyPrivate must be a string, got a number",
            ),
            (
                ("apiClientPrivate", FieldValue::Other("an object")),
                "config.apiClientPrivate must be a string, got an object",
            ),
            (
                ("baseAddress", FieldValue::LongString(10_000_000)),
                "config.baseAddress is too long to be a valid setting (10000000 characters)",
            ),
            (
                ("dangerouslyAllowBrowser", FieldValue::String("yes".into())),
                "config.dangerouslyAllowBrowser must be true or false, got a string",
            ),
            (
                ("dangerouslyAllowInsecureHttp", FieldValue::Number(1.0)),
                "config.dangerouslyAllowInsecureHttp must be true or false, got the number 1",
            ),
        ];
        for (field, expected) in cases {
            assert_eq!(message(&[field]), expected);
        }
    }

    #[test]
    fn a_failed_read_is_returned_unchanged_and_stops_reading() {
        let mut asked = 0;
        let error = read_config_options(|name| {
            asked += 1;
            if name == "apiKeyPrivate" {
                Err(Error::config("reading config.apiKeyPrivate threw"))
            } else {
                Ok(FieldValue::Missing)
            }
        })
        .unwrap_err();
        assert_eq!(error.message(), "reading config.apiKeyPrivate threw");
        assert_eq!(asked, 2);
    }

    #[test]
    fn an_unknown_setting_is_named_with_the_nearest_known_one() {
        use crate::core::secrets::quoted;
        for (key, nearest) in [
            ("timeout", "timeoutMs"),
            ("timeoutms", "timeoutMs"),
            ("maxRetry", "maxRetries"),
            ("apiKey", "apiKeyPrivate"),
            ("apiclientprivate", "apiClientPrivate"),
            ("base_address", "baseAddress"),
            ("signl", "signal"),
        ] {
            let error = unknown_config_field(Some(&quoted(key)));
            assert_eq!(error.kind(), ErrorKind::Config);
            assert!(
                error.message().starts_with(&format!(
                    "config.{key} is not a setting of paywall-edge: did you mean {nearest}?"
                )),
                "{key}: {}",
                error.message()
            );
        }
        let error = unknown_callback_option(Some(&quoted("confirmwith")));
        assert!(error.message().starts_with(
            "options.confirmwith is not an option of verifyCallback: did you mean confirmWith?"
        ));
        assert_eq!(edit_distance(b"kitten", b"sitting"), 3);
        assert_eq!(edit_distance(b"", b"abc"), 3);
        assert_eq!(edit_distance(b"ABC", b"abc"), 0);
    }

    #[test]
    fn every_name_fits_the_edit_distance_row() {
        assert!(JS_CONFIG_FIELDS.iter().all(|name| name.len() < NAME_ROOM));
    }

    #[test]
    fn every_js_config_field_is_a_setting_then_fetch_then_signal() {
        // The bindings read the fields in this order and find fetch and signal by position.
        assert_eq!(JS_CONFIG_FIELDS[..CONFIG_FIELDS.len()], CONFIG_FIELDS);
        assert_eq!(JS_CONFIG_FIELDS[CONFIG_FIELDS.len()..], ["fetch", "signal"]);
    }
}
