//! Cron schedules as the CronJob controller (robfig/cron standard parser) accepts them.

const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (
        "day of week",
        0,
        7,
        &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    ),
];

const MACROS: [&str; 8] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
    "@every",
];

/// Validates a five-field schedule or a macro; `TZ=`/`CRON_TZ=` prefixes are rejected as the API
/// server does (the time zone has its own field).
pub fn schedule(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.starts_with("TZ=") || text.starts_with("CRON_TZ=") {
        return Err("time zone prefixes are not allowed here; use timeZone".into());
    }
    if let Some(rest) = text.strip_prefix('@') {
        let name = format!("@{}", rest.split_whitespace().next().unwrap_or_default());
        if name == "@every" {
            return Err("@every is not supported by CronJobs".into());
        }
        return if MACROS.contains(&name.as_str()) && rest.split_whitespace().count() == 1 {
            Ok(())
        } else {
            Err(format!("unknown schedule macro '{text}'"))
        };
    }
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "'{text}' must have 5 fields (minute hour day-of-month month day-of-week), has {}",
            fields.len()
        ));
    }
    for (field, (what, min, max, names)) in fields.iter().zip(FIELDS) {
        self::field(field, min, max, names).map_err(|e| format!("{what} field '{field}': {e}"))?;
    }
    Ok(())
}

fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (part, None),
        };
        if let Some(step) = step {
            let step: u32 = step
                .parse()
                .map_err(|_| format!("step '{step}' is not a number"))?;
            if step == 0 {
                return Err("step must be positive".into());
            }
        }
        if range == "*" || range == "?" {
            continue;
        }
        let (low, high) = match range.split_once('-') {
            Some((low, high)) => (value(low, min, max, names)?, value(high, min, max, names)?),
            None => {
                let single = value(range, min, max, names)?;
                (single, single)
            }
        };
        if low > high {
            return Err(format!("range {low}-{high} is backwards"));
        }
    }
    Ok(())
}

fn value(text: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = names.iter().position(|n| *n == lower) {
        // Month names count from 1 (the field's minimum), weekday names from 0.
        return Ok(index as u32 + min);
    }
    let number: u32 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if number < min || number > max {
        return Err(format!("{number} is outside {min}-{max}"));
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_standard_schedules() {
        for good in [
            "0 2 * * *",
            "*/15 * * * *",
            "0 0 1,15 * mon-fri",
            "30 3 * jan-mar 0",
            "@daily",
            "@hourly",
        ] {
            assert!(schedule(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn rejects_bad_schedules() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "@every 5m",
            "@nightly",
            "TZ=UTC 0 0 * * *",
            "a b c d e",
        ] {
            assert!(schedule(bad).is_err(), "{bad}");
        }
    }
}
