//! The bulk loader's CSV reader on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ranks_app::bulk::fuzz_csv(data);
});
