//! KPI definitions: what a KPI measures, how, in which direction, and what it aims for.
//!
//! A [`KpiDefinition`] only exists validated: it comes out of [`crate::catalogue`], which checks
//! every field of the built-in catalogue and of an organisation's own KPIs with the same rules.
//! Its serde form is the public JSON contract of `mieruka catalog --json` (see
//! `docs/catalogue.md`), and also the shape it is stored in.

use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::vocab::vocabulary;

vocabulary! {
    /// Where an organisation stands (成熟度): the columns of the Fig. 1 grid, basic → advanced.
    Maturity, "maturity" {
        Initial => "initial", "初期段階", "Initial";
        Improving => "improving", "改善段階", "Improving";
        Optimising => "optimising", "最適化段階", "Optimising";
    }
}

vocabulary! {
    /// The kind of measure (施策の種類): the rows of the Fig. 1 grid.
    MeasureKind, "measure kind" {
        Compliance => "compliance", "法令順守", "Compliance";
        Education => "education", "教育・トレーニング", "Education & training";
        Organisation => "organisation", "組織・プロセス", "Organisation & process";
        Assessment => "assessment", "評価・アセスメント", "Evaluation & assessment";
        InformationSharing => "information_sharing", "業界内の情報共有・連携", "Industry information sharing";
    }
}

vocabulary! {
    /// Whether a bigger number is good news or bad news.
    Direction, "direction" {
        HigherIsBetter => "higher_is_better", "高いほど良い", "Higher is better";
        LowerIsBetter => "lower_is_better", "低いほど良い", "Lower is better";
    }
}

vocabulary! {
    /// NIST SP 800-55 measure type.
    MeasureType, "measure type" {
        Implementation => "implementation", "実装", "Implementation";
        Effectiveness => "effectiveness", "有効性・効率性", "Effectiveness / efficiency";
        Impact => "impact", "影響", "Impact";
    }
}

vocabulary! {
    /// How often a KPI is measured by default.
    Frequency, "frequency" {
        Monthly => "monthly", "毎月", "Monthly";
        Quarterly => "quarterly", "四半期ごと", "Quarterly";
        HalfYearly => "half_yearly", "半期ごと", "Half-yearly";
        Yearly => "yearly", "毎年", "Yearly";
    }
}

vocabulary! {
    /// Where a catalogue entry comes from.
    Source, "source" {
        Appendix => "appendix", "別紙（KPIの例）", "Report appendix";
        ModelGrid => "model_grid", "KPIモデル（図表1）", "KPI model grid (Fig. 1)";
        Example => "example", "企業の例（図表3）", "Organisations' examples (Fig. 3)";
        UsFederal => "us_federal", "米国政府機関", "US federal CAP goals";
        Own => "own", "自社独自", "Organisation's own";
    }
}

vocabulary! {
    /// How a target is expressed.
    TargetRule, "target rule" {
        AtLeast => "at_least", "以上", "at least";
        AtMost => "at_most", "以下", "at most";
        Exactly => "exactly", "ちょうど", "exactly";
        SetByOrganisation => "set_by_organisation", "自社の状況に応じて設定", "set to the organisation's situation";
        SetByIndustry => "set_by_industry", "業界の状況に応じて設定", "set to the industry's situation";
        Unspecified => "unspecified", "未設定", "not specified";
    }
}

vocabulary! {
    /// The unit of a target or a value.
    Unit, "unit" {
        Percent => "percent", "%", "%";
        Count => "count", "件", "";
        Hours => "hours", "時間", "h";
        PersonHours => "person_hours", "人時", "person-hours";
        Days => "days", "日", "days";
        Score => "score", "点", "pts";
    }
}

impl TargetRule {
    /// Whether this rule carries a number.
    pub fn has_value(self) -> bool {
        matches!(
            self,
            TargetRule::AtLeast | TargetRule::AtMost | TargetRule::Exactly
        )
    }
}

/// A KPI identifier: `1.1.1`, `M.2.1`, `US.3`, or an organisation's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct KpiId(String);

impl KpiId {
    /// Accepts 1–40 characters of `A–Z a–z 0–9 . _ -`, starting with a letter or digit.
    pub fn parse(s: &str) -> Result<KpiId, String> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if s.is_empty() {
            return Err("is empty".into());
        }
        if s.len() > 40 {
            return Err(format!("`{s}` is longer than 40 characters"));
        }
        if !s.chars().all(ok_char) || !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "`{s}` may hold only letters, digits, `.`, `_` and `-`, starting with a letter or digit"
            ));
        }
        Ok(KpiId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for KpiId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for KpiId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        KpiId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How the value of a KPI is computed from its terms.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// numerator ÷ denominator, as a percentage.
    Ratio { numerator: Text, denominator: Text },
    /// actual ÷ plan (実績値 ÷ 計画値), as a percentage.
    Progress { actual: Text, plan: Text },
    /// A number of things.
    Count { counted: Text },
    /// The mean time between two events, and with `effort` the mean person-hours spent too.
    MeanDuration { from: Text, to: Text, effort: bool },
    /// The result of an assessment or benchmark.
    Score { scored: Text },
    /// Several ratios, each with its own target (1.4.1).
    Compound { parts: Vec<FormulaPart> },
}

/// One ratio of a compound formula.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FormulaPart {
    /// The part's key, as targets and measurements name it.
    pub key: String,
    pub name: Text,
    pub numerator: Text,
    pub denominator: Text,
}

impl Formula {
    /// The formula kind's code: `ratio`, `progress`, `count`, `mean_duration`, `score`, `compound`.
    pub fn kind(&self) -> &'static str {
        match self {
            Formula::Ratio { .. } => "ratio",
            Formula::Progress { .. } => "progress",
            Formula::Count { .. } => "count",
            Formula::MeanDuration { .. } => "mean_duration",
            Formula::Score { .. } => "score",
            Formula::Compound { .. } => "compound",
        }
    }

    /// The units a target of this formula may be expressed in.
    pub fn target_units(&self) -> &'static [Unit] {
        match self {
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => {
                &[Unit::Percent]
            }
            Formula::Count { .. } => &[Unit::Count],
            Formula::MeanDuration { .. } => &[Unit::Hours, Unit::Days, Unit::PersonHours],
            Formula::Score { .. } => &[Unit::Score],
        }
    }

    /// A one-line rendering for people: `棚卸を実施した情報資産数 ÷ 対象とする情報資産数`.
    pub fn describe(&self, lang: crate::text::Lang) -> String {
        let t = |t: &Text| t.get(lang).to_string();
        match self {
            Formula::Ratio {
                numerator,
                denominator,
            } => format!("{} ÷ {}", t(numerator), t(denominator)),
            Formula::Progress { actual, plan } => format!("{} ÷ {}", t(actual), t(plan)),
            Formula::Count { counted } => t(counted),
            Formula::MeanDuration { from, to, effort } => {
                let (mean, and_effort) = match lang {
                    crate::text::Lang::Ja => ("の平均時間", "・工数"),
                    crate::text::Lang::En => (": mean time", " and effort"),
                };
                let arrow = format!("{} → {}", t(from), t(to));
                format!("{arrow}{mean}{}", if *effort { and_effort } else { "" })
            }
            Formula::Score { scored } => t(scored),
            Formula::Compound { parts } => parts
                .iter()
                .map(|p| format!("{} ÷ {}", t(&p.numerator), t(&p.denominator)))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// What a KPI aims for. A compound KPI has one target per part, named by `part`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "KpiTarget")]
pub struct Target {
    pub rule: TargetRule,
    /// The number, for the rules that carry one (at least, at most, exactly).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub unit: Unit,
    /// The part of a compound KPI the target is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Target {
    /// A short rendering: `≥ 95%`, `100%`, `自社の状況に応じて設定`.
    pub fn describe(&self, lang: crate::text::Lang) -> String {
        let Some(v) = self.value else {
            return self.rule.label(lang).to_string();
        };
        let number = if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        };
        let unit = self.unit.label(lang);
        let sep = if self.unit == Unit::Percent || unit.is_empty() || lang == crate::text::Lang::Ja
        {
            ""
        } else {
            " "
        };
        let sign = match self.rule {
            // "At least 100%" of a share is all of it: say 100%.
            TargetRule::AtLeast if self.unit == Unit::Percent && v >= 100.0 => "",
            TargetRule::AtLeast => "≥ ",
            TargetRule::AtMost => "≤ ",
            _ => "",
        };
        format!("{sign}{number}{sep}{unit}")
    }
}

/// A cell of the Fig. 1 grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GridCell {
    pub measure_kind: MeasureKind,
    pub maturity: Maturity,
}

/// A validated KPI definition. Field names are the public JSON contract (docs/catalogue.md).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct KpiDefinition {
    /// `1.2.2`, `M.2.1`, `US.3`, or an organisation's own id.
    pub id: KpiId,
    pub source: Source,
    pub name: Text,
    /// The heading the KPI is listed under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Text>,
    pub measure_kind: MeasureKind,
    pub maturity: Maturity,
    pub direction: Direction,
    pub measure_type: MeasureType,
    pub frequency: Frequency,
    /// Where the figures come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_source: Option<Text>,
    pub formula: Formula,
    /// One target, or one per part of a compound KPI.
    pub targets: Vec<Target>,
    /// Where the Fig. 1 grid draws it, when not at its own stage and kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_cell: Option<GridCell>,
    /// The organisation whose example it is (Fig. 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example_of: Option<Text>,
    /// Related KPIs' ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<KpiId>,
    /// Whether a percentage reading may exceed 100%.
    pub may_exceed_100: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

impl KpiDefinition {
    /// The grid cell this KPI is shown in: where Fig. 1 draws it, else its own stage and kind.
    pub fn cell(&self) -> GridCell {
        GridCell {
            measure_kind: self.measure_kind,
            maturity: self.maturity,
        }
    }

    /// All targets as one line: `≥ 5% (per IT staff); ≥ 0.25% (per employee)`.
    pub fn describe_targets(&self, lang: crate::text::Lang) -> String {
        let part_name = |key: &str| match &self.formula {
            Formula::Compound { parts } => parts
                .iter()
                .find(|p| p.key == key)
                .map(|p| p.name.get(lang).to_string())
                .unwrap_or_else(|| key.to_string()),
            _ => key.to_string(),
        };
        self.targets
            .iter()
            .map(|t| match &t.part {
                Some(p) => format!("{}（{}）", t.describe(lang), part_name(p)),
                None => t.describe(lang),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    #[test]
    fn kpi_id_accepts_catalogue_shapes_and_rejects_others() {
        for ok in ["1.1.1", "M.2.1", "US.3", "own-pc_monitoring"] {
            assert!(KpiId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".1", "1 1", "１.１", "a/b", &"x".repeat(41)] {
            assert!(KpiId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vocabulary_round_trips_codes() {
        for m in MeasureKind::ALL {
            assert_eq!(m.code().parse::<MeasureKind>(), Ok(*m));
        }
        let err = "finance".parse::<MeasureKind>().unwrap_err();
        assert!(
            err.contains("finance") && err.contains("information_sharing"),
            "{err}"
        );
    }

    #[test]
    fn targets_render_for_people() {
        let t = |rule, value, unit| Target {
            rule,
            value,
            unit,
            part: None,
        };
        assert_eq!(
            t(TargetRule::AtLeast, Some(95.0), Unit::Percent).describe(Lang::Ja),
            "≥ 95%"
        );
        assert_eq!(
            t(TargetRule::AtLeast, Some(0.25), Unit::Percent).describe(Lang::En),
            "≥ 0.25%"
        );
        assert_eq!(
            t(TargetRule::AtLeast, Some(100.0), Unit::Percent).describe(Lang::En),
            "100%"
        );
        assert_eq!(
            t(TargetRule::AtMost, Some(24.0), Unit::Hours).describe(Lang::En),
            "≤ 24 h"
        );
        assert_eq!(
            t(TargetRule::SetByOrganisation, None, Unit::Count).describe(Lang::Ja),
            "自社の状況に応じて設定"
        );
    }
}
