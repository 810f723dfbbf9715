//! A Kubernetes API test server for tests: the real wire protocol over HTTPS, never shipped.
