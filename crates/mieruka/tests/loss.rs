//! `mieruka loss`: the demo reproduces Fig. 2 of the report, plans move the money, and the
//! inputs are validated and kept as revisions.

use serde_json::Value;

mod common;

use common::Env;

fn amount(b: &Value, key: &str) -> f64 {
    b["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("{key}"))["amount_yen"]
        .as_f64()
        .unwrap()
}

#[test]
fn the_demo_gives_figure_2_now_and_after() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let v: Value = serde_json::from_str(&env.ok(&[
        "loss",
        "--org",
        "demo",
        "--as-of",
        "2026-11-26",
        "--json",
    ]))
    .unwrap();
    let oku = 1e8;
    let close = |a: f64, b: f64| (a - b).abs() / b < 0.001;
    for (key, now, after) in [
        ("theft", 80.0, 40.0),
        ("interruption", 20.0, 16.0),
        ("fine", 40.0, 40.0),
        ("response", 1.0, 0.6),
    ] {
        let (n, a) = (amount(&v["now"], key), amount(&v["after"], key));
        assert!(close(n, now * oku), "{key} now {n}");
        assert!(close(a, after * oku), "{key} after {a}");
    }
    let total_now = v["now"]["total_yen"].as_f64().unwrap();
    let total_after = v["after"]["total_yen"].as_f64().unwrap();
    assert!(
        close(total_now, 141.0 * oku) && close(total_after, 96.6 * oku),
        "{total_now} {total_after}"
    );
    let today = v["today"]["total_yen"].as_f64().unwrap();
    assert!(
        today < total_now && today > total_after,
        "plans part-way move the money part-way: {today}"
    );
    // Every figure explains itself.
    for c in v["now"]["categories"].as_array().unwrap() {
        assert!(
            c["formula"]["ja"].is_string()
                && c["source"]["en"].is_string()
                && !c["terms"].as_array().unwrap().is_empty(),
            "{c}"
        );
    }
    assert_eq!(v["now"]["indirect"].as_array().unwrap().len(), 2);
    let plans = v["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 4, "the four Fig. 9 plans move the model");
    let text = env.ok(&["loss", "--org", "demo", "--as-of", "2026-11-26"]);
    assert!(
        text.contains("141億円") && text.contains("97億円") && text.contains("① 情報盗難"),
        "{text}"
    );
}

#[test]
fn inputs_round_trip_are_validated_and_move_the_figures() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let toml = env.ok(&["loss", "inputs", "--org", "demo"]);
    assert!(toml.contains("people_held = 1333334"), "{toml}");
    let file = env.home.path().join("loss.toml");
    std::fs::write(
        &file,
        toml.replace("outage_days = 5.0", "outage_days = 10.0"),
    )
    .unwrap();
    env.ok(&[
        "loss",
        "set",
        "--org",
        "demo",
        file.to_str().unwrap(),
        "--reason",
        "BCP 見直し",
    ]);
    let v: Value = serde_json::from_str(&env.ok(&["loss", "--org", "demo", "--json"])).unwrap();
    assert!((amount(&v["now"], "interruption") - 40.0e8).abs() < 1.0);
    assert_eq!(v["inputs_revision"], 2);

    std::fs::write(
        &file,
        toml.replace("identifiability = 6.0", "identifiability = 9.0"),
    )
    .unwrap();
    env.fails(
        &["loss", "set", "--org", "demo", file.to_str().unwrap()],
        "identifiability",
    );
    std::fs::write(
        &file,
        toml.replace("people_held = 1333334", "people_held = -5"),
    )
    .unwrap();
    env.fails(
        &["loss", "set", "--org", "demo", file.to_str().unwrap()],
        "people_held",
    );
    env.fails(
        &["loss", "--org", "nobody"],
        "organisation `nobody` was not found",
    );
    env.ok(&["org", "create", "fresh", "--name", "新会社"]);
    env.fails(&["loss", "--org", "fresh"], "no loss inputs yet");
}

#[test]
fn a_plan_with_an_effect_is_worth_money() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    env.fails(
        &[
            "plan",
            "create",
            "--org",
            "demo",
            "--period",
            "FY2026-H2",
            "--kpi",
            "1.1.2",
            "--units",
            "security",
            "--purpose",
            "p",
            "--effect",
            "identifiability=9",
        ],
        "identifiability",
    );
    let out = env.ok(&[
        "plan",
        "create",
        "--org",
        "demo",
        "--period",
        "FY2026-H2",
        "--kpi",
        "1.1.2",
        "--units",
        "security",
        "--purpose",
        "p",
        "--effect",
        "response_cost_factor=0.9",
        "--json",
    ]);
    let id = serde_json::from_str::<Value>(&out).unwrap()["id"].to_string();
    let v: Value = serde_json::from_str(&env.ok(&["loss", "--org", "demo", "--json"])).unwrap();
    let p = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan"].to_string().as_str() == id)
        .unwrap()
        .clone();
    assert!(p["reduction_at_target_yen"].as_f64().unwrap() > 0.0);
    assert_eq!(
        p["reduction_today_yen"], 0.0,
        "no measurement yet: no effect yet"
    );
}
