//! Kubernetes resource quantities (`100m`, `128Mi`, `1.5`, `2e3`), parsed to compare amounts.

/// A parsed quantity in nano-units, so `requests <= limits` compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i128);

const NANO: i128 = 1_000_000_000;

/// Parses a quantity as the API server does (`resource.ParseQuantity`), rejecting anything else.
pub fn parse(text: &str) -> Result<Quantity, String> {
    let bad = || format!("'{text}' is not a quantity (examples: 500m, 2, 1.5, 256Mi, 10Gi, 1e3)");
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return Err(bad());
    }
    // Binary suffixes multiply by powers of 1024, decimal ones by powers of ten.
    let (multiplier, exponent): (i128, i32) = match suffix {
        "" => (1, 0),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        other => {
            let digits = other.strip_prefix(['e', 'E']).ok_or_else(bad)?;
            let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
            if unsigned.is_empty()
                || !unsigned.bytes().all(|b| b.is_ascii_digit())
                || unsigned.len() > 3
            {
                return Err(bad());
            }
            (1, digits.parse::<i32>().map_err(|_| bad())?)
        }
    };
    let scale = exponent + 9;
    let mut value: i128 = 0;
    let mut digits_seen = 0;
    for (position, digit) in whole.bytes().chain(fraction.bytes()).enumerate() {
        // Digits past the 9th decimal are below a nano-unit; they still make the value non-zero.
        let place = scale - (position as i32 - whole.len() as i32 + 1);
        digits_seen += 1;
        if place < 0 {
            if digit != b'0' {
                value = value.checked_add(1).ok_or_else(bad)?;
            }
            continue;
        }
        let weight = 10i128
            .checked_pow(place as u32)
            .ok_or_else(|| format!("'{text}' is too large"))?;
        let contribution = i128::from(digit - b'0')
            .checked_mul(weight)
            .ok_or_else(|| format!("'{text}' is too large"))?;
        value = value
            .checked_add(contribution)
            .ok_or_else(|| format!("'{text}' is too large"))?;
    }
    if digits_seen == 0 {
        return Err(bad());
    }
    let value = value
        .checked_mul(multiplier)
        .ok_or_else(|| format!("'{text}' is too large"))?;
    // The API server caps quantities at 2^63-1 base units.
    if value / NANO > i128::from(i64::MAX) {
        return Err(format!("'{text}' is too large"));
    }
    Ok(Quantity(if negative { -value } else { value }))
}

impl Quantity {
    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_and_orders_like_kubernetes() {
        assert_eq!(parse("100m").unwrap(), parse("0.1").unwrap());
        assert_eq!(parse("1Ki").unwrap(), parse("1024").unwrap());
        assert_eq!(parse("1e3").unwrap(), parse("1k").unwrap());
        assert_eq!(parse("1.5Gi").unwrap(), parse("1536Mi").unwrap());
        assert!(parse("128Mi").unwrap() < parse("1Gi").unwrap());
        assert!(parse("250m").unwrap() < parse("1").unwrap());
        assert!(parse("-1").unwrap().is_negative());
        assert!(parse("0.0000000001").unwrap() > parse("0").unwrap());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "m",
            "1.2.3",
            "10 Mi",
            "1MB",
            "1e",
            "abc",
            "1ki",
            ".",
            "1e1000",
            "99999999999999999999Ei",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
