//! The error type the core's two serde deserializers (a caller's options, Paywall's JSON)
//! report through. Its messages never quote a value: a string could be a key, and a float
//! would pull the float-formatting machinery (some 15 KB) into the WebAssembly module.

use serde::de;
use std::fmt;

/// Why a value could not be read, in words for a message.
#[derive(Debug, PartialEq)]
pub struct DecodeProblem(pub String);

impl fmt::Display for DecodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeProblem {}

impl de::Error for DecodeProblem {
    fn custom<M: fmt::Display>(message: M) -> Self {
        DecodeProblem(message.to_string())
    }

    /// "must be X, got Y", naming only the kind of value found.
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DecodeProblem(format!("must be {expected}, got {}", kind_of(&unexpected)))
    }

    /// Same wording as `invalid_type`: the value itself is not quoted.
    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DecodeProblem::invalid_type(unexpected, expected)
    }
}

/// The kind of an unexpected value, without the value.
fn kind_of<'a>(unexpected: &de::Unexpected<'a>) -> &'a str {
    match unexpected {
        de::Unexpected::Bool(_) => "a boolean",
        de::Unexpected::Unsigned(_) | de::Unexpected::Signed(_) | de::Unexpected::Float(_) => {
            "a number"
        }
        de::Unexpected::Char(_) | de::Unexpected::Str(_) => "a string",
        de::Unexpected::Bytes(_) => "bytes",
        de::Unexpected::Unit => "null",
        de::Unexpected::Option => "an optional value",
        de::Unexpected::Seq => "an array",
        de::Unexpected::Map => "an object",
        de::Unexpected::Other(what) => what,
        _ => "another kind of value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::Error as _;

    #[test]
    fn invalid_types_name_the_kind_not_the_value() {
        let problem = DecodeProblem::invalid_type(de::Unexpected::Str("sk-secret"), &"a number");
        assert_eq!(problem.0, "must be a number, got a string");
        let problem = DecodeProblem::invalid_value(de::Unexpected::Float(1.5), &"a boolean");
        assert_eq!(problem.0, "must be a boolean, got a number");
    }
}
