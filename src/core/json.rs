//! JSON for the two documents this client exchanges: it writes the request body and reads
//! Paywall's envelope, through serde, so the wire types stay the single definition of the
//! format.
//!
//! Why not serde_json, or the runtime's `JSON.parse`: serde_json would triple the size of the
//! WebAssembly module, and walking a `JSON.parse` result from Rust costs a JS call per field.
//! An envelope needs little of JSON: objects, strings, integers, booleans and null. Anything
//! else (arrays, fractions, exponents) is accepted only where it is skipped, in fields this
//! client does not read, or read as a [`RawNumber`]: a number's text, kept exactly as written
//! and never turned into a float (float parsing and formatting would cost the module
//! kilobytes, and a callback's Hash covers the text, not the value). The reader is strict
//! (RFC 8259 syntax, no trailing commas or comments), bounded (nesting depth, no recursion
//! the input controls beyond it) and never panics; issue #6's fuzzing checks that.

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Impossible, Serialize};
use serde::{Deserialize, Deserializer, Serializer};
use std::borrow::Cow;
use std::fmt;

use super::decode_error::DecodeProblem;

/// Deeper nesting than this is refused: an envelope is two levels deep.
const MAX_DEPTH: u32 = 32;

/// The newtype name by which [`RawNumber`] asks this reader for a number's text, and this
/// writer to write its text unquoted (as serde_json's `RawValue` does). No other type uses it.
const RAW_NUMBER: &str = "$paywall_edge::json::RawNumber";

/// A JSON number's text exactly as the document wrote it ("1.50", "-0.5e3", "125"),
/// checked against RFC 8259's number grammar and never converted to a float.
///
/// Read and written by this module's reader and writer only: the writer writes it as a
/// number, unquoted, so that `JSON.parse` makes a JS number of it. Other serde formats
/// refuse to read it (serde_json among them) and write it as a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawNumber(String);

impl RawNumber {
    /// `text` if it is one JSON number and nothing else (no white space, no sign `+`, no
    /// leading zeros, digits on both sides of a decimal point).
    pub fn parse(text: &str) -> Option<RawNumber> {
        let mut reader = Reader::new(text);
        match reader.number() {
            Ok((number, _)) if number.len() == text.len() => Some(RawNumber(number.into())),
            _ => None,
        }
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number is an amount as Paywall writes one: a .NET `decimal` in plain
    /// notation, so no exponent, at most 29 digits before the point and 28 after it. Such a
    /// number is always finite in JavaScript, where `1E+400` or 400 digits would read as
    /// `Infinity`.
    pub fn is_decimal_amount(&self) -> bool {
        let digits = self.0.strip_prefix('-').unwrap_or(&self.0);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let plain = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        plain(whole) && plain(fraction) && whole.len() <= 29 && fraction.len() <= 28
    }

    /// Whether two decimal amounts (see [`RawNumber::is_decimal_amount`]) are the same
    /// value however each is written: "1.5" and "1.50", "0.0" and "-0". A number that is not
    /// a decimal amount equals nothing.
    pub fn same_decimal(&self, other: &RawNumber) -> bool {
        /// The sign, and the digits without leading zeros before the point and trailing
        /// zeros after it; zero has no sign.
        fn canonical(number: &RawNumber) -> Option<(bool, &str, &str)> {
            if !number.is_decimal_amount() {
                return None;
            }
            let (negative, digits) = match number.0.strip_prefix('-') {
                Some(digits) => (true, digits),
                None => (false, number.0.as_str()),
            };
            let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
            let whole = whole.trim_start_matches('0');
            let fraction = fraction.trim_end_matches('0');
            let zero = whole.is_empty() && fraction.is_empty();
            Some((negative && !zero, whole, fraction))
        }
        match (canonical(self), canonical(other)) {
            (Some(one), Some(another)) => one == another,
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Takes the text this module's reader hands over, checking it once more in case
        /// another deserializer hands over something else.
        struct NumberText;

        impl Visitor<'_> for NumberText {
            type Value = RawNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawNumber, E> {
                RawNumber::parse(text)
                    .ok_or_else(|| E::invalid_type(de::Unexpected::Other("a string"), &self))
            }
        }

        deserializer.deserialize_newtype_struct(RAW_NUMBER, NumberText)
    }
}

impl Serialize for RawNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(RAW_NUMBER, self.as_str())
    }
}

/// Reads a `T` from JSON text. The error says what was wrong and where.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let mut reader = Reader::new(text);
    let outcome = T::deserialize(&mut reader).and_then(|value| {
        reader.skip_whitespace();
        if reader.position < reader.bytes.len() {
            Err(reader.problem("text after the end of the JSON value"))
        } else {
            Ok(value)
        }
    });
    outcome.map_err(|DecodeProblem(problem)| {
        if text.trim().is_empty() {
            String::from("the body is empty, not JSON")
        } else {
            problem
        }
    })
}

/// Writes `value` as compact JSON. Only what the wire types use is supported (structs,
/// strings, integers, [`RawNumber`]s, booleans, options and unit enum variants); anything
/// else is an error the tests would catch, never a panic.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    let mut out = String::new();
    value
        .serialize(&mut Writer {
            out: &mut out,
            raw: false,
        })
        .map(|()| out)
        .map_err(|DecodeProblem(problem)| problem)
}

struct Reader<'de> {
    bytes: &'de [u8],
    position: usize,
    depth: u32,
}

impl<'de> Reader<'de> {
    fn new(text: &'de str) -> Self {
        Reader {
            bytes: text.as_bytes(),
            position: 0,
            depth: 0,
        }
    }

    fn problem(&self, what: &str) -> DecodeProblem {
        DecodeProblem(format!("{what} (at byte {})", self.position))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        let rest = self.bytes.get(self.position..).unwrap_or_default();
        self.position += rest
            .iter()
            .position(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
    }

    /// The next byte that is not white space, without consuming it.
    fn next_token(&mut self) -> Result<u8, DecodeProblem> {
        self.skip_whitespace();
        self.peek()
            .ok_or_else(|| self.problem("the JSON ends too early"))
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), DecodeProblem> {
        if self.next_token()? == byte {
            self.position += 1;
            Ok(())
        } else {
            Err(self.problem(what))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), DecodeProblem> {
        let end = self.position + word.len();
        if self.bytes.get(self.position..end) == Some(word) {
            self.position = end;
            Ok(())
        } else {
            Err(self.problem("not a JSON value"))
        }
    }

    fn enter(&mut self) -> Result<(), DecodeProblem> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.problem("the JSON is nested too deeply"));
        }
        Ok(())
    }

    /// A string token, borrowed from the input when it has no escapes.
    fn string(&mut self) -> Result<Cow<'de, str>, DecodeProblem> {
        self.expect(b'"', "expected a string")?;
        let start = self.position;
        self.skip_plain_string_bytes();
        match self.peek() {
            Some(b'"') => {
                let text = self.text_between(start, self.position)?;
                self.position += 1;
                Ok(Cow::Borrowed(text))
            }
            Some(b'\\') => {
                let mut text = String::from(self.text_between(start, self.position)?);
                self.position += 1;
                text.push(self.escape()?);
                self.string_after_escape(text).map(Cow::Owned)
            }
            Some(_) => Err(self.problem("a control character inside a string")),
            None => Err(self.problem("a string is not closed")),
        }
    }

    /// Moves past the bytes of a string that need no attention: all but `"`, `\` and
    /// control characters. One scan instead of a bounds-checked step per byte.
    fn skip_plain_string_bytes(&mut self) {
        let rest = self.bytes.get(self.position..).unwrap_or_default();
        let plain = rest
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
            .unwrap_or(rest.len());
        self.position += plain;
    }

    /// Continues a string after its first escape, appending to `text`.
    fn string_after_escape(&mut self, mut text: String) -> Result<String, DecodeProblem> {
        loop {
            let start = self.position;
            self.skip_plain_string_bytes();
            text.push_str(self.text_between(start, self.position)?);
            match self.peek() {
                Some(b'"') => {
                    self.position += 1;
                    return Ok(text);
                }
                Some(b'\\') => {
                    self.position += 1;
                    text.push(self.escape()?);
                }
                Some(_) => return Err(self.problem("a control character inside a string")),
                None => return Err(self.problem("a string is not closed")),
            }
        }
    }

    fn text_between(&self, start: usize, end: usize) -> Result<&'de str, DecodeProblem> {
        self.bytes
            .get(start..end)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(|| self.problem("a string that is not UTF-8"))
    }

    /// The character an escape stands for; the backslash is already consumed.
    fn escape(&mut self) -> Result<char, DecodeProblem> {
        let Some(byte) = self.peek() else {
            return Err(self.problem("a string is not closed"));
        };
        self.position += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first)
                    && self.bytes.get(self.position..self.position + 2) == Some(b"\\u")
                {
                    let mark = self.position;
                    self.position += 2;
                    let second = self.hex4()?;
                    if (0xDC00..0xE000).contains(&second) {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    self.position = mark;
                }
                // A lone surrogate (JSON allows it, Rust strings cannot hold it).
                char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => return Err(self.problem("an unknown escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, DecodeProblem> {
        let digits = self
            .bytes
            .get(self.position..self.position + 4)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .and_then(|text| {
                u32::from_str_radix(text, 16)
                    .ok()
                    .filter(|_| !text.starts_with('+'))
            })
            .ok_or_else(|| self.problem("a \\u escape without four hex digits"))?;
        self.position += 4;
        Ok(digits)
    }

    /// A number token, checked against JSON's grammar. Returns its text and whether it is a
    /// whole number (no fraction, no exponent).
    fn number(&mut self) -> Result<(&'de str, bool), DecodeProblem> {
        self.skip_whitespace();
        let start = self.position;
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        match self.peek() {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.problem("not a JSON value")),
        }
        let mut whole = true;
        if self.peek() == Some(b'.') {
            self.position += 1;
            whole = false;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.problem("a number with no digits after its decimal point"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.position += 1;
            whole = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.position += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.problem("a number with no digits in its exponent"));
            }
            self.digits();
        }
        Ok((self.text_between(start, self.position)?, whole))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.position += 1;
        }
    }

    /// What kind of value starts at the cursor, for a message.
    fn kind_here(&mut self) -> &'static str {
        let token = self.next_token();
        let rest = self.bytes.get(self.position..).unwrap_or_default();
        match token {
            Ok(b'"') => "a string",
            Ok(b't' | b'f') if rest.starts_with(b"true") || rest.starts_with(b"false") => {
                "a boolean"
            }
            Ok(b'n') if rest.starts_with(b"null") => "null",
            Ok(b'{') => "an object",
            Ok(b'[') => "an array",
            Ok(b'-' | b'0'..=b'9') => "a number",
            _ => "text that is not JSON",
        }
    }

    /// A whole number that fits an i64.
    fn integer(&mut self) -> Result<i64, DecodeProblem> {
        if !matches!(self.next_token()?, b'-' | b'0'..=b'9') {
            let found = self.kind_here();
            return Err(self.problem(&format!("must be a whole number, got {found}")));
        }
        let (text, whole) = self.number()?;
        if !whole {
            return Err(self.problem("must be a whole number"));
        }
        text.parse()
            .map_err(|_| self.problem("a whole number too large to read"))
    }

    /// Skips one value of any kind, checking its syntax.
    fn skip_value(&mut self) -> Result<(), DecodeProblem> {
        match self.next_token()? {
            b'{' => self.skip_items(b'}', "expected , or } in an object", |reader| {
                reader.string()?;
                reader.expect(b':', "expected : after an object key")?;
                reader.skip_value()
            }),
            b'[' => self.skip_items(b']', "expected , or ] in an array", Reader::skip_value),
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }

    /// Skips the comma-separated items of an object or array whose opening bracket is next,
    /// through its closing bracket `close`.
    fn skip_items(
        &mut self,
        close: u8,
        unclosed: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), DecodeProblem>,
    ) -> Result<(), DecodeProblem> {
        self.enter()?;
        self.position += 1;
        if self.next_token()? != close {
            loop {
                item(self)?;
                if self.next_token()? != b',' {
                    break;
                }
                self.position += 1;
            }
        }
        self.expect(close, unclosed)?;
        self.depth -= 1;
        Ok(())
    }
}

macro_rules! integer_methods {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
            let value = self.integer()?;
            let narrowed = <$ty>::try_from(value)
                .map_err(|_| self.problem(concat!("a number out of range for ", stringify!($ty))))?;
            visitor.$visit(narrowed)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = DecodeProblem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.next_token()? {
            b'{' => self.deserialize_map(visitor),
            b'[' => {
                self.enter()?;
                self.position += 1;
                let value = visitor.visit_seq(Elements {
                    reader: self,
                    first: true,
                })?;
                self.expect(b']', "expected , or ] in an array")?;
                self.depth -= 1;
                Ok(value)
            }
            b'"' => match self.string()? {
                Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
                Cow::Owned(text) => visitor.visit_string(text),
            },
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            _ => visitor.visit_i64(self.integer()?),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        match self.next_token()? {
            b't' | b'f' => self.deserialize_any(visitor),
            _ => {
                let found = self.kind_here();
                Err(self.problem(&format!("must be true or false, got {found}")))
            }
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        if self.next_token()? != b'"' {
            let found = self.kind_here();
            return Err(self.problem(&format!("must be a string, got {found}")));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        if self.next_token()? == b'n' {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeProblem> {
        if self.next_token()? != b'{' {
            let found = self.kind_here();
            return Err(self.problem(&format!("must be an object, got {found}")));
        }
        self.enter()?;
        self.position += 1;
        let value = visitor.visit_map(Members {
            reader: self,
            first: true,
        })?;
        self.expect(b'}', "expected , or } in an object")?;
        self.depth -= 1;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    /// A [`RawNumber`] gets the number's text as written; any other newtype its content.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeProblem> {
        if name != RAW_NUMBER {
            return visitor.visit_newtype_struct(self);
        }
        if !matches!(self.next_token()?, b'-' | b'0'..=b'9') {
            let found = self.kind_here();
            return Err(self.problem(&format!("must be a number, got {found}")));
        }
        visitor.visit_borrowed_str(self.number()?.0)
    }

    integer_methods! {
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
        deserialize_i64 visit_i64 i64;
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_u64 visit_u64 u64;
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit unit_struct seq tuple tuple_struct enum
    }
}

/// The members of an object, as serde's map access.
struct Members<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = DecodeProblem;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeProblem> {
        let token = self.reader.next_token()?;
        if token == b'}' {
            return Ok(None);
        }
        if !self.first {
            self.reader.expect(b',', "expected , or } in an object")?;
        }
        self.first = false;
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeProblem> {
        self.reader.expect(b':', "expected : after an object key")?;
        seed.deserialize(&mut *self.reader)
    }
}

/// The elements of an array, as serde's sequence access.
struct Elements<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = DecodeProblem;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeProblem> {
        if self.reader.next_token()? == b']' {
            return Ok(None);
        }
        if !self.first {
            self.reader.expect(b',', "expected , or ] in an array")?;
        }
        self.first = false;
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

struct Writer<'a> {
    out: &'a mut String,
    /// Set while a [`RawNumber`] is written: its text goes out unquoted.
    raw: bool,
}

impl Writer<'_> {
    fn string(&mut self, text: &str) {
        self.out.push('"');
        // Copies runs that need no escape in one go; only `"`, `\` and control characters
        // are escaped, as RFC 8259 requires.
        let mut run = 0;
        for (at, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                0x00..=0x1f => "",
                _ => continue,
            };
            self.out.push_str(text.get(run..at).unwrap_or_default());
            if escape.is_empty() {
                self.out.push_str("\\u00");
                for digit in [byte >> 4, byte & 0xf] {
                    self.out
                        .push(char::from_digit(u32::from(digit), 16).unwrap_or('0'));
                }
            } else {
                self.out.push_str(escape);
            }
            run = at + 1;
        }
        self.out.push_str(text.get(run..).unwrap_or_default());
        self.out.push('"');
    }

    fn unsupported(what: &str) -> DecodeProblem {
        DecodeProblem(format!("{what} cannot be written as wire JSON"))
    }
}

impl ser::Error for DecodeProblem {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        DecodeProblem(message.to_string())
    }
}

macro_rules! write_integers {
    ($($method:ident $ty:ty as $wide:ty;)*) => {$(
        fn $method(self, value: $ty) -> Result<(), DecodeProblem> {
            self.out.push_str(&<$wide>::from(value).to_string());
            Ok(())
        }
    )*};
}

impl<'a, 'b> ser::Serializer for &'a mut Writer<'b> {
    type Ok = ();
    type Error = DecodeProblem;
    type SerializeSeq = Impossible<(), DecodeProblem>;
    type SerializeTuple = Impossible<(), DecodeProblem>;
    type SerializeTupleStruct = Impossible<(), DecodeProblem>;
    type SerializeTupleVariant = Impossible<(), DecodeProblem>;
    type SerializeMap = Impossible<(), DecodeProblem>;
    type SerializeStruct = Fields<'a, 'b>;
    type SerializeStructVariant = Impossible<(), DecodeProblem>;

    fn serialize_bool(self, value: bool) -> Result<(), DecodeProblem> {
        self.out.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    write_integers! {
        serialize_i8 i8 as i64; serialize_i16 i16 as i64; serialize_i32 i32 as i64;
        serialize_i64 i64 as i64; serialize_u8 u8 as u64; serialize_u16 u16 as u64;
        serialize_u32 u32 as u64; serialize_u64 u64 as u64;
    }

    fn serialize_f32(self, _: f32) -> Result<(), DecodeProblem> {
        Err(Writer::unsupported("a fractional number"))
    }

    fn serialize_f64(self, _: f64) -> Result<(), DecodeProblem> {
        Err(Writer::unsupported("a fractional number"))
    }

    fn serialize_char(self, value: char) -> Result<(), DecodeProblem> {
        let mut buffer = [0; 4];
        self.string(value.encode_utf8(&mut buffer));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), DecodeProblem> {
        if self.raw {
            // A RawNumber's text, checked against the number grammar when it was made.
            self.out.push_str(value);
        } else {
            self.string(value);
        }
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), DecodeProblem> {
        Err(Writer::unsupported("bytes"))
    }

    fn serialize_none(self) -> Result<(), DecodeProblem> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), DecodeProblem> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), DecodeProblem> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), DecodeProblem> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), DecodeProblem> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), DecodeProblem> {
        if name != RAW_NUMBER {
            return value.serialize(self);
        }
        self.raw = true;
        let written = value.serialize(&mut *self);
        self.raw = false;
        written
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), DecodeProblem> {
        Err(Writer::unsupported("an enum variant with data"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, DecodeProblem> {
        Err(Writer::unsupported("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, DecodeProblem> {
        Err(Writer::unsupported("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, DecodeProblem> {
        Err(Writer::unsupported("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, DecodeProblem> {
        Err(Writer::unsupported("an enum variant with data"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, DecodeProblem> {
        Err(Writer::unsupported("a map"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, DecodeProblem> {
        self.out.push('{');
        Ok(Fields {
            writer: self,
            first: true,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, DecodeProblem> {
        Err(Writer::unsupported("an enum variant with data"))
    }
}

/// The fields of a struct being written.
struct Fields<'a, 'b> {
    writer: &'a mut Writer<'b>,
    first: bool,
}

impl ser::SerializeStruct for Fields<'_, '_> {
    type Ok = ();
    type Error = DecodeProblem;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), DecodeProblem> {
        if !self.first {
            self.writer.out.push(',');
        }
        self.first = false;
        self.writer.string(key);
        self.writer.out.push(':');
        value.serialize(&mut *self.writer)
    }

    fn skip_field(&mut self, _: &'static str) -> Result<(), DecodeProblem> {
        Ok(())
    }

    fn end(self) -> Result<(), DecodeProblem> {
        self.writer.out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests;
