//! Config checking and reading on anything: a config that passes never sends a malformed
//! URL or a header value with a control character, and never prints a key. What it sends is
//! checked on the requests themselves: the first step of a cancel and of an inquiry made
//! with it (the library's call state machine), as a driver would send them.
//!
//! The base address's rules are the runtime's own URL parser's (checkBaseAddress in
//! src/transport.js), tested on the package (tests/node/base-address.test.mjs, with a property
//! test of what this target checked of the Rust parser before). Natively the core takes an
//! address as given, without its trailing slashes: that is what is checked here, on addresses
//! built from structured pieces (IPv4 parts in every number form, IPv6 pieces, DNS and `xn--`
//! labels, dot segments) as well as free text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{
    read_config_options, Call, Config, ConfigOptions, ErrorKind, FieldValue, Operation,
    PaymentRequestId, Secret, Step, CANCEL_PATH, INQUIRY_PATH, TEST_BASE_ADDRESS,
};

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";

/// The requests a config makes: a cancel's (POST, its JSON body) and an inquiry's (GET, no
/// body), to the config's URLs, with the config's keys and timeout; every header value
/// printable ASCII. Unless the keys hold part of the id, which is refused before sending.
fn check_requests(config: &Config) {
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let (key, client) = (
        config.api_key_private().expose(),
        config.api_client_private().expose(),
    );
    let inquiry_url = config.url(&format!("{INQUIRY_PATH}/{ID}"));
    for (operation, method, url, body) in [
        (
            Operation::Cancel(id),
            "POST",
            config.cancel_url().to_owned(),
            Some(format!(r#"{{"PaymentRequestId":"{ID}"}}"#)),
        ),
        (Operation::Inquiry(id), "GET", inquiry_url, None),
    ] {
        let mut call = Call::new(config, operation, 0);
        let request = match call.next(None) {
            Step::Send(request) => request,
            Step::Done(Err(error)) if error.kind() == ErrorKind::Input => {
                assert!(config.secrets().shares_fragment_with_guid(ID), "{error:?}");
                return;
            }
            other => panic!("a call started with {other:?}"),
        };
        assert_eq!(request.method, method);
        assert_eq!(request.url, url);
        assert_eq!(request.body, body.as_deref());
        assert_eq!(request.timeout_ms, config.timeout_ms());
        let mut expected = vec![("accept", "application/json")];
        if body.is_some() {
            expected.insert(0, ("content-type", "application/json"));
        }
        expected.extend([("apikeyprivate", key), ("apiclientprivate", client)]);
        let headers = request.headers();
        assert_eq!(headers, expected);
        for (_, value) in headers {
            assert!(
                value.bytes().all(|b| (0x20..0x7f).contains(&b)),
                "{value:?}"
            );
        }
        // Its Debug shows the header names only: two of the values are the keys.
        let names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            format!("{request:?}"),
            format!(
                "Request {{ method: {method:?}, url: {:?}, headers: {names:?}, body: {:?}, \
                 timeout_ms: {} }}",
                request.url, request.body, request.timeout_ms
            )
        );
    }
}

#[derive(Arbitrary, Debug)]
enum Field {
    Missing,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    LongString(u32),
    Other,
}

#[derive(Arbitrary, Debug)]
struct Input {
    base_address: Option<Base>,
    key: Option<String>,
    client: Option<String>,
    timeout_ms: Option<u32>,
    max_retries: Option<u32>,
    allow_browser: Option<bool>,
    allow_insecure_http: Option<bool>,
    environment: Option<Environment>,
    reconcile: Option<bool>,
    /// One more than `read_config_options` asks for, so that an added field is read too.
    fields: [Field; 10],
}

/// `environment`: the one name Paywall has, or anything else.
#[derive(Arbitrary, Debug)]
enum Environment {
    Test,
    Free(String),
}

/// A base address: free text, or built from pieces.
#[derive(Arbitrary, Debug)]
enum Base {
    Free(String),
    Built {
        scheme: Scheme,
        host: Host,
        port: Option<Port>,
        path: Vec<Segment>,
        trailing_slashes: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum Scheme {
    Http,
    Https,
    MixedCase(bool, u8),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Port {
    Number(u32),
    Padded(u16, u8),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Segment {
    Plain(String),
    /// `.` or `..` in one of its spellings (`%2e`, `.%2E`, ...).
    Dots(u8),
    Escape(u8, bool),
}

#[derive(Arbitrary, Debug)]
enum Host {
    Free(String),
    Ipv4(Vec<Ipv4Part>, bool),
    Ipv6(Vec<Ipv6Piece>),
    Labels(Vec<Label>, bool),
}

#[derive(Arbitrary, Debug)]
enum Ipv4Part {
    Decimal(u64),
    Octal(u64),
    Hex(u64, bool),
    /// `0x` with no digits, which is 0.
    HexEmpty(bool),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Ipv6Piece {
    Hex(u16, u8, bool),
    /// An empty piece: two in a row make `::`.
    Empty,
    Ipv4(Vec<Ipv4Part>),
    /// A well-formed IPv4 address, as the last 32 bits allow.
    Dotted([u8; 4]),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Label {
    Ascii(String),
    Known(u8),
    Number(Ipv4Part),
    /// `xn--` and free text.
    Punycode(String),
    /// `xn--` and the Punycode of these characters (encoded by the `idna` crate).
    Idn(Vec<IdnChar>),
}

#[derive(Arbitrary, Debug)]
enum IdnChar {
    Any(char),
    Ascii(u8),
    /// A character from one of `NEAR` (the scripts we accept and their neighbours).
    Near(u8, u16),
}

/// Blocks the IDNA rule accepts, excludes, or stops just short of.
const NEAR: &[(u32, u32)] = &[
    (0x00A0, 0x02FF),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x0530, 0x058F),
    (0x0590, 0x06FF),
    (0x0900, 0x0DFF),
    (0x0E00, 0x0EFF),
    (0x10A0, 0x10FF),
    (0x1100, 0x11FF),
    (0x1AB0, 0x1AFF),
    (0x1D00, 0x1DFF),
    (0x1E00, 0x1FFF),
    (0x2000, 0x218F),
    (0x2C00, 0x2D2F),
    (0x3000, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DFF),
    (0x4E00, 0x4E7F),
    (0x9F80, 0x9FFF),
    (0xA640, 0xA7FF),
    (0xA960, 0xA97F),
    (0xAC00, 0xAC7F),
    (0xD780, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFB00, 0xFDFF),
    (0xFE00, 0xFFFF),
    (0x10780, 0x107BF),
    (0x1E900, 0x1E95F),
    (0x2F800, 0x2FA1F),
];

const KNOWN_LABELS: &[&str] = &[
    "localhost",
    "example",
    "com",
    "xn--bcher-kva",
    "xn--nxasmq6b",
    "xn--",
    "xn--a",
    "xn--abc",
    "xn--abc-",
    "xn--zca",
    "xn--tda",
    "xn--mgbh0fb",
    "xn--fsqu00a",
    "0x",
    "0X7F",
    "0",
    "00",
    "09",
    "127",
    "255",
    "256",
    "4294967295",
    "4294967296",
    "_srv",
    "a-b",
    "-a",
    "a-",
    "ab--c",
    "",
];

fn ipv4_part(part: &Ipv4Part) -> String {
    match part {
        Ipv4Part::Decimal(n) => format!("{}", n % 300),
        Ipv4Part::Octal(n) => format!("0{:o}", n % 0x1_0000_0001),
        Ipv4Part::Hex(n, upper) if *upper => format!("0X{:X}", n % 0x1_0000_0001),
        Ipv4Part::Hex(n, _) => format!("0x{:x}", n % 0x1_0000_0001),
        Ipv4Part::HexEmpty(upper) => (if *upper { "0X" } else { "0x" }).to_owned(),
        Ipv4Part::Free(text) => text.clone(),
    }
}

fn near_char(block: u8, offset: u16) -> char {
    let (start, end) = NEAR[usize::from(block) % NEAR.len()];
    char::from_u32(start + u32::from(offset) % (end - start + 1)).unwrap_or('a')
}

fn label(label: &Label) -> String {
    match label {
        Label::Ascii(text) => text.clone(),
        Label::Known(index) => KNOWN_LABELS[usize::from(*index) % KNOWN_LABELS.len()].to_owned(),
        Label::Number(part) => ipv4_part(part),
        Label::Punycode(text) => format!("xn--{text}"),
        Label::Idn(chars) => {
            let text: String = chars
                .iter()
                .map(|c| match c {
                    IdnChar::Any(c) => *c,
                    IdnChar::Ascii(b) => char::from(b"abcxyz019-_"[usize::from(*b) % 11]),
                    IdnChar::Near(block, offset) => near_char(*block, *offset),
                })
                .collect();
            match idna::punycode::encode_str(&text) {
                Some(encoded) => format!("xn--{encoded}"),
                None => text,
            }
        }
    }
}

fn host(host: &Host) -> String {
    match host {
        Host::Free(text) => text.clone(),
        Host::Ipv4(parts, trailing_dot) => {
            let mut text = parts.iter().map(ipv4_part).collect::<Vec<_>>().join(".");
            if *trailing_dot {
                text.push('.');
            }
            text
        }
        Host::Ipv6(pieces) => {
            let pieces: Vec<String> = pieces
                .iter()
                .map(|piece| match piece {
                    Ipv6Piece::Hex(n, width, upper) => {
                        let width = usize::from(*width % 6);
                        if *upper {
                            format!("{n:0width$X}")
                        } else {
                            format!("{n:0width$x}")
                        }
                    }
                    Ipv6Piece::Empty => String::new(),
                    Ipv6Piece::Ipv4(parts) => {
                        parts.iter().map(ipv4_part).collect::<Vec<_>>().join(".")
                    }
                    Ipv6Piece::Dotted([a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
                    Ipv6Piece::Free(text) => text.clone(),
                })
                .collect();
            format!("[{}]", pieces.join(":"))
        }
        Host::Labels(labels, trailing_dot) => {
            let mut text = labels.iter().map(label).collect::<Vec<_>>().join(".");
            if *trailing_dot {
                text.push('.');
            }
            text
        }
    }
}

fn base_text(base: &Base) -> String {
    match base {
        Base::Free(text) => text.clone(),
        Base::Built {
            scheme,
            host: built_host,
            port,
            path,
            trailing_slashes,
        } => {
            let mut text = match scheme {
                Scheme::Http => "http://".to_owned(),
                Scheme::Https => "https://".to_owned(),
                Scheme::MixedCase(secure, mask) => (if *secure { "https://" } else { "http://" })
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask >> (i % 8) & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect(),
                Scheme::Free(text) => text.clone(),
            };
            text.push_str(&host(built_host));
            match port {
                None => {}
                Some(Port::Number(n)) => text.push_str(&format!(":{}", n % 70_000)),
                Some(Port::Padded(n, zeros)) => {
                    text.push(':');
                    text.push_str(&"0".repeat(usize::from(zeros % 4)));
                    text.push_str(&n.to_string());
                }
                Some(Port::Free(port)) => {
                    text.push(':');
                    text.push_str(port);
                }
            }
            for segment in path {
                text.push('/');
                match segment {
                    Segment::Plain(plain) => text.push_str(plain),
                    Segment::Dots(which) => text.push_str(
                        [
                            ".",
                            "..",
                            "%2e",
                            "%2E",
                            ".%2e",
                            "%2e.",
                            "%2E%2e",
                            ".%2E",
                            "%2e%2E",
                            "...",
                            "%2e%2e%2e",
                            "a.",
                        ][usize::from(*which) % 12],
                    ),
                    Segment::Escape(byte, upper) if *upper => {
                        text.push_str(&format!("%{byte:02X}"))
                    }
                    Segment::Escape(byte, _) => text.push_str(&format!("%{byte:02x}")),
                }
            }
            text.push_str(&"/".repeat(usize::from(trailing_slashes % 3)));
            text
        }
    }
}

fuzz_target!(|input: Input| {
    let base_address = input.base_address.as_ref().map(base_text);

    let environment = input
        .environment
        .as_ref()
        .map(|environment| match environment {
            Environment::Test => "test".to_owned(),
            Environment::Free(text) => text.clone(),
        });
    let options = ConfigOptions {
        base_address,
        api_key_private: input.key.clone().map(Secret::new),
        api_client_private: input.client.clone().map(Secret::new),
        timeout_ms: input.timeout_ms,
        max_retries: input.max_retries,
        dangerously_allow_browser: input.allow_browser,
        dangerously_allow_insecure_http: input.allow_insecure_http,
        environment: environment.clone(),
        reconcile: input.reconcile,
    };
    // `environment: "test"` stands for Paywall's test address, and only in place of
    // `baseAddress`: both, neither, or another name is a config error.
    let base_text = match (environment.as_deref(), options.base_address.as_deref()) {
        (Some("test"), None) => Some(TEST_BASE_ADDRESS.to_owned()),
        (None, Some(text)) => Some(text.to_owned()),
        _ => None,
    };
    match Config::from_options(options) {
        Ok(config) => {
            let url = config.cancel_url();
            // Natively the address as given, without its trailing slashes.
            let base = base_text.expect("an accepted config has a base address");
            assert_eq!(url, format!("{}{CANCEL_PATH}", base.trim_end_matches('/')));
            if environment.is_some() {
                assert_eq!(url, format!("{TEST_BASE_ADDRESS}{CANCEL_PATH}"));
            }
            // The inquiry's URL is the same base address with the inquiry's path.
            let api = &url[..url.len() - CANCEL_PATH.len()];
            let inquiry_path = format!("{INQUIRY_PATH}/72ec8714-d116-4306-8881-38a43c485da9");
            assert_eq!(config.url(&inquiry_path), format!("{api}{inquiry_path}"));
            assert_eq!(config.url(CANCEL_PATH), url);
            // Reconciling a lost answer is on unless the caller turned it off.
            assert_eq!(config.reconciles(), input.reconcile != Some(false));
            for secret in [config.api_key_private(), config.api_client_private()] {
                let value = secret.expose();
                assert!(!value.is_empty());
                assert!(
                    value.bytes().all(|b| (0x20..0x7f).contains(&b)),
                    "{value:?}"
                );
                assert!(!value.starts_with(' ') && !value.ends_with(' '));
                assert_eq!(format!("{secret:?}"), "Secret([redacted])");
            }
            assert!((1..=2_147_483_647).contains(&config.timeout_ms()));
            assert!(config.max_retries() <= 10);
            check_requests(&config);
        }
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::Config);
            // The test environment alone, with good keys and settings, is always accepted.
            let good_key = |key: &Option<String>| {
                key.as_deref().is_some_and(|key| {
                    !key.is_empty()
                        && key.len() <= 2048
                        && key.bytes().all(|b| (0x20..0x7f).contains(&b))
                        && !key.starts_with(' ')
                        && !key.ends_with(' ')
                })
            };
            assert!(
                !(matches!(input.environment, Some(Environment::Test))
                    && input.base_address.is_none()
                    && good_key(&input.key)
                    && good_key(&input.client)
                    && input
                        .timeout_ms
                        .is_none_or(|ms| (1..=2_147_483_647).contains(&ms))
                    && input.max_retries.is_none_or(|n| n <= 10)),
                "the test environment refused: {error:?}"
            );
        }
    }

    // Reading a JS-like object field by field: whatever the fields hold, an answer, no panic.
    let mut fields = input.fields.into_iter();
    let read = read_config_options(|_name| {
        Ok(match fields.next() {
            Some(Field::Missing) | None => FieldValue::Missing,
            Some(Field::Null) => FieldValue::Null,
            Some(Field::Bool(value)) => FieldValue::Bool(value),
            Some(Field::Number(value)) => FieldValue::Number(value),
            Some(Field::String(value)) => FieldValue::String(value),
            Some(Field::LongString(length)) => FieldValue::LongString(length),
            Some(Field::Other) => FieldValue::Other("an object"),
        })
    });
    if let Err(error) = read {
        assert!(
            error.message().starts_with("config."),
            "{}",
            error.message()
        );
    }
});
