use thiserror::Error;

/// A value that does not make sense in the domain, named by its field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("{field}: '{value}' is not valid; expected {expected}")]
    Invalid {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl DomainError {
    pub fn invalid(field: &'static str, value: impl Into<String>, expected: &'static str) -> Self {
        DomainError::Invalid {
            field,
            value: value.into(),
            expected,
        }
    }
}
