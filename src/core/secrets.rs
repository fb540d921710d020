//! Keeping the private values out of every text an error carries.
//!
//! An error's texts are built in part from text that came from outside: a proxy's error
//! page, a body that is not JSON, a fetch failure's message, Paywall's own message, a
//! response header. Any of them may echo a request header, so any of them may hold a private
//! key, whole or in part, and not always in the spelling that was sent: JSON-escaped by a
//! server that echoes the headers as JSON, HTML-escaped or with its runs of spaces collapsed
//! by an error page, percent-encoded in a URL.
//!
//! [`Secrets`] is the one place that takes them out. It knows every spelling of every
//! secret and replaces any run of [`FRAGMENT_BYTES`] bytes that matches part of one (or a
//! whole spelling, when it is shorter than that) with `[redacted]`. Foreign text enters an
//! error only as a [`Quoted`], which [`Secrets::quote`] makes by redacting *first* and only
//! then flattening and cutting the text, so that neither a cut through a key nor a spelling
//! that flattening produces lets part of it through; and [`Error::seal`](super::Error::seal)
//! runs the same check over every text of an error before the error leaves an operation.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::OnceCell;
use core::fmt;

use super::text::{char_count, cut, flatten, flattened_prefix_len, hex_digit, squeeze, Decimal};

/// The length of the shortest piece of a secret that is never shown. Twelve characters of
/// a random key are far too many to guess the rest from, and far too specific to appear in
/// a message by chance.
pub const FRAGMENT_BYTES: usize = 12;

/// Secrets shorter than this are not redacted: masking every "a" would destroy the
/// message and protect nothing.
const MIN_SECRET_BYTES: usize = 4;

/// What a fragment of a secret is replaced with.
const REDACTED: &str = "[redacted]";

/// What replaces a whole text that still holds a fragment after redaction (a fragment that
/// the mark and its neighbours spell anew). It is itself checked: if even the notice would
/// hold a fragment, nothing is said.
const WITHHELD: &str = "[withheld: held a private key]";

/// How many times a text is redacted before it is withheld instead.
const MAX_PASSES: usize = 3;

/// How many times longer than a secret its longest spelling can be: HTML-escaping turns `"`
/// into `&quot;`.
const SPELLING_GROWTH: usize = 6;

/// The private values of one operation: both keys for a request, the webhook hash key for
/// a callback. Cheap to make; the table of fragments is built on first use (every request
/// checks its id against it), once per fragment cache when one is given.
pub struct Secrets<'a> {
    values: [&'a str; 2],
    table: TableCell<'a>,
}

/// Where a [`Secrets`] keeps its table: its own, or a [`FragmentCache`] that outlives it.
enum TableCell<'a> {
    Own(OnceCell<Table>),
    Shared(&'a FragmentCache),
}

/// The table of fragments of a pair of keys, built on first use and kept by the owner of
/// the keys (a [`crate::core::Config`]), so that the calls made with one config build it
/// once instead of once per call. Copies and comparisons ignore it: it is derived from the
/// keys, which the owner compares and copies itself.
#[derive(Default)]
pub(crate) struct FragmentCache(OnceCell<Table>);

impl Clone for FragmentCache {
    fn clone(&self) -> Self {
        FragmentCache::default()
    }
}

impl PartialEq for FragmentCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for FragmentCache {}

/// Every spelling of every secret, and each of their fragments by hash.
struct Table {
    /// The spellings, each followed by [`END`].
    bytes: Vec<u8>,
    /// The spellings shorter than a fragment (but not too short to protect), each followed
    /// by [`END`]: they are looked for whole.
    short: Vec<u8>,
    /// Where each window of `bytes` starts, plus one (0: an empty slot), in an
    /// open-addressing hash table of a power-of-two size, at most half full, with linear
    /// probing: a lookup per window of text, in a few instructions (a sort would cost the
    /// module 2 KB). A window across an [`END`] is in it too, and harmless: no text holds
    /// that byte.
    slots: Vec<usize>,
    /// Whether a spelling has a piece (a window of [`FRAGMENT_BYTES`], or a whole short
    /// spelling) made only of the characters of a GUID (hex digits, in either case, and
    /// `-`): when none has, no GUID can share a fragment with a secret, and
    /// [`Secrets::shares_fragment_with_guid`] answers at once, as it does for most keys.
    guid_like: bool,
}

/// Whether `byte` can be part of a GUID's text.
fn is_guid_byte(byte: &u8) -> bool {
    byte.is_ascii_hexdigit() || *byte == b'-'
}

/// What ends each spelling in a [`Table`]: a byte that UTF-8 text never holds.
const END: u8 = 0xff;

/// Text from outside that has passed [`Secrets::quote`]: redacted, on one line, bounded.
/// An error's constructors take foreign text only in this form.
#[derive(Clone, Debug, PartialEq)]
pub struct Quoted(String);

impl Quoted {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether nothing is left of the text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text, for a field that carries foreign text to the caller (a callback's message).
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Foreign text quoted as the operations quote it, with no secrets to take out: for tests.
#[cfg(test)]
pub(crate) fn quoted(text: &str) -> Quoted {
    Secrets::new("", "").quote(text, 300)
}

impl AsRef<str> for Quoted {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Secrets<'_> {
    /// Never the values, only how many there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.values.iter().filter(|value| !value.is_empty()).count();
        f.write_str("Secrets([redacted; ")?;
        f.write_str(Decimal::of(count as u64).as_ref())?;
        f.write_str("])")
    }
}

impl<'a> Secrets<'a> {
    /// The secrets of a request: the two private keys.
    pub fn new(first: &'a str, second: &'a str) -> Self {
        Secrets {
            values: [first, second],
            table: TableCell::Own(OnceCell::new()),
        }
    }

    /// The secrets of a request, whose table `cache` keeps for the next: `cache` must only
    /// ever be used with these same two values.
    pub(crate) fn cached(first: &'a str, second: &'a str, cache: &'a FragmentCache) -> Self {
        Secrets {
            values: [first, second],
            table: TableCell::Shared(cache),
        }
    }

    /// A single secret, such as the webhook hash key of a callback.
    pub fn one(value: &'a str) -> Self {
        Secrets::new(value, "")
    }

    /// Foreign text made fit for a message: every fragment of a secret replaced, then
    /// flattened to one line (runs of white space become one space; control characters and
    /// invisible direction marks, which forge or hide log lines, are dropped) and cut to at
    /// most `max_chars` characters, the ellipsis that marks a cut included; then checked
    /// once more.
    pub fn quote(&self, raw: &str, max_chars: usize) -> Quoted {
        // Only the start of the raw text can reach the quote: as much as flattens to
        // `max_chars`, and then as much again as the longest spelling of a secret, so that a
        // secret that starts before the cut is whole in it. Working on that start alone keeps
        // quoting a 64 KiB page as cheap as quoting a line.
        let [first, second] = self.values;
        let reach = max_chars + SPELLING_GROWTH * first.len().max(second.len()) + 1;
        let raw = raw.get(..flattened_prefix_len(raw, reach)).unwrap_or(raw);
        // Redacted again after flattening: a key split by a line break in the raw text is
        // whole only in the flattened one.
        let flat = flatten(&self.redact(raw));
        let mut text = self.redact(&cut(&self.redact(&flat), max_chars));
        if char_count(&text) > max_chars {
            // A mark longer than what it replaced pushed a short quote past its bound: cut
            // it again (a cut only takes characters away) and make sure the ellipsis did not
            // complete a fragment.
            text = cut(&text, max_chars);
            if self.holds_fragment(&text) {
                text.clear();
            }
        }
        Quoted(text)
    }

    /// `text` with every fragment of a secret replaced by `[redacted]`; withheld whole when
    /// replacing cannot get rid of them.
    pub fn redact(&self, text: &str) -> String {
        let mut text = String::from(text);
        for _ in 0..MAX_PASSES {
            match self.replace_fragments(&text) {
                Some(redacted) => text = redacted,
                None => return text,
            }
        }
        if self.holds_fragment(WITHHELD) {
            String::new()
        } else {
            String::from(WITHHELD)
        }
    }

    /// Whether `text` holds a fragment of a secret, in any of its spellings.
    pub fn holds_fragment(&self, text: &str) -> bool {
        let table = self.table();
        (0..text.len()).any(|start| table.piece_end(text.as_bytes(), start) > start)
    }

    /// The table of fragments, built on first use.
    fn table(&self) -> &Table {
        let cell = match &self.table {
            TableCell::Own(cell) => cell,
            TableCell::Shared(cache) => &cache.0,
        };
        cell.get_or_init(|| Table::new(&self.values))
    }

    /// Whether the GUID `id` shares a fragment with a secret, in any letter case: a key
    /// that is (or holds) a GUID, passed as the payment request id by mistake, would
    /// otherwise be sent and echoed in the error's `paymentRequestId`.
    ///
    /// Also true whenever [`Secrets::redact`] would change the id (it knows more spellings
    /// of a key: escaped, with its backslashes dropped, ...), so that an id that was sent
    /// is never shown redacted.
    pub fn shares_fragment_with_guid(&self, id: &str) -> bool {
        if !self.table().guid_like && id.bytes().all(|byte| is_guid_byte(&byte)) {
            return false;
        }
        self.holds_fragment(id)
            || self.values.iter().any(|value| {
                let width = FRAGMENT_BYTES.min(value.len());
                value.len() >= MIN_SECRET_BYTES
                    && value.as_bytes().windows(width).any(|part| {
                        id.as_bytes()
                            .windows(width)
                            .any(|window| window.eq_ignore_ascii_case(part))
                    })
            })
    }

    /// `text` with its fragments replaced, or `None` when it holds none.
    fn replace_fragments(&self, text: &str) -> Option<String> {
        let table = self.table();
        let mut out = String::new();
        let mut found = false;
        let mut in_fragment = false;
        // Where the pieces of spellings found so far end.
        let mut covered = 0;
        for (at, c) in text.char_indices() {
            // A fragment may start or end inside a multi-byte character (a secret that is
            // not ASCII); the whole character goes.
            let next = at + c.len_utf8();
            for start in at..next {
                covered = covered.max(table.piece_end(text.as_bytes(), start));
            }
            let masked = covered > at;
            if !masked {
                out.push(c);
            } else if !in_fragment {
                out.push_str(REDACTED);
            }
            found |= masked;
            in_fragment = masked;
        }
        found.then_some(out)
    }
}

impl Table {
    fn new(values: &[&str]) -> Table {
        let mut bytes = Vec::new();
        let mut short = Vec::new();
        for value in values
            .iter()
            .filter(|value| value.len() >= MIN_SECRET_BYTES)
        {
            for style in AS_SENT..SPELLINGS {
                let start = bytes.len();
                spell(value, style, &mut bytes);
                // A spelling as short as "ab" (a secret of "ab" and spaces) would mask every
                // "ab" of a message; too short to protect, like a short secret.
                if let Some(spelling) = bytes
                    .get(start..)
                    .filter(|spelling| (MIN_SECRET_BYTES..FRAGMENT_BYTES).contains(&spelling.len()))
                {
                    short.extend_from_slice(spelling);
                    short.extend_from_slice(&[END]);
                }
                bytes.extend_from_slice(&[END]);
            }
        }
        let guid_like = bytes
            .windows(FRAGMENT_BYTES)
            .chain(
                short
                    .split(|&byte| byte == END)
                    .filter(|piece| !piece.is_empty()),
            )
            .any(|piece| piece.iter().all(is_guid_byte));
        let mut table = Table {
            slots: vec![0; (2 * bytes.len()).next_power_of_two().max(16)],
            bytes,
            short,
            guid_like,
        };
        for start in 0..table.bytes.len() {
            // The same fragment twice (two spellings alike) is kept once.
            if let Some(Err(at)) = table.window_at(start).map(|window| table.find(window)) {
                if let Some(slot) = table.slots.get_mut(at) {
                    *slot = start + 1;
                }
            }
        }
        table
    }

    /// The window of [`FRAGMENT_BYTES`] of `bytes` that starts at `start`.
    fn window_at(&self, start: usize) -> Option<&[u8]> {
        self.bytes.get(start..start + FRAGMENT_BYTES)
    }

    /// The slot that holds `window` (of [`FRAGMENT_BYTES`]), or the empty one where it goes.
    fn find(&self, window: &[u8]) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut at = hash(window) & mask;
        while let Some(&start) = self.slots.get(at).filter(|&&start| start > 0) {
            if self.window_at(start - 1) == Some(window) {
                return Ok(at);
            }
            at = (at + 1) & mask;
        }
        Err(at)
    }

    /// Where the longest piece of a spelling that starts at `start` of `text` ends (a
    /// fragment, or a whole spelling shorter than that); 0 when none does.
    fn piece_end(&self, text: &[u8], start: usize) -> usize {
        let rest = text.get(start..).unwrap_or_default();
        if rest
            .get(..FRAGMENT_BYTES)
            .is_some_and(|window| self.find(window).is_ok())
        {
            return start + FRAGMENT_BYTES;
        }
        let mut end = 0;
        for spelling in self.short.split(|&byte| byte == END) {
            if !spelling.is_empty() && rest.starts_with(spelling) {
                end = end.max(start + spelling.len());
            }
        }
        end
    }
}

/// FNV-1a: a few instructions a byte, and plenty for a table of a few thousand fragments.
fn hash(bytes: &[u8]) -> usize {
    bytes.iter().fold(0x811c_9dc5, |hash: u32, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    }) as usize
}

/// The spellings [`spell`] writes.
const AS_SENT: u8 = 0;
const JSON: u8 = 1;
const UNESCAPED: u8 = 2;
const COLLAPSED: u8 = 3;
const HTML: u8 = 4;
const PERCENT: u8 = 5;
const SPELLINGS: u8 = 6;

/// The escapes of [`JSON`] and [`HTML`]: which byte each spelling writes another way.
const ESCAPES: [(u8, u8, &str); 12] = [
    (JSON, b'"', "\\\""),
    (JSON, b'\\', "\\\\"),
    (JSON, b'\n', "\\n"),
    (JSON, b'\r', "\\r"),
    (JSON, b'\t', "\\t"),
    (JSON, 8, "\\b"),
    (JSON, 12, "\\f"),
    (HTML, b'&', "&amp;"),
    (HTML, b'<', "&lt;"),
    (HTML, b'>', "&gt;"),
    (HTML, b'"', "&quot;"),
    (HTML, b'\'', "&#39;"),
];

/// Appends spelling `style` of `value` to `out`. The ways a secret can be spelled in text
/// that echoes it: as sent; JSON-escaped (a server that echoes the headers as JSON); with
/// its escapes undone (what prints as the secret once JSON.stringify or util.inspect
/// escapes it again); with runs of white space collapsed and the ends trimmed (an HTML
/// page, or our own flattening); HTML-escaped; percent-encoded (a URL). Every escape is
/// ASCII, so the bytes of other characters pass through as they are.
///
/// Bytes go in with `extend_from_slice`, which the module has anyway: `Vec::push` would
/// bring a grow path of its own for `Vec<u8>`.
fn spell(value: &str, style: u8, out: &mut Vec<u8>) {
    if style == COLLAPSED {
        out.extend_from_slice(squeeze(value, usize::MAX, true).0.as_bytes());
        return;
    }
    let mut after_backslash = false;
    for &byte in value.as_bytes() {
        if let Some((_, _, escape)) = ESCAPES
            .iter()
            .find(|&&(of, escaped, _)| of == style && escaped == byte)
        {
            out.extend_from_slice(escape.as_bytes());
        } else if style == JSON && byte < b' ' {
            out.extend_from_slice(b"\\u00");
            push_hex(out, byte, b'a');
        } else if style == UNESCAPED && byte == b'\\' && !after_backslash {
            after_backslash = true;
            continue;
        } else if style == PERCENT
            // `matches!` rather than `contains` on a byte string, which brings `memchr`.
            && !(byte.is_ascii_alphanumeric()
                || matches!(byte, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'))
        {
            out.extend_from_slice(b"%");
            push_hex(out, byte, b'A');
        } else {
            out.extend_from_slice(&[byte]);
        }
        after_backslash = false;
    }
}

/// `byte` as two hex digits, the letters from `a` (`b'a'` or `b'A'`), without the
/// formatting machinery `format!` would bring into the WebAssembly module.
fn push_hex(out: &mut Vec<u8>, byte: u8, a: u8) {
    out.extend_from_slice(&[hex_digit(byte >> 4, a), hex_digit(byte & 0xf, a)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_\"quo\\ted\"  two  spaces_0123456789";

    /// Every FRAGMENT_BYTES window of every spelling the reviews named.
    fn windows_of(secret: &str) -> Vec<String> {
        let json = serde_json::to_string(secret).unwrap();
        let json = &json[1..json.len() - 1];
        let collapsed = secret.split_whitespace().collect::<Vec<_>>().join(" ");
        [secret, json, &collapsed]
            .iter()
            .flat_map(|spelling| {
                spelling
                    .as_bytes()
                    .windows(FRAGMENT_BYTES)
                    .map(|w| String::from_utf8_lossy(w).into_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn assert_no_fragment(text: &str, secret: &str) {
        let json = serde_json::to_string(text).unwrap();
        for window in windows_of(secret) {
            assert!(!text.contains(&window), "{window:?} in {text:?}");
            assert!(!json.contains(&window), "{window:?} in {json}");
        }
    }

    #[test]
    fn a_key_is_redacted_in_every_spelling() {
        let secrets = Secrets::new(KEY, "client-0001-abcdefgh");
        let json = serde_json::to_string(KEY).unwrap();
        let collapsed = KEY.split_whitespace().collect::<Vec<_>>().join(" ");
        let percent: String = KEY
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let html = KEY.replace('"', "&quot;");
        for echoed in [KEY, &json, &collapsed, &percent, &html] {
            let text = format!("<p>apikeyprivate: {echoed}</p>");
            let redacted = secrets.redact(&text);
            assert_eq!(redacted.matches(REDACTED).count(), 1, "{redacted}");
            assert_no_fragment(&redacted, KEY);
        }
    }

    #[test]
    fn a_fragment_is_redacted_but_a_shorter_piece_is_not_a_fragment() {
        let secrets = Secrets::one("0123456789abcdefghij");
        assert_eq!(secrets.redact("x 0123456789ab y"), "x [redacted] y");
        assert_eq!(secrets.redact("x 0123456789a y"), "x 0123456789a y");
        assert_eq!(
            secrets.redact("cut at 0123456789abcdefghij"),
            "cut at [redacted]"
        );
    }

    #[test]
    fn quote_redacts_before_it_cuts_at_every_position() {
        let secrets = Secrets::new(KEY, "client-0001-abcdefgh");
        for padding in 0..220 {
            let text = format!("{}{KEY} and after", "x".repeat(padding));
            for limit in [20, 160, 300] {
                let quoted = secrets.quote(&text, limit);
                assert_no_fragment(quoted.as_str(), KEY);
                // Nothing of the key may survive, not even a tail shorter than a fragment.
                assert!(!quoted.as_str().contains("sk_live"), "{quoted}");
                assert!(quoted.as_str().chars().count() <= limit);
            }
        }
    }

    #[test]
    fn a_quote_stays_within_its_bound_when_a_mark_is_longer_than_the_fragment() {
        // Found by fuzzing: a 4-byte secret cut to a 3-character quote became "[re[redacted]".
        let secrets = Secrets::one("zzzz");
        for max in 0..14 {
            let quoted = secrets.quote("[rezzzz and more", max);
            assert!(quoted.as_str().chars().count() <= max, "{max}: {quoted}");
            assert!(!quoted.as_str().contains("zzzz"), "{max}: {quoted}");
        }
    }

    #[test]
    fn quote_finds_a_key_that_flattening_makes_whole() {
        let secrets = Secrets::one("abcdef ghijklmnop");
        let quoted = secrets.quote("key: abcdef\n\t ghijklmnop!", 100);
        assert_eq!(quoted.as_str(), "key: [redacted]!");
    }

    #[test]
    fn quote_flattens_forged_log_lines_and_bounds_floods() {
        let secrets = Secrets::new("", "");
        let quoted = secrets.quote(
            "ok\r\n2026-11-26 ERROR forged\u{1b}[31m red\u{202e}desrever\u{7}",
            300,
        );
        assert_eq!(
            quoted.as_str(),
            "ok 2026-11-26 ERROR forged[31m reddesrever"
        );
        let flood = secrets.quote(&"word\n".repeat(12_000), 300);
        assert_eq!(flood.as_str().chars().count(), 300);
        assert!(flood.as_str().ends_with("word…"), "{flood}");
    }

    #[test]
    fn a_fragment_that_the_mark_spells_anew_is_redacted_again() {
        // Redacting "AAAAAAAAAAAA" leaves "[redacted]PQRSTU", which holds the other key's
        // fragment "acted]PQRSTU".
        let secrets = Secrets::new("AAAAAAAAAAAA", "zacted]PQRSTUVW");
        let redacted = secrets.redact("AAAAAAAAAAAAPQRSTU");
        assert_eq!(redacted, "[red[redacted]");
    }

    #[test]
    fn a_text_that_redaction_cannot_clean_is_withheld() {
        // Every mark spells the key "acted]" again.
        let secrets = Secrets::one("acted]");
        assert_eq!(secrets.redact("an acted] b"), WITHHELD);
        // A key that the notice itself would hold: nothing is said.
        let secrets = Secrets::new("acted]", "withheld: held a");
        assert_eq!(secrets.redact("an acted] b"), "");
    }

    #[test]
    fn short_or_absent_secrets_leave_text_alone() {
        let secrets = Secrets::new("abc", "");
        assert_eq!(secrets.redact("abc abc"), "abc abc");
        // Found by fuzzing: a secret of white space collapses to nothing.
        let secrets = Secrets::new("     ", " ab  ");
        assert_eq!(secrets.redact("text ab text"), "text ab text");
        let secrets = Secrets::one("abcd");
        assert_eq!(secrets.redact("xabcdx"), "x[redacted]x");
    }

    #[test]
    fn a_secret_that_is_not_ascii_is_cut_out_on_character_boundaries() {
        let secrets = Secrets::one("çağrı-anahtarı-çok-gizli");
        let redacted = secrets.redact("anahtar: çağrı-anahtarı-çok-gizli.");
        assert_eq!(redacted, "anahtar: [redacted].");
    }

    #[test]
    fn a_guid_is_checked_against_keys_that_hold_guids_in_any_case() {
        let id = "7cc7c8e8-9d92-41b6-9378-e9ecef5a7812";
        let guid_key = Secrets::new("7CC7C8E8-9D92-41B6-9378-E9ECEF5A7812", "client-key-0001");
        assert!(guid_key.shares_fragment_with_guid(id));
        let holding = Secrets::new("pk_9378-e9ecef5a7812_live", "client-key-0001");
        assert!(holding.shares_fragment_with_guid(id));
        let plain = Secrets::new("sk_live_DO_NOT_LEAK_4f9a2c", "cl_live_DO_NOT_LEAK_77b1e0");
        assert!(!plain.shares_fragment_with_guid(id));
        let other_guid = Secrets::new("72ec8714-d116-4306-8881-38a43c485da9", "client-key-0001");
        assert!(!other_guid.shares_fragment_with_guid(id));
        // Found by the cancel fuzz target: a key whose spelling without its backslash is 11
        // characters of the id. Whatever redact() would cut from the id, the check refuses.
        let spelled = Secrets::new("14-d116-430\\", "client-key-0001");
        let sent = "72ec8714-d116-4306-8881-38a43c485da9";
        assert_eq!(
            spelled.redact(sent) != sent,
            spelled.shares_fragment_with_guid(sent)
        );
        assert!(spelled.shares_fragment_with_guid(sent));
    }

    #[test]
    fn debug_never_shows_the_values() {
        let printed = format!("{:?}", Secrets::new(KEY, "client-0001-abcdefgh"));
        assert_eq!(printed, "Secrets([redacted; 2])");
    }
}
