//! The board report's narrative as it is read: the strategy story from TOML (`mieruka report
//! story set`) and every part from JSON (API bodies and what the store keeps), validated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieruka_domain::report::narrative::{Ask, Checklist, KpiWording, Story};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(story) = toml::from_str::<Story>(text) {
        let _ = story.validate();
    }
    if let Ok(story) = serde_json::from_str::<Story>(text) {
        let _ = story.validate();
    }
    if let Ok(ask) = serde_json::from_str::<Ask>(text) {
        let _ = ask.validate();
    }
    if let Ok(list) = serde_json::from_str::<Checklist>(text) {
        let _ = list.validate();
    }
    if let Ok(wording) = serde_json::from_str::<KpiWording>(text) {
        let _ = wording.validate();
    }
});
