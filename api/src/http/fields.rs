//! Parsing request bodies into domain values while collecting every field's error.
use serde::{Deserialize, Deserializer};

use crate::http::error::FieldError;

/// For PATCH bodies: a field that is present, possibly `null` (`Some(None)`), or absent (`None`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Collects per-field errors, each named `<prefix><field>`.
#[derive(Default)]
pub struct Fields<'p> {
    pub prefix: &'p str,
    pub errors: Vec<FieldError>,
}

impl<'p> Fields<'p> {
    pub fn with_prefix(prefix: &'p str) -> Self {
        Self {
            prefix,
            errors: Vec::new(),
        }
    }

    pub fn push(&mut self, field: &str, message: impl ToString) {
        self.errors
            .push(FieldError::new(format!("{}{field}", self.prefix), message));
    }

    /// The value, or its error recorded against `field`.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    /// An optional field: parsed when given.
    pub fn opt<R, T, E: ToString>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, E>,
    ) -> Option<T> {
        raw.and_then(|r| self.check(field, parse(r)))
    }

    /// A PATCH field that may be set but not cleared.
    pub fn required<R, T, E: ToString>(
        &mut self,
        field: &str,
        raw: Option<Option<R>>,
        parse: impl FnOnce(R) -> Result<T, E>,
    ) -> Option<T> {
        match raw? {
            None => {
                self.push(field, "must not be null");
                None
            }
            Some(r) => self.check(field, parse(r)),
        }
    }

    /// A nullable PATCH field: `Some(None)` clears it.
    pub fn nullable<R, T, E: ToString>(
        &mut self,
        field: &str,
        raw: Option<Option<R>>,
        parse: impl FnOnce(R) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match raw? {
            None => Some(None),
            Some(r) => self.check(field, parse(r)).map(Some),
        }
    }

    /// `value` if no field failed, else every error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}
