//! The two server secrets: the JWT signing secret and the key that encrypts stored cluster
//! credentials. Each comes from its environment variable, or else is generated once and kept in the
//! data directory, readable by the owner only, so restarts keep sessions and stored credentials valid.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;
use secrecy::SecretSlice;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub const JWT_SECRET_FILE: &str = "jwt-secret";
pub const ENCRYPTION_KEY_FILE: &str = "secret-key";
/// XChaCha20-Poly1305 takes a 256-bit key.
pub const ENCRYPTION_KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} must be base64 of exactly {expected} bytes ({found} found)")]
    WrongLength {
        what: String,
        expected: usize,
        found: usize,
    },
    #[error("{what} must be at least {min} bytes ({found} found)")]
    TooShort {
        what: String,
        min: usize,
        found: usize,
    },
    #[error("{what} is not valid base64")]
    Encoding { what: String },
}

/// The JWT secret: the given value's bytes, or a generated 64-byte secret kept in the data dir.
pub fn jwt_secret(given: Option<&str>, data_dir: &Path) -> Result<SecretSlice<u8>, SecretError> {
    let bytes = match given {
        Some(value) => value.as_bytes().to_vec(),
        None => load_or_generate(&data_dir.join(JWT_SECRET_FILE), 64)?,
    };
    let min = crate::auth::token::MIN_SECRET_BYTES;
    if bytes.len() < min {
        return Err(SecretError::TooShort {
            what: "KUBECHART_JWT_SECRET".into(),
            min,
            found: bytes.len(),
        });
    }
    Ok(bytes.into())
}

/// The credential encryption key: base64 of 32 bytes, given or generated and kept in the data dir.
pub fn encryption_key(
    given: Option<&str>,
    data_dir: &Path,
) -> Result<SecretSlice<u8>, SecretError> {
    let bytes = match given {
        Some(value) => decode(value, "KUBECHART_SECRET_KEY")?,
        None => load_or_generate(&data_dir.join(ENCRYPTION_KEY_FILE), ENCRYPTION_KEY_BYTES)?,
    };
    if bytes.len() != ENCRYPTION_KEY_BYTES {
        return Err(SecretError::WrongLength {
            what: "KUBECHART_SECRET_KEY".into(),
            expected: ENCRYPTION_KEY_BYTES,
            found: bytes.len(),
        });
    }
    Ok(bytes.into())
}

fn decode(value: &str, what: &str) -> Result<Vec<u8>, SecretError> {
    STANDARD
        .decode(value.trim())
        .map_err(|_| SecretError::Encoding { what: what.into() })
}

/// Reads a base64 secret file, or creates it with `len` random bytes and mode 0600.
fn load_or_generate(path: &Path, len: usize) -> Result<Vec<u8>, SecretError> {
    let io_error = |source| SecretError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => return decode(&text, &path.display().to_string()),
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io_error(error)),
        Err(_) => {}
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    let mut file = owner_only_file(path).map_err(io_error)?;
    file.write_all(STANDARD.encode(&bytes).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error)?;
    Ok(bytes)
}

/// Creates the file exclusively (never clobbering a secret another replica just wrote) with 0600.
fn owner_only_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use secrecy::ExposeSecret as _;

    #[test]
    fn generated_secrets_are_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = encryption_key(None, dir.path()).unwrap();
        let again = encryption_key(None, dir.path()).unwrap();
        assert_eq!(first.expose_secret(), again.expose_secret());
        assert_eq!(first.expose_secret().len(), ENCRYPTION_KEY_BYTES);
        let jwt = jwt_secret(None, dir.path()).unwrap();
        assert_eq!(jwt.expose_secret().len(), 64);
        #[cfg(unix)]
        for file in [JWT_SECRET_FILE, ENCRYPTION_KEY_FILE] {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn given_secrets_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            jwt_secret(Some("too short"), dir.path()),
            Err(SecretError::TooShort { .. })
        ));
        assert!(matches!(
            encryption_key(Some("not base64!"), dir.path()),
            Err(SecretError::Encoding { .. })
        ));
        assert!(matches!(
            encryption_key(Some(&STANDARD.encode([1u8; 16])), dir.path()),
            Err(SecretError::WrongLength { found: 16, .. })
        ));
        let key = encryption_key(Some(&STANDARD.encode([7u8; 32])), dir.path()).unwrap();
        assert_eq!(key.expose_secret(), &[7u8; 32]);
        assert!(!dir.path().join(ENCRYPTION_KEY_FILE).exists());
    }
}
