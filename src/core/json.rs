//! JSON for the documents this client exchanges: a pull reader that Paywall's envelopes and
//! callbacks are decoded with (each document's decoder is a few lines in its endpoint's
//! module), and a writer for what the library hands back, through serde's `Serialize`, so
//! that the types users see stay the single definition of their shape.
//!
//! Why not serde's derived `Deserialize`: one monomorphised decoder per document and per
//! field type cost the WebAssembly module about 30 KB, and the decoders here need little:
//! an object's members by name, strings, whole numbers, booleans, null and a number's text.
//! Why not serde_json, or the runtime's `JSON.parse`: serde_json would triple the size of the
//! module, and walking a `JSON.parse` result from Rust costs a JS call per field.
//!
//! A number is read as a [`RawNumber`]: its text, kept exactly as written and never turned
//! into a float (float parsing and formatting would cost the module kilobytes, and a
//! callback's Hash covers the text, not the value). The reader is strict (RFC 8259 syntax,
//! no trailing commas or comments), bounded (nesting depth, no recursion the input controls
//! beyond it) and never panics; the fuzz targets check that.

use alloc::string::String;
use serde::ser::{self, Impossible, Serialize};
use serde::Serializer;

use super::text::Decimal;
use crate::text;

/// Deeper nesting than this is refused: an envelope is two levels deep.
const MAX_DEPTH: u32 = 32;

/// Why a number is not a decimal amount ([`RawNumber::is_decimal_amount`]), after the
/// field's name: the callback's and the inquiry's messages share it.
pub const NOT_DECIMAL: &str =
    " is not a decimal amount (no exponent; at most 29 integer and 28 fraction digits)";

/// The newtype name by which [`RawNumber`] asks this writer to write its text unquoted (as
/// serde_json's `RawValue` does). No other type uses it.
const RAW_NUMBER: &str = "$paywall_edge::json::RawNumber";

/// A JSON number's text exactly as the document wrote it ("1.50", "-0.5e3", "125"),
/// checked against RFC 8259's number grammar and never converted to a float.
///
/// Written by this module's writer as a number, unquoted, so that `JSON.parse` makes a JS
/// number of it; other serde formats write it as a string.
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
        self.decimal_parts().is_some()
    }

    /// Whether two decimal amounts (see [`RawNumber::is_decimal_amount`]) are the same
    /// value however each is written: "1.5" and "1.50", "0.0" and "-0". A number that is not
    /// a decimal amount equals nothing.
    pub fn same_decimal(&self, other: &RawNumber) -> bool {
        /// The sign, and the digits without leading zeros before the point and trailing
        /// zeros after it; zero has no sign.
        fn canonical(number: &RawNumber) -> Option<(bool, &[u8], &[u8])> {
            let (negative, mut whole, mut fraction) = number.decimal_parts()?;
            while let [b'0', rest @ ..] = whole {
                whole = rest;
            }
            while let [rest @ .., b'0'] = fraction {
                fraction = rest;
            }
            let zero = whole.is_empty() && fraction.is_empty();
            Some((negative && !zero, whole, fraction))
        }
        match (canonical(self), canonical(other)) {
            (Some(one), Some(another)) => one == another,
            _ => false,
        }
    }

    /// For a decimal amount (see [`RawNumber::is_decimal_amount`]): whether it is negative,
    /// and its digits before and after the point.
    fn decimal_parts(&self) -> Option<(bool, &[u8], &[u8])> {
        let (negative, digits) = match self.0.as_bytes() {
            [b'-', digits @ ..] => (true, digits),
            digits => (false, digits),
        };
        let point = digits.iter().position(|&byte| byte == b'.');
        let whole = digits.get(..point.unwrap_or(digits.len()))?;
        let fraction = point
            .and_then(|point| digits.get(point + 1..))
            .unwrap_or_default();
        let plain = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
        (plain(whole) && plain(fraction) && whole.len() <= 29 && fraction.len() <= 28)
            .then_some((negative, whole, fraction))
    }
}

impl Serialize for RawNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(RAW_NUMBER, self.as_str())
    }
}

/// Why a document could not be read, in words for a message; never quotes a value.
pub type Problem = String;

/// A [`Reader`] stopped at a problem: the reader keeps the problem's words (see
/// [`Reader::reason`]), and [`read_document`] returns them. Made by [`Reader::problem`] and
/// [`Reader::stop`], which record the words. Passing a one-bit `Stop` up through every level
/// of a document, instead of the words, keeps each of those levels small in the WebAssembly
/// module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop;

/// Reads a whole document with `read`, and refuses text after it. An empty or blank text is
/// "the body is empty, not JSON", whatever `read` would have said. The library's documents
/// are read with [`read_into`]; this generic form is for tests and the fuzz targets.
pub fn read_document<T>(
    text: &str,
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, Stop>,
) -> Result<T, Problem> {
    let mut read = Some(read);
    let mut value = None;
    read_into(text, &mut |reader| {
        if let Some(read) = read.take() {
            value = Some(read(reader)?);
        }
        Ok(())
    })?;
    // `read_into` succeeds only after `read` did.
    value.ok_or_else(Problem::new)
}

/// [`read_document`] for a `read` that fills its value in place: one instance in the
/// WebAssembly module for every document, where a generic one would be copied per document.
pub fn read_into(
    text: &str,
    read: &mut dyn FnMut(&mut Reader<'_>) -> Result<(), Stop>,
) -> Result<(), Problem> {
    let mut reader = Reader::new(text);
    let read = reader.start().and_then(|()| read(&mut reader));
    reader.finish(read)
}

/// Whether `byte` stands for itself inside a JSON string: anything but `"`, `\\` and the
/// control characters.
fn plain_string_byte(byte: u8) -> bool {
    byte != b'"' && byte != b'\\' && byte >= 0x20
}

/// Whether an object's `key` is the field `name` (written in PascalCase): Paywall spells its
/// fields in PascalCase in its tables and in camelCase in its samples, so both are read, and
/// no other casing.
pub fn is_field(key: &str, name: &str) -> bool {
    match (key.as_bytes().split_first(), name.as_bytes().split_first()) {
        (Some((k, key_rest)), Some((n, name_rest))) => {
            key_rest == name_rest && (k == n || *k == n.to_ascii_lowercase())
        }
        _ => false,
    }
}

/// A pull reader over one JSON text. Each method reads one value at the cursor (after any
/// white space) and says, when it is not what was asked for, what it is and where.
pub struct Reader<'a> {
    /// The whole text. The cursor only ever stops at an ASCII byte or at the end, so every
    /// slice of it taken between two stops is whole characters.
    text: &'a str,
    position: usize,
    depth: u32,
    /// Why the reader last stopped (see [`Stop`]).
    problem: Problem,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            position: 0,
            depth: 0,
            problem: Problem::new(),
        }
    }

    /// Moves to the first value of a document: a problem if there is none. A document is
    /// read as `reader.start()`, then its value, then [`Reader::finish`] (see [`read_into`]);
    /// the library's own documents are read so, without a closure each.
    pub fn start(&mut self) -> Result<(), Stop> {
        self.skip_whitespace();
        if self.peek().is_none() {
            return Err(self.stop(String::from("the body is empty, not JSON")));
        }
        Ok(())
    }

    /// Refuses anything but white space after the document's value.
    fn end(&mut self) -> Result<(), Stop> {
        self.skip_whitespace();
        if self.peek().is_some() {
            return Err(self.problem("text after the end of the JSON value"));
        }
        Ok(())
    }

    /// Ends a document whose value was `read` (after [`Reader::start`]): text after the value
    /// is refused, and a stop becomes its problem's words.
    pub fn finish(mut self, read: Result<(), Stop>) -> Result<(), Problem> {
        match read.and_then(|()| self.end()) {
            Ok(()) => Ok(()),
            Err(Stop) => Err(self.problem),
        }
    }

    /// Stops at `what` going wrong at the cursor.
    pub fn problem(&mut self, what: &str) -> Stop {
        let problem = text![what, " (at byte ", Decimal::of(self.position as u64), ")"];
        self.stop(problem)
    }

    /// Stops, `problem` being why.
    pub fn stop(&mut self, problem: Problem) -> Stop {
        self.problem = problem;
        Stop
    }

    /// Why the reader last stopped.
    pub fn reason(&self) -> &str {
        &self.problem
    }

    /// The text from the cursor on.
    fn rest(&self) -> &'a [u8] {
        self.text
            .as_bytes()
            .get(self.position..)
            .unwrap_or_default()
    }

    /// The byte at the cursor. Indexes the text directly rather than through `rest`: it is
    /// called for nearly every byte of a document, and this form is one bounds check.
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.position += 1;
        }
    }

    /// Moves past the bytes at the cursor for which `wanted` holds: one scan of the text,
    /// not one call per byte.
    fn skip_while(&mut self, wanted: impl Fn(u8) -> bool) {
        let rest = self.rest();
        self.position += rest
            .iter()
            .position(|&byte| !wanted(byte))
            .unwrap_or(rest.len());
    }

    /// The next byte that is not white space, without consuming it; 0 at the end of the
    /// text, which no caller takes for a value: whatever expected one there says so.
    fn next_token(&mut self) -> u8 {
        self.skip_whitespace();
        self.peek().unwrap_or(0)
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Stop> {
        if self.next_token() == byte {
            self.position += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// `what` went wrong at the cursor, or, at the end of the text, that the JSON ends too
    /// early (a value or a token was expected there).
    fn unexpected(&mut self, what: &str) -> Stop {
        self.problem(if self.peek().is_none() {
            "the JSON ends too early"
        } else {
            what
        })
    }

    /// Moves past `word` if it is next: whether it was.
    fn eat(&mut self, word: &[u8]) -> bool {
        let found = self.rest().starts_with(word);
        if found {
            self.position += word.len();
        }
        found
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Stop> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.problem("not a JSON value"))
        }
    }

    /// Stops at "must be `expected`, got" what the value at the cursor is.
    fn wrong(&mut self, expected: &str) -> Stop {
        let found = self.kind_here();
        if self.peek().is_none() {
            return self.unexpected("");
        }
        self.problem(&text!["must be ", expected, ", got ", found])
    }

    /// What kind of value starts at the cursor, for a message.
    fn kind_here(&mut self) -> &'static str {
        self.skip_whitespace();
        let rest = self.rest();
        match rest.first() {
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'-' | b'0'..=b'9') => "a number",
            _ if rest.starts_with(b"true") || rest.starts_with(b"false") => "a boolean",
            _ if rest.starts_with(b"null") => "null",
            _ => "text that is not JSON",
        }
    }

    /// What kind of value is next, as messages name it ("a string", "null", ...): for tests.
    #[cfg(test)]
    pub(crate) fn peek_kind(&mut self) -> &'static str {
        self.kind_here()
    }

    /// Reads `null` if it is next: true when it was. Anything else is left for the caller
    /// to read (or to refuse).
    pub fn null(&mut self) -> bool {
        self.skip_whitespace();
        self.eat(b"null")
    }

    /// An object: `member` is called with each key, the reader at its value, and must read
    /// (or skip) that value.
    pub fn object(
        &mut self,
        member: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        self.items(b'{', b'}', "an object", &mut |reader| {
            let key = reader.string()?;
            reader.expect(b':', "expected : after an object key")?;
            member(reader, &key)
        })
    }

    /// An object read for the fields `names` (PascalCase; see [`is_field`]): `field` is
    /// called with the index in `names` of each one found, the reader at its value, and
    /// must read that value. Other members are skipped; a field given twice (in both
    /// casings, say) is refused.
    pub fn fields(
        &mut self,
        names: &[&str],
        field: &mut dyn FnMut(&mut Reader<'a>, usize) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        // One bit per field of `names`, which never has more than 32.
        let mut seen = 0u32;
        // Every key is read into this one string, one allocation per object rather than one
        // per member.
        let mut key = String::new();
        // The members are read here rather than through `object`, one closure fewer for
        // every document.
        self.items(b'{', b'}', "an object", &mut |reader| {
            key.clear();
            reader.string_into(&mut key)?;
            let key = key.as_str();
            reader.expect(b':', "expected : after an object key")?;
            let Some(index) = names.iter().position(|name| is_field(key, name)) else {
                return reader.skip_value();
            };
            let bit = 1u32.checked_shl(index as u32).unwrap_or(0);
            if seen & bit != 0 {
                let name = names.get(index).copied().unwrap_or_default();
                return Err(reader.stop(text!["duplicate field `", name, "`"]));
            }
            seen |= bit;
            field(reader, index)
        })
    }

    /// An object of strings, numbers and codes, each optional and each at most once, as a
    /// Paywall `result` and a callback are: `names` lists the `texts` first, then the
    /// `amount` (a number kept as written, when there is one), then the `codes` (whole
    /// numbers that fit an i32).
    pub fn record(
        &mut self,
        names: &[&str],
        texts: &mut [Option<String>],
        mut amount: Option<&mut Option<RawNumber>>,
        codes: &mut [Option<i32>],
    ) -> Result<(), Stop> {
        let first_code = texts.len() + usize::from(amount.is_some());
        self.fields(names, &mut |reader, index| {
            if let Some(text) = texts.get_mut(index) {
                *text = reader.optional_string()?;
            } else if let Some(code) = codes.get_mut(index.wrapping_sub(first_code)) {
                *code = reader.optional_i32()?;
            } else if let Some(amount) = amount.as_deref_mut() {
                *amount = reader.optional_number()?;
            }
            Ok(())
        })
    }

    /// An array: `element` is called once per element, the reader at it.
    pub fn array(
        &mut self,
        element: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        self.items(b'[', b']', "an array", element)
    }

    /// An object or an array (`kind`), between `open` and `close`: `item` is called once per
    /// member or element, the reader at it.
    fn items(
        &mut self,
        open: u8,
        close: u8,
        kind: &str,
        item: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        if self.next_token() != open {
            return Err(self.wrong(kind));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.problem("the JSON is nested too deeply"));
        }
        self.position += 1;
        if self.next_token() != close {
            loop {
                item(self)?;
                if self.next_token() != b',' {
                    break;
                }
                self.position += 1;
            }
        }
        let expected = if close == b'}' {
            "expected , or }"
        } else {
            "expected , or ]"
        };
        self.expect(close, expected)?;
        self.depth -= 1;
        Ok(())
    }

    /// A string, its escapes undone.
    pub fn string(&mut self) -> Result<String, Stop> {
        let mut text = String::new();
        self.string_into(&mut text)?;
        Ok(text)
    }

    /// [`Reader::string`], appended to `text`.
    fn string_into(&mut self, text: &mut String) -> Result<(), Stop> {
        if self.next_token() != b'"' {
            return Err(self.wrong("a string"));
        }
        self.position += 1;
        loop {
            // A run of bytes that need no attention: all but `"`, `\` and control characters.
            let start = self.position;
            self.skip_while(plain_string_byte);
            text.push_str(self.text.get(start..self.position).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.position += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.position += 1;
                    let Some(character) = self.escape() else {
                        return Err(self.unexpected("an invalid escape in a string"));
                    };
                    text.push(character);
                }
                // At the end of the text, the JSON ends too early: the string is not closed.
                _ => return Err(self.unexpected("a control character in a string")),
            }
        }
    }

    /// A string, or `None` for null.
    pub fn optional_string(&mut self) -> Result<Option<String>, Stop> {
        if self.null() {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, Stop> {
        self.skip_whitespace();
        if self.eat(b"true") {
            Ok(true)
        } else if self.eat(b"false") {
            Ok(false)
        } else {
            Err(self.wrong("true or false"))
        }
    }

    /// `true`, `false`, or `None` for null.
    pub fn optional_boolean(&mut self) -> Result<Option<bool>, Stop> {
        if self.null() {
            return Ok(None);
        }
        self.boolean().map(Some)
    }

    /// A whole number that fits an i64, or `None` for null.
    pub fn optional_integer(&mut self) -> Result<Option<i64>, Stop> {
        if self.null() {
            return Ok(None);
        }
        let (text, whole) = self.number_for("a whole number")?;
        if !whole {
            return Err(self.problem("must be a whole number"));
        }
        let (negative, digits) = match text.as_bytes() {
            [b'-', digits @ ..] => (true, digits),
            digits => (false, digits),
        };
        // The grammar allows no leading zero, so more than 19 digits is more than an i64
        // holds, and 19 digits fit a u64. The magnitude may be one more below zero.
        let mut magnitude = 0u64;
        for &digit in digits {
            magnitude = magnitude
                .wrapping_mul(10)
                .wrapping_add(u64::from(digit.wrapping_sub(b'0')));
        }
        if digits.len() > 19 || magnitude > i64::MAX as u64 + u64::from(negative) {
            return Err(self.problem("a whole number too large to read"));
        }
        let value = magnitude as i64;
        Ok(Some(if negative {
            value.wrapping_neg()
        } else {
            value
        }))
    }

    /// A whole number that fits an i32 (Paywall's codes), or `None` for null.
    pub fn optional_i32(&mut self) -> Result<Option<i32>, Stop> {
        match self.optional_integer()? {
            Some(value) => i32::try_from(value)
                .map(Some)
                .map_err(|_| self.problem("a number out of range for i32")),
            None => Ok(None),
        }
    }

    /// A number's text as written, or `None` for null.
    pub fn optional_number(&mut self) -> Result<Option<RawNumber>, Stop> {
        if self.null() {
            return Ok(None);
        }
        let (text, _) = self.number_for("a number")?;
        Ok(Some(RawNumber(String::from(text))))
    }

    /// The character an escape stands for (the backslash is already consumed), or `None`
    /// for an escape JSON does not have.
    fn escape(&mut self) -> Option<char> {
        /// The one-letter escapes, and what each stands for at the same place.
        const LETTERS: &[u8; 8] = b"\"\\/bfnrt";
        const MEANINGS: &[u8; 8] = b"\"\\/\x08\x0c\n\r\t";
        let byte = self.peek()?;
        self.position += 1;
        if let Some(at) = LETTERS.iter().position(|&letter| letter == byte) {
            return MEANINGS.get(at).map(|&meaning| char::from(meaning));
        }
        if byte != b'u' {
            return None;
        }
        let mut code = self.hex4()?;
        if (0xD800..0xDC00).contains(&code) && self.rest().starts_with(b"\\u") {
            let mark = self.position;
            self.position += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            } else {
                self.position = mark;
            }
        }
        // A lone surrogate (JSON allows it, Rust strings cannot hold it) is replaced.
        Some(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// The four hex digits of a `\u` escape, as a number.
    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.peek()? {
                byte @ b'0'..=b'9' => byte - b'0',
                // `| 0x20` lowers the case of a letter.
                byte @ (b'a'..=b'f' | b'A'..=b'F') => (byte | 0x20) - b'a' + 10,
                _ => return None,
            };
            value = value * 16 + u32::from(digit);
            self.position += 1;
        }
        Some(value)
    }

    /// A number token where a value of `kind` ("a number", ...) is expected: see
    /// [`Reader::number`].
    fn number_for(&mut self, kind: &str) -> Result<(&'a str, bool), Stop> {
        if !matches!(self.next_token(), b'-' | b'0'..=b'9') {
            return Err(self.wrong(kind));
        }
        self.number()
    }

    /// A number token, checked against JSON's grammar. Returns its text and whether it is a
    /// whole number (no fraction, no exponent).
    fn number(&mut self) -> Result<(&'a str, bool), Stop> {
        self.skip_whitespace();
        let start = self.position;
        self.eat(b"-");
        match self.peek() {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("not a JSON value")),
        }
        let mut whole = true;
        if self.eat(b".") {
            whole = false;
            if !self.digits() {
                return Err(self.problem("no digit after a decimal point"));
            }
        }
        if self.eat(b"e") || self.eat(b"E") {
            whole = false;
            if !self.eat(b"+") {
                self.eat(b"-");
            }
            if !self.digits() {
                return Err(self.problem("no digit in an exponent"));
            }
        }
        Ok((
            self.text.get(start..self.position).unwrap_or_default(),
            whole,
        ))
    }

    /// Moves past a run of digits: whether there was one.
    fn digits(&mut self) -> bool {
        let start = self.position;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.position += 1;
        }
        self.position > start
    }

    /// Skips one value of any kind, checking its syntax.
    pub fn skip_value(&mut self) -> Result<(), Stop> {
        match self.next_token() {
            // No field is asked for: every member is skipped.
            b'{' => self.fields(&[], &mut |_, _| Ok(())),
            b'[' => self.array(&mut Reader::skip_value),
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }
}

/// Writes `value` as compact JSON. Only what the library's types use is supported (structs,
/// strings, integers, [`RawNumber`]s, booleans, options and unit enum variants); anything
/// else is an error the tests would catch, never a panic.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, Problem> {
    // One instance of this per type written: the work is in `write`.
    write(&mut |writer| value.serialize(writer))
}

/// The JSON that `serialize` writes, or what it could not write.
fn write(serialize: &mut dyn FnMut(&mut Writer) -> Result<(), Refused>) -> Result<String, Problem> {
    let mut writer = Writer {
        // Room for what the library writes (a result is about 200 bytes), so that the text
        // is not moved as it grows.
        out: String::with_capacity(256),
        raw: false,
        // What a type's own `Serialize` refused (`ser::Error::custom`), if not the writer.
        refused: "a value",
    };
    match serialize(&mut writer) {
        Ok(()) => Ok(writer.out),
        Err(Refused) => Err(text![writer.refused, " cannot be written as wire JSON"]),
    }
}

/// Why a value could not be written: what it is, which the writer keeps (so that the
/// `Result`s passed through every `Serialize` of a type are a single flag).
#[derive(Debug)]
struct Refused;

impl core::fmt::Display for Refused {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a value cannot be written as wire JSON")
    }
}

impl ser::StdError for Refused {}

impl ser::Error for Refused {
    /// Only a type's own `Serialize` calls this, and the library's never do: the message is
    /// not formatted, which would bring `core::fmt` into the module for nothing.
    fn custom<M: core::fmt::Display>(_message: M) -> Self {
        Refused
    }
}

/// The JSON being written.
struct Writer {
    out: String,
    /// Set while a [`RawNumber`] is written: its text goes out unquoted.
    raw: bool,
    /// What could not be written, once something could not.
    refused: &'static str,
}

impl Writer {
    fn refuse(&mut self, what: &'static str) -> Refused {
        self.refused = what;
        Refused
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// `text` as a JSON string. Only `"`, `\` and control characters are escaped, as RFC 8259
    /// requires; the runs between them are copied whole.
    fn string(&mut self, text: &str) {
        self.out.push('"');
        let mut run = 0;
        for (at, byte) in text.bytes().enumerate() {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                self.push(text.get(run..at).unwrap_or_default());
                run = at + 1;
                self.out.push('\\');
                if byte < 0x20 {
                    let low = byte & 0xf;
                    let low = if low < 10 {
                        b'0' + low
                    } else {
                        b'a' - 10 + low
                    };
                    self.out.push_str("u00");
                    self.out.push(char::from(b'0' + (byte >> 4)));
                    self.out.push(char::from(low));
                } else {
                    self.out.push(char::from(byte));
                }
            }
        }
        self.push(text.get(run..).unwrap_or_default());
        self.out.push('"');
    }

    /// A struct field's key and colon, after a comma unless it is the first field (right
    /// after the `{`). Apart from the field's type, so that it is not repeated for each type.
    #[inline(never)]
    fn key(&mut self, key: &str) {
        if !self.out.ends_with('{') {
            self.out.push(',');
        }
        self.string(key);
        self.out.push(':');
    }

    fn integer(&mut self, value: i64) -> Result<(), Refused> {
        self.push(Decimal::signed(value).as_ref());
        Ok(())
    }
}

macro_rules! write_integers {
    ($($method:ident $ty:ty;)*) => {$(
        fn $method(self, value: $ty) -> Result<(), Refused> {
            self.integer(i64::from(value))
        }
    )*};
}

impl ser::Serializer for &mut Writer {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Impossible<(), Refused>;
    type SerializeTuple = Impossible<(), Refused>;
    type SerializeTupleStruct = Impossible<(), Refused>;
    type SerializeTupleVariant = Impossible<(), Refused>;
    type SerializeMap = Impossible<(), Refused>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Refused>;

    fn serialize_bool(self, value: bool) -> Result<(), Refused> {
        self.push(if value { "true" } else { "false" });
        Ok(())
    }

    write_integers! {
        serialize_i8 i8; serialize_i16 i16; serialize_i32 i32; serialize_i64 i64;
        serialize_u8 u8; serialize_u16 u16; serialize_u32 u32;
    }

    fn serialize_u64(self, value: u64) -> Result<(), Refused> {
        self.push(Decimal::of(value).as_ref());
        Ok(())
    }

    fn serialize_f32(self, _: f32) -> Result<(), Refused> {
        Err(self.refuse("a fractional number"))
    }

    fn serialize_f64(self, _: f64) -> Result<(), Refused> {
        Err(self.refuse("a fractional number"))
    }

    fn serialize_char(self, value: char) -> Result<(), Refused> {
        let mut buffer = [0; 4];
        self.string(value.encode_utf8(&mut buffer));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Refused> {
        if self.raw {
            // A RawNumber's text, checked against the number grammar when it was read.
            self.push(value);
        } else {
            self.string(value);
        }
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Refused> {
        Err(self.refuse("bytes"))
    }

    fn serialize_none(self) -> Result<(), Refused> {
        self.push("null");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Refused> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Refused> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Refused> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Refused> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.raw = name == RAW_NUMBER;
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
    ) -> Result<(), Refused> {
        Err(self.refuse("an enum variant with data"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Refused> {
        Err(self.refuse("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Refused> {
        Err(self.refuse("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Refused> {
        Err(self.refuse("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Refused> {
        Err(self.refuse("an enum variant with data"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Refused> {
        Err(self.refuse("a map"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Refused> {
        self.out.push('{');
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Refused> {
        Err(self.refuse("an enum variant with data"))
    }

    fn collect_str<T: ?Sized + core::fmt::Display>(self, _: &T) -> Result<(), Refused> {
        Err(self.refuse("a value written through Display"))
    }
}

/// A struct's fields, each written by [`Writer::key`] and the field's own `Serialize`.
impl ser::SerializeStruct for &mut Writer {
    type Ok = ();
    type Error = Refused;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.key(key);
        value.serialize(&mut **self)
    }

    fn skip_field(&mut self, _: &'static str) -> Result<(), Refused> {
        Ok(())
    }

    fn end(self) -> Result<(), Refused> {
        self.out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests;
