//! DefectDojo's findings JSON over any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::defectdojo;
use mieruka_connectors::vulns::{self, Severity};

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let o = vulns::Options {
            strict,
            threads: 1,
            ..vulns::Options::default()
        };
        if let Ok(r) = defectdojo::analyse(data, "fuzz.json", &o) {
            let _ = r.figures(Severity::High);
        }
    }
});
