//! Text: putting text that came from outside into a message safely (on one line, without
//! the characters that forge or hide log lines, and short; [`Secrets::quote`](super::Secrets::quote)
//! is the only caller, and redacts the private keys before these change the text's spelling),
//! and writing messages without `core::fmt`.
//!
//! Messages are put together from pieces with [`text!`](crate::text) and numbers written
//! with [`Decimal`]: `format!` would bring the formatting machinery (some 10 KB) into the
//! WebAssembly module, where every byte is downloaded by every Worker that uses it.

use alloc::string::String;
use core::num::NonZeroU64;

/// Joins text pieces (`&str`, `String`, [`Decimal`], anything that is `AsRef<str>`) into a
/// new `String`, sized once.
#[macro_export]
#[doc(hidden)]
macro_rules! text {
    ($($part:expr),* $(,)?) => {
        $crate::core::text::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),*])
    };
}

/// `parts` joined, in one allocation.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// A whole number written in decimal digits: `Decimal::of(404)` reads "404",
/// `Decimal::signed(-1)` reads "-1".
pub struct Decimal(String);

impl Decimal {
    /// `value` in digits.
    pub fn of(value: u64) -> Decimal {
        Decimal::write(value, false)
    }

    /// `value` in digits, after a minus sign when it is negative.
    pub fn signed(value: i64) -> Decimal {
        Decimal::write(value.unsigned_abs(), value < 0)
    }

    /// The digits of `value`, after a minus sign when `negative`.
    fn write(value: u64, negative: bool) -> Decimal {
        // A divisor the compiler knows is not zero: dividing by a plain `u64` brings a
        // division-by-zero panic into the module.
        const TEN: NonZeroU64 = match NonZeroU64::new(10) {
            Some(ten) => ten,
            None => NonZeroU64::MIN,
        };
        let mut text = String::new();
        if negative {
            text.push('-');
        }
        // The largest power of ten that is not above `value` (or 1).
        let mut power = NonZeroU64::MIN;
        while value / power >= 10 {
            power = power.saturating_mul(TEN);
        }
        loop {
            // The quotient's last digit is below 10.
            text.push(char::from(b'0' + (value / power % 10) as u8));
            match NonZeroU64::new(power.get() / 10) {
                Some(next) => power = next,
                None => return Decimal(text),
            }
        }
    }

    /// The number as a `String`.
    pub fn to_text(&self) -> String {
        self.0.clone()
    }
}

impl AsRef<str> for Decimal {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Flattens `text` to one line: runs of white space (line breaks included) become one space,
/// and control characters (ESC of an ANSI sequence, NUL, BEL, ...) and invisible formatting
/// characters that reorder or hide what a log shows are dropped. Leading and trailing space
/// goes too.
pub fn flatten(text: &str) -> String {
    squeeze(text, usize::MAX, false).0
}

/// The length in bytes of the start of `text` that [`flatten`] turns into `chars` characters
/// (or all of `text`, if it flattens to fewer).
pub fn flattened_prefix_len(text: &str, chars: usize) -> usize {
    squeeze(text, chars, false).1
}

/// The one loop behind [`flatten`], [`flattened_prefix_len`] and the collapsed spelling of a
/// secret: `text` with its runs of white space made one space and its ends trimmed (and,
/// unless `keep_controls`, its control and invisible characters dropped), stopped before
/// it would pass `max_chars` characters; and how many bytes of `text` that took.
pub(crate) fn squeeze(text: &str, max_chars: usize, keep_controls: bool) -> (String, usize) {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            pending_space = count > 0;
        } else if keep_controls || !(c.is_control() || is_invisible_format(c)) {
            count += 1 + usize::from(pending_space);
            if count > max_chars {
                return (out, at);
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    (out, text.len())
}

/// Bidirectional overrides and isolates, which make a log line read other than it is, and
/// the zero-width characters, which hide text in it.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
    )
}

/// Whether `byte` starts a character of UTF-8 text (is not a continuation byte).
fn starts_char(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

/// How many characters `text` has: a byte loop, where `chars().count()` brings in core's
/// 1 KB of unrolled counting.
pub fn char_count(text: &str) -> usize {
    text.bytes().filter(|&byte| starts_char(byte)).count()
}

/// The hex digit of `nibble` (below 16), its letters from `a` (`b'a'` or `b'A'`).
pub(crate) fn hex_digit(nibble: u8, a: u8) -> u8 {
    if nibble < 10 {
        b'0' + nibble
    } else {
        a - 10 + nibble
    }
}

/// `text` cut to at most `max_chars` characters, the mark of a cut included: a text that is
/// longer keeps its first `max_chars - 1` characters and ends in an ellipsis (a space
/// before the cut is dropped).
pub fn cut(text: &str, max_chars: usize) -> String {
    // Where the character that the ellipsis replaces starts.
    let mut end = 0;
    let mut chars = 0;
    for (at, byte) in text.bytes().enumerate() {
        if starts_char(byte) {
            if chars + 1 == max_chars {
                end = at;
            }
            if chars == max_chars {
                return match max_chars {
                    0 => String::new(),
                    _ => concat(&[trim_end_spaces(text.get(..end).unwrap_or_default()), "…"]),
                };
            }
            chars += 1;
        }
    }
    String::from(text)
}

/// `text` without the spaces it ends in. The text [`cut`] is given is flattened, so a space
/// is the only white space it holds; a byte loop, where `trim_end` brings a character
/// searcher.
fn trim_end_spaces(text: &str) -> &str {
    let mut end = text.len();
    while end > 0 && text.as_bytes().get(end - 1) == Some(&b' ') {
        end -= 1;
    }
    text.get(..end).unwrap_or(text)
}

/// Whether `n` (finite, within the safe range) has no fractional part; without
/// `f64::fract`, which `core` lacks.
pub(crate) fn is_whole(n: f64) -> bool {
    (n as i64) as f64 == n
}

/// A number as JS would print it, for whole numbers; others are described, since printing
/// them would pull float formatting (some 15 KB) into the WebAssembly module.
pub(crate) fn describe_number(n: f64) -> String {
    const SAFE: f64 = 9_007_199_254_740_991.0; // Number.MAX_SAFE_INTEGER
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n > SAFE {
        // 1e300 is whole (every double that large is), but too large to be written exactly.
        "a number larger than 9007199254740991".into()
    } else if n < -SAFE {
        "a number smaller than -9007199254740991".into()
    } else if is_whole(n) {
        // Exact: a whole number within the safe range converts without loss.
        text!["the number ", Decimal::signed(n as i64)]
    } else {
        "a number with a fractional part".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_puts_text_on_one_line() {
        assert_eq!(
            flatten("<html>\n  <body>Bad   gateway</body>\r\n</html>\n"),
            "<html> <body>Bad gateway</body> </html>"
        );
        assert_eq!(flatten("  \n "), "");
        assert_eq!(flatten("çağ\u{7}ış"), "çağış");
        assert_eq!(flatten("a\u{2028}b\u{85}c"), "a b c");
    }

    #[test]
    fn flatten_drops_what_forges_or_hides_log_lines() {
        assert_eq!(flatten("\u{1b}[2Jok\u{1b}[0m"), "[2Jok[0m");
        assert_eq!(flatten("abc\u{202e}fed\u{2066}x\u{200b}y"), "abcfedxy");
    }

    #[test]
    fn flattened_prefix_len_finds_where_the_flattened_text_reaches_a_length() {
        let text = "ab  \n\u{7} cd\tef";
        for chars in 0..10 {
            let prefix = &text[..flattened_prefix_len(text, chars)];
            let flat = flatten(prefix);
            assert!(flat.chars().count() <= chars, "{chars}: {flat:?}");
            assert!(flatten(text).starts_with(&flat), "{chars}: {flat:?}");
        }
        assert_eq!(flattened_prefix_len(text, 2), 7);
        assert_eq!(flattened_prefix_len(text, 100), text.len());
        assert_eq!(flatten(&text[..flattened_prefix_len(text, 5)]), "ab cd");
    }

    #[test]
    fn numbers_are_written_in_decimal_without_fmt() {
        for value in [0, 7, 10, 404, 65_536, u64::MAX] {
            assert_eq!(Decimal::of(value).as_ref(), value.to_string());
        }
        for value in [0, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(Decimal::signed(value).to_text(), value.to_string());
        }
        assert_eq!(
            crate::text![
                "HTTP ",
                Decimal::of(503),
                " after ",
                String::from("3"),
                " tries"
            ],
            "HTTP 503 after 3 tries"
        );
    }

    #[test]
    fn cut_marks_a_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 3), "ab…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("ab cd", 4), "ab…");
        assert_eq!(cut("çağış", 3), "ça…");
        assert_eq!(cut("", 0), "");
        assert_eq!(cut("a", 0), "");
        assert_eq!(cut("ab", 1), "…");
        for max in 0..8 {
            assert!(cut("abcdefghij", max).chars().count() <= max, "{max}");
        }
    }
}
