//! Host names, CIDRs, HTTP paths and durations.

use super::names::dns1123_subdomain;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A host name for Ingress rules and HTTPRoute hostnames: a DNS-1123 subdomain, optionally with a
/// single leading `*.` wildcard label; never an IP address.
pub fn hostname(value: &str) -> Result<(), String> {
    let rest = value.strip_prefix("*.").unwrap_or(value);
    if rest.contains('*') {
        return Err(format!(
            "'{value}': a wildcard is only allowed as the whole first label ('*.example.com')"
        ));
    }
    if rest.parse::<Ipv4Addr>().is_ok() || rest.parse::<Ipv6Addr>().is_ok() {
        return Err(format!("'{value}' must be a DNS name, not an IP address"));
    }
    dns1123_subdomain(rest)
}

/// An IPv4 or IPv6 block like `10.0.0.0/8`.
pub fn cidr(value: &str) -> Result<(), String> {
    let bad = || format!("'{value}' is not a CIDR block like 10.0.0.0/8 or fd00::/8");
    let (address, prefix) = value.split_once('/').ok_or_else(bad)?;
    let prefix: u8 = prefix.parse().map_err(|_| bad())?;
    let max = if address.parse::<Ipv4Addr>().is_ok() {
        32
    } else if address.parse::<Ipv6Addr>().is_ok() {
        128
    } else {
        return Err(bad());
    };
    if prefix > max { Err(bad()) } else { Ok(()) }
}

/// An absolute HTTP path for Ingress `Prefix`/`Exact` and HTTPRoute matches.
pub fn http_path(value: &str) -> Result<(), String> {
    if !value.starts_with('/') {
        return Err(format!("'{value}' must start with '/'"));
    }
    if value.contains("//")
        || value.contains("/./")
        || value.contains("/../")
        || value.ends_with("/..")
        || value.ends_with("/.")
    {
        return Err(format!("'{value}' must not contain '//', '/./' or '/../'"));
    }
    if value.contains(['%', '#', '?']) || value.chars().any(char::is_whitespace) {
        return Err(format!(
            "'{value}' must not contain '%', '#', '?' or spaces"
        ));
    }
    Ok(())
}

/// A Go duration as cert-manager reads it (`2160h`, `90m`, `1h30m`); returns seconds.
pub fn go_duration(value: &str) -> Result<f64, String> {
    let bad = || format!("'{value}' is not a duration like 2160h or 1h30m");
    let mut total = 0.0;
    let mut rest = value;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let number: f64 = rest[..number_end].parse().map_err(|_| bad())?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += number * seconds;
        rest = &rest[unit_end..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hostnames() {
        assert!(hostname("shop.example.com").is_ok());
        assert!(hostname("*.example.com").is_ok());
        for bad in [
            "*",
            "a.*.com",
            "*example.com",
            "10.0.0.1",
            "Shop.example.com",
            "",
        ] {
            assert!(hostname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cidrs_paths_durations() {
        assert!(cidr("10.0.0.0/8").is_ok());
        assert!(cidr("fd00::/8").is_ok());
        assert!(cidr("10.0.0.0/33").is_err());
        assert!(cidr("10.0.0.0").is_err());
        assert!(http_path("/api/v1").is_ok());
        assert!(http_path("api").is_err());
        assert!(http_path("/a//b").is_err());
        assert_eq!(go_duration("1h30m").unwrap(), 5400.0);
        assert!(go_duration("90d").is_err());
        assert!(go_duration("").is_err());
    }
}
