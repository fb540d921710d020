//! Config checking and reading on anything: a config that passes never sends a malformed
//! URL or a header value with a control character, and never prints a key.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{from_fields, Config, ConfigOptions, FieldValue, Secret, CANCEL_PATH};

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
    base_address: Option<String>,
    key: Option<String>,
    client: Option<String>,
    timeout_ms: Option<u32>,
    max_retries: Option<u32>,
    allow_browser: Option<bool>,
    fields: [Field; 6],
}

fuzz_target!(|input: Input| {
    let options = ConfigOptions {
        base_address: input.base_address,
        api_key_private: input.key.clone().map(Secret::new),
        api_client_private: input.client.clone().map(Secret::new),
        timeout_ms: input.timeout_ms,
        max_retries: input.max_retries,
        dangerously_allow_browser: input.allow_browser,
    };
    if let Ok(config) = Config::from_options(options) {
        let url = config.cancel_url();
        assert!(
            url.starts_with("https://") || url.starts_with("http://"),
            "{url}"
        );
        assert!(url.ends_with(CANCEL_PATH), "{url}");
        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
        assert!(!url.contains(['?', '#', '@', '\\']), "{url}");
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
    }

    // Reading a JS-like object field by field: whatever the fields hold, an answer, no panic.
    let mut fields = input.fields.into_iter();
    let read = from_fields::<ConfigOptions, _>("config", |_name| {
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
