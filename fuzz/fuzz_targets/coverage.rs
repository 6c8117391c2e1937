//! EDR coverage: an agent list against an inventory, both from the bytes (split at the first
//! NUL byte, or the same bytes for both).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_connectors::{ColumnMap, assets, coverage};

fuzz_target!(|data: &[u8]| {
    let (agents, inventory) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    for strict in [false, true] {
        let mut o = assets::Options::new(1_790_000_000);
        o.strict = strict;
        let _ = coverage::analyse(
            agents,
            "agents.csv",
            inventory,
            "inventory.csv",
            &o,
            &ColumnMap::default(),
        );
    }
});
