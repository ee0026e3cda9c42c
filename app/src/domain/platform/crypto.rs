//! Field encryption, keyed lookup hashes and random tokens.
//!
//! Sensitive fields (email addresses now; bank details and private notes later) are stored as
//! `v1.<key id>.<base64url(nonce ‖ AES-256-GCM ciphertext)>`. The key id lets keys rotate: the
//! first key in the key file encrypts, every listed key can still decrypt. Each field names its
//! purpose, which is bound into the ciphertext as associated data, so a value cannot be moved
//! from one column to another and still decrypt.
//!
//! Lookup hashes are HMAC-SHA-256 under a subkey of each key; a lookup tries every key's hash,
//! so rows written before a rotation are still found.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::model::AppError;

type HmacSha256 = Hmac<Sha256>;

/// What a sealed value is for; bound into the ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A person's email address.
    PersonEmail,
    /// The address an invitation was sent to.
    InvitationEmail,
    /// A person's TOTP secret.
    TotpSecret,
    /// An outbox mail's recipient.
    OutboxRecipient,
    /// An outbox mail's parameters (they may hold a sign-in link).
    OutboxParams,
    /// A second-factor recovery code (lookup hash only).
    RecoveryCode,
    /// The author of a comment (sealed id, and the keyed author tag).
    CommentAuthor,
    /// Who holds a consent (keyed tag of person and subject).
    ConsentHolder,
    /// Whose pseudonym a label is (keyed tag of person and consultation).
    Pseudonym,
    /// An outbox mail's idempotency key (kept only as a keyed hash).
    OutboxKey,
    /// The kept text of a comment being edited (keyed tag of the comment).
    DraftSlot,
    /// What a person wrote on a claim, and finance's reason or note.
    ClaimText,
    /// A receipt's bytes.
    Receipt,
    /// A payee's bank details (account holder, IBAN, BIC).
    PayeeAccount,
    /// The council's paying account (name, IBAN, BIC).
    DebtorAccount,
    /// A meeting's place and agenda.
    MeetingText,
    /// A mentorship participant's profile, and the reasons behind a suggested match.
    MentorshipProfile,
    /// What a pair writes for themselves: goals, milestones, session topics, private notes.
    MentorshipPair,
    /// The name a participant chose to show on their certificate.
    CertificateName,
    /// A safeguarding case: the concern, who reported it, and the lead's notes.
    Safeguarding,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::PersonEmail => b"person.email",
            Self::InvitationEmail => b"invitation.email",
            Self::TotpSecret => b"person.totp",
            Self::OutboxRecipient => b"outbox.recipient",
            Self::OutboxParams => b"outbox.params",
            Self::RecoveryCode => b"person.recovery_code",
            Self::CommentAuthor => b"comment.author",
            Self::ConsentHolder => b"consent.holder",
            Self::Pseudonym => b"comment.pseudonym",
            Self::OutboxKey => b"outbox.key",
            Self::DraftSlot => b"comment.draft_slot",
            Self::ClaimText => b"claim.text",
            Self::Receipt => b"claim.receipt",
            Self::PayeeAccount => b"payee.account",
            Self::DebtorAccount => b"council.debtor_account",
            Self::MeetingText => b"meeting.text",
            Self::MentorshipProfile => b"mentorship.profile",
            Self::MentorshipPair => b"mentorship.pair",
            Self::CertificateName => b"mentorship.certificate_name",
            Self::Safeguarding => b"safeguarding.case",
        }
    }
}

/// One 256-bit key with its derived subkeys.
#[derive(Clone)]
struct Key {
    id: String,
    cipher: Aes256Gcm,
    lookup: [u8; 32],
}

impl Key {
    fn new(master: &[u8; 32]) -> Self {
        // Separate subkeys per use, so the encryption key never doubles as a MAC key.
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("any key length");
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let id_bytes = derive(b"roundtable key id v1");
        let id = id_bytes[..4].iter().map(|b| format!("{b:02x}")).collect();
        let enc = derive(b"roundtable field encryption v1");
        Self {
            id,
            cipher: Aes256Gcm::new(&enc.into()),
            lookup: derive(b"roundtable lookup hash v1"),
        }
    }
}

/// The keys of this deployment: the first encrypts, all decrypt.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<Key>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

impl Keyring {
    /// A keyring from raw keys, the current key first.
    ///
    /// # Panics
    /// If `keys` is empty (the server's configuration always provides one).
    pub fn new(keys: &[[u8; 32]]) -> Self {
        assert!(!keys.is_empty(), "a keyring needs at least one key");
        Self {
            keys: keys.iter().map(Key::new).collect(),
        }
    }

    /// The id of the key new values are sealed with.
    pub fn current_key_id(&self) -> &str {
        &self.keys[0].id
    }

    /// Encrypts `plain` for `purpose` with the current key.
    pub fn seal(&self, purpose: Purpose, plain: &str) -> String {
        let key = &self.keys[0];
        let nonce_bytes: [u8; 12] = rand::random();
        let sealed = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plain.as_bytes(),
                    aad: purpose.label(),
                },
            )
            .expect("AES-GCM encryption does not fail for short inputs");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        format!("v1.{}.{}", key.id, URL_SAFE_NO_PAD.encode(out))
    }

    /// Decrypts a value sealed for `purpose`. A value that is malformed, sealed with an
    /// unknown key or for another purpose is an internal error (logged without the value).
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Result<String, AppError> {
        let fail = |why: &str| {
            tracing::error!(why, purpose = ?purpose, "cannot decrypt a sealed field");
            AppError::Internal
        };
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(fail("not a v1 sealed value"));
        };
        let key = self
            .keys
            .iter()
            .find(|k| k.id == key_id)
            .ok_or_else(|| fail("unknown key id"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| fail("bad base64"))?;
        if bytes.len() < 12 + 16 {
            return Err(fail("too short"));
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.label(),
                },
            )
            .map_err(|_| fail("authentication failed"))?;
        String::from_utf8(plain).map_err(|_| fail("not UTF-8"))
    }

    /// Encrypts bytes (a file) for `purpose` with the current key: `v1.<key id>.` then the
    /// nonce and the ciphertext, raw.
    pub fn seal_bytes(&self, purpose: Purpose, plain: &[u8]) -> Vec<u8> {
        let key = &self.keys[0];
        let nonce_bytes: [u8; 12] = rand::random();
        let sealed = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plain,
                    aad: purpose.label(),
                },
            )
            .expect("AES-GCM encryption does not fail below 64 GiB");
        let mut out = format!("v1.{}.", key.id).into_bytes();
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts bytes sealed with [`Keyring::seal_bytes`] for `purpose`.
    pub fn open_bytes(&self, purpose: Purpose, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        let fail = |why: &str| {
            tracing::error!(why, purpose = ?purpose, "cannot decrypt a sealed file");
            AppError::Internal
        };
        let rest = sealed
            .strip_prefix(b"v1.")
            .ok_or_else(|| fail("not a v1 sealed file"))?;
        let dot = rest
            .iter()
            .position(|b| *b == b'.')
            .ok_or_else(|| fail("no key id"))?;
        let (key_id, body) = (&rest[..dot], &rest[dot + 1..]);
        let key = self
            .keys
            .iter()
            .find(|k| k.id.as_bytes() == key_id)
            .ok_or_else(|| fail("unknown key id"))?;
        if body.len() < 12 + 16 {
            return Err(fail("too short"));
        }
        let (nonce, ciphertext) = body.split_at(12);
        key.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.label(),
                },
            )
            .map_err(|_| fail("authentication failed"))
    }

    /// The lookup hash of `value` under the current key (hex).
    pub fn lookup_hash(&self, purpose: Purpose, value: &str) -> String {
        lookup_with(&self.keys[0], purpose, value)
    }

    /// The lookup hashes of `value` under every key, current first: search with all of them.
    pub fn lookup_hashes(&self, purpose: Purpose, value: &str) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| lookup_with(k, purpose, value))
            .collect()
    }
}

fn lookup_with(key: &Key, purpose: Purpose, value: &str) -> String {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(&key.lookup).expect("any key length");
    mac.update(purpose.label());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// A fresh 256-bit random token, URL-safe (43 characters).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token (hex): what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two strings in constant time (for secrets).
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_purpose() {
        let ring = Keyring::new(&[[7u8; 32]]);
        let sealed = ring.seal(Purpose::PersonEmail, "ana@example.org");
        assert!(!sealed.contains("ana"));
        assert!(sealed.starts_with(&format!("v1.{}.", ring.current_key_id())));
        assert_eq!(
            ring.open(Purpose::PersonEmail, &sealed).expect("opens"),
            "ana@example.org"
        );
        assert!(ring.open(Purpose::InvitationEmail, &sealed).is_err());
        // Same input, new nonce: ciphertexts differ.
        assert_ne!(sealed, ring.seal(Purpose::PersonEmail, "ana@example.org"));
    }

    #[test]
    fn sealed_files_open_only_for_their_purpose_and_key() {
        let ring = Keyring::new(&[[7u8; 32]]);
        let file = b"%PDF-1.4 receipt for a train ticket".to_vec();
        let sealed = ring.seal_bytes(Purpose::Receipt, &file);
        assert!(!sealed.windows(5).any(|w| w == b"train"));
        assert_eq!(
            ring.open_bytes(Purpose::Receipt, &sealed).expect("opens"),
            file
        );
        assert!(ring.open_bytes(Purpose::ClaimText, &sealed).is_err());
        let rotated = Keyring::new(&[[8u8; 32], [7u8; 32]]);
        assert_eq!(
            rotated
                .open_bytes(Purpose::Receipt, &sealed)
                .expect("old key"),
            file
        );
        assert!(
            Keyring::new(&[[9u8; 32]])
                .open_bytes(Purpose::Receipt, &sealed)
                .is_err()
        );
        assert!(ring.open_bytes(Purpose::Receipt, b"v1.x").is_err());
    }

    #[test]
    fn rotated_keys_still_decrypt_and_find() {
        let old = Keyring::new(&[[1u8; 32]]);
        let sealed = old.seal(Purpose::PersonEmail, "a@b.org");
        let old_hash = old.lookup_hash(Purpose::PersonEmail, "a@b.org");
        let new = Keyring::new(&[[2u8; 32], [1u8; 32]]);
        assert_eq!(
            new.open(Purpose::PersonEmail, &sealed).expect("old key"),
            "a@b.org"
        );
        assert!(
            new.lookup_hashes(Purpose::PersonEmail, "a@b.org")
                .contains(&old_hash)
        );
        assert_ne!(new.current_key_id(), old.current_key_id());
        let unknown = Keyring::new(&[[3u8; 32]]);
        assert!(unknown.open(Purpose::PersonEmail, &sealed).is_err());
    }

    #[test]
    fn tampered_values_are_refused() {
        let ring = Keyring::new(&[[9u8; 32]]);
        let mut sealed = ring.seal(Purpose::TotpSecret, "secret");
        // Change the last character for sure (the nonce is random, so it may be an 'A').
        let last = sealed.pop();
        sealed.push(if last == Some('A') { 'B' } else { 'A' });
        assert!(ring.open(Purpose::TotpSecret, &sealed).is_err());
        assert!(ring.open(Purpose::TotpSecret, "garbage").is_err());
    }

    #[test]
    fn tokens_are_long_and_hashed() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(new_token(), token);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
    }
}
