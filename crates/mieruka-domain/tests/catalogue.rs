//! The built-in catalogue holds what the report says, and bad catalogue files are rejected
//! with the file, the entry and the field named.

use mieruka_domain::catalogue::{BUILTIN_TOML, Catalogue};
use mieruka_domain::grid::Grid;
use mieruka_domain::{Direction, Formula, Lang, Maturity, MeasureKind, Source, TargetRule, Unit};

fn builtin() -> Catalogue {
    Catalogue::builtin().unwrap_or_else(|e| panic!("built-in catalogue is invalid:\n{e}"))
}

const APPENDIX: &[(&str, &str, MeasureKind)] = &[
    ("1.1.1", "initial", MeasureKind::Organisation),
    ("1.1.2", "initial", MeasureKind::Organisation),
    ("1.1.3", "initial", MeasureKind::Organisation),
    ("1.1.4", "improving", MeasureKind::Organisation),
    ("1.2.1", "initial", MeasureKind::Compliance),
    ("1.2.2", "improving", MeasureKind::Compliance),
    ("1.3.1", "initial", MeasureKind::Compliance),
    ("1.4.1", "improving", MeasureKind::Organisation),
    ("1.4.2", "improving", MeasureKind::Organisation),
    ("1.5.1", "improving", MeasureKind::Organisation),
    ("1.5.2", "improving", MeasureKind::Organisation),
    ("1.6.1", "improving", MeasureKind::Organisation),
    ("1.6.2", "improving", MeasureKind::Organisation),
    ("1.7.1", "improving", MeasureKind::Assessment),
    ("1.8.1", "improving", MeasureKind::Assessment),
    ("1.8.2", "optimising", MeasureKind::Assessment),
    ("1.9.1", "improving", MeasureKind::Organisation),
    ("1.9.2", "improving", MeasureKind::Organisation),
    ("1.10.1", "optimising", MeasureKind::Education),
    ("1.10.2", "improving", MeasureKind::Education),
    ("1.10.3", "improving", MeasureKind::Education),
    ("1.11.1", "optimising", MeasureKind::Organisation),
    ("1.11.2", "optimising", MeasureKind::Organisation),
    ("1.12.1", "optimising", MeasureKind::Organisation),
    ("1.12.2", "optimising", MeasureKind::Organisation),
    ("1.13.1", "optimising", MeasureKind::InformationSharing),
    ("1.13.2", "optimising", MeasureKind::InformationSharing),
];

#[test]
fn appendix_rows_have_the_reports_stage_kind_and_direction() {
    let cat = builtin();
    let appendix: Vec<_> = cat
        .entries()
        .iter()
        .filter(|d| d.source == Source::Appendix)
        .collect();
    assert_eq!(appendix.len(), 27);
    for &(id, maturity, kind) in APPENDIX {
        let d = cat.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(d.source, Source::Appendix, "{id}");
        assert_eq!(
            d.maturity,
            maturity.parse::<Maturity>().unwrap(),
            "{id} maturity"
        );
        assert_eq!(d.measure_kind, kind, "{id} measure kind");
        let lower = id.starts_with("1.11.") || id.starts_with("1.12.");
        let expected = if lower {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        };
        assert_eq!(d.direction, expected, "{id} direction");
        if lower {
            assert!(
                matches!(d.formula, Formula::MeanDuration { effort: true, .. }),
                "{id}"
            );
        }
    }
}

#[test]
fn appendix_targets_match_the_report() {
    let cat = builtin();
    let at_least = |id: &str| -> Vec<f64> {
        cat.get(id)
            .unwrap()
            .targets
            .iter()
            .map(|t| {
                assert_eq!(t.rule, TargetRule::AtLeast, "{id}");
                assert_eq!(t.unit, Unit::Percent, "{id}");
                t.value.unwrap()
            })
            .collect()
    };
    for (id, v) in [
        ("1.1.1", 95.0),
        ("1.1.2", 95.0),
        ("1.1.3", 95.0),
        ("1.1.4", 90.0),
    ] {
        assert_eq!(at_least(id), [v], "{id}");
    }
    for (id, v) in [("1.2.1", 100.0), ("1.2.2", 100.0), ("1.3.1", 100.0)] {
        assert_eq!(at_least(id), [v], "{id}");
    }
    for (id, v) in [("1.5.1", 7.0), ("1.5.2", 95.0), ("1.6.2", 90.0)] {
        assert_eq!(at_least(id), [v], "{id}");
    }
    for id in ["1.4.2", "1.6.1", "1.7.1"] {
        let t = &cat.get(id).unwrap().targets;
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rule, TargetRule::SetByOrganisation, "{id}");
    }
    for id in ["1.13.1", "1.13.2"] {
        assert_eq!(
            cat.get(id).unwrap().targets[0].rule,
            TargetRule::SetByIndustry,
            "{id}"
        );
    }
}

#[test]
fn staffing_kpi_is_two_ratios_each_with_its_own_target() {
    let cat = builtin();
    let d = cat.get("1.4.1").unwrap();
    let Formula::Compound { parts } = &d.formula else {
        panic!("1.4.1 is compound, got {:?}", d.formula);
    };
    assert_eq!(parts.len(), 2);
    let mut values: Vec<f64> = parts
        .iter()
        .map(|p| {
            let t: Vec<_> = d
                .targets
                .iter()
                .filter(|t| t.part.as_deref() == Some(&p.key))
                .collect();
            assert_eq!(t.len(), 1, "part {}", p.key);
            assert_eq!(p.numerator.ja, "セキュリティ人員");
            t[0].value.unwrap()
        })
        .collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [0.25, 5.0]);
}

#[test]
fn inventory_ratio_uses_the_reports_terms() {
    let cat = builtin();
    let Formula::Ratio {
        numerator,
        denominator,
    } = &cat.get("1.1.1").unwrap().formula
    else {
        panic!("1.1.1 is a ratio");
    };
    assert_eq!(numerator.ja, "棚卸を実施した情報資産数");
    assert_eq!(denominator.ja, "対象とする情報資産数");
}

#[test]
fn grid_only_examples_and_us_federal_entries_are_present() {
    let cat = builtin();
    let names: Vec<&str> = cat.entries().iter().map(|d| d.name.ja.as_str()).collect();
    for name in [
        "セキュリティ教育受講率",
        "標的型メール訓練回数",
        "標的型メール訓練の再テスト開封率",
        "事故対応手順の策定",
        "事故対応手順の全社展開進捗率",
        "標準システムポリシー準拠率",
        "外部委託先監査進捗率",
        "M&A、提携先の評価回数",
    ] {
        let d = cat
            .entries()
            .iter()
            .find(|d| d.name.ja == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(d.source, Source::ModelGrid, "{name}");
        assert_eq!(d.grid_cell, Some(d.cell()), "{name}");
    }
    for name in [
        "第三者ベンチマーク評価",
        "SOCシステム導入プロジェクト進捗率",
        "製品セキュリティレビュー回数",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let examples = cat
        .entries()
        .iter()
        .filter(|d| d.source == Source::Example)
        .count();
    assert_eq!(examples, 11);
    let us: Vec<_> = cat
        .entries()
        .iter()
        .filter(|d| d.source == Source::UsFederal)
        .collect();
    assert_eq!(us.len(), 4);
    let mut us_targets: Vec<f64> = us.iter().map(|d| d.targets[0].value.unwrap()).collect();
    us_targets.sort_by(f64::total_cmp);
    assert_eq!(us_targets, [95.0, 95.0, 95.0, 100.0]);
}

#[test]
fn every_string_in_the_file_is_already_nfkc() {
    use unicode_normalization::UnicodeNormalization;
    for (n, line) in BUILTIN_TOML.lines().enumerate() {
        let nfkc: String = line.nfkc().collect();
        assert_eq!(line, nfkc, "line {} is not NFKC", n + 1);
    }
}

#[test]
fn grid_has_five_rows_of_three_cells_and_places_every_model_kpi() {
    let cat = builtin();
    let model: Vec<_> = cat
        .entries()
        .iter()
        .filter(|d| Grid::model_sources().contains(&d.source))
        .collect();
    let grid = Grid::build(model.iter().copied());
    let rows: Vec<_> = grid.rows().collect();
    assert_eq!(rows.len(), 5);
    let placed: usize = rows
        .iter()
        .map(|(_, cells)| cells.iter().map(|c| c.len()).sum::<usize>())
        .sum();
    assert_eq!(placed, model.len());
    let optimising_sharing = grid.cell(MeasureKind::InformationSharing, Maturity::Optimising);
    let ids: Vec<_> = optimising_sharing.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1.13.1", "1.13.2"]);
}

#[test]
fn definitions_render_for_people_in_both_languages() {
    let cat = builtin();
    let d = cat.get("1.4.1").unwrap();
    let ja = d.describe_targets(Lang::Ja);
    assert!(ja.contains("≥ 5%") && ja.contains("≥ 0.25%"), "{ja}");
    let f = cat.get("1.11.1").unwrap().formula.describe(Lang::En);
    assert!(f.contains("mean time and effort"), "{f}");
}

// --- rejection of bad files -------------------------------------------------------------------

const GOOD_ENTRY: &str = r#"
[[kpi]]
id = "T.1"
source = "own"
name = { ja = "テスト", en = "Test" }
measure_kind = "organisation"
maturity = "initial"
direction = "higher_is_better"
measure_type = "implementation"
frequency = "quarterly"
formula = { kind = "ratio", numerator = { ja = "分子", en = "n" }, denominator = { ja = "分母", en = "d" } }
targets = [{ rule = "at_least", value = 95, unit = "percent" }]
"#;

fn file_with(entries: &[String]) -> String {
    format!("version = 1\n{}", entries.join("\n"))
}

fn rejected(text: &str) -> String {
    match Catalogue::parse_toml("my-kpis.toml", text) {
        Ok(c) => panic!("accepted a bad catalogue of {} entries", c.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_good_entry_is_accepted_and_normalised() {
    let text = file_with(&[GOOD_ENTRY.replace("テスト", " ⾃社テスト ")]);
    let c = Catalogue::parse_toml("my-kpis.toml", &text).unwrap();
    assert_eq!(c.get("T.1").unwrap().name.ja, "自社テスト");
}

#[test]
fn duplicate_id_is_rejected() {
    let e = rejected(&file_with(&[GOOD_ENTRY.into(), GOOD_ENTRY.into()]));
    assert!(
        e.contains("my-kpis.toml: entry T.1: field `id`: duplicate id `T.1`"),
        "{e}"
    );
}

#[test]
fn unknown_measure_kind_and_maturity_are_rejected() {
    let bad = GOOD_ENTRY
        .replace(
            r#"measure_kind = "organisation""#,
            r#"measure_kind = "finance""#,
        )
        .replace(r#"maturity = "initial""#, r#"maturity = "expert""#);
    let e = rejected(&file_with(&[bad]));
    assert!(
        e.contains("entry T.1: field `measure_kind`: unknown measure kind `finance`"),
        "{e}"
    );
    assert!(
        e.contains("entry T.1: field `maturity`: unknown maturity `expert`"),
        "{e}"
    );
    assert!(e.starts_with("my-kpis.toml: 2 problems"), "{e}");
}

#[test]
fn ratio_target_outside_0_to_100_is_rejected() {
    for v in ["120", "-5"] {
        let bad = GOOD_ENTRY.replace("value = 95", &format!("value = {v}"));
        let e = rejected(&file_with(&[bad]));
        assert!(e.contains("entry T.1: field `targets[0].value`"), "{e}");
    }
}

#[test]
fn missing_japanese_name_is_rejected() {
    let bad = GOOD_ENTRY.replace(r#"ja = "テスト", "#, "");
    let e = rejected(&file_with(&[bad]));
    assert!(
        e.contains("entry T.1: field `name.ja`: missing Japanese text"),
        "{e}"
    );
    let blank = GOOD_ENTRY.replace("テスト", "  ");
    assert!(rejected(&file_with(&[blank])).contains("`name.ja`"));
}

#[test]
fn unknown_keys_wrong_types_and_syntax_errors_are_reported() {
    let extra = GOOD_ENTRY.replace("frequency =", "colour = \"red\"\nfrequency =");
    let e = rejected(&file_with(&[extra]));
    assert!(e.contains("entry T.1") && e.contains("colour"), "{e}");
    let e = rejected("version = 1\n[[kpi]\nid = 1");
    assert!(e.starts_with("my-kpis.toml"), "{e}");
    let e = rejected(&format!("version = 2\n{GOOD_ENTRY}"));
    assert!(
        e.contains("field `version`: format version 2 is not supported"),
        "{e}"
    );
}

#[test]
fn formula_and_target_shapes_are_checked() {
    let wrong_unit = GOOD_ENTRY.replace(r#"unit = "percent""#, r#"unit = "hours""#);
    assert!(rejected(&file_with(&[wrong_unit])).contains("field `targets[0].unit`"));
    let no_value = GOOD_ENTRY.replace("value = 95, ", "");
    assert!(rejected(&file_with(&[no_value])).contains("rule `at_least` needs a value"));
    let stray_term = GOOD_ENTRY.replace(
        r#"kind = "ratio","#,
        r#"kind = "count", counted = { ja = "数", en = "n" },"#,
    );
    assert!(
        rejected(&file_with(&[stray_term]))
            .contains("field `formula.numerator`: not a term of a `count` formula")
    );
    let example = GOOD_ENTRY.replace(r#"source = "own""#, r#"source = "example""#);
    assert!(rejected(&file_with(&[example])).contains("field `example_of`"));
    let related = GOOD_ENTRY.replace("frequency =", "related = [\"9.9\"]\nfrequency =");
    assert!(rejected(&file_with(&[related])).contains("field `related[0]`: no entry has id `9.9`"));
}
