//! The fetch transport in a real JS runtime, against the local Paywall stand-in that
//! scripts/with-standin.mjs starts. The same cases run in Node (tests/node_transport.rs,
//! `wasm-pack test --node`) and in headless Chromium (tests/browser_transport.rs,
//! `wasm-pack test --headless --chrome`). The stand-in's address, keys and scenario table
//! arrive as compile-time environment variables, since a browser has no process
//! environment.

use std::collections::HashMap;

use js_sys::{Function, Promise, Reflect};
use paywall_edge::core::ConfigOptions;
use paywall_edge::{
    cancel_payment, cancel_payment_with, ActivityType, CallOptions, Config, ErrorKind,
    PaymentRequestId, PaymentStatus, Secret,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// Where the stand-in listens. Missing means the suite was started without the stand-in:
/// that is a failure, not a skip.
fn standin_url() -> &'static str {
    match option_env!("PAYWALL_STANDIN_URL") {
        Some(url) => url,
        None => panic!("PAYWALL_STANDIN_URL is not set: run these tests through `make test-wasm`"),
    }
}

fn standin_json(value: Option<&'static str>) -> HashMap<String, String> {
    let text = value.expect("the stand-in's tables are not set: run through `make test-wasm`");
    serde_json::from_str(text).expect("the stand-in's table is JSON")
}

/// The id of a stand-in scenario, by its name in standin/scenarios.mjs.
pub fn scenario(name: &str) -> PaymentRequestId {
    let ids = standin_json(option_env!("PAYWALL_STANDIN_SCENARIOS"));
    let id = ids
        .get(name)
        .unwrap_or_else(|| panic!("the stand-in has no scenario {name}"));
    PaymentRequestId::parse(id).unwrap()
}

/// Settings for the stand-in. In a browser page the library refuses private keys unless
/// told otherwise; these are the stand-in's demo keys, so the suite opts in everywhere.
pub fn options() -> ConfigOptions {
    let keys = standin_json(option_env!("PAYWALL_STANDIN_KEYS"));
    ConfigOptions {
        base_address: Some(format!("{}/", standin_url())),
        api_key_private: Some(Secret::new(keys["apiKeyPrivate"].clone())),
        api_client_private: Some(Secret::new(keys["apiClientPrivate"].clone())),
        dangerously_allow_browser: Some(true),
        ..ConfigOptions::default()
    }
}

fn config() -> Config {
    Config::from_options(options()).unwrap()
}

fn config_with(change: impl FnOnce(&mut ConfigOptions)) -> Config {
    let mut options = options();
    change(&mut options);
    Config::from_options(options).unwrap()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
}

/// How many cancel requests the stand-in has seen for `id`.
async fn attempts_seen(id: &PaymentRequestId) -> f64 {
    standin_count(id, "attempts").await
}

/// How many cancel requests for `id` the stand-in saw its client abandon before it answered.
async fn abandoned_seen(id: &PaymentRequestId) -> f64 {
    standin_count(id, "abandoned").await
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: i32) {
    let wait = Promise::new(&mut |resolve, _reject| {
        let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .unwrap()
            .unchecked_into();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(ms))
            .unwrap();
    });
    JsFuture::from(wait).await.unwrap();
}

/// Waits (up to 2 s) until the stand-in saw its client abandon a request for `id`: a request
/// that the library aborted is torn down at the server, not left running.
async fn eventually_abandoned(id: &PaymentRequestId) -> f64 {
    for _ in 0..100 {
        let abandoned = abandoned_seen(id).await;
        if abandoned > 0.0 {
            return abandoned;
        }
        sleep(20).await;
    }
    0.0
}

/// A fetch that passes every request to the global fetch, and what it saw: the number of
/// calls and each call's `init.signal`.
fn recording_fetch() -> (FetchClosure, std::rc::Rc<std::cell::RefCell<Vec<JsValue>>>) {
    let signals = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let fetch = fake_fetch({
        let signals = signals.clone();
        move |url, init| {
            signals
                .borrow_mut()
                .push(Reflect::get(&init, &"signal".into()).unwrap());
            let fetch: Function = Reflect::get(&js_sys::global(), &"fetch".into())
                .unwrap()
                .unchecked_into();
            fetch.call2(&JsValue::UNDEFINED, &url, &init).unwrap()
        }
    });
    (fetch, signals)
}

/// Whether an `AbortSignal` has fired.
fn is_aborted(signal: &JsValue) -> bool {
    Reflect::get(signal, &"aborted".into()).unwrap() == JsValue::TRUE
}

/// One of the stand-in's counts for `id`: `attempts` or `abandoned`.
async fn standin_count(id: &PaymentRequestId, count: &str) -> f64 {
    let url = format!("{}/__standin/attempts/{id}", standin_url());
    let response = JsFuture::from(global_fetch(&url)).await.unwrap();
    let json: Function = Reflect::get(&response, &"json".into())
        .unwrap()
        .unchecked_into();
    let body = JsFuture::from(json.call0(&response).unwrap().unchecked_into::<Promise>())
        .await
        .unwrap();
    let count = if body.as_f64().is_some() {
        body
    } else {
        Reflect::get(&body, &count.into()).unwrap()
    };
    count
        .as_f64()
        .expect("the stand-in reports its counts as numbers")
}

async fn reset_standin() {
    let url = format!("{}/__standin/reset", standin_url());
    let init = js_sys::Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into()).unwrap();
    let fetch: Function = Reflect::get(&js_sys::global(), &"fetch".into())
        .unwrap()
        .unchecked_into();
    let pending: Promise = fetch
        .call2(&JsValue::UNDEFINED, &url.into(), &init)
        .unwrap()
        .unchecked_into();
    JsFuture::from(pending).await.unwrap();
}

/// A fetch function written in Rust, as JS sees it.
type FetchClosure = Closure<dyn FnMut(JsValue, JsValue) -> JsValue>;

/// A JS function that runs `body` with the fetch arguments, kept alive by the returned
/// closure for as long as the test holds it.
fn fake_fetch(body: impl FnMut(JsValue, JsValue) -> JsValue + 'static) -> FetchClosure {
    Closure::wrap(Box::new(body) as Box<dyn FnMut(JsValue, JsValue) -> JsValue>)
}

fn with_fetch(closure: &FetchClosure) -> CallOptions {
    CallOptions {
        fetch: Some(closure.as_ref().clone()),
        signal: None,
    }
}

#[wasm_bindgen_test]
async fn cancels_a_payment_through_the_global_fetch() {
    reset_standin().await;
    let id = scenario("saleOnDevice");
    let result = cancel_payment(&config(), &id).await.unwrap();
    assert!(id.matches(&result.payment_request_id));
    assert!(PaymentRequestId::is_guid(
        &result.payment_request_activity_id
    ));
    assert_eq!(result.activity_type(), ActivityType::Cancellation);
    assert_eq!(result.status(), PaymentStatus::Successful);
    assert_eq!(attempts_seen(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn a_second_cancel_is_refused_by_paywall() {
    reset_standin().await;
    let id = scenario("completedSale");
    cancel_payment(&config(), &id).await.unwrap();
    let error = cancel_payment(&config(), &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(
        error.client_message(),
        Some("Payment.Async.AlreadyHasRefundOrCancel")
    );
    assert!(!error.retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        attempts_seen(&id).await,
        2.0,
        "the cancel, then the refused one"
    );
}

#[wasm_bindgen_test]
async fn wrong_keys_are_an_api_error_with_status_401() {
    let config = config_with(|options| {
        options.api_key_private = Some(Secret::new("not-the-standin-key"));
    });
    let error = cancel_payment(&config, &scenario("demoPayment1"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(401));
    assert_eq!(error.client_message(), Some("System.AuthError"));
    assert!(!error.message().contains("not-the-standin-key"));
}

#[wasm_bindgen_test]
async fn reads_pascal_case_answers() {
    reset_standin().await;
    let result = cancel_payment(&config(), &scenario("pascalCase"))
        .await
        .unwrap();
    assert_eq!(result.payment_request_activity_type_id, 2);
    assert_eq!(result.payment_status, 4);
}

#[wasm_bindgen_test]
async fn retries_a_gateway_error_until_paywall_answers() {
    reset_standin().await;
    let id = scenario("html502Twice");
    let result = cancel_payment(&config(), &id).await.unwrap();
    assert_eq!(result.payment_status, 4);
    assert_eq!(attempts_seen(&id).await, 3.0);
}

#[wasm_bindgen_test]
async fn retries_a_dropped_connection() {
    reset_standin().await;
    let id = scenario("dropOnce");
    cancel_payment(&config(), &id).await.unwrap();
    assert_eq!(attempts_seen(&id).await, 2.0);
}

#[wasm_bindgen_test]
async fn an_attempt_that_hangs_times_out_close_to_its_deadline_and_is_not_retried() {
    reset_standin().await;
    let id = scenario("hang");
    // Without the inquiry that reconciles a lost answer: this is about the attempt's deadline.
    let config = config_with(|options| {
        options.timeout_ms = Some(500);
        options.reconcile = Some(false);
    });
    let (fetch, signals) = recording_fetch();
    let started = js_sys::Date::now();
    let error = cancel_payment_with(&config, &id, &with_fetch(&fetch))
        .await
        .unwrap_err();
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(attempts_seen(&id).await, 1.0);
    // Strict enough to catch a timer that fires late by half, loose enough for a busy machine.
    assert!(
        (490.0..750.0).contains(&elapsed),
        "took {elapsed} ms for a 500 ms timeout"
    );
    assert_eq!(signals.borrow().len(), 1);
    assert!(is_aborted(&signals.borrow()[0]), "the fetch's signal");
    assert_eq!(
        eventually_abandoned(&id).await,
        1.0,
        "torn down at the server"
    );
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_an_attempt_in_flight() {
    let controller = web_sys::AbortController::new().unwrap();
    let abort = Closure::once_into_js({
        let controller = controller.clone();
        move || controller.abort()
    });
    let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into())
        .unwrap()
        .unchecked_into();
    set_timeout
        .call2(&JsValue::UNDEFINED, &abort, &JsValue::from(50))
        .unwrap();
    reset_standin().await;
    let id = scenario("hang");
    let (fetch, signals) = recording_fetch();
    let options = CallOptions {
        signal: Some(controller.signal().into()),
        ..with_fetch(&fetch)
    };
    let error = cancel_payment_with(&config(), &id, &options)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert!(!error.retryable());
    assert_eq!(signals.borrow().len(), 1);
    assert!(is_aborted(&signals.borrow()[0]), "the fetch's signal");
    assert_eq!(
        eventually_abandoned(&id).await,
        1.0,
        "torn down at the server"
    );
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_sends_nothing() {
    reset_standin().await;
    let id = scenario("demoPayment2");
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let options = CallOptions {
        signal: Some(controller.signal().into()),
        fetch: None,
    };
    let error = cancel_payment_with(&config(), &id, &options)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert_eq!(error.attempts(), 0);
    assert_eq!(attempts_seen(&id).await, 0.0);
}

#[wasm_bindgen_test]
async fn a_custom_fetch_that_returns_no_response_is_a_network_error() {
    let fetch = fake_fetch(|_url, _init| Promise::resolve(&JsValue::from(42)).into());
    let error = cancel_payment_with(&config(), &scenario("demoPayment3"), &with_fetch(&fetch))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(!error.retryable());
    assert!(error
        .message()
        .contains("config.fetch resolved to a number"));
}

#[wasm_bindgen_test]
async fn a_custom_fetch_that_rejects_with_a_string_is_retried_then_reported() {
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    let fetch = fake_fetch({
        let calls = calls.clone();
        move |_url, _init| {
            calls.set(calls.get() + 1);
            Promise::reject(&JsValue::from_str("no route")).into()
        }
    });
    let config = config_with(|options| options.max_retries = Some(1));
    let error = cancel_payment_with(&config, &scenario("demoPayment3"), &with_fetch(&fetch))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.retryable());
    // Two attempts at the cancel, then the inquiry that tries to find out what became of
    // it, which fails the same way.
    assert_eq!(calls.get(), 3, "requests the fetch saw");
    assert_eq!(error.attempts(), 2);
    assert!(error.message().contains("no route"));
}

#[wasm_bindgen_test]
async fn a_custom_fetch_gets_the_documented_request() {
    let seen = std::rc::Rc::new(std::cell::RefCell::new(None));
    let fetch = fake_fetch({
        let seen = seen.clone();
        move |url, init| {
            // The first request: the cancel (an inquiry follows the failed attempt).
            seen.borrow_mut().get_or_insert((url, init));
            Promise::reject(&JsValue::from_str("recorded")).into()
        }
    });
    let config = config_with(|options| options.max_retries = Some(0));
    let id = scenario("demoPayment4");
    let _ = cancel_payment_with(&config, &id, &with_fetch(&fetch)).await;
    let (url, init) = seen.borrow_mut().take().expect("fetch was called");
    assert_eq!(
        url.as_string().unwrap(),
        format!("{}/api/payment/async/cancel", standin_url())
    );
    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).unwrap();
    assert_eq!(get(&init, "method"), "POST");
    assert_eq!(get(&init, "redirect"), "manual");
    assert_eq!(
        get(&init, "body").as_string().unwrap(),
        format!(r#"{{"PaymentRequestId":"{id}"}}"#)
    );
    let headers = get(&init, "headers");
    assert_eq!(get(&headers, "content-type"), "application/json");
    assert_eq!(get(&headers, "apikeyprivate"), "standin-demo-private-key");
    assert_eq!(
        get(&headers, "apiclientprivate"),
        "standin-demo-private-client"
    );
    assert!(get(&init, "signal").is_object());
}

#[wasm_bindgen_test]
async fn a_2xx_that_is_not_json_is_a_decode_error() {
    let error = cancel_payment(&config(), &scenario("invalidJson"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.http_status(), Some(200));
    assert!(!error.retryable());
}

#[wasm_bindgen_test]
async fn a_redirect_is_reported_not_followed() {
    reset_standin().await;
    let id = scenario("redirect");
    let error = cancel_payment(&config(), &id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    // A browser hides a manual redirect's status (an opaque redirect); other runtimes show it.
    let in_browser = Reflect::has(&js_sys::global(), &"document".into()).unwrap();
    let expected = if in_browser { None } else { Some(302) };
    assert_eq!(error.http_status(), expected);
    assert!(!error.retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(attempts_seen(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error_after_the_retries() {
    let config = Config::from_options(ConfigOptions {
        base_address: Some("http://127.0.0.1:1".into()),
        max_retries: Some(1),
        ..options()
    })
    .unwrap();
    let (fetch, signals) = recording_fetch();
    let error = cancel_payment_with(&config, &scenario("demoPayment1"), &with_fetch(&fetch))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.retryable());
    // Two attempts at the cancel, then the inquiry that tries to find out what became of it.
    assert_eq!(signals.borrow().len(), 3, "requests the fetch saw");
    assert_eq!(error.attempts(), 2);
    assert!(error
        .message()
        .contains("an inquiry to find out failed too"));
}

#[wasm_bindgen_test]
async fn an_answer_too_large_is_cut_off_whatever_its_encoding() {
    for name in ["gzipBomb", "hugeBody"] {
        let started = js_sys::Date::now();
        let error = cancel_payment(&config(), &scenario(name))
            .await
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::Decode,
            "{name}: {}",
            error.message()
        );
        assert!(
            error.message().contains("the answer is too large"),
            "{name}: {}",
            error.message()
        );
        // Reading 300 MB (inflated) or 512 MB would take seconds; the cut-off read does not.
        let elapsed = js_sys::Date::now() - started;
        assert!(elapsed < 3000.0, "{name} took {elapsed} ms");
    }
}

#[wasm_bindgen_test]
fn the_failure_codes_of_transport_js_are_the_ones_the_driver_reads() {
    assert!(paywall_edge::transport::failure_codes_agree());
}
