//! Credentials at rest: XChaCha20-Poly1305 with a random nonce and the cluster id as associated
//! data, so sealed credentials copied onto another row do not open.

use chacha20poly1305::aead::{Aead as _, Payload};
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use kubechart_store::ClusterId;
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretSlice};

/// The first byte of every sealed value: the format, so the scheme can change later.
const FORMAT: u8 = 1;
const NONCE_BYTES: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the credentials key is not 32 bytes")]
    Key,
    #[error("the credentials could not be encrypted")]
    Encrypt,
    #[error("the stored credentials do not open with this key (key changed or row tampered with)")]
    Open,
}

/// Encrypts `plaintext` for the cluster `id`: format byte, nonce, ciphertext with tag.
pub fn seal(key: &SecretSlice<u8>, id: ClusterId, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.expose_secret()).map_err(|_| SealError::Key)?;
    let mut nonce = [0u8; NONCE_BYTES];
    rand::rng().fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: id.0.as_bytes(),
            },
        )
        .map_err(|_| SealError::Encrypt)?;
    let mut sealed = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    sealed.push(FORMAT);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

/// Decrypts what [`seal`] produced for the same cluster id.
pub fn open(
    key: &SecretSlice<u8>,
    id: ClusterId,
    sealed: &[u8],
) -> Result<SecretSlice<u8>, SealError> {
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.expose_secret()).map_err(|_| SealError::Key)?;
    let (format, rest) = sealed.split_first().ok_or(SealError::Open)?;
    if *format != FORMAT || rest.len() < NONCE_BYTES {
        return Err(SealError::Open);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
    let nonce = XNonce::try_from(nonce).map_err(|_| SealError::Open)?;
    cipher
        .decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad: id.0.as_bytes(),
            },
        )
        .map(SecretSlice::from)
        .map_err(|_| SealError::Open)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn key(byte: u8) -> SecretSlice<u8> {
        vec![byte; 32].into()
    }

    #[test]
    fn sealed_credentials_open_only_for_their_row_and_key() {
        let id = ClusterId::new();
        let sealed = seal(&key(1), id, b"token: secret").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(
            open(&key(1), id, &sealed).unwrap().expose_secret(),
            b"token: secret"
        );
        assert!(matches!(open(&key(2), id, &sealed), Err(SealError::Open)));
        assert!(matches!(
            open(&key(1), ClusterId::new(), &sealed),
            Err(SealError::Open)
        ));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(matches!(open(&key(1), id, &tampered), Err(SealError::Open)));
        assert!(matches!(open(&key(1), id, &[]), Err(SealError::Open)));
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let id = ClusterId::new();
        assert_ne!(
            seal(&key(1), id, b"x").unwrap(),
            seal(&key(1), id, b"x").unwrap()
        );
    }
}
