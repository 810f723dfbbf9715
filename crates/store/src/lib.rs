//! Entities, repositories and migrations: one code path for SQLite and PostgreSQL.
