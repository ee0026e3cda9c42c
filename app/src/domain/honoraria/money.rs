//! Money: ISO 4217 currencies with their exponents, amounts as whole minor units, exact
//! decimal arithmetic (`rust_decimal`) and pricing by the rate card. Nothing here is a float.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::honoraria::RateUnit;
use crate::model::{AppError, InputProblem};

/// The largest amount one claim or rate may have, in major units (ten million): more is a
/// typing error, and sums of many stay far inside `i64` minor units.
const MAX_MAJOR: i64 = 10_000_000;

/// A currency the platform pays in: an ISO 4217 code with a defined exponent (no funds,
/// precious metals or testing codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a code (`EUR`, `jpy`); `field` names the field in the error.
    pub fn parse(field: &str, code: &str) -> Result<Self, AppError> {
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(AppError::invalid(field, InputProblem::Required));
        }
        let currency = iso_currency::Currency::from_code(&code)
            .filter(|c| c.exponent().is_some() && !c.is_fund() && !c.is_special())
            .ok_or_else(|| AppError::invalid(field, InputProblem::Malformed))?;
        Ok(Self(currency))
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point (EUR 2, JPY 0, BHD 3).
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// The largest amount, in minor units.
    fn max_minor(self) -> i64 {
        MAX_MAJOR * 10_i64.pow(self.exponent())
    }

    /// Parses an amount typed by a person: digits with at most the currency's decimals, a
    /// point or a comma as the decimal mark, spaces as thousands separators. Zero, negative
    /// and absurd amounts are refused.
    pub fn parse_amount(self, field: &str, text: &str) -> Result<i64, AppError> {
        let minor = self.parse_signed(field, text)?;
        if minor <= 0 {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        }
        Ok(minor)
    }

    /// Like [`Currency::parse_amount`], but zero is allowed (an allowance of nothing).
    pub fn parse_amount_or_zero(self, field: &str, text: &str) -> Result<i64, AppError> {
        if text.trim().is_empty() {
            return Ok(0);
        }
        let minor = self.parse_signed(field, text)?;
        if minor < 0 {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        }
        Ok(minor)
    }

    fn parse_signed(self, field: &str, text: &str) -> Result<i64, AppError> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
            .collect();
        if cleaned.is_empty() {
            return Err(AppError::invalid(field, InputProblem::Required));
        }
        // One decimal mark, point or comma; never both (no "1.234,50" guessing).
        let normal = if cleaned.contains('.') && cleaned.contains(',') {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        } else {
            cleaned.replace(',', ".")
        };
        let well_formed = {
            let body = normal.strip_prefix('-').unwrap_or(&normal);
            let mut parts = body.split('.');
            let whole = parts.next().unwrap_or("");
            let frac = parts.next();
            parts.next().is_none()
                && !whole.is_empty()
                && whole.chars().all(|c| c.is_ascii_digit())
                && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
        };
        if !well_formed {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        }
        let value: Decimal = normal
            .parse()
            .map_err(|_| AppError::invalid(field, InputProblem::TooLong))?;
        if value.scale() > self.exponent() {
            return Err(AppError::invalid(field, InputProblem::Malformed));
        }
        let minor = value * Decimal::from(10_i64.pow(self.exponent()));
        let minor = i64::try_from(minor.trunc())
            .map_err(|_| AppError::invalid(field, InputProblem::TooLong))?;
        if minor.abs() > self.max_minor() {
            return Err(AppError::invalid(field, InputProblem::TooLong));
        }
        Ok(minor)
    }

    /// The amount as an exact decimal in major units.
    pub fn decimal(self, minor: i64) -> Decimal {
        Decimal::new(minor, self.exponent())
    }

    /// The amount as text with exactly the currency's decimals (`12.50`, `3000`), a point as
    /// the decimal mark: what CSV and SEPA files carry.
    pub fn format(self, minor: i64) -> String {
        let mut d = self.decimal(minor);
        d.rescale(self.exponent());
        d.to_string()
    }
}

/// Minutes in a half day and in a day, for rates per half day and per day.
const HALF_DAY_MINUTES: i64 = 4 * 60;
const DAY_MINUTES: i64 = 8 * 60;

/// The price of `minutes` at `rate_minor` per `unit`, in minor units: per hour pro rata,
/// rounded to the minor unit (half away from zero); per half day and per day, each started
/// unit counts whole.
pub fn price(rate_minor: i64, unit: RateUnit, minutes: i32) -> i64 {
    let minutes = i64::from(minutes.max(0));
    match unit {
        RateUnit::Hour => {
            let exact = Decimal::from(rate_minor) * Decimal::from(minutes) / Decimal::from(60);
            let rounded = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            i64::try_from(rounded).unwrap_or(i64::MAX)
        }
        RateUnit::HalfDay => rate_minor.saturating_mul(ceil_div(minutes, HALF_DAY_MINUTES)),
        RateUnit::Day => rate_minor.saturating_mul(ceil_div(minutes, DAY_MINUTES)),
    }
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("c", "eur").expect("EUR")
    }

    #[test]
    fn exponents_come_from_the_standard() {
        assert_eq!(eur().exponent(), 2);
        assert_eq!(Currency::parse("c", "JPY").expect("JPY").exponent(), 0);
        assert_eq!(Currency::parse("c", "BHD").expect("BHD").exponent(), 3);
        for bad in ["XAU", "XXX", "EURO", "ABC", "XTS"] {
            assert_eq!(
                Currency::parse("currency", bad),
                Err(AppError::invalid("currency", InputProblem::Malformed)),
                "{bad}"
            );
        }
    }

    #[test]
    fn amounts_are_parsed_exactly_or_refused() {
        let e = eur();
        assert_eq!(e.parse_amount("a", "12.5"), Ok(1250));
        assert_eq!(e.parse_amount("a", "12,50"), Ok(1250));
        assert_eq!(e.parse_amount("a", "1 234.56"), Ok(123_456));
        assert_eq!(e.parse_amount("a", "0.1"), Ok(10));
        for bad in [
            "0", "-3", "1.234", "1.2.3", "1,234.5", "abc", ".5", "5.", "1e3",
        ] {
            assert!(e.parse_amount("a", bad).is_err(), "{bad}");
        }
        assert_eq!(
            e.parse_amount("a", "99999999999"),
            Err(AppError::invalid("a", InputProblem::TooLong))
        );
        let yen = Currency::parse("c", "JPY").expect("JPY");
        assert_eq!(yen.parse_amount("a", "3000"), Ok(3000));
        assert!(yen.parse_amount("a", "3000.5").is_err());
        assert_eq!(e.parse_amount_or_zero("a", ""), Ok(0));
        assert_eq!(e.parse_amount_or_zero("a", "0"), Ok(0));
    }

    #[test]
    fn amounts_are_formatted_with_the_currency_decimals() {
        assert_eq!(eur().format(1250), "12.50");
        assert_eq!(eur().format(5), "0.05");
        assert_eq!(eur().format(-5), "-0.05");
        assert_eq!(
            Currency::parse("c", "JPY").expect("JPY").format(3000),
            "3000"
        );
        assert_eq!(Currency::parse("c", "BHD").expect("BHD").format(1), "0.001");
    }

    #[test]
    fn prices_follow_the_unit() {
        // 40.00 an hour for 50 minutes: 33.333… rounds to 33.33.
        assert_eq!(price(4000, RateUnit::Hour, 50), 3333);
        // 0.05 an hour for 30 minutes: 0.025 rounds half away from zero to 0.03.
        assert_eq!(price(5, RateUnit::Hour, 30), 3);
        assert_eq!(price(15_000, RateUnit::HalfDay, 240), 15_000);
        assert_eq!(price(15_000, RateUnit::HalfDay, 241), 30_000);
        assert_eq!(price(25_000, RateUnit::Day, 60), 25_000);
        assert_eq!(price(25_000, RateUnit::Day, 481), 50_000);
    }
}
