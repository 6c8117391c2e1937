//! A domain check's reason in the reader's language, and the form's problems found without
//! writing anything (the inline check as it is typed).

use std::collections::HashMap;

use mieruka_app::measure::to_new_measurement;
use mieruka_domain::plan::{FieldError, MeasurementSource};
use mieruka_domain::{Lang, i18n};
use mieruka_store::plans::PlanContext;

use super::form::{field_label, input_of};

/// A domain check's reason in the reader's language: the field's label and what to do. The
/// domain's reasons are English sentences for logs and the API; each kind it gives has its
/// words here (a test walks every kind), and anything else is shown as the domain wrote it.
pub fn explain(e: &FieldError, lang: Lang) -> String {
    let r = e.reason.as_str();
    let key = if r == "missing" || r.starts_with("required for KPI") {
        "web_entry_err_missing"
    } else if e.field == "date" && !r.contains("outside the period") {
        "web_entry_err_date"
    } else if r.contains("outside the period") {
        "web_entry_err_outside_period"
    } else if r.contains("not in the plan's scope") || r.contains("has no unit") {
        "web_entry_err_unit_scope"
    } else if r.contains("cannot exceed 100%") {
        "web_entry_err_above_100"
    } else if r.contains("must be greater than 0") {
        "web_entry_err_positive"
    } else if r.contains("whole number of events") || r.contains("at least one event") {
        "web_entry_err_events"
    } else if r.contains("not a non-negative number") || r.contains("cannot be negative") {
        "web_entry_err_negative"
    } else if r.contains("is measured per part") || r.contains("has no part") {
        "web_entry_err_part"
    } else if r.contains("has no parts") {
        "web_entry_err_no_parts"
    } else if r.contains("is not a number") || r.contains("is a date, not a number") {
        "web_entry_err_number"
    } else {
        return format!("{}: {}", field_label(&e.field, lang), e.reason);
    };
    format!(
        "{}: {}",
        field_label(&e.field, lang),
        i18n::tr(lang, key, &[])
    )
}

/// Checks the form without writing: the reasons it would be refused, in the reader's words.
pub(super) fn problems_of(
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    lang: Lang,
    by: &str,
) -> Vec<String> {
    match input_of(typed, lang) {
        Err(p) => p,
        Ok(input) => match to_new_measurement(ctx, &input, MeasurementSource::Manual, by, None) {
            Ok(_) => Vec::new(),
            Err(e) => vec![explain(&e, lang)],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieruka_domain::period::Period;
    use mieruka_domain::plan::{MeasurementInput, PlanContent, PlanTarget, Purpose};
    use mieruka_domain::{Catalogue, Formula, KpiDefinition};

    /// Every reason the domain gives for a bad entry has its own words in both languages.
    #[test]
    fn every_domain_reason_is_explained_in_both_languages() {
        let cat = Catalogue::builtin().unwrap();
        let period = Period::parse("FY2026-H2", 4).unwrap();
        let plan_for = |target: f64| PlanContent {
            targets: vec![PlanTarget {
                part: None,
                value: target,
            }],
            baseline: None,
            deadline: period.end,
            trajectory: Vec::new(),
            purpose: Purpose {
                text: "x".into(),
                reduces: Vec::new(),
                effects: Vec::new(),
            },
            units: vec!["hq".into()],
            owner: "ciso".into(),
            agreement: None,
        };
        let ratio = cat
            .entries()
            .iter()
            .find(|k| matches!(k.formula, Formula::Ratio { .. }) && !k.may_exceed_100)
            .unwrap();
        let duration = cat
            .entries()
            .iter()
            .find(|k| matches!(k.formula, Formula::MeanDuration { .. }))
            .unwrap();
        let base = MeasurementInput {
            unit: "hq".into(),
            date: "2026-11-01".into(),
            numerator: Some(1.0),
            denominator: Some(2.0),
            ..MeasurementInput::default()
        };
        let cases: Vec<(&KpiDefinition, MeasurementInput)> = vec![
            (
                ratio,
                MeasurementInput {
                    unit: " ".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    date: "2026/11/01".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    date: "2026-02-01".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    unit: "plant".into(),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    numerator: Some(3.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    denominator: Some(0.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    numerator: Some(-1.0),
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    denominator: None,
                    ..base.clone()
                },
            ),
            (
                ratio,
                MeasurementInput {
                    part: Some("a".into()),
                    ..base.clone()
                },
            ),
            (
                duration,
                MeasurementInput {
                    mean_hours: Some(2.0),
                    events: Some(0.5),
                    ..MeasurementInput::default()
                }
                .with_place(&base),
            ),
            (
                duration,
                MeasurementInput {
                    mean_hours: Some(-2.0),
                    ..MeasurementInput::default()
                }
                .with_place(&base),
            ),
        ];
        for (kpi, input) in cases {
            let plan = plan_for(50.0);
            let e = input
                .parse(kpi, &plan, &period)
                .expect_err(&format!("{input:?} is refused"));
            for lang in [Lang::Ja, Lang::En] {
                let words = explain(&e, lang);
                assert!(
                    !words.contains(&e.reason),
                    "`{}` on {} has no words of its own: {words}",
                    e.reason,
                    e.field
                );
            }
            assert!(
                explain(&e, Lang::Ja).chars().any(|c| c > '\u{3000}'),
                "{e:?} reads as Japanese"
            );
        }
    }

    trait WithPlace {
        fn with_place(self, base: &MeasurementInput) -> MeasurementInput;
    }
    impl WithPlace for MeasurementInput {
        fn with_place(self, base: &MeasurementInput) -> MeasurementInput {
            MeasurementInput {
                unit: base.unit.clone(),
                date: base.date.clone(),
                ..self
            }
        }
    }
}
