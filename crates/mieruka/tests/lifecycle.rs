//! Running a period by KPIs from the command line: organisations and units, recommendations,
//! plans with revisions and agreement, measurements with their validation, and status.

mod common;

use common::Env;

#[test]
fn demo_status_for_the_current_half_has_every_field_and_a_story() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let status = env.json(&["status", "--org", "demo", "--as-of", "2026-11-26", "--json"]);
    assert_eq!(
        status["period"], "FY2026-H2",
        "the default period is the half containing the date"
    );
    let plans = status["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 5);
    for p in plans {
        for key in [
            "kpi_id",
            "target",
            "actual",
            "achievement",
            "status",
            "units",
        ] {
            assert!(p.get(key).is_some(), "{key} missing: {p}");
        }
        for u in p["units"].as_array().unwrap() {
            for key in ["unit", "target", "actual", "achievement", "status"] {
                assert!(u.get(key).is_some(), "{key} missing in unit: {u}");
            }
        }
    }
    let by_kpi = |id: &str| {
        plans
            .iter()
            .find(|p| p["kpi_id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let exercise = by_kpi("1.10.2");
    let units: Vec<&str> = exercise["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["security", "manufacturing", "support"]);
    assert_eq!(by_kpi("1.1.1")["status"], "achieved");
    assert_eq!(by_kpi("1.2.2")["status"], "on_track");
    assert_eq!(exercise["status"], "behind");
    assert_eq!(by_kpi("own.pc-monitoring")["status"], "off_track");
    // The previous half's inventory plan gives the change.
    let change = by_kpi("1.1.1")["change_from_previous_period"]
        .as_f64()
        .unwrap();
    assert!(change > 0.0, "{change}");
    // Roll-up adds numerators and denominators: the exercise's actual is the mean of three
    // departments with equal plans, which here is the same as the sum of parts over the sum of plans.
    let unit_actuals: Vec<f64> = exercise["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["actual"].as_f64().unwrap())
        .collect();
    let overall = exercise["actual"].as_f64().unwrap();
    assert!(
        (overall - unit_actuals.iter().sum::<f64>() / 3.0).abs() < 1e-9,
        "{overall} vs {unit_actuals:?}"
    );

    let text = env.ok(&["status", "--org", "demo", "--as-of", "2026-11-26"]);
    assert!(
        text.contains("達成") && text.contains("遅れ") && text.contains("製造部門"),
        "{text}"
    );
}

#[test]
fn demo_status_today_lists_the_plans() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve"]);
    let status = env.json(&["status", "--org", "demo", "--json"]);
    assert_eq!(status["plans"].as_array().unwrap().len(), 5);
}

#[test]
fn organisations_units_and_maturity() {
    let env = Env::new();
    env.ok(&[
        "org",
        "create",
        "acme",
        "--name",
        "アクメ商事",
        "--maturity",
        "initial",
    ]);
    env.fails(
        &["org", "create", "acme", "--name", "again"],
        "already exists",
    );
    env.fails(
        &["org", "create", "Acme", "--name", "x"],
        "organisation code",
    );
    env.fails(
        &[
            "org",
            "create",
            "beta",
            "--name",
            "x",
            "--fiscal-start-month",
            "13",
        ],
        "13",
    );
    env.ok(&[
        "unit",
        "add",
        "--org",
        "acme",
        "hq",
        "--name",
        "本社",
        "--kind",
        "company",
        "--employees",
        "500",
        "--revenue",
        "5000000000",
    ]);
    env.ok(&[
        "unit",
        "add",
        "--org",
        "acme",
        "it",
        "--name",
        "情報システム部",
        "--kind",
        "department",
        "--parent",
        "hq",
    ]);
    env.ok(&[
        "unit",
        "add",
        "--org",
        "acme",
        "sg",
        "--name",
        "シンガポール法人",
        "--kind",
        "overseas_subsidiary",
        "--parent",
        "hq",
    ]);
    env.fails(
        &[
            "unit",
            "add",
            "--org",
            "acme",
            "x",
            "--name",
            "x",
            "--kind",
            "department",
            "--parent",
            "nowhere",
        ],
        "--parent",
    );
    env.fails(
        &[
            "unit", "add", "--org", "acme", "y", "--name", "y", "--kind", "team",
        ],
        "unit kind",
    );
    env.fails(
        &[
            "unit",
            "add",
            "--org",
            "acme",
            "z",
            "--name",
            "z",
            "--kind",
            "department",
            "--employees",
            "-3",
        ],
        "employees",
    );
    env.fails(
        &["unit", "list", "--org", "nobody"],
        "organisation `nobody` was not found",
    );
    env.ok(&["org", "set-maturity", "acme", "improving"]);
    env.ok(&["org", "set-maturity", "acme", "optimising", "--unit", "sg"]);
    let org = env.json(&["org", "show", "acme", "--json"]);
    assert_eq!(org["maturity"], "improving");
    let units = org["units"].as_array().unwrap();
    assert_eq!(units.len(), 3);
    assert_eq!(units[0]["facts"]["employees"], 500);
    assert_eq!(units[2]["maturity"], "optimising");
    assert_eq!(units[1]["parent"], units[0]["id"]);
    let tree = env.ok(&["unit", "list", "--org", "acme"]);
    assert!(
        tree.contains("  hq 本社") && tree.contains("    it 情報システム部"),
        "{tree}"
    );
}

fn setup_acme(env: &Env, maturity: &str) {
    env.ok(&[
        "org",
        "create",
        "acme",
        "--name",
        "アクメ",
        "--maturity",
        maturity,
    ]);
    for (code, kind) in [
        ("hq", "company"),
        ("it", "department"),
        ("sales", "department"),
    ] {
        env.ok(&[
            "unit", "add", "--org", "acme", code, "--name", code, "--kind", kind,
        ]);
    }
}

fn create_plan(env: &Env, kpi: &str, extra: &[&str]) -> i64 {
    let mut args = vec![
        "plan",
        "create",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--kpi",
        kpi,
        "--purpose",
        "被害を減らす",
        "--units",
        "it,sales",
        "--json",
    ];
    args.extend_from_slice(extra);
    env.json(&args)["id"].as_i64().unwrap()
}

#[test]
fn of_four_agreements_at_once_exactly_one_is_recorded() {
    let env = Env::new();
    setup_acme(&env, "improving");
    let id = create_plan(&env, "1.1.1", &[]).to_string();
    let children: Vec<_> = (0..4)
        .map(|i| {
            let by = format!("役員{i}");
            env.command(&["plan", "agree", &id, "--by", &by, "--lang", "en"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let agreed = outputs.iter().filter(|o| o.status.success()).count();
    assert_eq!(agreed, 1, "exactly one agreement succeeds");
    for out in outputs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("is agreed, not a draft"),
            "a refused agreement names the plan's state: {err}"
        );
    }
    let plan = env.json(&["plan", "show", &id, "--json"]);
    assert_eq!(plan["state"], "agreed");
    assert_eq!(
        plan["revisions"].as_array().unwrap().len(),
        2,
        "one revision for the creation, one for the agreement"
    );
}

#[test]
fn recommendations_follow_the_stage_and_warn_without_blocking() {
    let env = Env::new();
    setup_acme(&env, "initial");
    let rec = env.json(&[
        "recommend",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--json",
    ]);
    assert_eq!(rec["stages"], serde_json::json!(["initial"]));
    for g in rec["groups"].as_array().unwrap() {
        for k in g["kpis"].as_array().unwrap() {
            assert_eq!(k["maturity"], "initial", "{k}");
        }
    }
    assert_eq!(rec["advice"], "room_for_more");
    for kpi in ["1.1.1", "1.1.2", "1.1.3", "1.3.1"] {
        create_plan(&env, kpi, &[]);
    }
    let rec = env.json(&[
        "recommend",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--json",
    ]);
    assert_eq!(
        (rec["chosen"].as_i64(), rec["advice"].as_str()),
        (Some(4), Some("above_stage"))
    );
    let text = env.ok(&["recommend", "--org", "acme", "--period", "FY2026-H2"]);
    assert!(text.contains("注意"), "{text}");
}

#[test]
fn plans_keep_every_revision_and_record_agreement() {
    let env = Env::new();
    setup_acme(&env, "improving");
    let id = create_plan(
        &env,
        "1.1.1",
        &["--deadline", "2027-03-31", "--reduces", "theft"],
    )
    .to_string();
    let plan = env.json(&["plan", "show", &id, "--json"]);
    assert_eq!(
        plan["content"]["targets"][0]["value"], 95.0,
        "the catalogue's target is the default"
    );
    assert_eq!(plan["state"], "draft");
    env.fails(&["plan", "revise", &id, "--target", "98"], "--reason");
    env.ok(&[
        "plan",
        "revise",
        &id,
        "--target",
        "98",
        "--reason",
        "監査指摘を受けて引き上げ",
    ]);
    env.fails(
        &["plan", "revise", &id, "--target", "98", "--reason", "again"],
        "nothing to change",
    );
    env.fails(
        &[
            "plan", "revise", &id, "--target", "120", "--reason", "too much",
        ],
        "--target",
    );
    env.ok(&[
        "plan",
        "agree",
        &id,
        "--by",
        "代表取締役",
        "--on",
        "2026-10-05",
    ]);
    let plan = env.json(&["plan", "show", &id, "--json"]);
    assert_eq!(plan["state"], "agreed");
    assert_eq!(plan["content"]["agreement"]["by"], "代表取締役");
    let revisions = plan["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 3);
    assert_eq!(revisions[0]["content"]["targets"][0]["value"], 95.0);
    assert_eq!(revisions[1]["reason"], "監査指摘を受けて引き上げ");
    assert_eq!(revisions[1]["created_by"], "tester");
    env.fails(&["plan", "agree", &id, "--by", "x"], "not a draft");
    env.ok(&["plan", "close", &id]);
    env.fails(
        &["plan", "revise", &id, "--target", "97", "--reason", "late"],
        "closed",
    );

    // Bad plans are refused with the option at fault.
    let base = [
        "plan",
        "create",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--purpose",
        "p",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    env.fails(&with(&["--kpi", "1.1.1"]), "--units");
    env.fails(&with(&["--kpi", "1.1.1", "--units", "it,mars"]), "mars");
    env.fails(&with(&["--kpi", "9.9.9", "--units", "it"]), "--kpi");
    env.fails(&with(&["--kpi", "1.4.2", "--units", "it"]), "--target");
    env.fails(
        &with(&[
            "--kpi",
            "1.1.1",
            "--units",
            "it",
            "--deadline",
            "2026-09-30",
        ]),
        "--deadline",
    );
    env.fails(
        &with(&["--kpi", "1.1.1", "--units", "it", "--period", "FY2026-H3"]),
        "--period",
    );
    env.fails(
        &with(&["--kpi", "1.1.1", "--units", "it", "--month", "2025-01=50"]),
        "--month",
    );
    let list = env.json(&[
        "plan",
        "list",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--json",
    ]);
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "nothing was created by the refused commands"
    );

    // A custom period, named and dated by the organisation.
    let custom = [
        "plan",
        "create",
        "--org",
        "acme",
        "--period",
        "soc-project",
        "--from",
        "2026-11-01",
        "--to",
        "2027-04-30",
    ];
    let custom_plan = |extra: &[&'static str]| -> Vec<&str> {
        custom
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect()
    };
    env.ok(&custom_plan(&[
        "--kpi",
        "1.1.2",
        "--units",
        "it",
        "--purpose",
        "p",
    ]));
    env.fails(
        &[
            "plan",
            "create",
            "--org",
            "acme",
            "--period",
            "bad",
            "--from",
            "2027-01-01",
            "--to",
            "2026-01-01",
            "--kpi",
            "1.1.2",
            "--units",
            "it",
            "--purpose",
            "p",
        ],
        "before it starts",
    );
    let status = env.json(&[
        "status",
        "--org",
        "acme",
        "--period",
        "soc-project",
        "--as-of",
        "2026-12-01",
        "--json",
    ]);
    assert_eq!(
        (
            status["period_start"].as_str(),
            status["plans"].as_array().unwrap().len()
        ),
        (Some("2026-11-01"), 1)
    );
}

#[test]
fn measurements_are_validated_corrected_and_rolled_up() {
    let env = Env::new();
    setup_acme(&env, "optimising");
    let ratio = create_plan(&env, "1.1.1", &[]).to_string();
    let m = |unit: &str, date: &str, n: &str, d: &str| {
        vec![
            "measure",
            "add",
            "--plan",
            &ratio,
            "--unit",
            unit,
            "--date",
            date,
            "--numerator",
            n,
            "--denominator",
            d,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| env.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let fail = |args: Vec<String>, needle: &str| {
        env.fails(&args.iter().map(String::as_str).collect::<Vec<_>>(), needle)
    };
    run(m("it", "2026-10-31", "90", "100"));
    run(m("sales", "2026-10-31", "1", "10"));
    fail(m("it", "2026-11-30", "5", "0"), "--denominator");
    fail(m("it", "2026-11-30", "11", "10"), "100%");
    fail(m("hq", "2026-11-30", "1", "10"), "not in the plan's scope");
    fail(m("it", "2027-04-01", "1", "10"), "outside the period");
    fail(m("it", "2026-13-01", "1", "10"), "--date");
    fail(
        m("nowhere", "2026-11-30", "1", "10"),
        "not in the plan's scope",
    );

    // 90/100 and 1/10 roll up to 91/110 — not the mean of 90% and 10%.
    let status = env.json(&[
        "status",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--as-of",
        "2026-11-01",
        "--json",
    ]);
    let actual = status["plans"][0]["actual"].as_f64().unwrap();
    assert!((actual - 100.0 * 91.0 / 110.0).abs() < 1e-9, "{actual}");

    // A correction supersedes; the history keeps both.
    let list = env.json(&["measure", "list", "--plan", &ratio, "--json"]);
    let sales = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit"] == "sales")
        .unwrap()["id"]
        .to_string();
    env.ok(&[
        "measure",
        "correct",
        &sales,
        "--numerator",
        "8",
        "--denominator",
        "10",
    ]);
    env.fails(
        &[
            "measure",
            "correct",
            &sales,
            "--numerator",
            "9",
            "--denominator",
            "10",
        ],
        "already exists",
    );
    let current = env.json(&["measure", "list", "--plan", &ratio, "--json"]);
    assert_eq!(current.as_array().unwrap().len(), 2);
    let history = env.json(&["measure", "list", "--plan", &ratio, "--history", "--json"]);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().any(|x| x["superseded_by"].is_number()));
    let status = env.json(&[
        "status",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--as-of",
        "2026-11-01",
        "--json",
    ]);
    let actual = status["plans"][0]["actual"].as_f64().unwrap();
    assert!((actual - 100.0 * 98.0 / 110.0).abs() < 1e-9, "{actual}");

    // Mean durations: from events, lower is better, no negative durations.
    let mttd = create_plan(&env, "1.11.1", &["--target", "24"]).to_string();
    env.ok(&[
        "measure",
        "add",
        "--plan",
        &mttd,
        "--unit",
        "it",
        "--date",
        "2026-11-15",
        "--event",
        "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z/5",
        "--event",
        "2026-11-03T00:00:00Z/2026-11-05T00:00:00Z/7",
    ]);
    env.fails(
        &[
            "measure",
            "add",
            "--plan",
            &mttd,
            "--unit",
            "it",
            "--date",
            "2026-11-15",
            "--event",
            "2026-11-05T00:00:00Z/2026-11-03T00:00:00Z",
        ],
        "ends before it starts",
    );
    env.fails(
        &[
            "measure",
            "add",
            "--plan",
            &mttd,
            "--unit",
            "it",
            "--date",
            "2026-11-15",
            "--mean-hours",
            "-4",
        ],
        "--mean-hours",
    );
    let status = env.json(&[
        "status",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--as-of",
        "2026-11-16",
        "--json",
    ]);
    let p = status["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kpi_id"] == "1.11.1")
        .unwrap()
        .clone();
    assert_eq!(p["actual"], 36.0, "mean of 24 h and 48 h");
    assert_eq!(p["direction"], "lower_is_better");
    assert!((p["achievement"].as_f64().unwrap() - 24.0 / 36.0).abs() < 1e-9);

    // A compound KPI is measured and judged per part.
    let staff = create_plan(&env, "1.4.1", &[]).to_string();
    for (part, n, d) in [
        ("per_it_staff", "6", "100"),
        ("per_all_employees", "6", "3000"),
    ] {
        env.ok(&[
            "measure",
            "add",
            "--plan",
            &staff,
            "--unit",
            "it",
            "--date",
            "2026-11-20",
            "--part",
            part,
            "--numerator",
            n,
            "--denominator",
            d,
        ]);
    }
    env.fails(
        &[
            "measure",
            "add",
            "--plan",
            &staff,
            "--unit",
            "it",
            "--numerator",
            "1",
            "--denominator",
            "2",
        ],
        "--part",
    );
    let status = env.json(&[
        "status",
        "--org",
        "acme",
        "--period",
        "FY2026-H2",
        "--as-of",
        "2026-11-21",
        "--json",
    ]);
    let p = status["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kpi_id"] == "1.4.1")
        .unwrap()
        .clone();
    let parts = p["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["status"], "achieved", "6% of IT staff meets 5%");
    assert_ne!(
        parts[1]["status"], "achieved",
        "0.2% of employees misses 0.25%"
    );
    assert!(p["target"].is_null());
}

#[test]
fn own_kpis_are_validated_like_the_catalogue() {
    let env = Env::new();
    setup_acme(&env, "improving");
    let good = env.home().join("own.toml");
    std::fs::write(
        &good,
        r#"id = "own.soc"
name = { ja = "SOC導入プロジェクト進捗率", en = "SOC rollout progress" }
measure_kind = "organisation"
maturity = "improving"
direction = "higher_is_better"
measure_type = "implementation"
frequency = "monthly"
formula = { kind = "progress", actual = { ja = "実績値", en = "Actual" }, plan = { ja = "計画値", en = "Plan" } }
targets = [{ rule = "at_least", value = 100, unit = "percent" }]
"#,
    )
    .unwrap();
    env.ok(&["kpi", "add", "--org", "acme", good.to_str().unwrap()]);
    let kpis = env.json(&["kpi", "list", "--org", "acme", "--json"]);
    assert!(
        kpis.as_array()
            .unwrap()
            .iter()
            .any(|k| k["id"] == "own.soc" && k["source"] == "own")
    );
    env.fails(
        &["kpi", "add", "--org", "acme", good.to_str().unwrap()],
        "already exists",
    );
    let bad = env.home().join("bad.toml");
    let text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("own.soc", "own.bad")
        .replace("ja = \"SOC導入プロジェクト進捗率\", ", "");
    std::fs::write(&bad, text).unwrap();
    env.fails(
        &["kpi", "add", "--org", "acme", bad.to_str().unwrap()],
        "name.ja",
    );
    // An organisation's own KPI cannot pass itself off as one of the JCIC catalogue's.
    let claimed = env.home().join("claimed.toml");
    let text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("own.soc", "own.claimed");
    std::fs::write(&claimed, format!("source = \"appendix\"\n{text}")).unwrap();
    env.fails(
        &["kpi", "add", "--org", "acme", claimed.to_str().unwrap()],
        "source `own`",
    );
    create_plan(&env, "own.soc", &[]);
}

#[test]
fn an_organisation_counts_zone_less_times_in_its_time_zone() {
    let env = Env::new();
    env.ok(&["org", "create", "acme", "--name", "アクメ商事"]);
    let org = env.json(&["org", "show", "acme", "--json"]);
    assert_eq!(org["time_zone"], "Asia/Tokyo", "the default: {org}");
    env.fails(
        &[
            "org",
            "create",
            "beta",
            "--name",
            "x",
            "--time-zone",
            "Mars/Olympus",
        ],
        "--time-zone: `Mars/Olympus` is not a time zone",
    );
    env.ok(&[
        "org",
        "create",
        "gamma",
        "--name",
        "y",
        "--time-zone",
        "europe/london",
    ]);
    let org = env.json(&["org", "show", "gamma", "--json"]);
    assert_eq!(org["time_zone"], "Europe/London");
    let said = env.ok(&["org", "set-time-zone", "acme", "UTC"]);
    assert!(said.contains("UTC"), "{said}");
    let shown = env.ok(&["org", "show", "acme"]);
    assert!(shown.contains("タイムゾーン: UTC"), "{shown}");
    env.fails(&["org", "set-time-zone", "acme", "JST"], "IANA");
    let org = env.json(&["org", "show", "acme", "--json"]);
    assert_eq!(org["time_zone"], "UTC", "a refused zone changes nothing");
}
