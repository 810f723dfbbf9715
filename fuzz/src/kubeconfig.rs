//! Any text uploaded as a kubeconfig, with or without a context named: parsing answers with a
//! kubeconfig or with problems, never a panic, and never quotes a credential in a problem.

/// Checks the property on one input; panics (the fuzzer's finding) when it does not hold.
pub fn kubeconfig_upload(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let context = text
        .lines()
        .next()
        .filter(|line| line.starts_with("# context: "));
    let context = context.map(|line| &line["# context: ".len()..]);
    if let Err(error) = kubechart_kube::connect::UploadedKubeconfig::parse(text, context) {
        let message = error.to_string();
        for secret in ["token:", "password:", "client-key-data:"] {
            if let Some(value) = secret_value(text, secret) {
                assert!(
                    !message.contains(value),
                    "a problem quotes the value of `{secret}`: {message}"
                );
            }
        }
    }
}

/// The value written after `key` on its line, when it is long enough to be told apart from
/// words a message would use anyway.
fn secret_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix(key))
        .map(str::trim)
        .filter(|value| value.len() >= 12)
}
