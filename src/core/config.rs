//! The settings a cancel needs, and the checks that make a bad setting fail before any
//! request is sent.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use super::error::Error;
use super::secrets::Secrets;

/// The Paywall Physical POS test environment. Production addresses are given by Paywall on
/// request, so `baseAddress` has no default.
pub const TEST_BASE_ADDRESS: &str = "https://test-physicalpos-api.itspaywall.com";

/// The path of Async Cancel below the base address.
pub const CANCEL_PATH: &str = "/api/payment/async/cancel";

/// Per-attempt timeout when the caller sets none: a cancel travels to a POS terminal and
/// back, so Paywall may take several seconds; thirty leaves room without hanging forever.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// Retries when the caller sets none: two retries ride out a brief outage without turning a
/// real outage into a long wait.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The longest timer every JS runtime can set (2^31 - 1 ms); larger values would overflow
/// to an immediate timeout in some of them.
pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

/// More retries than this turns an outage into minutes of waiting with the payment's fate
/// unknown; a caller who wants that can loop.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// Longest key or base address accepted; real ones are far shorter.
const MAX_SETTING_LEN: usize = 2048;

/// A private key: compared, sent as a header, and never printed.
///
/// `Debug` shows `[redacted]`; there is no `Display` and no `Serialize`, so a secret cannot
/// reach a log line or a JSON document by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The key itself, for the one place that puts it in a header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    /// Unlike `String`, a value of the wrong type is reported without echoing it: the value
    /// is taken through `deserialize_any`, so a number reaches this visitor instead of the
    /// format's own error message, which would quote it.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;
        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Secret, E> {
                Ok(Secret(value.to_owned()))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Secret, E> {
                Ok(Secret(value))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
                Err(E::custom("must be a string, got a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
                Err(E::custom("must be a string, got a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
                Err(E::custom("must be a string, got a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
                Err(E::custom("must be a string, got a number"))
            }
        }
        deserializer.deserialize_any(SecretVisitor)
    }
}

/// The settings as a caller writes them (a JS object, a JSON document, a Rust literal),
/// all checked before any request is sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(rename = "CancelConfigOptions")
)]
// The required fields are `Option`s too, so that a missing one is reported by name with
// advice rather than as serde's generic "missing field"; the TypeScript declaration still
// marks them required.
pub struct ConfigOptions {
    /// Absolute http or https URL of the Paywall API, such as
    /// `https://test-physicalpos-api.itspaywall.com`; a trailing slash is fine.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub base_address: Option<String>,
    /// The Private Key from the merchant panel, sent as the `apikeyprivate` header. Keep it
    /// on servers and edge workers: never in a page served to shoppers.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub api_key_private: Option<Secret>,
    /// The Private Client from the merchant panel, sent as the `apiclientprivate` header.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub api_client_private: Option<Secret>,
    /// Deadline of each attempt in milliseconds, from the request to the last byte of the
    /// answer: 1 to 2147483647, default 30000.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number"))]
    pub timeout_ms: Option<u32>,
    /// Retries after a transient failure (no connection, 429, 502, 503, 504): 0 to 10,
    /// default 2.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number"))]
    pub max_retries: Option<u32>,
    /// Allows use in a browser page, where every visitor could read the keys: for local
    /// demos with test keys only.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "boolean"))]
    pub dangerously_allow_browser: Option<bool>,
}

/// Checked settings: a cancel built from a `Config` never sends a malformed URL or header.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    cancel_url: String,
    api_key_private: Secret,
    api_client_private: Secret,
    timeout_ms: u32,
    max_retries: u32,
    allow_browser: bool,
}

impl Config {
    /// Settings with the default timeout and retries.
    pub fn new(
        base_address: &str,
        api_key_private: &str,
        api_client_private: &str,
    ) -> Result<Self, Error> {
        Config::from_options(ConfigOptions {
            base_address: Some(base_address.to_owned()),
            api_key_private: Some(Secret::new(api_key_private)),
            api_client_private: Some(Secret::new(api_client_private)),
            ..ConfigOptions::default()
        })
    }

    /// Checks every setting and returns the first problem as an
    /// [`ErrorKind::Config`](super::ErrorKind::Config) error.
    pub fn from_options(options: ConfigOptions) -> Result<Self, Error> {
        let base_address = options.base_address.unwrap_or_default();
        let cancel_url = cancel_url_for(&base_address)?;
        let api_key_private =
            checked_key("apiKeyPrivate", "the Private Key", options.api_key_private)?;
        let api_client_private = checked_key(
            "apiClientPrivate",
            "the Private Client",
            options.api_client_private,
        )?;
        let timeout_ms = options.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
            return Err(Error::config(format!(
                "config.timeoutMs must be a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS}, \
                 got {timeout_ms}"
            )));
        }
        let max_retries = options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::config(format!(
                "config.maxRetries must be a whole number from 0 to {MAX_RETRIES_LIMIT}, got {max_retries}"
            )));
        }
        Ok(Config {
            cancel_url,
            api_key_private,
            api_client_private,
            timeout_ms,
            max_retries,
            allow_browser: options.dangerously_allow_browser.unwrap_or(false),
        })
    }

    /// The full URL of Async Cancel: the base address plus [`CANCEL_PATH`].
    pub fn cancel_url(&self) -> &str {
        &self.cancel_url
    }

    /// The Private Key, for the `apikeyprivate` header.
    pub fn api_key_private(&self) -> &Secret {
        &self.api_key_private
    }

    /// The Private Client, for the `apiclientprivate` header.
    pub fn api_client_private(&self) -> &Secret {
        &self.api_client_private
    }

    /// The deadline of each attempt, in milliseconds.
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// How many times a transient failure is retried.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether the caller accepted the risk of using private keys in a browser page.
    pub fn allows_browser(&self) -> bool {
        self.allow_browser
    }

    /// Both keys, as the [`Secrets`] that every error of a request made with them is
    /// sealed against.
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets::new(
            self.api_key_private.expose(),
            self.api_client_private.expose(),
        )
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("cancel_url", &self.cancel_url)
            .field("api_key_private", &self.api_key_private)
            .field("api_client_private", &self.api_client_private)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("allow_browser", &self.allow_browser)
            .finish()
    }
}

impl TryFrom<ConfigOptions> for Config {
    type Error = Error;

    fn try_from(options: ConfigOptions) -> Result<Self, Error> {
        Config::from_options(options)
    }
}

/// The error a page gets when it has not opted in: the keys would be readable by anyone
/// who opens the page.
pub fn browser_refused() -> Error {
    Error::config(
        "paywall-edge refuses to run in a browser page: apiKeyPrivate and apiClientPrivate are \
         private merchant keys, and every visitor of a page can read them. Call Paywall from \
         your server or edge worker instead; set config.dangerouslyAllowBrowser to true only \
         for a local demo with test keys",
    )
}

/// Checks a private key without ever quoting it: it must be a plain header value.
fn checked_key(field: &str, what: &str, value: Option<Secret>) -> Result<Secret, Error> {
    let problem = |text: &str| Error::config(format!("config.{field} {text}"));
    let Some(secret) = value else {
        return Err(problem(&format!(
            "is missing: pass {what} from your Paywall merchant panel"
        )));
    };
    let key = secret.expose();
    if key.is_empty() {
        return Err(problem(&format!(
            "is empty: pass {what} from your Paywall merchant panel"
        )));
    }
    if key.len() > MAX_SETTING_LEN {
        return Err(problem(&format!(
            "is too long to be a key ({} characters)",
            key.chars().count()
        )));
    }
    if key.chars().any(|c| c.is_ascii_control()) {
        return Err(problem(
            "contains a control character (such as CR, LF or NUL); it cannot be sent as an HTTP \
             header, and would allow header injection",
        ));
    }
    if !key.is_ascii() {
        return Err(problem(
            "contains a non-ASCII character; Paywall keys are plain ASCII",
        ));
    }
    if key.starts_with(' ') || key.ends_with(' ') {
        return Err(problem(
            "starts or ends with a space; copy the key again without surrounding spaces",
        ));
    }
    Ok(secret)
}

/// Turns a base address into the Async Cancel URL, accepting only what every fetch
/// implementation reads the same way: `http(s)://host[:port][/path][/]`, in ASCII, without
/// credentials, query or fragment.
fn cancel_url_for(base_address: &str) -> Result<String, Error> {
    let problem = |text: &str| {
        Error::config(format!(
            "config.baseAddress {text}; use the Paywall API address, such as {TEST_BASE_ADDRESS}"
        ))
    };
    if base_address.is_empty() {
        return Err(problem("is missing"));
    }
    if base_address.len() > MAX_SETTING_LEN {
        return Err(problem("is too long"));
    }
    if !base_address.chars().all(|c| c.is_ascii_graphic()) {
        return Err(problem(
            "must be an ASCII URL without spaces or control characters (write an \
             internationalised host name in its xn-- form)",
        ));
    }
    let lower = base_address.to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (
            "https",
            base_address.get("https://".len()..).unwrap_or(rest),
        )
    } else if let Some(rest) = lower.strip_prefix("http://") {
        ("http", base_address.get("http://".len()..).unwrap_or(rest))
    } else {
        return Err(problem(
            "must be an absolute URL starting with https:// (or http:// for a local server)",
        ));
    };
    if rest.contains(['?', '#']) {
        return Err(problem("must not have a query (?) or fragment (#)"));
    }
    if rest.contains('\\') {
        return Err(problem("must not contain a backslash"));
    }
    // `split_at_checked` rather than `split_at`: no panic path, even one that cannot be hit.
    let (authority, path) = rest
        .find('/')
        .and_then(|slash| rest.split_at_checked(slash))
        .unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err(problem(
            "must not contain a user name or password (Paywall authenticates with the private \
             keys)",
        ));
    }
    check_authority(authority).map_err(|text| problem(&text))?;
    let path = path.trim_end_matches('/');
    check_path(path).map_err(|text| problem(&text))?;
    if path.to_ascii_lowercase().ends_with(CANCEL_PATH) {
        return Err(problem(&format!(
            "is the address of the API, not of the endpoint: leave out {CANCEL_PATH}"
        )));
    }
    Ok(format!("{scheme}://{authority}{path}{CANCEL_PATH}"))
}

/// `host[:port]`, where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
fn check_authority(authority: &str) -> Result<(), String> {
    if authority.is_empty() {
        return Err("has no host name".into());
    }
    let port = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((address, after)) = bracketed.split_once(']') else {
            return Err("has an IPv6 address without its closing ]".into());
        };
        let is_ipv6 = !address.is_empty()
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !is_ipv6 {
            return Err("has a malformed IPv6 address".into());
        }
        match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err("has text after the IPv6 address".into()),
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let is_host_name = !host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.as_bytes().windows(2).any(|pair| pair == b"..")
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !is_host_name {
            return Err("has a malformed host name".into());
        }
        port
    };
    if let Some(port) = port {
        let valid = (1..=5).contains(&port.len())
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n));
        if !valid {
            return Err("has a port that is not a number from 1 to 65535".into());
        }
    }
    Ok(())
}

/// A path prefix (for a proxy in front of Paywall): segments of URL-safe characters with
/// well-formed %XX escapes, and no `.` or `..` segments that a URL parser would rewrite.
fn check_path(path: &str) -> Result<(), String> {
    for segment in path.split('/').skip(1) {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err("has an empty, . or .. path segment".into());
        }
        let bytes = segment.as_bytes();
        let mut index = 0;
        while let Some(&byte) = bytes.get(index) {
            if byte == b'%' {
                let escape = bytes.get(index + 1..index + 3);
                if !escape.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
                    return Err("has a malformed %-escape in its path".into());
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
                return Err("has a character in its path that must be %-escaped".into());
            }
            index += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn options(base: &str) -> ConfigOptions {
        ConfigOptions {
            base_address: Some(base.to_owned()),
            api_key_private: Some(Secret::new("private-key-0001")),
            api_client_private: Some(Secret::new("private-client-0001")),
            ..ConfigOptions::default()
        }
    }

    fn config_error(options: ConfigOptions) -> String {
        let error = Config::from_options(options).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        error.message().to_owned()
    }

    #[test]
    fn joins_the_cancel_path_with_or_without_a_trailing_slash() {
        for (base, url) in [
            (
                "https://test-physicalpos-api.itspaywall.com",
                "https://test-physicalpos-api.itspaywall.com/api/payment/async/cancel",
            ),
            (
                "https://test-physicalpos-api.itspaywall.com/",
                "https://test-physicalpos-api.itspaywall.com/api/payment/async/cancel",
            ),
            (
                "HTTP://127.0.0.1:8080//",
                "http://127.0.0.1:8080/api/payment/async/cancel",
            ),
            (
                "https://proxy.example/paywall/v1/",
                "https://proxy.example/paywall/v1/api/payment/async/cancel",
            ),
            (
                "http://[::1]:9000",
                "http://[::1]:9000/api/payment/async/cancel",
            ),
            (
                "https://example.com/a%20b",
                "https://example.com/a%20b/api/payment/async/cancel",
            ),
        ] {
            let config = Config::from_options(options(base)).unwrap();
            assert_eq!(config.cancel_url(), url, "{base}");
        }
    }

    #[test]
    fn rejects_base_addresses_fetch_would_misread() {
        for (base, says) in [
            ("", "is missing"),
            (
                "test-physicalpos-api.itspaywall.com",
                "must be an absolute URL",
            ),
            ("ftp://example.com", "must be an absolute URL"),
            ("https://", "has no host name"),
            ("https://user:pw@example.com", "user name or password"),
            ("https://example.com?x=1", "query"),
            ("https://example.com/#top", "fragment"),
            ("https://exa mple.com", "without spaces"),
            ("https://example.com\n", "control characters"),
            ("https://exämple.com", "xn--"),
            ("https://example.com:0", "port"),
            ("https://example.com:65536", "port"),
            ("https://example.com:abc", "port"),
            ("https://[::1", "IPv6"),
            ("https://ex_am..ple", "host name"),
            ("https://example.com/a/../b", "segment"),
            ("https://example.com/%zz", "%-escape"),
            ("https://example.com/a\"b", "%-escaped"),
            ("https://example.com/api/payment/async/cancel", "leave out"),
        ] {
            let message = config_error(options(base));
            assert!(message.contains(says), "{base:?}: {message}");
            assert!(message.starts_with("config.baseAddress"), "{message}");
        }
    }

    #[test]
    fn keys_must_be_present_and_plain_header_values() {
        for (key, says) in [
            (None, "is missing"),
            (Some(""), "is empty"),
            (Some("abc\r\nX-Evil: 1"), "control character"),
            (Some("abc\0"), "control character"),
            (Some("abc\u{7f}"), "control character"),
            (Some("abc\u{1}def"), "control character"),
            (Some("anahtar-ğ"), "non-ASCII"),
            (Some(" padded-key"), "space"),
        ] {
            let mut bad = options(TEST_BASE_ADDRESS);
            bad.api_key_private = key.map(Secret::new);
            let message = config_error(bad);
            assert!(message.starts_with("config.apiKeyPrivate"), "{message}");
            assert!(message.contains(says), "{key:?}: {message}");
            if let Some(key) = key.filter(|key| key.len() > 3) {
                assert!(
                    !message.contains(key),
                    "the message quotes the key: {message}"
                );
            }
        }
        let mut bad = options(TEST_BASE_ADDRESS);
        bad.api_client_private = Some(Secret::new("x\ny"));
        assert!(config_error(bad).starts_with("config.apiClientPrivate"));
    }

    #[test]
    fn timeout_and_retries_have_defaults_and_bounds() {
        let config = Config::from_options(options(TEST_BASE_ADDRESS)).unwrap();
        assert_eq!(config.timeout_ms(), 30_000);
        assert_eq!(config.max_retries(), 2);
        assert!(!config.allows_browser());

        let mut zero = options(TEST_BASE_ADDRESS);
        zero.timeout_ms = Some(0);
        assert!(config_error(zero).contains("config.timeoutMs"));
        let mut huge = options(TEST_BASE_ADDRESS);
        huge.timeout_ms = Some(MAX_TIMEOUT_MS + 1);
        assert!(config_error(huge).contains("config.timeoutMs"));
        let mut many = options(TEST_BASE_ADDRESS);
        many.max_retries = Some(11);
        assert!(config_error(many).contains("config.maxRetries"));
        let mut none = options(TEST_BASE_ADDRESS);
        none.max_retries = Some(0);
        assert_eq!(Config::from_options(none).unwrap().max_retries(), 0);
    }

    #[test]
    fn debug_output_never_shows_the_keys() {
        let config = Config::from_options(options(TEST_BASE_ADDRESS)).unwrap();
        let printed = format!("{config:?} {:?}", options(TEST_BASE_ADDRESS));
        assert!(!printed.contains("private-key-0001"), "{printed}");
        assert!(!printed.contains("private-client-0001"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn secrets_deserialize_from_strings_and_never_echo_other_values() {
        let options: ConfigOptions = serde_json::from_str(
            r#"{"baseAddress":"https://a.example","apiKeyPrivate":"k-1","apiClientPrivate":"c-1","timeoutMs":500}"#,
        )
        .unwrap();
        assert_eq!(options.api_key_private.unwrap().expose(), "k-1");
        assert_eq!(options.timeout_ms, Some(500));
        let error = serde_json::from_str::<ConfigOptions>(r#"{"apiKeyPrivate":123456789}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("must be a string"), "{error}");
        assert!(!error.contains("123456789"), "{error}");
    }
}
