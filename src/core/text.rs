//! Putting text that came from outside into a message safely: on one line, without the
//! characters that forge or hide log lines, and short. [`Secrets::quote`](super::Secrets::quote)
//! is the only caller: it redacts the private keys before these change the text's spelling.

/// Flattens `text` to one line: runs of white space (line breaks included) become one space,
/// and control characters (ESC of an ANSI sequence, NUL, BEL, ...) and invisible formatting
/// characters that reorder or hide what a log shows are dropped. Leading and trailing space
/// goes too.
pub fn flatten(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !c.is_control() && !is_invisible_format(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The length in bytes of the start of `text` that [`flatten`] turns into `chars` characters
/// (or all of `text`, if it flattens to fewer).
pub fn flattened_prefix_len(text: &str, chars: usize) -> usize {
    let mut count = 0;
    let mut pending_space = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            pending_space = count > 0;
        } else if !c.is_control() && !is_invisible_format(c) {
            count += 1 + usize::from(pending_space);
            pending_space = false;
            if count > chars {
                return at;
            }
        }
    }
    text.len()
}

/// Bidirectional overrides and isolates, which make a log line read other than it is, and
/// the zero-width characters, which hide text in it.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
    )
}

/// `text` cut to at most `max_chars` characters, the mark of a cut included: a text that is
/// longer keeps its first `max_chars - 1` characters and ends in an ellipsis (a space
/// before the cut is dropped).
pub fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().nth(max_chars).is_none() {
        return text.to_owned();
    }
    match text.char_indices().nth(max_chars.saturating_sub(1)) {
        Some((end, _)) if max_chars > 0 => {
            let kept = text.get(..end).unwrap_or_default().trim_end();
            let mut out = String::with_capacity(kept.len() + 3);
            out.push_str(kept);
            out.push('…');
            out
        }
        _ => String::new(),
    }
}

/// A body's bytes as text, as `Response.text()` decodes them: UTF-8, each invalid sequence
/// replaced with U+FFFD, a leading byte-order mark dropped. (A short loop over
/// `str::from_utf8` rather than `String::from_utf8_lossy`, which costs the module a
/// kilobyte.)
pub fn decode_body(bytes: &[u8]) -> String {
    let mut rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut text = String::with_capacity(rest.len());
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let (valid, invalid) = rest
                    .split_at_checked(error.valid_up_to())
                    .unwrap_or_default();
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                text.push(char::REPLACEMENT_CHARACTER);
                // An incomplete sequence at the end is one replacement for all of it.
                let skip = error.error_len().unwrap_or(invalid.len());
                rest = invalid.get(skip..).unwrap_or_default();
            }
        }
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
    fn decode_body_reads_utf8_as_fetch_does() {
        assert_eq!(decode_body(b"\xef\xbb\xbf{\"a\":1}"), "{\"a\":1}");
        assert_eq!(decode_body("çağ".as_bytes()), "çağ");
        for bytes in [
            &b"a\xffb"[..],
            b"\xc3",
            b"x\xe2\x82",
            b"\xf0\x9f\x98\x80\xed\xa0\x80z",
            b"\x80\x80",
            b"",
        ] {
            assert_eq!(
                decode_body(bytes),
                String::from_utf8_lossy(bytes),
                "{bytes:?}"
            );
        }
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
