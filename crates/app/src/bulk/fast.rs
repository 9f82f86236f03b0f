//! A fast hasher for the loader's own maps (short keys it made itself, not
//! chosen by an attacker to collide: a file's column names and ID numbers,
//! whose duplicates are refused anyway). The default SipHash was a sixth of
//! a national load's time in the duplicate-ID check.

use std::hash::{BuildHasherDefault, Hasher};

/// The multiply-rotate hash of rustc (FxHash).
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fx {
    #[inline]
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(SEED);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FxBuild = BuildHasherDefault<Fx>;
pub(super) type FxMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
pub(super) type FxSet<K> = std::collections::HashSet<K, FxBuild>;

/// An ID number (9 or 12 digits, checked) as one integer: its value and
/// its length, so that `000000001` and `000000000001` stay apart.
pub(super) fn id_key(digits: &str) -> u64 {
    digits
        .bytes()
        .fold(0u64, |v, b| {
            v.wrapping_mul(10).wrapping_add(u64::from(b - b'0'))
        })
        .wrapping_mul(16)
        .wrapping_add(digits.len() as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn id_keys_keep_lengths_and_values_apart() {
        use super::id_key;
        assert_ne!(id_key("000000001"), id_key("000000000001"));
        assert_ne!(id_key("123456789"), id_key("123456788"));
        assert_eq!(id_key("079123456789"), id_key("079123456789"));
        let mut s = super::FxSet::default();
        assert!(s.insert(id_key("001234567")));
        assert!(!s.insert(id_key("001234567")));
    }
}
