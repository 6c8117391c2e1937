//! The loss model's inputs as a TOML file (`mieruka loss --inputs`), parsed and validated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_domain::loss::LossInputs;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(inputs) = toml::from_str::<LossInputs>(text) {
        let _ = inputs.validate();
    }
    if let Ok(inputs) = serde_json::from_str::<LossInputs>(text) {
        let _ = inputs.validate();
    }
});
