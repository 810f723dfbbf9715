//! Cluster connections: the four credential sources, host detection, cached clients, status.
