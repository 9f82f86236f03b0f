//! The spreadsheet importer's reader (CSV and XLSX) on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The same bytes as a CSV upload and as an XLSX upload.
    ranks_app::import::fuzz_read(data, "upload.csv");
    ranks_app::import::fuzz_read(data, "upload.xlsx");
});
