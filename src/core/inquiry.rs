//! Inquiry: `GET {base}/api/payment/inquiry/{paymentRequestId}`, the payment's state at
//! Paywall. Nothing changes at Paywall, so every failure the retry policy knows, timeouts
//! included, may be retried.

use super::config::{Config, INQUIRY_PATH};
use super::error::Error;
use super::payment_request_id::PaymentRequestId;
use super::request::{perform, Action, Host, Operation};
use super::wire::{InquiryAnswer, PaymentInquiry};

/// The inquiry of one payment.
pub struct Inquiry<'a> {
    /// The payment to ask about.
    pub id: &'a PaymentRequestId,
}

impl Operation for Inquiry<'_> {
    type Answer = InquiryAnswer;
    type Output = PaymentInquiry;

    const ACTION: Action = Action {
        name: "inquiry",
        changes_state: false,
    };

    fn payment_request_id(&self) -> &PaymentRequestId {
        self.id
    }

    fn method(&self) -> &'static str {
        "GET"
    }

    fn url(&self, config: &Config) -> String {
        config.url(&format!("{INQUIRY_PATH}/{}", self.id))
    }

    fn body(&self) -> Option<String> {
        None
    }

    fn complete(&self, answer: InquiryAnswer) -> Result<PaymentInquiry, String> {
        answer.complete(self.id)
    }
}

/// Asks Paywall for the state of the payment `id` through `host`, retrying transient
/// failures as the config allows.
pub async fn inquire_with<H: Host>(
    host: &H,
    config: &Config,
    id: &PaymentRequestId,
) -> Result<PaymentInquiry, Error> {
    perform(host, config, &Inquiry { id }, config.max_retries()).await
}
