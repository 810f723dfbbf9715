//! The apply engine: plan, server-side apply as a dependency graph, prune and delete.
