//! Inquiry: `GET {base}/api/payment/inquiry/{paymentRequestId}`, the payment's state at
//! Paywall. Nothing changes at Paywall, so every failure the retry policy knows, timeouts
//! included, may be retried.
//!
//! Tested in: this module (the wire format), `call/tests.rs` (step by step), `tests/node/`.

use alloc::string::String;
use serde::Serialize;

use super::config::{Config, INQUIRY_PATH};
use super::json::{Problem, RawNumber, Reader, Stop, NOT_DECIMAL};
use super::payment_request_id::PaymentRequestId;
use super::retry::Action;
use super::wire::{check_ids, require};
use crate::text;

/// An inquiry changes nothing: every transient failure may be retried, timeouts included.
pub const ACTION: Action = Action {
    name: "inquiry",
    changes_state: false,
};

/// The inquiry's URL for the payment `id`.
pub fn url(config: &Config, id: &PaymentRequestId) -> String {
    config.url(&text![INQUIRY_PATH, "/", id.as_text()])
}

/// What an inquiry resolves with: the payment's state at Paywall, from `Result` of
/// `GET /api/payment/inquiry/{paymentRequestId}`. Required: the id (the requested one), the
/// latest activity's id, `paymentTypeId` and `paymentStatusId`; any other field Paywall
/// leaves out is `null`, not an error.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
// A field Paywall leaves out is written as `null`: so the declaration says.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PaymentInquiry {
    /// GUID of the async payment, as Paywall wrote it.
    pub payment_request_id: String,
    /// GUID of the payment's latest activity.
    pub payment_request_activity_id: String,
    /// The POS terminal.
    pub terminal_id: Option<String>,
    /// The merchant's own code for the sale.
    pub merchant_unique_code: Option<String>,
    /// The code shown on the terminal.
    pub display_code: Option<String>,
    /// Where Paywall sends the payment's callbacks.
    pub callback_address: Option<String>,
    /// The amount as a JS number, for display: a number cannot hold every decimal exactly.
    #[cfg_attr(feature = "typescript", tsify(type = "number | null"))]
    pub amount: Option<RawNumber>,
    /// The amount exactly as Paywall wrote it ("1.50"): the one to use for money.
    pub amount_text: Option<String>,
    /// Paywall's currency code (1 is TRY).
    pub currency_id: Option<i32>,
    /// Paywall's payment channel (1 is Async).
    pub payment_channel_id: Option<i32>,
    /// Type of the payment's latest activity: 1 sale, 2 cancellation, 3 refund, 4 unknown.
    #[cfg_attr(feature = "typescript", tsify(type = "ActivityTypeCode"))]
    pub payment_type_id: i32,
    /// The payment's status (the same codes as a cancel's `paymentStatus`).
    #[cfg_attr(feature = "typescript", tsify(type = "PaymentStatusCode"))]
    pub payment_status_id: i32,
    /// When the payment was created, as Paywall wrote it (no time zone in its sample).
    pub created_date: Option<String>,
    /// When the payment last changed, as Paywall wrote it; null until it does.
    pub modified_date: Option<String>,
}

/// The `result` of an inquiry's envelope, read leniently (see [`InquiryAnswer::complete`]):
/// Paywall's documented sample is PascalCase; camelCase is read too.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InquiryAnswer {
    texts: [Option<String>; 8],
    amount: Option<RawNumber>,
    numbers: [Option<i32>; 4],
}

/// The result's fields, PascalCase: the texts first (indexes into `texts`), then the
/// amount, then the whole numbers.
const FIELDS: [&str; 13] = [
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "TerminalId",
    "MerchantUniqueCode",
    "DisplayCode",
    "CallbackAddress",
    "CreatedDate",
    "ModifiedDate",
    "Amount",
    "CurrencyId",
    "PaymentChannelId",
    "PaymentTypeId",
    "PaymentStatusId",
];

impl InquiryAnswer {
    /// Reads an inquiry envelope's `result` object, any field missing.
    pub fn read(reader: &mut Reader<'_>) -> Result<InquiryAnswer, Stop> {
        let mut answer = InquiryAnswer::default();
        answer.read_from(reader)?;
        Ok(answer)
    }

    /// Reads an inquiry envelope's `result` object into this answer.
    pub fn read_from(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        reader.record(
            &FIELDS,
            &mut self.texts,
            Some(&mut self.amount),
            &mut self.numbers,
        )
    }

    /// The inquiry of `requested`, or what is wrong with the answer.
    pub fn complete(self, requested: &PaymentRequestId) -> Result<PaymentInquiry, Problem> {
        self.check(requested)?;
        let [id, activity, terminal_id, merchant_unique_code, display_code, callback_address, created_date, modified_date] =
            self.texts;
        let [currency_id, payment_channel_id, payment_type_id, payment_status_id] = self.numbers;
        // Checked: the id, the activity and the two codes are there.
        Ok(PaymentInquiry {
            payment_request_id: id.unwrap_or_default(),
            payment_request_activity_id: activity.unwrap_or_default(),
            terminal_id,
            merchant_unique_code,
            display_code,
            callback_address,
            amount_text: self.amount.as_ref().map(|amount| amount.as_str().into()),
            amount: self.amount,
            currency_id,
            payment_channel_id,
            payment_type_id: payment_type_id.unwrap_or_default(),
            payment_status_id: payment_status_id.unwrap_or_default(),
            created_date,
            modified_date,
        })
    }

    /// What is wrong with the inquiry of `requested`, if anything: checked before any field
    /// is moved out, so that no error path has fields to drop.
    fn check(&self, requested: &PaymentRequestId) -> Result<(), Problem> {
        let [id, activity, ..] = &self.texts;
        let [.., payment_type_id, payment_status_id] = &self.numbers;
        check_ids(id.as_deref(), activity.as_deref(), requested)?;
        if self
            .amount
            .as_ref()
            .is_some_and(|amount| !amount.is_decimal_amount())
        {
            return Err(text!["result.amount", NOT_DECIMAL]);
        }
        require(&[
            ("paymentTypeId", payment_type_id.is_some()),
            ("paymentStatusId", payment_status_id.is_some()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::read_document;
    use crate::core::wire::read_envelope;

    fn sample_id() -> PaymentRequestId {
        PaymentRequestId::parse("72ec8714-d116-4306-8881-38a43c485da9").unwrap()
    }

    fn inquiry_of(text: &str) -> Result<PaymentInquiry, Problem> {
        let mut answer = None;
        read_envelope(text, &mut |reader| {
            answer = Some(InquiryAnswer::read(reader)?);
            Ok(())
        })?;
        answer.unwrap().complete(&sample_id())
    }

    /// Paywall's documented inquiry sample (paywall-facts.md), PascalCase.
    const INQUIRY_SAMPLE: &str = r#"{"Result":{"PaymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
        "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","TerminalId":"T-1",
        "MerchantUniqueCode":"ORDER-1","DisplayCode":"A1","CallbackAddress":"https://m.example/cb",
        "Amount":1.44,"PaymentChannelId":1,"PaymentChannel":"Async","CurrencyId":1,"Currency":"TRY",
        "IP":"10.0.0.1","PaymentTypeId":1,"PaymentType":"Sale","PaymentStatusId":2,
        "PaymentStatus":"SentToDevice","CreatedDate":"2024-09-02T13:52:34.504179","ModifiedDate":null},
        "Succeeded":true,"Failed":false,"ErrorCode":0,"Message":null,"ClientMessage":null}"#;

    #[test]
    fn the_url_names_the_payment_in_lowercase() {
        let config = Config::new("https://pay.example/", "key-0001", "client-0001").unwrap();
        let id = PaymentRequestId::parse("72EC8714-d116-4306-8881-38a43c485da9").unwrap();
        assert_eq!(
            url(&config, &id),
            "https://pay.example/api/payment/inquiry/72ec8714-d116-4306-8881-38a43c485da9"
        );
    }

    #[test]
    fn reads_the_documented_inquiry_and_keeps_the_amount_as_written() {
        let inquiry = inquiry_of(INQUIRY_SAMPLE).unwrap();
        assert_eq!(inquiry.payment_type_id, 1);
        assert_eq!(inquiry.payment_status_id, 2);
        assert_eq!(inquiry.amount.as_ref().unwrap().as_str(), "1.44");
        assert_eq!(inquiry.amount_text.as_deref(), Some("1.44"));
        assert_eq!(inquiry.terminal_id.as_deref(), Some("T-1"));
        assert_eq!(inquiry.merchant_unique_code.as_deref(), Some("ORDER-1"));
        assert_eq!(inquiry.display_code.as_deref(), Some("A1"));
        assert_eq!(
            (inquiry.currency_id, inquiry.payment_channel_id),
            (Some(1), Some(1))
        );
        assert_eq!(
            inquiry.created_date.as_deref(),
            Some("2024-09-02T13:52:34.504179")
        );
        assert_eq!(inquiry.modified_date, None);
        assert_eq!(
            inquiry.callback_address.as_deref(),
            Some("https://m.example/cb")
        );
        let written = crate::core::json::to_string(&inquiry).unwrap();
        assert!(written.contains(r#""amount":1.44,"#), "{written}");
        assert!(written.contains(r#""amountText":"1.44","#), "{written}");
        assert!(written.contains(r#""modifiedDate":null"#), "{written}");
    }

    #[test]
    fn an_inquiry_needs_the_id_the_activity_and_the_two_codes_only() {
        let minimal = r#"{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "paymentTypeId":2,"paymentStatusId":4}"#;
        let complete = |text: &str| {
            read_document(text, InquiryAnswer::read)
                .unwrap()
                .complete(&sample_id())
        };
        let inquiry = complete(minimal).unwrap();
        assert_eq!((inquiry.terminal_id, inquiry.amount), (None, None));
        for (field, says) in [
            ("paymentTypeId", "result.paymentTypeId is missing"),
            ("paymentStatusId", "result.paymentStatusId is missing"),
            (
                "paymentRequestActivityId",
                "result.paymentRequestActivityId is missing",
            ),
        ] {
            let without = minimal.replace(&format!("\"{field}\""), "\"ignored\"");
            assert_eq!(complete(&without).unwrap_err(), says);
        }
        let other = minimal.replace("72ec8714", "11111111");
        assert!(complete(&other).unwrap_err().contains("not the requested"));
        let exponent = minimal.replace("\"paymentTypeId\"", "\"amount\":1e2,\"paymentTypeId\"");
        assert!(complete(&exponent)
            .unwrap_err()
            .contains("not a decimal amount"));
    }

    #[test]
    fn a_field_of_the_wrong_type_or_given_twice_is_refused() {
        for (text, says) in [
            (r#"{"TerminalId":12}"#, "must be a string, got a number"),
            (r#"{"Amount":"1.44"}"#, "must be a number, got a string"),
            (r#"{"CurrencyId":1.5}"#, "must be a whole number"),
            (
                r#"{"DisplayCode":"a","displayCode":"b"}"#,
                "duplicate field `DisplayCode`",
            ),
        ] {
            let problem = read_document(text, InquiryAnswer::read).unwrap_err();
            assert!(problem.contains(says), "{text}: {problem}");
        }
    }
}
