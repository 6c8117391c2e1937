//! Scenario validation and the riskquant CSV reader: good files in their usual shapes, and every
//! bad row reported with its row number and column.

use mieruka_sim::{RowError, Scenario, parse_riskquant_csv};

#[test]
fn scenario_values_are_checked_and_the_field_is_named() {
    let bad = [
        (-0.1, 1e4, 1e6, "annual_rate"),
        (f64::NAN, 1e4, 1e6, "annual_rate"),
        (f64::INFINITY, 1e4, 1e6, "annual_rate"),
        (10_001.0, 1e4, 1e6, "annual_rate"),
        (0.1, 0.0, 1e6, "low_p5"),
        (0.1, -5.0, 1e6, "low_p5"),
        (0.1, 1e4, f64::INFINITY, "high_p95"),
        (0.1, 1e6, 1e4, "high_p95"),
        (0.1, 1e4, 1e4, "high_p95"),
        // So wide that one event's mean is not a finite number (the API answered `null` for it).
        (0.1, 1e-300, 1e300, "high_p95"),
        // So high that a draw far in the tail overflows.
        (0.1, 1e300, 1e301, "high_p95"),
    ];
    for (rate, low, high, field) in bad {
        let e = Scenario::new("x", "x", rate, low, high).unwrap_err();
        assert_eq!(e.field, field, "{rate} {low} {high}");
        assert!(e.to_string().starts_with(&format!("{field}: ")), "{e}");
    }
    assert_eq!(
        Scenario::new(" ", "x", 0.1, 1.0, 2.0).unwrap_err().field,
        "id"
    );
    let ok = Scenario::new("x", "", 0.0, 1.0, 2.0).unwrap();
    assert_eq!(ok.annual_rate, 0.0);
    // Wide but real intervals stay accepted: one yen to a trillion yen.
    let wide = Scenario::new("x", "", 10.0, 1.0, 1e12).unwrap();
    assert!(wide.analytic_mean().is_finite());
}

#[test]
fn a_riskquant_file_reads_with_quotes_spaces_and_blank_lines() {
    let text = "\u{feff}r1,\"Ransomware, main site\",0.1,5000000,500000000\n\
                \n\
                r2, Lost laptop , 2 , 1e5, 5e6\r\n\
                r3,\"He said \"\"hi\"\"\",0,1,2\n\
                \n";
    let s = parse_riskquant_csv(text).unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].name, "Ransomware, main site");
    assert_eq!(
        (s[0].annual_rate, s[0].low_p5, s[0].high_p95),
        (0.1, 5e6, 5e8)
    );
    assert_eq!(
        (s[1].id.as_str(), s[1].name.as_str()),
        ("r2", "Lost laptop")
    );
    assert_eq!(s[1].low_p5, 100_000.0);
    assert_eq!(s[2].name, "He said \"hi\"");
    assert_eq!(parse_riskquant_csv("").unwrap(), vec![]);
}

fn errors(text: &str) -> Vec<RowError> {
    parse_riskquant_csv(text).unwrap_err()
}

fn one(text: &str) -> RowError {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:?}");
    e.into_iter().next().unwrap()
}

#[test]
fn bad_values_name_the_row_and_the_column() {
    let good = "ok,Fine,0.5,1000,20000\n";
    let cases = [
        ("neg,Negative,-0.5,1000,20000", "annual_rate", "≥ 0"),
        ("swap,Swapped,0.5,20000,1000", "high_p95", "above low_p5"),
        ("zero,Zero low,0.5,0,1000", "low_p5", "> 0"),
        (
            "word,Wordy,often,1000,20000",
            "annual_rate",
            "`often` is not a number",
        ),
        ("short,Short,0.5,1000", "high_p95", "missing"),
        ("empty,Empty,0.5,,1000", "low_p5", "empty"),
        (",No id,0.5,1000,20000", "id", "empty"),
        ("ok,Again,0.5,1000,20000", "id", "already used on row 1"),
    ];
    for (row, column, reason) in cases {
        let e = one(&format!("{good}{row}\n"));
        assert_eq!((e.row, e.column), (2, Some(column)), "{row}: {e}");
        assert!(e.reason.contains(reason), "{row}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("row 2, column {column}: ")),
            "{e}"
        );
    }
    let e = one(&format!("{good}long,Long,0.5,1,2,3\n"));
    assert_eq!((e.row, e.column), (2, None));
    assert!(
        e.to_string().starts_with("row 2: 6 columns, expected 5"),
        "{e}"
    );
}

#[test]
fn a_header_row_is_reported_as_such() {
    let e = one("id,name,annual_rate,low_p5,high_p95\nr1,x,0.1,1,2\n");
    assert_eq!((e.row, e.column), (1, Some("annual_rate")));
    assert!(e.reason.contains("header"), "{e}");
    assert!(e.reason.contains("no header"), "{e}");
    // riskquant's own column names too.
    let e = one("ID,Name,Probability,Low_loss,High_loss\n");
    assert!(e.reason.contains("header"), "{e}");
}

#[test]
fn every_bad_row_is_reported_in_order_with_its_line_number() {
    let text = "a,A,0.1,1,2\n\
                \n\
                b,B,-1,1,2\n\
                c,C,x,y,2\n\
                d,D,0.1,5,1\n";
    let e = errors(text);
    let got: Vec<(usize, Option<&str>)> = e.iter().map(|e| (e.row, e.column)).collect();
    assert_eq!(
        got,
        vec![
            (3, Some("annual_rate")),
            (4, Some("annual_rate")),
            (4, Some("low_p5")),
            (5, Some("high_p95")),
        ]
    );
}
