//! Putting text that came from outside (a caller's value, a server's page) into a message
//! safely: short, on one line, with control characters made visible.

/// How many characters of a caller's value a message quotes.
const QUOTE_CHARS: usize = 48;

/// Quotes `text` for an error message: escaped like a Rust string literal (so a newline or
/// NUL shows as `\n` or `\0` instead of breaking the log line) and cut to a readable length.
pub fn describe_text(text: &str) -> String {
    let mut quoted = String::from("\"");
    let mut chars = text.chars();
    for c in chars.by_ref().take(QUOTE_CHARS) {
        quoted.extend(c.escape_debug());
    }
    quoted.push('"');
    if chars.next().is_some() {
        quoted.push_str(&format!(" ({} characters)", text.chars().count()));
    }
    quoted
}

/// Flattens `text` to one line (runs of white space become one space, control characters
/// are dropped) and cuts it to `max_chars`, marking the cut with an ellipsis.
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
        if count >= max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_text_escapes_control_characters() {
        assert_eq!(describe_text("a\nb\0"), "\"a\\nb\\0\"");
    }

    #[test]
    fn describe_text_cuts_long_values_and_says_how_long() {
        let long = "x".repeat(100);
        let described = describe_text(&long);
        assert!(described.starts_with(&format!("\"{}\"", "x".repeat(48))));
        assert!(described.ends_with("(100 characters)"));
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
    }
}
