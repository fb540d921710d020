//! The JSON reader on any bytes: never a panic, and wherever serde_json reads an envelope,
//! this reader reads the same one. It is stricter in two ways only: nesting depth, and
//! arrays where an object belongs (serde_json reads them as a struct's fields in order;
//! Paywall never answers so). A cancel result it completes is written as the object the JS
//! caller gets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{json, CancelEnvelope, PaymentRequestId};

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ours = json::from_str::<CancelEnvelope>(&text);
    if let Ok(theirs) = serde_json::from_str::<CancelEnvelope>(&text) {
        match &ours {
            Ok(envelope) => assert_eq!(envelope, &theirs, "{text:?}"),
            Err(problem) => assert!(
                problem.contains("nested too deeply")
                    || problem.contains("must be an object, got an array"),
                "{text:?}: {problem}"
            ),
        }
    }
    // A result that completes is written as the JS object it becomes: the same fields, its
    // codes as numbers, and what they mean.
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let completed = ours
        .ok()
        .and_then(|envelope| envelope.result)
        .and_then(|answer| answer.complete(&id).ok());
    if let Some(result) = completed {
        let written = json::to_string(&result).expect("a result writes");
        let value: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(
            value["paymentRequestId"],
            result.payment_request_id.as_str()
        );
        assert_eq!(
            value["paymentRequestActivityId"],
            result.payment_request_activity_id.as_str()
        );
        assert_eq!(
            value["paymentRequestActivityTypeId"],
            result.payment_request_activity_type_id
        );
        assert_eq!(value["paymentStatus"], result.payment_status);
        assert_eq!(value["confirmedBy"], "response");
        let state = match (
            result.payment_request_activity_type_id,
            result.payment_status,
        ) {
            (2, 4) => "cancelled",
            (2, 1 | 2 | 7..=11) => "pending",
            (_, 3 | 5 | 12) => "failed",
            _ => "unknown",
        };
        assert_eq!(value["state"], state, "{written}");
        assert_eq!(value.as_object().map(|object| object.len()), Some(6));
    }
});
