//! The form model: which value fields a KPI's formula needs, the typed text read into a
//! `MeasurementInput` (or the fields that are not numbers), a stored value turned back into fields
//! to start a correction from, and each field's label in the reader's language.

use std::collections::HashMap;

use mieruka_domain::plan::MeasurementInput;
use mieruka_domain::{Formula, KpiDefinition, Lang, i18n};

/// The value fields a KPI's formula needs, with the words the catalogue gives their terms.
pub(super) fn value_fields(kpi: &KpiDefinition, lang: Lang) -> Vec<(&'static str, String, bool)> {
    let t = |x: &mieruka_domain::text::Text| x.get(lang).to_string();
    match &kpi.formula {
        Formula::Ratio {
            numerator,
            denominator,
        } => vec![
            ("numerator", t(numerator), true),
            ("denominator", t(denominator), true),
        ],
        Formula::Compound { .. } => vec![
            ("numerator", String::new(), true),
            ("denominator", String::new(), true),
        ],
        Formula::Progress { actual, plan } => {
            vec![("actual", t(actual), true), ("plan", t(plan), true)]
        }
        Formula::Count { counted } => vec![("value", t(counted), true)],
        Formula::Score { scored } => vec![("value", t(scored), true)],
        Formula::MeanDuration { from, to, effort } => {
            let mut v = vec![
                ("mean_hours", format!("{} → {}", t(from), t(to)), true),
                ("events", String::new(), false),
            ];
            if *effort {
                v.push(("effort_hours", String::new(), false));
            }
            v
        }
    }
}

/// A typed number: empty is absent; commas between thousands are allowed.
fn number(typed: &HashMap<String, String>, name: &str, lang: Lang) -> Result<Option<f64>, String> {
    let text = typed
        .get(name)
        .map(|s| s.trim().replace([',', '，'], ""))
        .unwrap_or_default();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!(
            "{}: {}",
            field_label(name, lang),
            i18n::tr(lang, "web_entry_err_number", &[])
        )),
    }
}

/// The form as a measurement input, or the fields that are not numbers.
pub(super) fn input_of(
    typed: &HashMap<String, String>,
    lang: Lang,
) -> Result<MeasurementInput, Vec<String>> {
    let mut problems = Vec::new();
    let mut n = |name: &str| {
        number(typed, name, lang)
            .map_err(|e| problems.push(e))
            .ok()
            .flatten()
    };
    let input = MeasurementInput {
        numerator: n("numerator"),
        denominator: n("denominator"),
        actual: n("actual"),
        plan: n("plan"),
        value: n("value"),
        mean_hours: n("mean_hours"),
        events: n("events"),
        effort_hours: n("effort_hours"),
        unit: typed.get("unit").cloned().unwrap_or_default(),
        date: typed.get("date").cloned().unwrap_or_default(),
        part: typed.get("part").cloned().filter(|p| !p.trim().is_empty()),
        evidence: typed
            .get("evidence")
            .cloned()
            .filter(|e| !e.trim().is_empty()),
    };
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(problems)
    }
}

/// A field's label in the reader's language.
pub(super) fn field_label(field: &str, lang: Lang) -> String {
    let key = match field {
        "unit" | "date" | "part" | "evidence" | "numerator" | "denominator" | "actual" | "plan"
        | "value" | "mean_hours" | "events" | "effort_hours" => format!("web_entry_f_{field}"),
        "hours" => "web_entry_f_mean_hours".to_string(),
        _ => return field.to_string(),
    };
    i18n::tr(lang, &key, &[])
}

/// A stored value as the form's fields, to start a correction from.
pub(super) fn correction_values(
    kpi: &KpiDefinition,
    v: &mieruka_domain::plan::MeasuredValue,
) -> Vec<(&'static str, f64)> {
    use mieruka_domain::plan::MeasuredValue as V;
    match (*v, &kpi.formula) {
        (
            V::Ratio {
                numerator,
                denominator,
            },
            Formula::Progress { .. },
        ) => vec![("actual", numerator), ("plan", denominator)],
        (
            V::Ratio {
                numerator,
                denominator,
            },
            _,
        ) => vec![("numerator", numerator), ("denominator", denominator)],
        (V::Count { value } | V::Score { value }, _) => vec![("value", value)],
        (
            V::Duration {
                total_hours,
                events,
                effort_hours,
            },
            _,
        ) => {
            let mut out = vec![("mean_hours", total_hours / events), ("events", events)];
            if let Some(e) = effort_hours {
                out.push(("effort_hours", e / events));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieruka_domain::Catalogue;

    /// Every value field a form may have, in the order forms show them.
    const VALUE_FIELDS: [&str; 8] = [
        "numerator",
        "denominator",
        "actual",
        "plan",
        "value",
        "mean_hours",
        "events",
        "effort_hours",
    ];

    /// The words built from names at run time are in the catalogue.
    #[test]
    fn field_and_formula_words_exist() {
        let keys = mieruka_domain::i18n::keys();
        for name in VALUE_FIELDS
            .iter()
            .chain(&["unit", "date", "part", "evidence"])
        {
            assert!(
                keys.contains(&format!("web_entry_f_{name}").as_str()),
                "{name}"
            );
        }
        for kind in [
            "ratio",
            "progress",
            "count",
            "mean_duration",
            "score",
            "compound",
        ] {
            assert!(
                keys.contains(&format!("web_entry_lead_{kind}").as_str()),
                "{kind}"
            );
        }
    }

    #[test]
    fn the_form_asks_for_the_terms_of_the_formula() {
        let cat = Catalogue::builtin().unwrap();
        for kpi in cat.entries() {
            let names: Vec<_> = value_fields(kpi, Lang::Ja).iter().map(|f| f.0).collect();
            let expected: &[&str] = match kpi.formula {
                Formula::Ratio { .. } | Formula::Compound { .. } => &["numerator", "denominator"],
                Formula::Progress { .. } => &["actual", "plan"],
                Formula::Count { .. } | Formula::Score { .. } => &["value"],
                Formula::MeanDuration { effort: true, .. } => {
                    &["mean_hours", "events", "effort_hours"]
                }
                Formula::MeanDuration { effort: false, .. } => &["mean_hours", "events"],
            };
            assert_eq!(names, expected, "{}", kpi.id);
            assert!(names.iter().all(|n| VALUE_FIELDS.contains(n)));
        }
    }
}
