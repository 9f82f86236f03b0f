//! SplitMix64: small, fast, and the same sequence on every machine — for
//! the demo, the synthetic national data and the benchmark's picks, which
//! must be reproducible from a seed.

/// Advances `state` and returns the next number of the sequence.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_published_sequence() {
        // The reference values of SplitMix64 from seed 1234567.
        let mut s = 1234567u64;
        let got: Vec<u64> = (0..3).map(|_| super::splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423
            ]
        );
    }
}
