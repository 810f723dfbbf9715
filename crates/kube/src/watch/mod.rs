//! Watches: one watcher per (cluster, kind), Warning events, pod logs.
