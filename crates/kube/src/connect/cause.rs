//! Why a cluster could not be used, in one word a user can act on, with the underlying message.

use serde::Serialize;
use std::error::Error as StdError;
use std::fmt;

/// The class of a connection failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The server's host name does not resolve.
    Dns,
    /// Nothing listens at the server's address.
    Refused,
    /// The TLS handshake failed (unknown certificate authority, wrong host name, not TLS).
    Tls,
    /// The cluster rejected the credentials (HTTP 401).
    Unauthorized,
    /// The credentials may not do what was asked (HTTP 403).
    Forbidden,
    /// No answer within the deadline.
    Timeout,
    /// Anything else on the way to or from the API server.
    Other,
}

impl Cause {
    /// A short human description of the class.
    pub fn describe(self) -> &'static str {
        match self {
            Cause::Dns => "the server's host name does not resolve",
            Cause::Refused => "connection refused",
            Cause::Tls => "TLS handshake failed",
            Cause::Unauthorized => "the cluster rejected the credentials (401 Unauthorized)",
            Cause::Forbidden => "the credentials are not allowed to do this (403 Forbidden)",
            Cause::Timeout => "the cluster did not answer in time",
            Cause::Other => "the cluster could not be reached",
        }
    }
}

/// A cluster that could not be used, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreachable {
    /// The class of failure.
    pub cause: Cause,
    /// The class described, then the innermost error text (never credentials: the client's
    /// errors carry addresses and statuses, not headers).
    pub message: String,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Unreachable {
    /// No answer within `after`.
    pub fn timeout(after: std::time::Duration) -> Self {
        Self {
            cause: Cause::Timeout,
            message: format!(
                "{} (no answer within {} s)",
                Cause::Timeout.describe(),
                after.as_secs_f32()
            ),
        }
    }

    /// Classifies a client error by walking its chain of sources.
    pub fn classify(error: &kube::Error) -> Self {
        if let kube::Error::Api(status) = error {
            let cause = match status.code {
                401 => Cause::Unauthorized,
                403 => Cause::Forbidden,
                504 => Cause::Timeout,
                _ => Cause::Other,
            };
            return Self::new(cause, &status.message);
        }
        let chain = chain(error);
        let cause = cause_of(error, &chain);
        let detail = chain.last().cloned().unwrap_or_default();
        Self::new(cause, &detail)
    }

    fn new(cause: Cause, detail: &str) -> Self {
        let describe = cause.describe();
        let message = if detail.is_empty() || detail == describe {
            describe.to_string()
        } else {
            format!("{describe}: {detail}")
        };
        Self { cause, message }
    }
}

/// The messages of the error and its sources, outermost first.
fn chain(error: &(dyn StdError + 'static)) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut next = error.source();
    while let Some(source) = next {
        messages.push(source.to_string());
        next = source.source();
    }
    messages
}

fn cause_of(error: &(dyn StdError + 'static), messages: &[String]) -> Cause {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Cause::Refused,
                std::io::ErrorKind::TimedOut => return Cause::Timeout,
                // A connection cut under the request, even in the middle of a TLS handshake, says
                // the server went away, not that its certificate is wrong.
                std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => return Cause::Other,
                _ => {}
            }
        }
        next = current.source();
    }
    // The connector and TLS layers only expose their errors as text.
    let text = messages.join(" | ").to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    if has("dns error") || has("failed to lookup address") || has("name or service not known") {
        Cause::Dns
    } else if has("connection refused") {
        Cause::Refused
    } else if has("certificate")
        || has("tls")
        || has("handshake")
        || has("invalidcontenttype")
        || has("corrupt message")
    {
        Cause::Tls
    } else if has("timed out") || has("deadline") || has("elapsed") {
        Cause::Timeout
    } else {
        Cause::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure("nope", "Reason").with_code(code),
        ))
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(Unreachable::classify(&api(401)).cause, Cause::Unauthorized);
        assert_eq!(Unreachable::classify(&api(403)).cause, Cause::Forbidden);
        assert_eq!(Unreachable::classify(&api(500)).cause, Cause::Other);
    }

    #[test]
    fn io_errors_are_classified() {
        let refused = kube::Error::Service(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert_eq!(Unreachable::classify(&refused).cause, Cause::Refused);
        let dns = kube::Error::Service("dns error: failed to lookup address information".into());
        assert_eq!(Unreachable::classify(&dns).cause, Cause::Dns);
        let tls = kube::Error::Service("invalid peer certificate: UnknownIssuer".into());
        let tls = Unreachable::classify(&tls);
        assert_eq!(tls.cause, Cause::Tls);
        assert!(tls.message.contains("UnknownIssuer"), "{}", tls.message);
        let cut = kube::Error::Service(Box::new(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "peer closed connection without sending TLS close_notify",
        )));
        assert_eq!(Unreachable::classify(&cut).cause, Cause::Other);
    }
}
