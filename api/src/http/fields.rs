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

    /// A list's `limit` and `offset`, their errors recorded beside the filters'.
    pub fn page(&mut self, page: crate::http::extract::Page) -> (i64, i64) {
        match page.validate() {
            Ok(page) => page,
            Err(crate::http::error::ApiError::Validation(more)) => {
                self.errors.extend(more);
                (0, 0)
            }
            Err(_) => (0, 0),
        }
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

/// A whole number, written `3` or `3.0`: JSON Schema's `integer` is any number without a
/// fraction, so a client may send either. `3.5` is refused like a string would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Whole(pub i64);

impl Whole {
    pub fn get(self) -> i64 {
        self.0
    }

    /// A PATCH field's number: absent, `null`, or given.
    pub fn patch(field: Option<Option<Whole>>) -> Option<Option<i64>> {
        field.map(|v| v.map(Whole::get))
    }
}

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Whole;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Whole, E> {
                Ok(Whole(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Whole, E> {
                i64::try_from(v)
                    .map(Whole)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Whole, E> {
                // Every whole f64 within ±2^63 converts exactly.
                if v.fract() == 0.0 && v.abs() < 9.2e18 {
                    Ok(Whole(v as i64))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Whole;

    #[test]
    fn a_whole_number_may_be_written_with_a_zero_fraction_but_not_another() {
        let parse = |text: &str| serde_json::from_str::<Whole>(text).map(Whole::get).ok();
        assert_eq!(parse("3"), Some(3));
        assert_eq!(parse("-3.0"), Some(-3));
        assert_eq!(parse("1e3"), Some(1000));
        assert_eq!(parse("3.5"), None);
        assert_eq!(parse("\"3\""), None);
        assert_eq!(parse("1e30"), None);
    }
}
