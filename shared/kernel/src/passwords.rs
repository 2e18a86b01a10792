//! Password hashing: argon2id at OWASP's minimum (19 MiB, 2 passes, one
//! lane), stored as a PHC string. About 35–45 ms of CPU per hash in a
//! Worker: it needs a plan whose CPU limit is above the free plan's 10 ms
//! (docs/performance.md has the measured figure). Salts come from the
//! platform's random source.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory in KiB, passes, lanes.
pub const PARAMS: (u32, u32, u32) = (19_456, 2, 1);

fn argon2() -> Argon2<'static> {
    let (m, t, p) = PARAMS;
    // Constant, valid parameters.
    let params = Params::new(m, t, p, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a 16-byte salt.
pub fn hash(password: &str, salt: [u8; 16]) -> String {
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// Whether `password` matches the stored PHC string. A stored value that
/// is not a PHC string matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// What an unknown email's password is checked against, so a wrong email
/// costs the same time as a wrong password. No password matches it.
pub const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZGVjb3ktc2FsdC0xMjM0$3q2yZQq1m6l0tQ6rRy0mM4Zb6xJ8m3oN2bXyq1hYl3E";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("dev-password", [1; 16]);
        let b = hash("dev-password", [2; 16]);
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("dev-password", &a));
        assert!(verify("dev-password", &b));
        assert!(!verify("dev-passwordx", &a));
        assert!(!verify("dev-password", "not a hash"));
        assert!(!verify("", DECOY));
        assert!(
            PasswordHash::new(DECOY).is_ok(),
            "the decoy must cost a full verification"
        );
    }
}
