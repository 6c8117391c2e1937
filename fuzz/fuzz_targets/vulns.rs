//! The generic vulnerability CSV connector over any bytes, lenient and strict, on one and on
//! several threads (the file is split at line boundaries).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::vulns::{self, Severity};

fuzz_target!(|data: &[u8]| {
    for (strict, threads) in [(false, 1), (true, 1), (false, 3)] {
        let o = vulns::Options {
            strict,
            threads,
            ..vulns::Options::default()
        };
        if let Ok(r) = vulns::analyse_reader(data, "fuzz.csv", &o) {
            let _ = r.figures(Severity::Critical);
        }
    }
});
