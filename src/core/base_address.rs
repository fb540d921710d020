//! The base address, read strictly: only `http(s)://host[:port][/path][/]` that every fetch
//! implementation reads the same way, and only in the form the WHATWG URL standard
//! (`new URL(x).href`) serializes it to, so that nothing has to be rewritten: a form the
//! standard would rewrite is refused with a message that says how to write it. The few
//! rewrites kept are the cheap ones: the scheme and host are lowercased, the scheme's default
//! port is dropped (as are a port's leading zeros), and the path's trailing slashes.
//!
//! The host follows the standard's host parser for special schemes, with stricter rules where
//! the standard is lax and no real API address needs the laxness:
//!
//! - `[...]` is an IPv6 address as the standard serializes it: lowercase hex pieces without
//!   leading zeros, the first longest run of two or more zero pieces written `::`, no dotted
//!   IPv4 part (`[::1]`, `[2001:db8::1]`; not `[0:0:0:0:0:0:0:1]` nor `[::ffff:1.2.3.4]`).
//! - a host whose last label is a number (decimal, or `0x` hex) is an IPv4 address, which
//!   must be four decimal numbers 0-255 without leading zeros (`127.0.0.1`); the standard's
//!   other number forms (`0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1`) are refused.
//! - anything else is a DNS name of labels of `[a-z0-9_-]` (after lowercasing), 1 to 63
//!   characters, not starting or ending with `-`, at most 253 characters in all, with one
//!   trailing dot allowed. The standard also allows punctuation such as `!` or `$`, empty
//!   labels and longer names; these are refused here, as is `%` anywhere in a host.
//! - a label starting with `xn--`, an internationalised name in its Punycode form, is refused:
//!   checking one as the standard does (valid, canonical Punycode of characters that need no
//!   normalization, with the script rules) cost about 1.8 KB of the gzipped module, for API
//!   addresses that are ASCII in practice.
//!
//! The path keeps its %-escapes as written, as `new URL` does; `.` and `..` segments in any
//! spelling the standard resolves (`%2e`, `.%2E`, ...) are refused, since the URL parser would
//! rewrite the path.

use alloc::string::String;

use super::text::{find_byte, split_byte, Decimal};
use crate::text;

/// Longest base address accepted; real ones are far shorter.
const MAX_LEN: usize = 2048;

/// A base address that every fetch implementation reads the same way, in its canonical
/// (WHATWG-serialized) form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseAddress {
    /// `https` or `http`, lowercase.
    pub scheme: &'static str,
    /// The host as the WHATWG URL standard serializes it: a lowercase DNS name (a trailing dot
    /// kept), dotted-decimal IPv4, or a bracketed compressed lowercase IPv6 address.
    pub host: String,
    /// The port when one was given and it is not the scheme's default (WHATWG drops 80 for
    /// http and 443 for https).
    pub port: Option<u16>,
    /// The path prefix without a trailing slash (`""` or `"/paywall/v1"`), its %-escapes kept
    /// exactly as written, as `new URL` keeps them.
    pub path: String,
    /// True for a loopback host: `localhost` (with or without its trailing dot), any
    /// 127.0.0.0/8 address, `[::1]`.
    pub is_loopback: bool,
}

impl BaseAddress {
    /// The absolute URL of `path` (which starts with '/') below this base address:
    /// `scheme://host[:port]{self.path}{path}`.
    pub fn join(&self, path: &str) -> String {
        let mut url = text![self.scheme, "://", self.host];
        if let Some(port) = self.port {
            url.push(':');
            url.push_str(Decimal::of(port.into()).as_ref());
        }
        url.push_str(&self.path);
        url.push_str(path);
        url
    }
}

/// Parses `text`; the error is a problem in words, without a subject (such as "must not have
/// a query (?) or fragment (#)"), for the caller to prefix with the setting's name. It never
/// quotes the input, which might be a key pasted by mistake.
///
/// Faults share a few messages that state the rule, rather than one message per fault: each
/// message is data in the module. The specific ones are those a caller most needs told apart.
pub fn parse_base_address(text: &str) -> Result<BaseAddress, &'static str> {
    if text.is_empty() {
        return Err("is missing");
    }
    if text.len() > MAX_LEN {
        return Err("is too long");
    }
    let prefixed = |scheme: &str| {
        text.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .and_then(|_| text.get(scheme.len()..))
    };
    let (scheme, default_port, rest) = match (prefixed("https://"), prefixed("http://")) {
        (Some(rest), _) => ("https", 443, rest),
        (_, Some(rest)) => ("http", 80, rest),
        _ => return Err(SHAPE),
    };
    if !text.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return Err(SHAPE);
    }
    if rest.bytes().any(|b| b == b'?' || b == b'#') {
        return Err("must not have a query (?) or fragment (#)");
    }
    let (authority, path) = find_byte(rest, b'/')
        .and_then(|slash| rest.split_at_checked(slash))
        .unwrap_or((rest, ""));
    if authority.bytes().any(|b| b == b'@') {
        return Err("must not contain a user name or password");
    }
    // The host ends at the `]` of an IPv6 address, else at the first `:`.
    let host_end = if authority.starts_with('[') {
        find_byte(authority, b']').map_or(authority.len(), |end| end + 1)
    } else {
        find_byte(authority, b':').unwrap_or(authority.len())
    };
    let (host, port) = authority
        .split_at_checked(host_end)
        .unwrap_or((authority, ""));
    let host = host.to_ascii_lowercase();
    let is_loopback = check_host(&host).ok_or(HOST)?;
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        // Text after the `]` of an IPv6 address.
        None => return Err(HOST),
        Some(digits) => {
            let number = decimal(digits)
                .and_then(|number| u16::try_from(number).ok())
                .filter(|&number| number != 0)
                .ok_or(SHAPE)?;
            Some(number).filter(|&number| number != default_port)
        }
    };
    // Without its trailing slashes.
    let mut path = path;
    while let Some(shorter) = path.strip_suffix('/') {
        path = shorter;
    }
    if !is_plain_path(path) {
        return Err(
            "has a path with an empty, . or .. segment (%2e counts as a dot), a malformed \
             %-escape or a character that must be %-escaped",
        );
    }
    Ok(BaseAddress {
        scheme,
        host,
        port,
        path: String::from(path),
        is_loopback,
    })
}

/// Every refusal of the URL's overall shape: the scheme, the characters, an empty host, the
/// port.
const SHAPE: &str = "must be an absolute URL in printable ASCII: https:// (or http:// to this \
                     machine), a host, then an optional :port from 1 to 65535 and /path, without \
                     spaces or backslashes";

/// Every refusal of a host: the three forms accepted, and how to write each.
const HOST: &str = "has a host that is not an ASCII host name (labels of 1 to 63 letters, digits, \
                    '-' or '_' joined by dots, 253 characters in all, none starting or ending \
                    with '-' nor internationalised: xn--), an IPv4 address as four decimal \
                    numbers 0-255 without leading zeros (127.0.0.1) or an IPv6 address in \
                    brackets in its shortest form ([::1])";

/// `digits` as a number, when it is 1 to 5 decimal digits.
fn decimal(digits: &str) -> Option<u32> {
    if !(1..=5).contains(&digits.len()) {
        return None;
    }
    digits.bytes().try_fold(0, |value, b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

/// Whether `host` (lowercase) is a loopback host, when it is in the form the WHATWG URL
/// standard serializes it; `None` when it is not.
fn check_host(host: &str) -> Option<bool> {
    if let Some(inside) = host.strip_prefix('[') {
        let inside = inside.strip_suffix(']')?;
        return is_canonical_ipv6(inside).then_some(inside == "::1");
    }
    if ends_in_a_number(host) {
        let parts = split_byte(host, b'.').try_fold(0, |count, part| {
            let byte = decimal(part).is_some_and(|number| number <= 255)
                && (part == "0" || !part.starts_with('0'));
            byte.then_some(count + 1)
        });
        return (parts == Some(4)).then_some(host.starts_with("127."));
    }
    is_dns_name(host).then_some(host == "localhost" || host == "localhost.")
}

/// The WHATWG "ends in a number" rule: the last label (ignoring one trailing empty label) is
/// all decimal digits, or `0x` followed by zero or more hex digits.
fn ends_in_a_number(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    // The last label, found forwards: a reverse search costs more code in the module.
    let last = split_byte(name, b'.').fold("", |_, label| label);
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `inside` (the lowercase text between the brackets) is an IPv6 address as WHATWG
/// serializes it: eight pieces of 1 to 4 hex digits without leading zeros, or fewer around one
/// `::` that stands for the first longest run of two or more zero pieces.
fn is_canonical_ipv6(inside: &str) -> bool {
    // A `::` at either end leaves one empty piece there, as one in the middle does.
    let (starts, ends) = (inside.starts_with(':'), inside.ends_with(':'));
    if inside.is_empty() || starts && !inside.starts_with("::") || ends && !inside.ends_with("::") {
        return false;
    }
    let Some(body) = inside.get(usize::from(starts)..inside.len() - usize::from(ends)) else {
        return false;
    };
    // A mask of the zero pieces, how many pieces there are, and where `::` is.
    let (mut zeros, mut count, mut gap) = (0u32, 0u32, None);
    for piece in split_byte(body, b':') {
        if piece.is_empty() && gap.is_none() {
            gap = Some(count);
            continue;
        }
        let short = (1..=4).contains(&piece.len())
            && piece.bytes().all(|b| b.is_ascii_hexdigit())
            && (piece == "0" || !piece.starts_with('0'));
        if !short || count == 8 {
            return false;
        }
        zeros |= u32::from(piece == "0") << count;
        count += 1;
    }
    // `::` stands for two or more zero pieces.
    let gap = match gap {
        None if count == 8 => None,
        Some(at) if count <= 6 => {
            let len = 8 - count;
            let below = (1 << at) - 1;
            zeros = zeros & below | ((1 << len) - 1) << at | (zeros & !below) << len;
            Some((at, len))
        }
        _ => return false,
    };
    // The serializer's choice: the first longest run of two or more zero pieces.
    let (mut longest, mut run_start, mut run_len) = (None, 0, 0);
    for index in 0..8 {
        if zeros >> index & 1 == 0 {
            run_len = 0;
            continue;
        }
        if run_len == 0 {
            run_start = index;
        }
        run_len += 1;
        if run_len > 1 && longest.is_none_or(|(_, len)| run_len > len) {
            longest = Some((run_start, run_len));
        }
    }
    longest == gap
}

/// Whether `host` (lowercase) is a DNS name of `[a-z0-9_-]` labels of 1 to 63 characters, at
/// most 253 in all (one trailing dot aside), none starting or ending with `-` and none `xn--`
/// (internationalised). An empty host is not one.
fn is_dns_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    name.len() <= 253
        && split_byte(name, b'.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
                && !label.starts_with('-')
                && !label.ends_with('-')
                && !label.starts_with("xn--")
        })
}

/// Whether `path` is a plain path prefix (for a proxy in front of Paywall): segments of
/// URL-safe characters with well-formed %XX escapes, and no empty, `.` or `..` segment, in
/// any spelling that a URL parser would resolve (`%2e`, `.%2E`, ...).
fn is_plain_path(path: &str) -> bool {
    split_byte(path, b'/').skip(1).all(|segment| {
        let bytes = segment.as_bytes();
        // The dots, `%2e` included, and whether anything else is there.
        let (mut dots, mut other) = (0, false);
        let mut index = 0;
        while let Some(&byte) = bytes.get(index) {
            if byte == b'%' {
                let Some(&[high, low]) = bytes.get(index + 1..index + 3) else {
                    return false;
                };
                if !high.is_ascii_hexdigit() || !low.is_ascii_hexdigit() {
                    return false;
                }
                if high == b'2' && low | 0x20 == b'e' {
                    dots += 1;
                } else {
                    other = true;
                }
                index += 3;
                continue;
            }
            let allowed = byte.is_ascii_alphanumeric()
                || matches!(
                    byte,
                    b'-' | b'.'
                        | b'_'
                        | b'~'
                        | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b':'
                        | b'@'
                );
            if !allowed {
                return false;
            }
            if byte == b'.' {
                dots += 1;
            } else {
                other = true;
            }
            index += 1;
        }
        // Empty, or `.` or `..` in some spelling.
        other || dots > 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> BaseAddress {
        parse_base_address(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn host(text: &str) -> String {
        parsed(text).host
    }

    fn refusal(text: &str) -> &'static str {
        match parse_base_address(text) {
            Ok(base) => panic!("{text} was accepted as {base:?}"),
            Err(error) => error,
        }
    }

    fn refused_saying(cases: &[(&str, &str)]) {
        for (text, says) in cases {
            let message = refusal(text);
            assert!(message.contains(says), "{text}: {message}");
        }
    }

    #[test]
    fn serializes_scheme_host_port_and_path_canonically() {
        assert_eq!(
            parsed("HTTP://127.0.0.1:80/"),
            BaseAddress {
                scheme: "http",
                host: "127.0.0.1".into(),
                port: None,
                path: String::new(),
                is_loopback: true,
            }
        );
        assert_eq!(
            parsed("hTTpS://Proxy.Example:8443/Paywall/v1//"),
            BaseAddress {
                scheme: "https",
                host: "proxy.example".into(),
                port: Some(8443),
                path: "/Paywall/v1".into(),
                is_loopback: false,
            }
        );
        assert_eq!(host("https://[::FFFF:7F00:1]"), "[::ffff:7f00:1]");
    }

    #[test]
    fn joins_a_path_below_the_base_address() {
        assert_eq!(
            parsed("https://example.com:8443/a%2fb/").join("/api/x"),
            "https://example.com:8443/a%2fb/api/x"
        );
        assert_eq!(parsed("http://[::1]").join("/x"), "http://[::1]/x");
        assert_eq!(parsed("http://h").join("/"), "http://h/");
    }

    #[test]
    fn drops_only_the_default_port_of_the_scheme() {
        assert_eq!(parsed("http://h:80").port, None);
        assert_eq!(parsed("http://h:00080").port, None);
        assert_eq!(parsed("https://h:443").port, None);
        assert_eq!(parsed("https://h:80").port, Some(80));
        assert_eq!(parsed("http://h:443").port, Some(443));
        assert_eq!(parsed("http://h:65535").port, Some(65535));
        assert_eq!(parsed("http://[::1]:8080").port, Some(8080));
    }

    #[test]
    fn refuses_ports_outside_1_to_65535() {
        for text in [
            "http://h:0",
            "http://h:65536",
            "http://h:",
            "http://h:+80",
            "http://h:000080",
            "http://h:8a",
            "http://h:1:2",
            "http://[::1]:",
            "http://[::1]:0",
        ] {
            assert!(refusal(text).contains("port"), "{text}");
        }
    }

    #[test]
    fn keeps_the_rules_of_the_old_checks() {
        refused_saying(&[
            ("", "is missing"),
            ("example.com", "must be an absolute URL"),
            ("ftp://example.com", "must be an absolute URL"),
            ("https:example.com", "must be an absolute URL"),
            ("https:/example.com", "must be an absolute URL"),
            ("https://", "host name"),
            ("https://:8080", "host name"),
            ("https:///path", "host name"),
            ("https://user:pw@example.com", "user name or password"),
            ("https://@example.com", "user name or password"),
            ("https://example.com?x=1", "query"),
            ("https://example.com/#top", "fragment"),
            ("https://example.com\\path", "backslash"),
            ("https://exa mple.com", "without spaces"),
            ("https://example.com\n", "printable ASCII"),
            ("https://example.com\u{7f}", "printable ASCII"),
            ("https://exämple.com", "printable ASCII"),
            ("https://[::1", "IPv6"),
            ("https://[::1]x", "IPv6"),
            ("https://ex_am..ple", "host name"),
            ("https://a/b//c", "segment"),
            ("https://example.com/a/../b", "segment"),
            ("https://example.com/%zz", "%-escape"),
            ("https://example.com/%2", "%-escape"),
            ("https://example.com/a\"b", "%-escaped"),
            ("https://example.com/a^b", "%-escaped"),
            ("https://example.com/a{b}", "%-escaped"),
        ]);
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert_eq!(refusal(&long), "is too long");
    }

    #[test]
    fn never_quotes_the_input() {
        for text in [
            "https://secret-key-0001@example.com",
            "https://secret-key-0001:99999",
            "https://secret-key-0001..example",
            "https://xn--secret-key-0001",
            "https://example.com/secret-key-0001%",
            "secret-key-0001",
        ] {
            let message = refusal(text);
            assert!(!message.contains("secret"), "{message}");
        }
    }

    #[test]
    fn accepts_ipv4_in_dotted_decimal() {
        for text in [
            "127.0.0.1",
            "0.0.0.0",
            "10.0.0.1",
            "192.168.100.200",
            "255.255.255.255",
            "1.20.100.0",
        ] {
            assert_eq!(host(&format!("http://{text}")), text);
        }
    }

    #[test]
    fn refuses_every_other_ipv4_number_form_saying_how_to_write_it() {
        // Each of these is an IPv4 address to WHATWG, serialized otherwise.
        for text in [
            "http://0x7f.1",
            "http://0X7F.0.0.1",
            "http://2130706433",
            "http://0177.0.0.1",
            "http://127.1",
            "http://127.0.1",
            "http://1.2.3.4.",
            "http://0x",
            "http://0",
            "http://00",
            "http://0x.0x.0",
            "http://4294967295",
            "http://0xffffffff",
            "http://1.0xffffff",
            "http://1.2.0xffff",
            "http://255.255.255.0377",
            "http://000000000000000000010.1",
            "http://01.2.3.4",
            "http://1.2.3.00",
        ] {
            assert_eq!(refusal(text), HOST, "{text}");
        }
    }

    #[test]
    fn refuses_hosts_that_end_in_a_number_but_are_not_ipv4_addresses() {
        for text in [
            "http://256.0.0.1",
            "http://1.2.3.4.5",
            "http://999999999999",
            "http://4294967296",
            "http://0x100000000",
            "http://1.0x1000000",
            "http://1.2.65536",
            "http://1.2.3.256",
            "http://09.1.1.1",
            "http://1.08",
            "http://0x1g.1",
            "http://foo.1",
            "http://example.0x1",
            "http://1..2",
            "http://.1",
            "http://99999999999999999999999.1",
        ] {
            assert_eq!(refusal(text), HOST, "{text}");
        }
    }

    #[test]
    fn reads_names_that_only_look_like_numbers_as_dns_names() {
        for text in [
            "http://1.2.3.4a",
            "http://0x1g",
            "http://1.example",
            "http://0x.example",
            "http://123abc",
        ] {
            let lower = text.strip_prefix("http://").unwrap();
            assert_eq!(host(text), lower, "{text}");
        }
    }

    #[test]
    fn accepts_ipv6_as_whatwg_serializes_it() {
        for text in [
            "[::1]",
            "[::]",
            "[1::]",
            "[::2:3]",
            "[1:0:0:2::3]",
            "[1::2:0:0:3:4]",
            "[1:2:3:4:5:6:7:0]",
            "[0:1:2:3:4:5:6:7]",
            "[1:0:2:0:3:0:4:0]",
            "[0:0:1::]",
            "[1:2:3:4:5:6:7:8]",
            "[2001:db8::1]",
            "[fe80::1:abcd]",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
            "[::ffff:7f00:1]",
            "[::102:304]",
        ] {
            assert_eq!(host(&format!("http://{text}")), text);
        }
        assert_eq!(host("http://[2001:DB8::A]"), "[2001:db8::a]");
    }

    #[test]
    fn refuses_ipv6_in_other_spellings_saying_how_to_write_it() {
        // Each of these is an IPv6 address to WHATWG, serialized otherwise.
        for text in [
            "[0:0:0:0:0:0:0:1]",
            "[::0:1]",
            "[0::1]",
            "[1:0::]",
            "[1::0]",
            "[1:2:3:4:5:6:7::]",
            "[::1:2:3:4:5:6:7]",
            "[1:0:0:0:0:0:0:0]",
            "[1:0:0:2:0:0:0:3]",
            "[1:0:0:2::3:4]",
            "[::1:0:0:0:0]",
            "[1:2:3:4:5:6:0:0]",
            "[2001:db8::0001]",
            "[2001:0db8::1]",
            "[0001:0002:0003:0004:0005:0006:0007:0008]",
            "[::ffff:127.0.0.1]",
            "[::127.0.0.1]",
            "[1:2:3:4:5:6:1.2.3.4]",
            "[::1.2.3.4]",
            "[::0.0.0.0]",
        ] {
            assert_eq!(refusal(&format!("http://{text}")), HOST, "{text}");
        }
    }

    /// The reference: std's parser and serializer, which serializes as WHATWG does but for
    /// IPv4-mapped addresses (`::ffff:1.2.3.4`), which these tests never build.
    fn serialized_ipv6(text: &str) -> Option<String> {
        let address: std::net::Ipv6Addr = text.parse().ok()?;
        assert!(address.to_ipv4_mapped().is_none(), "{text}");
        Some(address.to_string())
    }

    #[test]
    fn accepts_exactly_one_spelling_of_every_pattern_of_zero_pieces() {
        for mask in 0..256u32 {
            let pieces: Vec<String> = (0..8)
                .map(|index| String::from(if mask >> index & 1 == 1 { "0" } else { "a1" }))
                .collect();
            // Every spelling: no `::`, or `::` for any run of zero pieces.
            let mut spellings = vec![pieces.join(":")];
            for start in 0..8 {
                for end in start + 1..=8 {
                    if pieces[start..end].iter().all(|piece| piece == "0") {
                        let (head, tail) = (pieces[..start].join(":"), pieces[end..].join(":"));
                        spellings.push(format!("{head}::{tail}"));
                    }
                }
            }
            let canonical = serialized_ipv6(&spellings[0]).unwrap();
            assert!(spellings.contains(&canonical), "{canonical}");
            for spelling in &spellings {
                assert_eq!(
                    is_canonical_ipv6(spelling),
                    *spelling == canonical,
                    "{spelling}"
                );
            }
        }
    }

    #[test]
    fn accepts_an_ipv6_text_only_when_it_is_its_own_serialization() {
        // Every text of up to 9 of these characters.
        let mut texts = vec![String::new()];
        let mut start = 0;
        for _ in 0..9 {
            let end = texts.len();
            for index in start..end {
                for c in ['0', '1', 'a', ':'] {
                    let text = format!("{}{c}", texts[index]);
                    texts.push(text);
                }
            }
            start = end;
        }
        let mut accepted = 0;
        for text in &texts {
            let expected = serialized_ipv6(text).is_some_and(|serialized| serialized == *text);
            assert_eq!(is_canonical_ipv6(text), expected, "{text}");
            accepted += usize::from(expected);
        }
        assert!(accepted > 1000, "{accepted}");
    }

    #[test]
    fn refuses_ipv6_addresses_whatwg_refuses() {
        for text in [
            "[]",
            "[:]",
            "[1]",
            "[1.2.3.4]",
            "[:::]",
            "[::1::]",
            "[1::2::3]",
            "[1:2:3:4:5:6:7:8:9]",
            "[1:2:3:4:5:6:7:8::]",
            "[::1:2:3:4:5:6:7:8]",
            "[1:2:3:4:5:6:7]",
            "[:1]",
            "[1:]",
            "[:1::]",
            "[::1:]",
            "[12345::]",
            "[g::]",
            "[+1::]",
            "[::1%25eth0]",
            "[::ffff:1.2.3]",
            "[::ffff:1.2.3.4.5]",
            "[::ffff:1.2.3.256]",
            "[::ffff:01.2.3.4]",
            "[::ffff:1.2.3.]",
            "[::ffff:.1.2.3]",
            "[::ffff:0x1.2.3.4]",
            "[1:2:3:4:5:6:7:1.2.3.4]",
            "[::1.2.3.4:1]",
            "[::1]]",
            "[[::1]",
            "[::1",
            "[::1]x",
            "[::1]]:80",
        ] {
            assert_eq!(refusal(&format!("http://{text}")), HOST, "{text}");
        }
    }

    #[test]
    fn lowercases_dns_names_and_keeps_a_trailing_dot() {
        assert_eq!(host("https://EXAMPLE.Com"), "example.com");
        assert_eq!(host("https://example.com."), "example.com.");
        assert_eq!(host("https://_acme-1.a-b.example"), "_acme-1.a-b.example");
        assert_eq!(host("https://ab--cd.example"), "ab--cd.example");
        let label = "a".repeat(63);
        assert_eq!(host(&format!("https://{label}")), label);
        let name = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(name.len(), 253);
        assert_eq!(host(&format!("https://{name}.")), format!("{name}."));
    }

    #[test]
    fn refuses_dns_names_stricter_than_whatwg() {
        let label = "a".repeat(64);
        let long = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(62));
        for text in [
            "https://a%41.example",
            "https://a%2e",
            "https://a..b",
            "https://.a",
            "https://a..",
            "https://.",
            &format!("https://{label}"),
            &format!("https://{long}"),
            "https://a!b",
            "https://a$b.example",
            "https://a[b",
            "https://-a.example",
            "https://a-.example",
        ] {
            assert_eq!(refusal(text), HOST, "{text}");
        }
        assert_eq!(refusal("https://%31.1"), HOST);
    }

    #[test]
    fn refuses_every_internationalised_label() {
        // Canonical Punycode of supported scripts (accepted before), and every kind of label
        // refused before: not Punycode, of plain ASCII, not canonical, '-' or "--" in the
        // decoded label, right-to-left, characters outside the old whitelist.
        for label in [
            "xn--bcher-kva",
            "XN--BCHER-KVA",
            "xn--nxasmq6b",
            "xn--80akhbyknj4f",
            "xn--fsqu00a",
            "xn--9n2bp8q",
            "xn--tda",
            "xn--a",
            "xn--abc",
            "xn--zca",
            "xn--3xa",
            "xn---abc",
            "xn--99999999999",
            "xn--a_b",
            "xn--bcher-kva9",
            "xn--xn--bcher-u9a",
            "xn---bcher-4ya",
            "xn--bcher--3ya",
            "xn--ab---3ra",
            "xn--mgbh0fb",
            "xn--deba0ad",
            "xn--ls8h",
            "xn--secret-key-0001",
        ] {
            for text in [
                format!("https://{label}"),
                format!("https://{label}.example"),
                format!("https://a.{label}.example."),
            ] {
                assert_eq!(refusal(&text), HOST, "{text}");
            }
        }
        assert_eq!(refusal("https://xn--"), HOST);
        assert_eq!(refusal("https://xn--abc-"), HOST);
        refused_saying(&[
            ("https://exämple.com", "printable ASCII"),
            ("https://bücher.example", "printable ASCII"),
        ]);
        // Only the `xn--` prefix marks a Punycode label.
        for name in [
            "ab--cd.example",
            "xn-a.example",
            "axn--b.example",
            "xn.example",
        ] {
            assert_eq!(host(&format!("https://{name}")), name);
        }
    }

    #[test]
    fn refuses_dot_segments_in_every_spelling() {
        for segment in [
            ".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e", "%2e%2E", ".%2E", "%2E.",
        ] {
            for text in [
                format!("http://host/{segment}"),
                format!("http://host/x/{segment}/evil"),
                format!("http://host/x/{segment}/"),
            ] {
                assert!(refusal(&text).contains("segment"), "{text}");
            }
        }
        let message = refusal("http://host/x/%2e%2e/%2e%2e/evil");
        assert!(message.contains("segment"), "{message}");
        for text in [
            "http://host/...",
            "http://host/.a",
            "http://host/%2e%2e%2e",
            "http://host/a.",
        ] {
            assert!(parse_base_address(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn keeps_path_escapes_as_written() {
        assert_eq!(parsed("http://h/a%2Fb/%e2%82%ac").path, "/a%2Fb/%e2%82%ac");
        assert_eq!(
            parsed("http://h/a:b@c;d=e,f+g*h!i$j&k'l(m)n~o").path,
            "/a:b@c;d=e,f+g*h!i$j&k'l(m)n~o"
        );
        assert_eq!(parsed("http://h/").path, "");
        assert_eq!(parsed("http://h///").path, "");
    }

    #[test]
    fn tells_loopback_hosts_apart() {
        for text in [
            "http://localhost",
            "http://LOCALHOST:3000",
            "http://localhost.",
            "http://127.0.0.1",
            "http://127.255.255.254",
            "http://127.0.0.2",
            "http://[::1]",
            "http://[::1]:8080",
        ] {
            assert!(parsed(text).is_loopback, "{text}");
        }
        for text in [
            "http://localhost.example",
            "http://my-localhost",
            "http://128.0.0.1",
            "http://126.255.255.255",
            "http://0.0.0.0",
            "http://[::]",
            "http://[::ffff:7f00:1]",
            "http://[::2]",
            "http://[::1:1]",
            "http://127.example",
            "https://example.com",
        ] {
            assert!(!parsed(text).is_loopback, "{text}");
        }
    }

    #[test]
    fn every_host_fault_says_how_to_write_each_kind_of_host() {
        for text in [
            "https://",
            "https://a%2e",
            "https://256.0.0.1",
            "https://1.2.3.4.5",
            "https://999999999999",
            "https://0x7f.1",
            "https://[1]",
            "https://[0:0:0:0:0:0:0:1]",
            "https://[::1]x",
            "https://[::1",
            "https://a..b",
            "https://a!b",
            "https://-a",
            "https://xn--a",
            "https://xn--abc-",
            "https://xn---abc",
            "https://xn--bcher-kva",
            &format!("https://{}", "a".repeat(64)),
        ] {
            assert_eq!(refusal(text), HOST, "{text}");
        }
        // The one message says how to write each kind of host.
        for says in [
            "ASCII host name",
            "xn--",
            "IPv4",
            "four decimal numbers",
            "(127.0.0.1)",
            "IPv6",
            "shortest form",
            "([::1])",
        ] {
            assert!(HOST.contains(says), "{says}");
        }
    }
}
