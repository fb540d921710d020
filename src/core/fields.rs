//! Reading a caller's options object one named field at a time.
//!
//! A JS caller's `config` may be a plain object, a class instance with getters, a frozen
//! object, an object whose fields live on its prototype, or a Proxy whose traps throw.
//! The host reads exactly the fields the serde type declares, one property read each
//! (guarded, so a throwing getter becomes an error value), and hands them here as
//! [`FieldValue`]s. This module turns them into the serde type with messages that name the
//! field and never quote a string value (it might be a key).

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;

use super::decode_error::DecodeProblem;
use super::error::Error;

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
    /// Describes the value for a message without quoting strings.
    fn describe(&self) -> String {
        match self {
            FieldValue::Missing => "undefined".into(),
            FieldValue::Null => "null".into(),
            FieldValue::Bool(_) => "a boolean".into(),
            FieldValue::Number(n) => describe_number(*n),
            FieldValue::String(_) | FieldValue::LongString(_) => "a string".into(),
            FieldValue::Other(what) => (*what).into(),
        }
    }
}

/// A number as JS would print it, for whole numbers; fractions are only named, since
/// printing them would pull float formatting (some 15 KB) into the WebAssembly module.
fn describe_number(n: f64) -> String {
    const SAFE: f64 = 9_007_199_254_740_991.0; // Number.MAX_SAFE_INTEGER
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.fract() == 0.0 && n.abs() <= SAFE {
        // Exact: a whole number within the safe range converts without loss.
        format!("the number {}", n as i64)
    } else {
        "a number with a fractional part".into()
    }
}

/// Builds a `T` from the fields `read` returns, one call per field `T` declares.
///
/// `object` names the object in messages (`"config"`). `read` may fail (a getter threw);
/// its error is returned as is. Any other problem is an
/// [`ErrorKind::Config`](super::ErrorKind::Config) error that names the field.
pub fn from_fields<T, R>(object: &str, read: R) -> Result<T, Error>
where
    T: DeserializeOwned,
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    let mut failure = None;
    let deserializer = ObjectDeserializer {
        object,
        read,
        failure: &mut failure,
    };
    match T::deserialize(deserializer) {
        Ok(value) => Ok(value),
        Err(DecodeProblem(message)) => Err(failure.unwrap_or_else(|| Error::config(message))),
    }
}

struct ObjectDeserializer<'a, R> {
    object: &'a str,
    read: R,
    /// Where a failed read's own error is kept, so it is returned unchanged.
    failure: &'a mut Option<Error>,
}

impl<'de, R> de::Deserializer<'de> for ObjectDeserializer<'_, R>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    type Error = DecodeProblem;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        visitor.visit_map(Fields {
            object: self.object,
            names: fields.iter(),
            read: self.read,
            failure: self.failure,
            current: None,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DecodeProblem> {
        Err(DecodeProblem(format!(
            "{} can only be read into a struct",
            self.object
        )))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct Fields<'a, R> {
    object: &'a str,
    names: std::slice::Iter<'static, &'static str>,
    read: R,
    failure: &'a mut Option<Error>,
    current: Option<(&'static str, FieldValue)>,
}

impl<'de, R> MapAccess<'de> for Fields<'_, R>
where
    R: FnMut(&'static str) -> Result<FieldValue, Error>,
{
    type Error = DecodeProblem;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeProblem> {
        for &name in self.names.by_ref() {
            let value = match (self.read)(name) {
                Ok(value) => value,
                Err(error) => {
                    let message = error.message().to_owned();
                    *self.failure = Some(error);
                    return Err(DecodeProblem(message));
                }
            };
            if value != FieldValue::Missing {
                self.current = Some((name, value));
                return seed.deserialize(name.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeProblem> {
        let Some((name, value)) = self.current.take() else {
            return Err(DecodeProblem(format!(
                "{} was read out of order",
                self.object
            )));
        };
        seed.deserialize(ValueDeserializer(value))
            .map_err(|DecodeProblem(problem)| {
                DecodeProblem(format!("{}.{name} {problem}", self.object))
            })
    }
}

/// One field's value. Its errors say what the field must be; [`Fields`] prefixes the name.
struct ValueDeserializer(FieldValue);

impl ValueDeserializer {
    fn expected(&self, what: &str) -> DecodeProblem {
        DecodeProblem(format!("must be {what}, got {}", self.0.describe()))
    }

    /// The value as a whole number within `min..=max`. The bounds are integers so that the
    /// message formats no float.
    fn whole_number(&self, min: i64, max: i64) -> Result<f64, DecodeProblem> {
        // Every bound used here (the 32-bit ranges) is exact as an f64.
        let (low, high) = (min as f64, max as f64);
        match self.0 {
            FieldValue::Number(n) if n.fract() == 0.0 && (low..=high).contains(&n) => Ok(n),
            _ => Err(self.expected(&format!("a whole number from {min} to {max}"))),
        }
    }
}

macro_rules! whole_number {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
            // The casts are exact: the value is whole and inside the type's range.
            let n = self.whole_number(i64::from(<$ty>::MIN), i64::from(<$ty>::MAX))?;
            visitor.$visit(n as $ty)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = DecodeProblem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.0 {
            FieldValue::Missing | FieldValue::Null => visitor.visit_none(),
            FieldValue::Bool(b) => visitor.visit_bool(b),
            FieldValue::Number(n) => visitor.visit_f64(n),
            FieldValue::String(s) => visitor.visit_string(s),
            FieldValue::LongString(length) => Err(DecodeProblem(format!(
                "is too long to be a valid setting ({length} characters)"
            ))),
            FieldValue::Other(what) => Err(de::Error::invalid_type(
                de::Unexpected::Other(what),
                &visitor,
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.0 {
            FieldValue::Missing | FieldValue::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.0 {
            FieldValue::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.expected("true or false")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.0 {
            FieldValue::String(s) => visitor.visit_string(s),
            FieldValue::LongString(length) => Err(DecodeProblem(format!(
                "is too long to be a valid setting ({length} characters)"
            ))),
            _ => Err(self.expected("a string")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        self.deserialize_string(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.0 {
            FieldValue::Number(n) if n.is_finite() => visitor.visit_f64(n),
            _ => Err(self.expected("a finite number")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        visitor.visit_unit()
    }

    whole_number! {
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
    }

    forward_to_deserialize_any! {
        i64 i128 u64 u128 char bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConfigOptions, ErrorKind};
    use std::collections::HashMap;

    fn read_options(fields: &[(&str, FieldValue)]) -> Result<ConfigOptions, Error> {
        let map: HashMap<&str, FieldValue> = fields.iter().cloned().collect();
        from_fields("config", |name| {
            Ok(map.get(name).cloned().unwrap_or(FieldValue::Missing))
        })
    }

    fn message(fields: &[(&str, FieldValue)]) -> String {
        let error = read_options(fields).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        error.message().to_owned()
    }

    #[test]
    fn reads_every_declared_field_once_and_nothing_else() {
        let mut asked = Vec::new();
        let _: ConfigOptions = from_fields("config", |name| {
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
                "dangerouslyAllowBrowser"
            ]
        );
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
    fn wrong_types_name_the_field_and_never_quote_strings() {
        let cases = [
            (
                ("timeoutMs", FieldValue::String("sk-secret-value".into())),
                "config.timeoutMs must be a whole number from 0 to 4294967295, got a string",
            ),
            (
                ("timeoutMs", FieldValue::Number(1.5)),
                "config.timeoutMs must be a whole number from 0 to 4294967295, got a number with a fractional part",
            ),
            (
                ("maxRetries", FieldValue::Number(-1.0)),
                "config.maxRetries must be a whole number from 0 to 4294967295, got the number -1",
            ),
            (
                ("timeoutMs", FieldValue::Number(f64::INFINITY)),
                "config.timeoutMs must be a whole number from 0 to 4294967295, got Infinity",
            ),
            (
                ("maxRetries", FieldValue::Number(f64::NAN)),
                "config.maxRetries must be a whole number from 0 to 4294967295, got NaN",
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
        ];
        for (field, expected) in cases {
            assert_eq!(message(&[field]), expected);
        }
    }

    #[test]
    fn a_failed_read_is_returned_unchanged_and_stops_reading() {
        let mut asked = 0;
        let error = from_fields::<ConfigOptions, _>("config", |name| {
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
}
