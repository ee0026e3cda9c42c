//! Near-identical texts: a MinHash signature of a comment's word shingles, and bands of it
//! for finding candidates (locality-sensitive hashing).
//!
//! The text is normalised first (letters and digits only, lower case, words split at
//! anything else), so punctuation, case and spacing do not tell two campaign comments apart.
//! Two texts' signatures agree in about as many places as their sets of three-word shingles
//! overlap (their Jaccard similarity). Comments whose estimated similarity reaches
//! [`THRESHOLD`] are near-identical. xxh3 is the hash: stable across Rust versions and
//! machines, so a signature stored today still compares tomorrow.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Values in a signature.
pub const HASHES: usize = 64;
/// Bands (of [`ROWS`] values each); sharing one band makes two comments candidates.
pub const BANDS: usize = 16;
/// Values per band.
const ROWS: usize = HASHES / BANDS;
/// Words per shingle.
const SHINGLE: usize = 3;
/// The estimated similarity from which two texts count as near-identical.
pub const THRESHOLD: f64 = 0.7;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature([u32; HASHES]);

/// The words of `text`, normalised.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Signature {
    /// The signature of `text`; `None` when it has no words at all.
    pub fn of(text: &str) -> Option<Self> {
        let words = words(text);
        if words.is_empty() {
            return None;
        }
        let shingles: Vec<u64> = if words.len() < SHINGLE {
            vec![xxh3_64(words.join(" ").as_bytes())]
        } else {
            words
                .windows(SHINGLE)
                .map(|w| xxh3_64(w.join(" ").as_bytes()))
                .collect()
        };
        let mut values = [u32::MAX; HASHES];
        for (i, value) in values.iter_mut().enumerate() {
            let seed = i as u64;
            for s in &shingles {
                // Truncation intended: the low half of a 64-bit hash is a good 32-bit hash.
                let h = xxh3_64_with_seed(&s.to_le_bytes(), seed) as u32;
                *value = (*value).min(h);
            }
        }
        Some(Self(values))
    }

    /// The estimated similarity (0 to 1) of two texts.
    pub fn similarity(&self, other: &Self) -> f64 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / HASHES as f64
    }

    /// The band hashes of this signature for texts on `scope` (a section's anchor): texts in
    /// another scope never share a band.
    pub fn bands(&self, scope: &str) -> Vec<i64> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let mut bytes = Vec::with_capacity(scope.len() + 2 + ROWS * 4);
                bytes.extend_from_slice(scope.as_bytes());
                bytes.push(0);
                bytes.push(band as u8);
                for r in rows {
                    bytes.extend_from_slice(&r.to_le_bytes());
                }
                i64::from_le_bytes(xxh3_64(&bytes).to_le_bytes())
            })
            .collect()
    }

    /// The stored form (hex).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// The signature from its stored form.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != HASHES * 8 || !hex.is_ascii() {
            return None;
        }
        let mut values = [0u32; HASHES];
        for (i, value) in values.iter_mut().enumerate() {
            *value = u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).ok()?;
        }
        Some(Self(values))
    }
}

/// The text a comment is compared by: its kind, its proposed wording and its body.
pub fn comparable(kind: &str, proposal: Option<&str>, body: &str) -> String {
    format!("{kind} {} {body}", proposal.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMPAIGN: &str = "We ask the Ministry to remove the obligation to report to the police \
        before any assistance is given. Victims must receive support unconditionally, as Article \
        12 of the Council of Europe Convention requires, and the reflection period of at least \
        thirty days must be respected in every case without exception.";

    fn sig(text: &str) -> Signature {
        Signature::of(text).expect("words")
    }

    #[test]
    fn campaign_comments_with_small_changes_are_near_identical() {
        let a = sig(CAMPAIGN);
        // Case, punctuation and spacing do not count.
        let b = sig(&CAMPAIGN.to_uppercase().replace(',', " ;  "));
        assert_eq!(a, b);
        // A personal sentence added in front.
        let c = sig(&format!("My name is Maria and I support this. {CAMPAIGN}"));
        assert!(a.similarity(&c) >= THRESHOLD, "{}", a.similarity(&c));
        // Shared bands make them candidates.
        let shared = a
            .bands("art-4")
            .iter()
            .zip(c.bands("art-4"))
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0);
    }

    #[test]
    fn different_comments_are_not() {
        let a = sig(CAMPAIGN);
        let d = sig(
            "The definition of exploitation in paragraph 2 leaves out forced criminality, \
            which survivors on this council have seen used against them; please add it and \
            consult the council again on the new wording before the second reading.",
        );
        assert!(a.similarity(&d) < 0.2, "{}", a.similarity(&d));
        assert!(
            a.bands("art-4")
                .iter()
                .zip(d.bands("art-4"))
                .all(|(x, y)| *x != y)
        );
        // The same text on another section shares no band.
        assert!(
            a.bands("art-4")
                .iter()
                .zip(a.bands("art-5"))
                .all(|(x, y)| *x != y)
        );
        // Short texts: identical ones match, others do not.
        assert_eq!(sig("I agree."), sig("i AGREE"));
        assert!(sig("I agree").similarity(&sig("I disagree")) < THRESHOLD);
        assert!(Signature::of(" ... !").is_none());
    }

    #[test]
    fn the_stored_form_reads_back() {
        let a = sig(CAMPAIGN);
        assert_eq!(Signature::from_hex(&a.to_hex()), Some(a.clone()));
        assert_eq!(a.to_hex().len(), HASHES * 8);
        assert!(Signature::from_hex("zz").is_none());
        assert!(Signature::from_hex(&"g".repeat(HASHES * 8)).is_none());
    }
}
