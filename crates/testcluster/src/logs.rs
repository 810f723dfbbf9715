//! Pod logs: text seeded per container, read whole, tailed, or followed as it grows.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;

type Key = (String, String, String);

/// Seeded container logs.
#[derive(Debug, Default)]
pub struct Logs {
    logs: Mutex<HashMap<Key, watch::Sender<String>>>,
}

fn key(ns: &str, pod: &str, container: &str) -> Key {
    (ns.to_string(), pod.to_string(), container.to_string())
}

impl Logs {
    /// Appends text to a container's log (followers see it).
    pub fn append(&self, ns: &str, pod: &str, container: &str, text: &str) {
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        let entry = logs
            .entry(key(ns, pod, container))
            .or_insert_with(|| watch::Sender::new(String::new()));
        entry.send_modify(|log| log.push_str(text));
    }

    /// Subscribes to a container's log; the current text is the receiver's first value. The
    /// stream ends when the pod's logs are dropped.
    pub fn subscribe(&self, ns: &str, pod: &str, container: &str) -> watch::Receiver<String> {
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        logs.entry(key(ns, pod, container))
            .or_insert_with(|| watch::Sender::new(String::new()))
            .subscribe()
    }

    /// Drops a pod's logs (the pod is gone): followers' streams end.
    pub fn remove_pod(&self, ns: &str, pod: &str) {
        self.logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(n, p, _), _| !(n == ns && p == pod));
    }
}

/// The last `n` lines of a log.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines[lines.len().saturating_sub(n)..].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc\n");
        assert_eq!(tail("a\n", 5), "a\n");
    }
}
