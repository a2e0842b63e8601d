//! The staff passphrase, kept only as an argon2id hash (PHC string with its own salt).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::error::AppError;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;

/// Checks the passphrase's length; says so in words a person can act on.
pub fn check_new(passphrase: &str) -> Result<(), AppError> {
    let n = passphrase.chars().count();
    if n < MIN_CHARS {
        return Err(AppError::invalid(
            Some("passphrase".to_string()),
            "error.passphrase.too_short",
            vec![("n", MIN_CHARS.to_string())],
        ));
    }
    if n > MAX_CHARS {
        return Err(AppError::invalid(
            Some("passphrase".to_string()),
            "error.passphrase.too_long",
            vec![("n", MAX_CHARS.to_string())],
        ));
    }
    Ok(())
}

pub fn hash(passphrase: &str) -> Result<String, AppError> {
    check_new(passphrase)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default() // argon2id, v19, OWASP-recommended default cost
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Storage(format!("hashing failed: {e}")))
}

pub fn verify(passphrase: &str, phc: &str) -> bool {
    if passphrase.chars().count() > MAX_CHARS {
        return false;
    }
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(passphrase.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_same_passphrase() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsE", &h));
        assert!(!verify("", &h));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(matches!(hash("short"), Err(AppError::Invalid { .. })));
        assert!(hash(&"x".repeat(MAX_CHARS + 1)).is_err());
    }
}
