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

use super::text::{cut, flatten, flattened_prefix_len, Decimal};

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
const WITHHELD: &str = "[withheld: the text contained a private key]";

/// How many times a text is redacted before it is withheld instead.
const MAX_PASSES: usize = 3;

/// How many times longer than a secret its longest spelling can be: HTML-escaping turns `"`
/// into `&quot;`.
const SPELLING_GROWTH: usize = 6;

/// The private values of one operation: both keys for a request, the webhook hash key for
/// a callback. Cheap to make; the table of fragments is built on first use (every request
/// checks its id against it), once per [`FragmentCache`] when one is given.
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
    spellings: Vec<Vec<u8>>,
    /// Where each fragment of each spelling is, `(spelling, offset)`, in an open-addressing
    /// hash table of a power-of-two size with linear probing: a lookup per window of text,
    /// in a few instructions and a handful of lines (a sort would cost the module 2 KB).
    slots: Vec<Option<(usize, usize)>>,
}

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
        let longest_spelling = self.values.iter().map(|value| value.len()).max();
        let reach = max_chars + SPELLING_GROWTH * longest_spelling.unwrap_or(0) + 1;
        let raw = raw.get(..flattened_prefix_len(raw, reach)).unwrap_or(raw);
        // Redacted again after flattening: a key split by a line break in the raw text is
        // whole only in the flattened one.
        let flat = flatten(&self.redact(raw));
        let mut text = self.redact(&cut(&self.redact(&flat), max_chars));
        if text.chars().count() > max_chars {
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
        if self
            .values
            .iter()
            .all(|value| value.len() < MIN_SECRET_BYTES)
        {
            return text;
        }
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
        self.fragment_mask(text.as_bytes()).is_some()
    }

    /// Whether the GUID `id` shares a fragment with a secret, in any letter case: a key
    /// that is (or holds) a GUID, passed as the payment request id by mistake, would
    /// otherwise be sent and echoed in the error's `paymentRequestId`. Cheap when no
    /// secret holds a run of hex digits as long as a fragment, which is what most keys are.
    ///
    /// Also true whenever [`Secrets::redact`] would change the id (it knows more spellings
    /// of a key: escaped, with its backslashes dropped, ...), so that an id that was sent
    /// is never shown redacted.
    pub fn shares_fragment_with_guid(&self, id: &str) -> bool {
        if self.replace_fragments(id).is_some() {
            return true;
        }
        let is_guid_char = |byte: &u8| byte.is_ascii_hexdigit() || *byte == b'-';
        let id = id.to_ascii_lowercase();
        self.values
            .iter()
            .filter(|value| value.len() >= MIN_SECRET_BYTES)
            .any(|value| {
                let width = FRAGMENT_BYTES.min(value.len());
                let could = value
                    .as_bytes()
                    .split(|byte| !is_guid_char(byte))
                    .any(|run| run.len() >= width);
                could && {
                    let value = value.to_ascii_lowercase();
                    value
                        .as_bytes()
                        .windows(width)
                        .any(|part| id.as_bytes().windows(width).any(|window| window == part))
                }
            })
    }

    /// `text` with its fragments replaced, or `None` when it holds none.
    fn replace_fragments(&self, text: &str) -> Option<String> {
        let mask = self.fragment_mask(text.as_bytes())?;
        let mut out = String::with_capacity(text.len());
        let mut in_fragment = false;
        for (at, c) in text.char_indices() {
            // A fragment may start or end inside a multi-byte character (a secret that is
            // not ASCII); the whole character goes.
            let masked = mask
                .get(at..at + c.len_utf8())
                .is_some_and(|bytes| bytes.contains(&true));
            if masked && !in_fragment {
                out.push_str(REDACTED);
            } else if !masked {
                out.push(c);
            }
            in_fragment = masked;
        }
        Some(out)
    }

    /// Which bytes of `text` belong to a fragment of a secret; `None` when none does.
    fn fragment_mask(&self, text: &[u8]) -> Option<Vec<bool>> {
        let cell = match &self.table {
            TableCell::Own(cell) => cell,
            TableCell::Shared(cache) => &cache.0,
        };
        let table = cell.get_or_init(|| Table::new(&self.values));
        let mut mask: Option<Vec<bool>> = None;
        let mut mark = |start: usize, len: usize| {
            let mask = mask.get_or_insert_with(|| vec![false; text.len()]);
            if let Some(bytes) = mask.get_mut(start..start + len) {
                bytes.fill(true);
            }
        };
        for (start, window) in text.windows(FRAGMENT_BYTES).enumerate() {
            if table.holds_fragment(window) {
                mark(start, FRAGMENT_BYTES);
            }
        }
        // Spellings shorter than a fragment are looked for whole.
        for spelling in table.spellings.iter().filter(|s| s.len() < FRAGMENT_BYTES) {
            for (start, window) in text.windows(spelling.len()).enumerate() {
                if window == spelling.as_slice() {
                    mark(start, spelling.len());
                }
            }
        }
        mask
    }
}

impl Table {
    fn new(values: &[&str]) -> Table {
        let mut spellings: Vec<Vec<u8>> = Vec::new();
        for value in values
            .iter()
            .filter(|value| value.len() >= MIN_SECRET_BYTES)
        {
            for spelling in spellings_of(value) {
                // A spelling as short as "ab" (a secret of "ab" and spaces) would mask every
                // "ab" of a message; too short to protect, like a short secret.
                if spelling.len() >= MIN_SECRET_BYTES && !spellings.contains(&spelling) {
                    spellings.push(spelling);
                }
            }
        }
        let count: usize = spellings
            .iter()
            .map(|spelling| spelling.len().saturating_sub(FRAGMENT_BYTES - 1))
            .sum();
        let mut table = Table {
            slots: vec![None; (2 * count).next_power_of_two().max(16)],
            spellings: Vec::new(),
        };
        for (index, spelling) in spellings.iter().enumerate() {
            for (offset, fragment) in spelling.windows(FRAGMENT_BYTES).enumerate() {
                if !table.probe(fragment, &spellings) {
                    if let Some(slot) = table.slot_for(fragment, &spellings) {
                        *slot = Some((index, offset));
                    }
                }
            }
        }
        table.spellings = spellings;
        table
    }

    /// Whether `window` (of [`FRAGMENT_BYTES`]) is part of a spelling.
    fn holds_fragment(&self, window: &[u8]) -> bool {
        self.probe(window, &self.spellings)
    }

    /// Looks `window` up, comparing it byte for byte with each fragment on its probe path.
    fn probe(&self, window: &[u8], spellings: &[Vec<u8>]) -> bool {
        let mask = self.slots.len() - 1;
        let mut at = hash(window) as usize & mask;
        while let Some(Some((spelling, offset))) = self.slots.get(at) {
            if fragment_at(spellings, *spelling, *offset) == Some(window) {
                return true;
            }
            at = (at + 1) & mask;
        }
        false
    }

    /// The empty slot where `window` goes (the table is never more than half full).
    fn slot_for(
        &mut self,
        window: &[u8],
        spellings: &[Vec<u8>],
    ) -> Option<&mut Option<(usize, usize)>> {
        let mask = self.slots.len() - 1;
        let mut at = hash(window) as usize & mask;
        while let Some(Some((spelling, offset))) = self.slots.get(at) {
            debug_assert!(fragment_at(spellings, *spelling, *offset) != Some(window));
            at = (at + 1) & mask;
        }
        self.slots.get_mut(at)
    }
}

/// The fragment of spelling `index` that starts at `offset`.
fn fragment_at(spellings: &[Vec<u8>], index: usize, offset: usize) -> Option<&[u8]> {
    spellings.get(index)?.get(offset..offset + FRAGMENT_BYTES)
}

/// FNV-1a: a few instructions a byte, and plenty for a table of a few hundred fragments.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The ways a secret can be spelled in text that echoes it: as sent; JSON-escaped (a
/// server that echoes the headers as JSON); with its escapes undone (what prints as the
/// secret once JSON.stringify or util.inspect escapes it again); with runs of white space
/// collapsed and the ends trimmed (an HTML page, or our own flattening); HTML-escaped;
/// percent-encoded (a URL).
fn spellings_of(value: &str) -> [Vec<u8>; 6] {
    let mut json = String::new();
    let mut unescaped = String::new();
    let mut collapsed = String::new();
    let mut html = String::new();
    let mut percent = String::new();
    let mut after_backslash = false;
    let mut pending_space = false;
    for c in value.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            '\u{8}' => json.push_str("\\b"),
            '\u{c}' => json.push_str("\\f"),
            c if c < ' ' => {
                json.push_str("\\u00");
                push_hex(&mut json, c as u8, b"0123456789abcdef");
            }
            c => json.push(c),
        }
        if c != '\\' || after_backslash {
            unescaped.push(c);
            after_backslash = false;
        } else {
            after_backslash = true;
        }
        if !c.is_whitespace() {
            if pending_space && !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push(c);
            pending_space = false;
        } else {
            pending_space = true;
        }
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
        if c.is_ascii_alphanumeric()
            || matches!(c, '-' | '_' | '.' | '!' | '~' | '*' | '\'' | '(' | ')')
        {
            percent.push(c);
        } else {
            let mut utf8 = [0; 4];
            for byte in c.encode_utf8(&mut utf8).bytes() {
                percent.push('%');
                push_hex(&mut percent, byte, b"0123456789ABCDEF");
            }
        }
    }
    [
        value.as_bytes().to_vec(),
        json.into_bytes(),
        unescaped.into_bytes(),
        collapsed.into_bytes(),
        html.into_bytes(),
        percent.into_bytes(),
    ]
}

/// `byte` as two hex `digits`, without the formatting machinery `format!` would bring into
/// the WebAssembly module.
fn push_hex(out: &mut String, byte: u8, digits: &[u8; 16]) {
    for nibble in [byte >> 4, byte & 0xf] {
        let digit = digits.get(usize::from(nibble)).copied().unwrap_or(b'0');
        out.push(char::from(digit));
    }
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
        let secrets = Secrets::new("acted]", "withheld: the text");
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
