//! Putting text that came from outside (a caller's value, a server's page) into a message
//! safely: short, on one line, with control characters made visible.

/// How many characters of a caller's value a message quotes.
const QUOTE_CHARS: usize = 48;

/// Quotes `text` for an error message: control characters are shown as escapes (so a
/// newline or NUL shows as `\n` or `\u{0}` instead of breaking the log line), and the
/// text is cut to a readable length.
pub fn describe_text(text: &str) -> String {
    let mut quoted = String::from("\"");
    let mut chars = text.chars();
    for c in chars.by_ref().take(QUOTE_CHARS) {
        match c {
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => {
                quoted.push_str("\\u{");
                quoted.push_str(&format!("{:x}", u32::from(c)));
                quoted.push('}');
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    if chars.next().is_some() {
        quoted.push_str(&format!(" ({} characters)", text.chars().count()));
    }
    quoted
}

/// Flattens `text` to one line (runs of white space become one space, control characters
/// are dropped) and cuts it to at most `max_chars` characters, marking a cut with an
/// ellipsis after them.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            continue;
        }
        let needed = 1 + usize::from(pending_space);
        if count + needed > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        count += needed;
    }
    out
}

/// Whether `text` holds `needle`. A byte-window search rather than `str::contains`, whose
/// Two-Way searcher costs the module kilobytes for the few short texts searched here.
pub fn contains(text: &str, needle: &str) -> bool {
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}

/// `text` with every occurrence of `needle` replaced by `with`, or `None` when there is
/// none. A byte-wise search: the texts are short, and it keeps std's substring searcher
/// (and the panic formatting it drags in, some 5 KB) out of the WebAssembly module.
pub fn replace_all(text: &str, needle: &str, with: &str) -> Option<String> {
    let (haystack, pattern) = (text.as_bytes(), needle.as_bytes());
    if pattern.is_empty() || haystack.len() < pattern.len() {
        return None;
    }
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while let Some(window) = haystack.get(at..at + pattern.len()) {
        if window == pattern {
            // Both ends are char boundaries: `needle` is a whole UTF-8 string.
            out.push_str(text.get(copied..at)?);
            out.push_str(with);
            at += pattern.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_text_escapes_control_characters() {
        assert_eq!(describe_text("a\nb\0\"é"), "\"a\\nb\\u{0}\\\"é\"");
    }

    #[test]
    fn describe_text_cuts_long_values_and_says_how_long() {
        let long = "x".repeat(100);
        let described = describe_text(&long);
        assert!(described.starts_with(&format!("\"{}\"", "x".repeat(48))));
        assert!(described.ends_with("(100 characters)"));
    }

    #[test]
    fn replace_all_replaces_every_occurrence_or_says_there_is_none() {
        assert_eq!(
            replace_all("key k-1 and k-1.", "k-1", "[x]").as_deref(),
            Some("key [x] and [x].")
        );
        assert_eq!(replace_all("aaa", "aa", "b").as_deref(), Some("ba"));
        assert_eq!(replace_all("çk-1ç", "k-1", "-").as_deref(), Some("ç-ç"));
        assert_eq!(replace_all("nothing here", "k-1", "x"), None);
        assert_eq!(replace_all("k", "k-1", "x"), None);
        assert_eq!(replace_all("text", "", "x"), None);
    }

    #[test]
    fn excerpt_flattens_and_cuts() {
        assert_eq!(
            excerpt("<html>\n  <body>Bad   gateway</body>\r\n</html>", 100),
            "<html> <body>Bad gateway</body> </html>"
        );
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("  \n ", 10), "");
        assert_eq!(excerpt("çağ\u{7}ış", 4), "çağı…");
        // Found by fuzzing: the space before a word counts toward the limit.
        assert_eq!(excerpt("? w]", 2), "?…");
        assert_eq!(excerpt("a b", 3), "a b");
    }

    #[test]
    fn contains_finds_a_needle_anywhere_and_only_where_it_is() {
        assert!(contains("a [redacted] b", "ted] "));
        assert!(contains("abc", "abc") && contains("abc", "") && contains("çağ", "ağ"));
        assert!(!contains("ab", "abc") && !contains("abd", "abc"));
    }
}
