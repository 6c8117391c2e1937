//! SHA-256 digests and hexadecimal text: the one way every crate hashes a file, a snapshot, an
//! audit entry, an import key or a secret, and writes bytes as hex (lower case, two digits a
//! byte, through the `hex` crate). Pure computation.

use sha2::{Digest as _, Sha256};

/// Lower-case hexadecimal, two digits a byte: `[0x0f, 0xa0]` → `0fa0`.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Bytes from hexadecimal text (either case); `None` unless every pair of characters is a digit.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The SHA-256 of `bytes`, in hex (64 digits).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// A SHA-256 over data given in pieces (a file read in blocks).
#[derive(Default, Clone)]
pub struct Sha256Hasher(Sha256);

impl Sha256Hasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything given, in hex.
    pub fn finish_hex(self) -> String {
        hex(&self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests_and_round_trips() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut h = Sha256Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish_hex(), sha256_hex(b"abc"));
        assert_eq!(hex(&[0x0f, 0xa0]), "0fa0");
        assert_eq!(unhex("0fA0"), Some(vec![0x0f, 0xa0]));
        assert_eq!(unhex("0fa"), None);
        assert_eq!(unhex("zz"), None);
    }
}
