//! Authentication: password hashing, session tokens, login throttling and the request extractors.

pub mod limiter;
pub mod password;
pub mod session;
pub mod token;

pub use session::{AdminUser, CurrentUser};
