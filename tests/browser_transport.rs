//! The transport cases in headless Chromium, in a page served from its own origin (so
//! every call to the stand-in is a CORS request with a preflight):
//! `wasm-pack test --headless --chrome -- --test browser_transport`.
#![cfg(target_arch = "wasm32")]

mod transport_cases;

use paywall_edge::{cancel_payment, Config, ConfigOptions, ErrorKind};
use transport_cases::{options, scenario};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_page_is_refused_unless_it_opts_in() {
    let config = Config::from_options(ConfigOptions {
        dangerously_allow_browser: None,
        ..options()
    })
    .unwrap();
    let error = cancel_payment(&config, &scenario("demoPayment1"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(error.attempts(), 0);
    assert!(error.message().contains("private merchant keys"));
    assert!(error.message().contains("dangerouslyAllowBrowser"));
}
