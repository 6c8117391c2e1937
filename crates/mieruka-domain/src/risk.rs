//! The business-risk register of Fig. 8: each risk the company runs, placed on a 5 × 5 matrix of
//! probability (発生確率, x) and impact as loss (影響度（損失額）, y), with cyber risk among them.
//!
//! # Scales
//!
//! The report gives no scale, so mieruka defines one; the frequencies are a guide for people
//! scoring a risk, not a rule the code applies.
//!
//! | | 発生確率 | probability | guide |
//! |---|---|---|---|
//! | 1 | 稀 | rare | less than once in ten years |
//! | 2 | 起こりにくい | unlikely | once in five to ten years |
//! | 3 | 起こりうる | possible | once in two to five years |
//! | 4 | 起こりやすい | likely | about once a year |
//! | 5 | ほぼ確実 | almost certain | several times a year |
//!
//! Impact is a level, or an amount of yen turned into a level by the organisation's money bands
//! (`LossInputs::impact_bands_yen`; by default 1億, 10億, 50億 and 100億円):
//!
//! | | 影響度 | impact | default band |
//! |---|---|---|---|
//! | 1 | 軽微 | negligible | under 1億円 |
//! | 2 | 小 | minor | 1億円 – under 10億円 |
//! | 3 | 中 | moderate | 10億円 – under 50億円 |
//! | 4 | 大 | major | 50億円 – under 100億円 |
//! | 5 | 甚大 | severe | 100億円 and more |
//!
//! The cyber risk's impact is not typed in: it is the loss model's maximum loss, placed twice —
//! now, and after the KPI plans meet their targets — which is the point of the figure.

use crate::Lang;
use crate::loss::LossInputs;
use crate::org::Code;
use crate::plan::{FieldError, field_error};
use crate::text::normalise;

/// The labels of the probability scale, 1–5, in Japanese and English.
#[rustfmt::skip]
const PROBABILITY: [(&str, &str); 5] = [
    ("稀", "Rare"), ("起こりにくい", "Unlikely"), ("起こりうる", "Possible"),
    ("起こりやすい", "Likely"), ("ほぼ確実", "Almost certain"),
];

/// The labels of the impact scale, 1–5, in Japanese and English.
#[rustfmt::skip]
const IMPACT: [(&str, &str); 5] = [
    ("軽微", "Negligible"), ("小", "Minor"), ("中", "Moderate"), ("大", "Major"), ("甚大", "Severe"),
];

/// Past this (10 quadrillion yen) an amount is certainly a typing mistake; the loss model uses
/// the same bound.
pub const MAX_YEN: i64 = 10_000_000_000_000_000;

fn scale_label(table: &[(&'static str, &'static str); 5], level: u8, lang: Lang) -> &'static str {
    let (ja, en) = table[usize::from(level.clamp(1, 5)) - 1];
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// The word for a probability level (1–5; out-of-range levels read as the nearest end).
pub fn probability_label(level: u8, lang: Lang) -> &'static str {
    scale_label(&PROBABILITY, level, lang)
}

/// The word for an impact level (1–5; out-of-range levels read as the nearest end).
pub fn impact_label(level: u8, lang: Lang) -> &'static str {
    scale_label(&IMPACT, level, lang)
}

/// A round amount as people write it in a band: `10億円`, `1.5億円`; `¥1bn`, `¥100m`.
fn band_amount(yen: f64, lang: Lang) -> String {
    let trim = |v: f64| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match lang {
        Lang::Ja if yen >= 1e8 => format!("{}億円", trim(yen / 1e8)),
        Lang::Ja => format!("{}万円", trim(yen / 1e4)),
        Lang::En if yen >= 1e9 => format!("¥{}bn", trim(yen / 1e9)),
        Lang::En => format!("¥{}m", trim(yen / 1e6)),
    }
}

/// The money band of an impact level: `10億円以上50億円未満`, `¥1bn to under ¥5bn`.
pub fn impact_band(level: u8, bands_yen: &[f64; 4], lang: Lang) -> String {
    let level = usize::from(level.clamp(1, 5));
    let low = (level > 1).then(|| band_amount(bands_yen[level - 2], lang));
    let high = (level < 5).then(|| band_amount(bands_yen[level - 1], lang));
    match (lang, low, high) {
        (Lang::Ja, None, Some(h)) => format!("{h}未満"),
        (Lang::Ja, Some(l), None) => format!("{l}以上"),
        (Lang::Ja, Some(l), Some(h)) => format!("{l}以上{h}未満"),
        (Lang::En, None, Some(h)) => format!("under {h}"),
        (Lang::En, Some(l), None) => format!("{l} or more"),
        (Lang::En, Some(l), Some(h)) => format!("{l} to under {h}"),
        (_, None, None) => String::new(),
    }
}

/// Where a risk's impact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impact {
    /// A level on the 1–5 scale, judged directly.
    Level(u8),
    /// An amount of yen, placed by the organisation's money bands (so it moves with them).
    Yen(i64),
    /// The loss model's maximum loss: the cyber risk.
    Cyber,
}

/// A business risk, valid by construction (see [`RawRisk::validate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    pub code: Code,
    pub name: String,
    /// Free text (e.g. 調達, 財務), NFKC-normalised.
    pub category: String,
    /// 1–5, see the module's scale.
    pub probability: u8,
    pub impact: Impact,
    /// Who answers for the risk, by role (経営企画部長).
    pub owner: Option<String>,
    pub note: Option<String>,
}

/// A risk as typed or stored, before validation. Exactly one of `impact`, `impact_yen` and
/// `cyber` says where the impact comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRisk {
    pub code: String,
    pub name: String,
    pub category: String,
    pub probability: i64,
    pub impact: Option<i64>,
    pub impact_yen: Option<i64>,
    pub cyber: bool,
    pub owner: Option<String>,
    pub note: Option<String>,
}

fn level(field: &str, v: i64) -> Result<u8, FieldError> {
    match u8::try_from(v) {
        Ok(l) if (1..=5).contains(&l) => Ok(l),
        _ => Err(field_error(field, format!("{v} is outside 1–5"))),
    }
}

/// Normalised text of 1–`max` characters.
fn text(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let n = normalise(s);
    // The risk's name is a name; its category, owner and note are only checked for controls.
    let rule = if field == "name" {
        crate::text::check_name
    } else {
        crate::text::check_text
    };
    rule(&n).map_err(|e| field_error(field, e))?;
    match n.chars().count() {
        0 => Err(field_error(field, "is empty")),
        c if c > max => Err(field_error(
            field,
            format!("is longer than {max} characters"),
        )),
        _ => Ok(n),
    }
}

/// Optional text: blank means none.
fn optional_text(field: &str, s: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match s.map(normalise).filter(|s| !s.is_empty()) {
        Some(s) => text(field, &s, max).map(Some),
        None => Ok(None),
    }
}

impl RawRisk {
    /// Checks every field, naming the one at fault.
    pub fn validate(&self) -> Result<Risk, FieldError> {
        let code =
            Code::parse("risk code", self.code.trim()).map_err(|e| field_error("code", e))?;
        let name = text("name", &self.name, 200)?;
        let category = text("category", &self.category, 100)?;
        let probability = level("probability", self.probability)?;
        let impact = match (self.impact, self.impact_yen, self.cyber) {
            (Some(l), None, false) => Impact::Level(level("impact", l)?),
            (None, Some(y), false) if (0..=MAX_YEN).contains(&y) => Impact::Yen(y),
            (None, Some(y), false) => {
                return Err(field_error(
                    "impact_yen",
                    format!("{y} is not an amount between 0 and {MAX_YEN}"),
                ));
            }
            (None, None, true) => Impact::Cyber,
            _ => {
                return Err(field_error(
                    "impact",
                    "give exactly one of a level, an amount in yen, or cyber",
                ));
            }
        };
        Ok(Risk {
            code,
            name,
            category,
            probability,
            impact,
            owner: optional_text("owner", self.owner.as_deref(), 100)?,
            note: optional_text("note", self.note.as_deref(), 1000)?,
        })
    }
}

/// An impact as its three raw fields: level, yen, cyber.
fn raw_impact(impact: Impact) -> (Option<i64>, Option<i64>, bool) {
    match impact {
        Impact::Level(l) => (Some(i64::from(l)), None, false),
        Impact::Yen(y) => (None, Some(y), false),
        Impact::Cyber => (None, None, true),
    }
}

impl Risk {
    /// The raw form (for storage and round trips).
    pub fn to_raw(&self) -> RawRisk {
        let (impact, impact_yen, cyber) = raw_impact(self.impact);
        RawRisk {
            code: self.code.to_string(),
            name: self.name.clone(),
            category: self.category.clone(),
            probability: i64::from(self.probability),
            impact,
            impact_yen,
            cyber,
            owner: self.owner.clone(),
            note: self.note.clone(),
        }
    }

    pub fn is_cyber(&self) -> bool {
        self.impact == Impact::Cyber
    }

    /// The impact level of a risk judged directly or in yen; `None` for the cyber risk, whose
    /// level comes from the loss model.
    pub fn own_impact_level(&self, inputs: &LossInputs) -> Option<u8> {
        match self.impact {
            Impact::Level(l) => Some(l),
            Impact::Yen(y) => Some(inputs.impact_level(y as f64)),
            Impact::Cyber => None,
        }
    }
}

/// The register may hold one cyber risk: the loss model gives one figure, so a second risk
/// taking its impact from it would be the same point drawn twice. Returns the risk already
/// holding that place, if `candidate` would be a second.
pub fn other_cyber<'a>(register: &'a [Risk], candidate: &Risk) -> Option<&'a Risk> {
    if !candidate.is_cyber() {
        return None;
    }
    register
        .iter()
        .find(|r| r.is_cyber() && r.code != candidate.code)
}

/// A cell of the 5 × 5 matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Cell {
    pub probability: u8,
    pub impact: u8,
}

/// How high a cell's risk is: probability × impact, 1–25, in three bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Score 1–4.
    Low,
    /// Score 5–11.
    Medium,
    /// Score 12–25: the upper right of the figure.
    High,
}

impl Severity {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Low, Lang::Ja) => "低リスク",
            (Severity::Medium, Lang::Ja) => "中リスク",
            (Severity::High, Lang::Ja) => "高リスク",
            (Severity::Low, Lang::En) => "Low risk",
            (Severity::Medium, Lang::En) => "Medium risk",
            (Severity::High, Lang::En) => "High risk",
        }
    }
}

impl Cell {
    pub const fn new(probability: u8, impact: u8) -> Cell {
        Cell {
            probability,
            impact,
        }
    }

    pub fn severity(self) -> Severity {
        match u16::from(self.probability) * u16::from(self.impact) {
            0..=4 => Severity::Low,
            5..=11 => Severity::Medium,
            _ => Severity::High,
        }
    }
}

/// The cyber risk's impact levels from the loss model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CyberLevels {
    pub now: u8,
    pub after: u8,
}

/// Where one risk of the register sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Its cell (for the cyber risk: now); `None` when the cyber risk has no loss model.
    pub at: Option<Cell>,
    /// The cyber risk's cell once the KPI plans meet their targets.
    pub after: Option<Cell>,
}

/// Places each risk of the register, in order: by its own level or amount, or — for the cyber
/// risk — by the loss model's levels now and after (left unplaced without them).
pub fn place(register: &[Risk], inputs: &LossInputs, cyber: Option<CyberLevels>) -> Vec<Placement> {
    register
        .iter()
        .map(|r| {
            let cell = |impact| Cell::new(r.probability, impact);
            match (r.own_impact_level(inputs), cyber) {
                (Some(level), _) => Placement {
                    at: Some(cell(level)),
                    after: None,
                },
                (None, Some(c)) => Placement {
                    at: Some(cell(c.now)),
                    after: Some(cell(c.after)),
                },
                (None, None) => Placement {
                    at: None,
                    after: None,
                },
            }
        })
        .collect()
}

/// The demo's risks: code, name, category, probability, impact, owner. The report gives no
/// coordinates; these are plausible ones for an air-conditioning maker, with the cyber risk alone
/// in the upper right.
// One row per risk reads best as a table, so the formatter leaves it alone.
#[rustfmt::skip]
const DEMO: [(&str, &str, &str, i64, Impact, &str); 9] = [
    // An earthquake or fire stopping the main plant.
    ("disaster", "自然災害・事故等", "災害・事故", 2, Impact::Yen(15_000_000_000), "総務部長"),
    ("talent", "人材の確保・育成", "人事", 4, Impact::Level(2), "人事部長"),
    // Copper, aluminium and refrigerant prices; semiconductor shortages.
    ("materials", "原材料の価格高騰・調達難", "調達", 4, Impact::Yen(3_000_000_000), "調達部長"),
    ("fx", "為替レートの変動", "財務", 5, Impact::Yen(2_000_000_000), "財務部長"),
    // A fire or refrigerant leak traced to a unit: recall and claims.
    ("product-liability", "製造物責任", "品質", 2, Impact::Yen(6_000_000_000), "品質保証部長"),
    ("compliance", "コンプライアンス", "法務", 2, Impact::Level(3), "法務部長"),
    ("ip", "知的財産の保護", "知的財産", 3, Impact::Level(2), "知的財産部長"),
    ("market", "市場や事業環境の急激な変化", "経営", 3, Impact::Level(4), "経営企画部長"),
    ("cyber", "サイバーリスク・個人情報の保護", "情報セキュリティ", 4, Impact::Cyber, "情報セキュリティ担当役員"),
];

/// The nine risks of the report's Fig. 8 for the demo company, in the report's order.
pub fn demo_risks() -> Vec<Risk> {
    DEMO.iter()
        .map(|&(code, name, category, probability, impact, owner)| {
            let (impact, impact_yen, cyber) = raw_impact(impact);
            // The report's words on the cyber risk in Fig. 8.
            let note =
                cyber.then(|| "影響度は損失額モデルから。対策で影響を抑える必要がある".to_string());
            RawRisk {
                code: code.into(),
                name: name.into(),
                category: category.into(),
                probability,
                impact,
                impact_yen,
                cyber,
                owner: Some(owner.into()),
                note,
            }
            .validate()
            .expect("valid demo risk")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawRisk {
        RawRisk {
            code: "fx".into(),
            name: " 為替レートの変動 ".into(),
            category: "財務".into(),
            probability: 5,
            impact: Some(3),
            ..RawRisk::default()
        }
    }

    #[test]
    fn validation_names_the_field() {
        assert_eq!(raw().validate().unwrap().name, "為替レートの変動");
        let e = RawRisk {
            probability: 7,
            ..raw()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("probability", "7 is outside 1–5")
        );
        type Change = fn(&mut RawRisk);
        let cases: [(Change, &str); 8] = [
            (|r| r.impact = Some(0), "impact"),
            (|r| r.impact_yen = Some(1), "impact"),
            (|r| r.impact = None, "impact"),
            (
                |r| (r.impact, r.impact_yen) = (None, Some(-1)),
                "impact_yen",
            ),
            (|r| r.code = "FX".into(), "code"),
            (|r| r.name = "  ".into(), "name"),
            (|r| r.category = String::new(), "category"),
            (|r| r.owner = Some("x".repeat(101)), "owner"),
        ];
        for (change, field) in cases {
            let mut r = raw();
            change(&mut r);
            assert_eq!(r.validate().unwrap_err().field, field, "{r:?}");
        }
        let r = RawRisk {
            owner: Some("  ".into()),
            category: "ｆｘ".into(),
            ..raw()
        };
        let r = r.validate().unwrap();
        assert_eq!(
            (r.owner, r.category.as_str()),
            (None, "fx"),
            "blank owner is none; NFKC"
        );
    }

    #[test]
    fn bands_turn_yen_into_levels_and_read_well() {
        let i = LossInputs::template();
        let at = |y: i64| {
            let r = RawRisk {
                impact: None,
                impact_yen: Some(y),
                ..raw()
            };
            r.validate().unwrap().own_impact_level(&i)
        };
        assert_eq!(at(99_999_999), Some(1));
        assert_eq!(at(100_000_000), Some(2));
        assert_eq!(at(6_000_000_000), Some(4));
        assert_eq!(at(14_100_000_000), Some(5));
        let b = &i.impact_bands_yen;
        assert_eq!(impact_band(1, b, Lang::Ja), "1億円未満");
        assert_eq!(impact_band(3, b, Lang::Ja), "10億円以上50億円未満");
        assert_eq!(impact_band(5, b, Lang::Ja), "100億円以上");
        assert_eq!(impact_band(2, b, Lang::En), "¥100m to under ¥1bn");
        let odd = [1.5e8, 1e9, 5e9, 1e10];
        assert_eq!(impact_band(2, &odd, Lang::Ja), "1.5億円以上10億円未満");
        assert_eq!(probability_label(1, Lang::Ja), "稀");
        assert_eq!(probability_label(5, Lang::En), "Almost certain");
        assert_eq!(impact_label(5, Lang::Ja), "甚大");
    }

    #[test]
    fn severity_grows_to_the_upper_right() {
        let c = |p, i| Cell::new(p, i).severity();
        assert_eq!(c(1, 1), Severity::Low);
        assert_eq!(c(2, 2), Severity::Low);
        assert_eq!(c(2, 5), Severity::Medium);
        assert_eq!(c(3, 4), Severity::High);
        assert_eq!(c(5, 5), Severity::High);
    }

    #[test]
    fn the_cyber_risk_is_placed_now_and_after() {
        let risks = demo_risks();
        let i = LossInputs::template();
        // The demo company's loss model: 141億円 now (level 5), 96.6億円 after (level 4).
        let levels = CyberLevels {
            now: i.impact_level(1.41e10),
            after: i.impact_level(9.66e9),
        };
        let placed = place(&risks, &i, Some(levels));
        let cyber = placed[risks.iter().position(Risk::is_cyber).unwrap()];
        assert_eq!(
            (cyber.at, cyber.after),
            (Some(Cell::new(4, 5)), Some(Cell::new(4, 4)))
        );
        let unplaced = place(&risks, &i, None);
        let left_off = unplaced.iter().filter(|p| p.at.is_none()).count();
        assert_eq!(left_off, 1, "only the cyber risk, without a loss model");
    }

    #[test]
    fn demo_risks_are_the_reports_nine_with_the_cyber_risk_alone_upper_right() {
        let risks = demo_risks();
        assert_eq!(risks.len(), 9);
        assert_eq!(risks[0].name, "自然災害・事故等");
        for r in &risks {
            assert_eq!(
                &r.to_raw().validate().unwrap(),
                r,
                "the raw form round-trips"
            );
        }
        let cyber: Vec<_> = risks.iter().filter(|r| r.is_cyber()).collect();
        assert_eq!(cyber.len(), 1);
        assert_eq!(
            (cyber[0].name.as_str(), cyber[0].probability),
            ("サイバーリスク・個人情報の保護", 4)
        );
        let i = LossInputs::template();
        let placed = place(&risks, &i, Some(CyberLevels { now: 5, after: 4 }));
        let cyber_cells = [Cell::new(4, 5), Cell::new(4, 4)];
        for (r, p) in risks.iter().zip(&placed).filter(|(r, _)| !r.is_cyber()) {
            assert!(
                !cyber_cells.contains(&p.at.unwrap()),
                "{} shares a cyber cell",
                r.name
            );
            assert!(r.owner.is_some(), "{}", r.name);
        }
        let cells: Vec<Cell> = placed.iter().filter_map(|p| p.at).collect();
        let mut unique = cells.clone();
        unique.sort_by_key(|c| (c.probability, c.impact));
        unique.dedup();
        assert_eq!(unique.len(), cells.len(), "one risk per cell");
    }

    #[test]
    fn only_one_cyber_risk() {
        let risks = demo_risks();
        let mut second = risks[8].clone();
        assert!(
            other_cyber(&risks, &second).is_none(),
            "replacing itself is fine"
        );
        second.code = Code::parse("risk code", "cyber-2").unwrap();
        assert_eq!(other_cyber(&risks, &second).unwrap().code.as_str(), "cyber");
        assert!(other_cyber(&risks, &risks[0]).is_none());
    }
}
