//! The JSON reader on any bytes: never a panic, and wherever serde_json reads an envelope,
//! this reader reads the same one. It is stricter in two ways only: nesting depth, and
//! arrays where an object belongs (serde_json reads them as a struct's fields in order;
//! Paywall never answers so).
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{json, CancelResult, Envelope};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ours = json::from_str::<Envelope>(&text);
    if let Ok(theirs) = serde_json::from_str::<Envelope>(&text) {
        match &ours {
            Ok(envelope) => assert_eq!(envelope, &theirs, "{text:?}"),
            Err(problem) => assert!(
                problem.contains("nested too deeply")
                    || problem.contains("must be an object, got an array"),
                "{text:?}: {problem}"
            ),
        }
    }
    if let Ok(result) = json::from_str::<CancelResult>(&text) {
        let written = json::to_string(&result).expect("a result writes");
        assert_eq!(
            json::from_str::<CancelResult>(&written).as_ref(),
            Ok(&result)
        );
        assert_eq!(
            serde_json::from_str::<CancelResult>(&written).ok().as_ref(),
            Some(&result)
        );
    }
});
