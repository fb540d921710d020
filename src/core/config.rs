//! The settings a cancel needs, and the checks that make a bad setting fail before any
//! request is sent.

use alloc::string::String;
use core::fmt;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::base_address::{check_base_address, BaseAddress};
use super::error::Error;
use super::secrets::{FragmentCache, Secrets};
use super::text::describe_number;
use super::text::Decimal;
use crate::text;

/// The Paywall Physical POS test environment. Production addresses are given by Paywall on
/// request, so `baseAddress` has no default.
pub const TEST_BASE_ADDRESS: &str = "https://test-physicalpos-api.itspaywall.com";

/// The path of Async Cancel below the base address.
pub const CANCEL_PATH: &str = "/api/payment/async/cancel";

/// The path of Inquiry below the base address; the payment request id follows it.
pub const INQUIRY_PATH: &str = "/api/payment/inquiry";

/// The one named environment: Paywall publishes only its test address.
const TEST_ENVIRONMENT: &str = "test";

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
                Ok(Secret(String::from(value)))
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
// A setting this library does not know is refused, not ignored: a misspelt `timeout` would
// otherwise run every call with the default.
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(
    feature = "typescript",
    derive(tsify::Tsify),
    tsify(rename = "CancelConfigOptions")
)]
// The required fields are `Option`s too, so that a missing one is reported by name with
// advice rather than as serde's generic "missing field"; the TypeScript declaration still
// marks them required.
pub struct ConfigOptions {
    /// Absolute https URL of the Paywall API, such as
    /// `https://test-physicalpos-api.itspaywall.com`; a trailing slash is fine. `http://`
    /// only to this machine (`localhost`, 127.0.0.0/8, `[::1]`), unless
    /// `dangerouslyAllowInsecureHttp` is true.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub base_address: Option<String>,
    /// The Private Key from the merchant panel, sent as the `apikeyprivate` header. Keep it
    /// on servers and edge workers: never in a page served to shoppers.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub api_key_private: Option<Secret>,
    /// The Private Client from the merchant panel, sent as the `apiclientprivate` header.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub api_client_private: Option<Secret>,
    /// Deadline of each attempt in milliseconds, from the request to the last byte of the
    /// answer: 1 to 2147483647, default 30000.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "number"))]
    pub timeout_ms: Option<u32>,
    /// Retries after a transient failure (no connection, 429, 502, 503, 504): 0 to 10,
    /// default 2.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "number"))]
    pub max_retries: Option<u32>,
    /// Allows use in a browser (a page, or a dedicated, shared or service worker), where
    /// every visitor could read the keys: for local demos with test keys only.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "boolean"))]
    pub dangerously_allow_browser: Option<bool>,
    /// Allows plain `http://` to a host other than this machine, which sends both private
    /// keys unencrypted, readable and replayable by anyone on the path: for a test network
    /// you trust only.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "boolean"))]
    pub dangerously_allow_insecure_http: Option<bool>,
    /// `"test"` instead of `baseAddress`: Paywall's Physical POS test environment,
    /// `https://test-physicalpos-api.itspaywall.com`. Production's address is given by
    /// Paywall on request: pass it as `baseAddress`.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "\"test\""))]
    pub environment: Option<String>,
    /// When a cancel's outcome is unknown (its answer was lost, or a retry met the cancel an
    /// earlier attempt made), ask the inquiry endpoint once and resolve if the payment is
    /// cancelled: default true.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(type = "boolean"))]
    pub reconcile: Option<bool>,
}

/// A setting that is a whole number: its name, its unit in messages, and the bounds its
/// check uses, from which its messages are written too.
pub(crate) struct WholeNumber {
    pub(crate) field: &'static str,
    unit: &'static str,
    pub(crate) min: u32,
    pub(crate) max: u32,
}

/// `timeoutMs`: 1 to [`MAX_TIMEOUT_MS`].
pub(crate) const TIMEOUT_MS: WholeNumber = WholeNumber {
    field: "timeoutMs",
    unit: " of milliseconds",
    min: 1,
    max: MAX_TIMEOUT_MS,
};

/// `maxRetries`: 0 to [`MAX_RETRIES_LIMIT`].
pub(crate) const MAX_RETRIES: WholeNumber = WholeNumber {
    field: "maxRetries",
    unit: "",
    min: 0,
    max: MAX_RETRIES_LIMIT,
};

impl WholeNumber {
    /// The error for a value outside the bounds; `got` describes it.
    pub(crate) fn refused(&self, got: &str) -> Error {
        Error::config(text![
            "config.",
            self.field,
            " must be a whole number",
            self.unit,
            " from ",
            Decimal::of(self.min.into()),
            " to ",
            Decimal::of(self.max.into()),
            ", got ",
            got
        ])
    }

    /// `value`, if it is within the bounds.
    fn checked(&self, value: u32) -> Result<u32, Error> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(self.refused(&describe_number(value.into())))
        }
    }
}

/// Checked settings: a request built from a `Config` never sends a malformed URL or header.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    base: BaseAddress,
    cancel_url: String,
    api_key_private: Secret,
    api_client_private: Secret,
    timeout_ms: u32,
    max_retries: u32,
    allow_browser: bool,
    reconcile: bool,
    /// The fragments of the two keys, which every request checks its id against.
    fragments: FragmentCache,
}

impl Config {
    /// Settings with the default timeout and retries.
    pub fn new(
        base_address: &str,
        api_key_private: &str,
        api_client_private: &str,
    ) -> Result<Self, Error> {
        Config::from_options(ConfigOptions {
            base_address: Some(String::from(base_address)),
            api_key_private: Some(Secret::new(api_key_private)),
            api_client_private: Some(Secret::new(api_client_private)),
            ..ConfigOptions::default()
        })
    }

    /// Checks every setting and returns the first problem as an
    /// [`ErrorKind::Config`](super::ErrorKind::Config) error.
    pub fn from_options(options: ConfigOptions) -> Result<Self, Error> {
        // Every check borrows: a refused config is dropped in one go.
        let base_address =
            match (
                options.environment.as_deref(),
                options.base_address.as_deref(),
            ) {
                (None, None) => {
                    return Err(Error::config(
                        "config.baseAddress is missing: pass the API address Paywall gave you, or \
                     environment: \"test\"",
                    ))
                }
                (None, Some(base_address)) => base_address,
                (Some(TEST_ENVIRONMENT), None) => TEST_BASE_ADDRESS,
                (Some(_), Some(_)) => {
                    return Err(Error::config(
                        "config.environment and config.baseAddress are both set: pass one of them",
                    ))
                }
                (Some(_), None) => return Err(Error::config(
                    "config.environment must be \"test\"; for production, pass config.baseAddress",
                )),
            };
        let allow_insecure_http = options.dangerously_allow_insecure_http.unwrap_or(false);
        let base = checked_base_address(base_address, allow_insecure_http)?;
        check_key("apiKeyPrivate", "the Private Key", &options.api_key_private)?;
        check_key(
            "apiClientPrivate",
            "the Private Client",
            &options.api_client_private,
        )?;
        let timeout_ms = TIMEOUT_MS.checked(options.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS))?;
        let max_retries =
            MAX_RETRIES.checked(options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES))?;
        // Both keys were checked to be there.
        let key = |secret: Option<Secret>| secret.unwrap_or_else(|| Secret(String::new()));
        Ok(Config {
            cancel_url: base.join(CANCEL_PATH),
            base,
            api_key_private: key(options.api_key_private),
            api_client_private: key(options.api_client_private),
            timeout_ms,
            max_retries,
            allow_browser: options.dangerously_allow_browser.unwrap_or(false),
            reconcile: options.reconcile.unwrap_or(true),
            fragments: FragmentCache::default(),
        })
    }

    /// The absolute URL of `path` (which starts with `/`) below the base address.
    pub fn url(&self, path: &str) -> String {
        if path == CANCEL_PATH {
            self.cancel_url.clone()
        } else {
            self.base.join(path)
        }
    }

    /// Whether a cancel whose outcome is unknown is reconciled with an inquiry.
    pub fn reconciles(&self) -> bool {
        self.reconcile
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
        Secrets::cached(
            self.api_key_private.expose(),
            self.api_client_private.expose(),
            &self.fragments,
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
            .field("reconcile", &self.reconcile)
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
        "paywall-edge refuses to run in a browser (a page or a web worker): every visitor of a \
         site can read the private merchant keys. Call Paywall from a server or edge worker (config.dangerouslyAllowBrowser: true \
         only for a demo with test keys)",
    )
}

/// Checks a private key without ever quoting it: it must be there, and be a plain header
/// value.
fn check_key(field: &str, what: &str, value: &Option<Secret>) -> Result<(), Error> {
    let key = value.as_ref().map_or("", Secret::expose);
    // One pass over the bytes for both character checks (`str::is_ascii` brings a
    // word-at-a-time loop of its own).
    let (mut control, mut non_ascii) = (false, false);
    for byte in key.bytes() {
        control |= byte.is_ascii_control();
        non_ascii |= !byte.is_ascii();
    }
    // The message is "config.<field>" and these three pieces, put together in one place.
    let (problem, what, advice) = if key.is_empty() {
        let absent = if value.is_none() {
            " is missing: pass "
        } else {
            " is empty: pass "
        };
        (absent, what, " from your Paywall merchant panel")
    } else if key.len() > MAX_SETTING_LEN {
        (" is too long to be a key (over 2048 bytes)", "", "")
    } else if control {
        (
            " contains a control character (CR, LF, NUL...), which a header cannot hold",
            "",
            "",
        )
    } else if non_ascii {
        (
            " contains a non-ASCII character; Paywall keys are plain ASCII",
            "",
            "",
        )
    } else if key.as_bytes().first() == Some(&b' ') || key.as_bytes().last() == Some(&b' ') {
        (
            " starts or ends with a space; copy the key without them",
            "",
            "",
        )
    } else {
        return Ok(());
    };
    Err(Error::config(text![
        "config.", field, problem, what, advice
    ]))
}

/// Checks a base address: only what every fetch implementation reads the same way, plain
/// http only to this machine unless the caller opts in (see [`check_base_address`]), and the
/// API's address rather than an endpoint's.
fn checked_base_address(
    base_address: &str,
    allow_insecure_http: bool,
) -> Result<BaseAddress, Error> {
    let problem = |problem: &str| {
        Error::config(text![
            "config.baseAddress ",
            problem,
            "; use the Paywall API address, such as ",
            TEST_BASE_ADDRESS
        ])
    };
    let base =
        check_base_address(base_address, allow_insecure_http).map_err(|text| problem(&text))?;
    // The endpoint's path at the end, in any case.
    let url = base.as_str();
    let tail = url.len().checked_sub(CANCEL_PATH.len());
    if tail
        .and_then(|tail| url.get(tail..))
        .is_some_and(|tail| tail.eq_ignore_ascii_case(CANCEL_PATH))
    {
        return Err(problem(
            "is the address of the API, not of the endpoint: leave out /api/payment/async/cancel",
        ));
    }
    Ok(base)
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
                "http://127.0.0.1:8080//",
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

    /// The rules of the address itself are the runtime's check, tested on the package
    /// (tests/node/base-address.test.mjs); these two are the core's.
    #[test]
    fn refuses_a_missing_address_and_an_endpoints() {
        for (base, says) in [
            ("", "is missing"),
            (
                "https://example.com/API/payment/async/cancel/",
                "leave out /api/payment/async/cancel",
            ),
            (
                "https://example.com/x/api/payment/async/cancel",
                "leave out",
            ),
        ] {
            let message = config_error(options(base));
            assert!(message.contains(says), "{base:?}: {message}");
            assert!(message.starts_with("config.baseAddress"), "{message}");
        }
        let endpoint = options(&format!("https://example.com{CANCEL_PATH}"));
        assert!(config_error(endpoint).contains(&format!("leave out {CANCEL_PATH}")));
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
        let mut long = options(TEST_BASE_ADDRESS);
        long.api_key_private = Some(Secret::new("k".repeat(MAX_SETTING_LEN + 1)));
        assert!(config_error(long).ends_with(&format!("(over {MAX_SETTING_LEN} bytes)")));
        let mut longest = options(TEST_BASE_ADDRESS);
        longest.api_key_private = Some(Secret::new("k".repeat(MAX_SETTING_LEN)));
        assert!(Config::from_options(longest).is_ok());
    }

    #[test]
    fn range_messages_are_written_from_the_bounds_the_checks_use() {
        let mut zero = options(TEST_BASE_ADDRESS);
        zero.timeout_ms = Some(0);
        assert_eq!(
            config_error(zero),
            format!(
                "config.timeoutMs must be a whole number of milliseconds from 1 to \
                 {MAX_TIMEOUT_MS}, got the number 0"
            )
        );
        let mut many = options(TEST_BASE_ADDRESS);
        many.max_retries = Some(u32::MAX);
        assert_eq!(
            config_error(many),
            format!(
                "config.maxRetries must be a whole number from 0 to {MAX_RETRIES_LIMIT}, got the \
                 number 4294967295"
            )
        );
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
    fn environment_test_is_the_test_host_and_excludes_base_address() {
        let mut test = options(TEST_BASE_ADDRESS);
        test.base_address = None;
        test.environment = Some(String::from("test"));
        let config = Config::from_options(test).unwrap();
        assert_eq!(
            config.url(INQUIRY_PATH),
            "https://test-physicalpos-api.itspaywall.com/api/payment/inquiry"
        );
        assert_eq!(
            config.cancel_url(),
            "https://test-physicalpos-api.itspaywall.com/api/payment/async/cancel"
        );

        let mut both = options("https://paywall.example");
        both.environment = Some(String::from("test"));
        assert!(config_error(both).contains("both set"));

        for other in ["production", "Test", "TEST", "", " test", "prod"] {
            let mut unknown = options(TEST_BASE_ADDRESS);
            unknown.base_address = None;
            unknown.environment = Some(String::from(other));
            let message = config_error(unknown);
            assert!(
                message.starts_with("config.environment must be \"test\""),
                "{other:?}: {message}"
            );
        }

        let mut neither = options(TEST_BASE_ADDRESS);
        neither.base_address = None;
        let message = config_error(neither);
        assert!(
            message.contains("config.baseAddress is missing"),
            "{message}"
        );
        assert!(message.contains("environment: \"test\""), "{message}");
    }

    #[test]
    fn reconcile_is_on_unless_turned_off() {
        assert!(Config::from_options(options(TEST_BASE_ADDRESS))
            .unwrap()
            .reconciles());
        let mut off = options(TEST_BASE_ADDRESS);
        off.reconcile = Some(false);
        assert!(!Config::from_options(off).unwrap().reconciles());
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
