//! Which pages may open a WebSocket. Browsers send `Origin` with every WebSocket handshake and
//! let any page open one to any host, so the server checks it: the page must come from the host
//! the socket connects to, or from an origin the operator allowed. A client that sends no Origin
//! is not a browser; the ticket alone admits it.

/// Whether a handshake with `origin`, sent to `host`, is accepted.
pub fn accepted(origin: Option<&str>, host: Option<&str>, allowed: &[String]) -> bool {
    let Some(origin) = origin.map(str::trim) else {
        return true;
    };
    if allowed.iter().any(|allowed| {
        allowed
            .trim()
            .trim_end_matches('/')
            .eq_ignore_ascii_case(origin)
    }) {
        return true;
    }
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (authority, host) {
        (Some(authority), Some(host)) => {
            !authority.is_empty()
                && !authority.contains('/')
                && authority.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_of_the_same_host_is_accepted() {
        let host = Some("kubechart.example.com:8443");
        assert!(accepted(
            Some("https://kubechart.example.com:8443"),
            host,
            &[]
        ));
        assert!(accepted(
            Some("http://KubeChart.example.com:8443"),
            host,
            &[]
        ));
        assert!(!accepted(Some("https://kubechart.example.com"), host, &[]));
        assert!(!accepted(Some("https://evil.example"), host, &[]));
        assert!(!accepted(Some("null"), host, &[]));
        assert!(!accepted(
            Some("https://kubechart.example.com:8443/x"),
            host,
            &[]
        ));
        assert!(!accepted(Some("https://evil.example"), None, &[]));
    }

    #[test]
    fn allowed_origins_are_accepted_from_anywhere() {
        let allowed = vec!["http://localhost:5173".to_owned()];
        assert!(accepted(
            Some("http://localhost:5173"),
            Some("127.0.0.1:8080"),
            &allowed
        ));
        assert!(!accepted(
            Some("http://localhost:5174"),
            Some("127.0.0.1:8080"),
            &allowed
        ));
    }

    #[test]
    fn clients_that_are_not_browsers_send_no_origin() {
        assert!(accepted(None, Some("127.0.0.1:8080"), &[]));
    }
}
