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
    /// The value is echoed in the message, cut to its first 80 characters
    /// (a refused 1.5 MB name is not sent back whole).
    pub fn invalid(field: &'static str, value: impl Into<String>, expected: &'static str) -> Self {
        let value: String = value.into();
        let value = match value.char_indices().nth(80) {
            Some((cut, _)) => format!("{}…", &value[..cut]),
            None => value,
        };
        DomainError::Invalid {
            field,
            value,
            expected,
        }
    }
}
