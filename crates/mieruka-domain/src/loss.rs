//! The loss model (想定損失額): the maximum a cyber incident could cost, in yen, by JCIC's 2018
//! model for boards, and how much of it each KPI plan removes.
//!
//! # Categories and formulas
//!
//! | | category | formula |
//! |---|---|---|
//! | ① | theft of information | base value (500円) × sensitivity × identifiability × social responsibility × response quality × people whose data is held |
//! | ② | business interruption | annual revenue × affected share ÷ business days per year × days of outage |
//! | ③ | regulatory fine | GDPR: max(4% of worldwide revenue, €20M × exchange rate); or a fixed amount; or none |
//! | ④ | incident response | sum of the response cost items × response cost factor |
//! | | indirect (shown apart) | net profit × 21%; market value × 10% |
//!
//! Sensitivity follows JNSA's Simple-EP chart: for each kind of data held, 10^(x−1) + 5^(y−1) with
//! x the level of mental distress and y of economic loss (1–3); the highest over the kinds counts.
//!
//! # Plans move levers
//!
//! A plan's purpose may name levers of the model and the value each reaches when the plan meets
//! its target (the anonymisation plan takes identifiability 6 → 3). **Partial rule:** a plan moves
//! its levers in proportion to its achievement rate, capped at 100% — halfway to target, half the
//! move. Moves by several plans on one lever add up, and a lever never passes its natural bound
//! (identifiability ≥ 1, days and factors ≥ 0). *Now* is the model before any plan, *today* with each
//! plan at its current achievement, *after* with every plan at its target.

use serde::{Deserialize, Serialize};

use crate::plan::{FieldError, LossCategory, field_error};
use crate::text::Text;
use crate::vocab::vocabulary;

vocabulary! {
    /// A parameter of the loss model a plan can move.
    LossLever, "loss lever" {
        Identifiability => "identifiability", "本人特定容易度", "Identifiability";
        PeopleHeld => "people_held", "保有する個人情報の人数", "People whose data is held";
        OutageDays => "outage_days", "事業停止日数", "Days of outage";
        AffectedRevenueShare => "affected_revenue_share", "停止する売上の割合", "Share of revenue stopped";
        ResponseCostFactor => "response_cost_factor", "事故対応費用の係数", "Response cost factor";
    }
}

/// What a plan does to the loss model when it meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    pub lever: LossLever,
    /// The lever's value once the plan meets its target.
    pub to: f64,
}

/// A kind of personal data held, placed on JNSA's Simple-EP chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataKind {
    pub name: String,
    /// Mental distress level, 1–3 (x).
    pub distress: u8,
    /// Economic loss level, 1–3 (y).
    pub economic: u8,
}

impl DataKind {
    pub fn sensitivity(&self) -> f64 {
        10f64.powi(i32::from(self.distress) - 1) + 5f64.powi(i32::from(self.economic) - 1)
    }
}

/// How a regulatory fine is estimated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "regime", rename_all = "snake_case", deny_unknown_fields)]
pub enum FineRegime {
    /// The larger of a share of worldwide revenue and a floor in euros.
    Gdpr {
        #[serde(default = "default_fine_share")]
        share_of_revenue: f64,
        #[serde(default = "default_fine_floor_eur")]
        floor_eur: f64,
        /// Yen per euro.
        eur_jpy: f64,
    },
    /// A fixed amount in yen.
    Fixed { yen: f64 },
    /// No fine applies.
    None,
}

fn default_fine_share() -> f64 {
    0.04
}
fn default_fine_floor_eur() -> f64 {
    20_000_000.0
}

/// One item of the incident-response cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostItem {
    pub name: String,
    pub yen: f64,
}

/// How often each kind of loss is expected per year, for the simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnnualRates {
    pub theft: f64,
    pub interruption: f64,
    pub fine: f64,
    pub response: f64,
}

impl Default for AnnualRates {
    fn default() -> Self {
        AnnualRates {
            theft: 0.05,
            interruption: 0.1,
            fine: 0.02,
            response: 0.2,
        }
    }
}

/// Everything the loss model needs beyond the organisation's facts. Every field has a
/// documented default except the ones that describe the company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LossInputs {
    /// People whose personal data is held.
    pub people_held: f64,
    pub data_kinds: Vec<DataKind>,
    /// 6: name and address; 3: name, or address and phone; 1: otherwise.
    pub identifiability: f64,
    /// 2: above the general level (large, well known, public interest); 1: general.
    #[serde(default = "one")]
    pub social_responsibility: f64,
    /// 1: appropriate (or unknown); 2: inappropriate.
    #[serde(default = "one")]
    pub response_quality: f64,
    /// JNSA's base value of one person's data, yen.
    #[serde(default = "default_base_value")]
    pub base_value_yen: f64,
    /// Annual revenue, yen; defaults to the company unit's facts.
    #[serde(default)]
    pub annual_revenue_yen: Option<f64>,
    /// Worldwide annual revenue for the fine, yen; defaults to the annual revenue.
    #[serde(default)]
    pub worldwide_revenue_yen: Option<f64>,
    /// Share of revenue an outage stops (e.g. only the online shop's), 0–1.
    #[serde(default = "one")]
    pub affected_revenue_share: f64,
    #[serde(default = "default_business_days")]
    pub business_days_per_year: f64,
    pub outage_days: f64,
    pub fine: FineRegime,
    pub response_items: Vec<CostItem>,
    #[serde(default = "one")]
    pub response_cost_factor: f64,
    #[serde(default)]
    pub net_profit_yen: Option<f64>,
    #[serde(default)]
    pub market_value_yen: Option<f64>,
    #[serde(default)]
    pub annual_rates: AnnualRates,
    /// For the simulation: the deterministic figure is a loss's P95; its P5 is this share of it.
    #[serde(default = "default_p5_share")]
    pub p5_share: f64,
    /// Bounds in yen between the impact levels 1|2|3|4|5 of the risk matrix.
    #[serde(default = "default_bands")]
    pub impact_bands_yen: [f64; 4],
}

fn one() -> f64 {
    1.0
}
fn default_base_value() -> f64 {
    500.0
}
fn default_business_days() -> f64 {
    250.0
}
fn default_p5_share() -> f64 {
    0.05
}
fn default_bands() -> [f64; 4] {
    [1e8, 1e9, 5e9, 1e10]
}

/// Amounts past this (10 quadrillion yen) are certainly a typing mistake.
const MAX_YEN: f64 = 1e16;

impl LossInputs {
    /// A starting point for an organisation: the report's defaults, nothing about its data.
    pub fn template() -> LossInputs {
        LossInputs {
            people_held: 0.0,
            data_kinds: vec![DataKind {
                name: "氏名・住所・生年月日・電話番号・メールアドレス".into(),
                distress: 1,
                economic: 1,
            }],
            identifiability: 6.0,
            social_responsibility: 1.0,
            response_quality: 1.0,
            base_value_yen: 500.0,
            annual_revenue_yen: None,
            worldwide_revenue_yen: None,
            affected_revenue_share: 1.0,
            business_days_per_year: 250.0,
            outage_days: 5.0,
            fine: FineRegime::Gdpr {
                share_of_revenue: 0.04,
                floor_eur: 20_000_000.0,
                eur_jpy: 130.0,
            },
            response_items: vec![CostItem {
                name: "事故対応費用".into(),
                yen: 60_000_000.0,
            }],
            response_cost_factor: 1.0,
            net_profit_yen: None,
            market_value_yen: None,
            annual_rates: AnnualRates::default(),
            p5_share: 0.05,
            impact_bands_yen: default_bands(),
        }
    }

    /// Checks every field, naming the one at fault.
    pub fn validate(self) -> Result<LossInputs, FieldError> {
        let amount = |field: &str, v: f64| -> Result<(), FieldError> {
            if v.is_finite() && (0.0..=MAX_YEN).contains(&v) {
                Ok(())
            } else {
                Err(field_error(
                    field,
                    format!("{v} is not an amount between 0 and {MAX_YEN:e}"),
                ))
            }
        };
        let within = |field: &str, v: f64, lo: f64, hi: f64| -> Result<(), FieldError> {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(field_error(field, format!("{v} is outside {lo}–{hi}")))
            }
        };
        amount("people_held", self.people_held)?;
        if self.people_held.fract() != 0.0 {
            return Err(field_error("people_held", "a number of people is whole"));
        }
        if self.data_kinds.is_empty() {
            return Err(field_error(
                "data_kinds",
                "name at least one kind of personal data held",
            ));
        }
        for (i, k) in self.data_kinds.iter().enumerate() {
            if !(1..=3).contains(&k.distress) {
                return Err(field_error(
                    format!("data_kinds[{i}].distress"),
                    format!("{} is outside 1–3", k.distress),
                ));
            }
            if !(1..=3).contains(&k.economic) {
                return Err(field_error(
                    format!("data_kinds[{i}].economic"),
                    format!("{} is outside 1–3", k.economic),
                ));
            }
        }
        within("identifiability", self.identifiability, 1.0, 6.0)?;
        within(
            "social_responsibility",
            self.social_responsibility,
            1.0,
            2.0,
        )?;
        within("response_quality", self.response_quality, 1.0, 2.0)?;
        amount("base_value_yen", self.base_value_yen)?;
        if let Some(v) = self.annual_revenue_yen {
            amount("annual_revenue_yen", v)?;
        }
        if let Some(v) = self.worldwide_revenue_yen {
            amount("worldwide_revenue_yen", v)?;
        }
        within(
            "affected_revenue_share",
            self.affected_revenue_share,
            0.0,
            1.0,
        )?;
        within(
            "business_days_per_year",
            self.business_days_per_year,
            1.0,
            366.0,
        )?;
        within("outage_days", self.outage_days, 0.0, 366.0)?;
        match &self.fine {
            FineRegime::Gdpr {
                share_of_revenue,
                floor_eur,
                eur_jpy,
            } => {
                within("fine.share_of_revenue", *share_of_revenue, 0.0, 1.0)?;
                amount("fine.floor_eur", *floor_eur)?;
                within("fine.eur_jpy", *eur_jpy, 0.01, 10_000.0)?;
            }
            FineRegime::Fixed { yen } => amount("fine.yen", *yen)?,
            FineRegime::None => {}
        }
        for (i, item) in self.response_items.iter().enumerate() {
            amount(&format!("response_items[{i}].yen"), item.yen)?;
        }
        within("response_cost_factor", self.response_cost_factor, 0.0, 10.0)?;
        for (f, v) in [
            ("net_profit_yen", self.net_profit_yen),
            ("market_value_yen", self.market_value_yen),
        ] {
            if let Some(v) = v {
                amount(f, v)?;
            }
        }
        let r = &self.annual_rates;
        for (f, v) in [
            ("annual_rates.theft", r.theft),
            ("annual_rates.interruption", r.interruption),
            ("annual_rates.fine", r.fine),
            ("annual_rates.response", r.response),
        ] {
            within(f, v, 0.0, 1000.0)?;
        }
        within("p5_share", self.p5_share, 1e-6, 0.99)?;
        if !self.impact_bands_yen.windows(2).all(|w| w[0] < w[1]) || self.impact_bands_yen[0] <= 0.0
        {
            return Err(field_error(
                "impact_bands_yen",
                "four increasing positive amounts",
            ));
        }
        Ok(self)
    }

    /// The value a lever has in these inputs.
    pub fn lever(&self, lever: LossLever) -> f64 {
        match lever {
            LossLever::Identifiability => self.identifiability,
            LossLever::PeopleHeld => self.people_held,
            LossLever::OutageDays => self.outage_days,
            LossLever::AffectedRevenueShare => self.affected_revenue_share,
            LossLever::ResponseCostFactor => self.response_cost_factor,
        }
    }

    /// The highest sensitivity over the kinds of data held.
    pub fn sensitivity(&self) -> f64 {
        self.data_kinds
            .iter()
            .map(DataKind::sensitivity)
            .fold(0.0, f64::max)
    }

    /// The impact level (1–5) of an amount, by the bands.
    pub fn impact_level(&self, yen: f64) -> u8 {
        1 + self.impact_bands_yen.iter().filter(|b| yen >= **b).count() as u8
    }
}

/// Checks an effect is a value its lever can take.
pub fn check_effect(e: &Effect) -> Result<(), FieldError> {
    let (lo, hi) = lever_bounds(e.lever);
    if e.to.is_finite() && (lo..=hi).contains(&e.to) {
        Ok(())
    } else {
        Err(field_error(
            "effects",
            format!("{} cannot be {} (it lies within {lo}–{hi})", e.lever, e.to),
        ))
    }
}

fn lever_bounds(lever: LossLever) -> (f64, f64) {
    match lever {
        LossLever::Identifiability => (1.0, 6.0),
        LossLever::PeopleHeld => (0.0, MAX_YEN),
        LossLever::OutageDays => (0.0, 366.0),
        LossLever::AffectedRevenueShare => (0.0, 1.0),
        LossLever::ResponseCostFactor => (0.0, 10.0),
    }
}

/// The organisation's facts the model reads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompanyFacts {
    pub annual_revenue_yen: Option<f64>,
}

/// One input of a figure, for its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "LossTerm")]
pub struct Term {
    /// The input's name in the loss inputs (`people_held`).
    pub key: &'static str,
    pub label: Text,
    pub value: f64,
    /// The value's unit (`yen`, `eur`, `people`…), empty for a factor.
    pub unit: &'static str,
}

/// A figure of the model that can explain itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// `theft`, `interruption`, `fine`, `response`, `net_profit`, `market_value`.
    pub key: &'static str,
    pub label: Text,
    pub amount_yen: f64,
    pub formula: Text,
    pub terms: Vec<Term>,
    pub source: Text,
}

/// The four categories and the indirect effects, for one set of lever values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub categories: Vec<Figure>,
    pub total_yen: f64,
    pub indirect: Vec<Figure>,
}

impl Breakdown {
    pub fn amount(&self, category: LossCategory) -> f64 {
        self.categories
            .iter()
            .find(|f| f.key == category.code())
            .map_or(0.0, |f| f.amount_yen)
    }
}

/// Our own labels, kept exactly as written (NFKC would turn ① into 1).
fn t(ja: &str, en: &str) -> Text {
    Text {
        ja: ja.to_string(),
        en: en.to_string(),
    }
}

fn term(key: &'static str, ja: &str, en: &str, value: f64, unit: &'static str) -> Term {
    Term {
        key,
        label: t(ja, en),
        value,
        unit,
    }
}

/// The model for given inputs (with levers already moved).
pub fn breakdown(inputs: &LossInputs, facts: CompanyFacts) -> Result<Breakdown, FieldError> {
    let revenue = inputs
        .annual_revenue_yen
        .or(facts.annual_revenue_yen)
        .ok_or_else(|| {
            field_error(
                "annual_revenue_yen",
                "unknown: set it on the company unit (unit add --revenue) or in the loss inputs",
            )
        })?;
    let worldwide = inputs.worldwide_revenue_yen.unwrap_or(revenue);
    let jcic = t(
        "JCIC「取締役会で議論するためのサイバーリスクの数値化モデル」(2018)",
        "JCIC, cyber-risk quantification model for boards (2018)",
    );
    let jnsa = t(
        "JCIC (2018)、JNSA の想定損害賠償額算定式（JOモデル）",
        "JCIC (2018) with JNSA's JO model of damages per person",
    );

    let sensitivity = inputs.sensitivity();
    let per_person = inputs.base_value_yen
        * sensitivity
        * inputs.identifiability
        * inputs.social_responsibility
        * inputs.response_quality;
    let theft = Figure {
        key: "theft",
        label: t(
            LossCategory::Theft.label(crate::Lang::Ja),
            LossCategory::Theft.label(crate::Lang::En),
        ),
        amount_yen: per_person * inputs.people_held,
        formula: t(
            "基礎情報価値 × 機微情報度 × 本人特定容易度 × 社会的責任度 × 事後対応評価 × 保有する個人情報の人数",
            "base value × sensitivity × identifiability × social responsibility × response quality × people whose data is held",
        ),
        terms: vec![
            term(
                "base_value_yen",
                "基礎情報価値",
                "Base value",
                inputs.base_value_yen,
                "yen",
            ),
            term("sensitivity", "機微情報度", "Sensitivity", sensitivity, ""),
            term(
                "identifiability",
                "本人特定容易度",
                "Identifiability",
                inputs.identifiability,
                "",
            ),
            term(
                "social_responsibility",
                "社会的責任度",
                "Social responsibility",
                inputs.social_responsibility,
                "",
            ),
            term(
                "response_quality",
                "事後対応評価",
                "Response quality",
                inputs.response_quality,
                "",
            ),
            term(
                "people_held",
                "保有する個人情報の人数",
                "People whose data is held",
                inputs.people_held,
                "people",
            ),
        ],
        source: jnsa,
    };
    let interruption = Figure {
        key: "interruption",
        label: t(
            LossCategory::Interruption.label(crate::Lang::Ja),
            LossCategory::Interruption.label(crate::Lang::En),
        ),
        amount_yen: revenue * inputs.affected_revenue_share / inputs.business_days_per_year
            * inputs.outage_days,
        formula: t(
            "年間売上高 × 停止する売上の割合 ÷ 年間営業日数 × 事業停止日数",
            "annual revenue × share stopped ÷ business days per year × days of outage",
        ),
        terms: vec![
            term(
                "annual_revenue_yen",
                "年間売上高",
                "Annual revenue",
                revenue,
                "yen",
            ),
            term(
                "affected_revenue_share",
                "停止する売上の割合",
                "Share of revenue stopped",
                inputs.affected_revenue_share,
                "share",
            ),
            term(
                "business_days_per_year",
                "年間営業日数",
                "Business days per year",
                inputs.business_days_per_year,
                "days",
            ),
            term(
                "outage_days",
                "事業停止日数",
                "Days of outage",
                inputs.outage_days,
                "days",
            ),
        ],
        source: jcic.clone(),
    };
    let (fine_amount, fine_formula, fine_terms) = match &inputs.fine {
        FineRegime::Gdpr {
            share_of_revenue,
            floor_eur,
            eur_jpy,
        } => (
            (share_of_revenue * worldwide).max(floor_eur * eur_jpy),
            t(
                "max(全世界売上高 × 売上比率, 下限額(ユーロ) × 為替レート)（GDPR）",
                "max(worldwide revenue × share, floor in euros × exchange rate) (GDPR)",
            ),
            vec![
                term(
                    "worldwide_revenue_yen",
                    "全世界売上高",
                    "Worldwide revenue",
                    worldwide,
                    "yen",
                ),
                term(
                    "share_of_revenue",
                    "売上比率",
                    "Share of revenue",
                    *share_of_revenue,
                    "share",
                ),
                term("floor_eur", "下限額", "Floor", *floor_eur, "eur"),
                term(
                    "eur_jpy",
                    "為替レート",
                    "Exchange rate",
                    *eur_jpy,
                    "yen/eur",
                ),
            ],
        ),
        FineRegime::Fixed { yen } => (
            *yen,
            t("設定した制裁金の額", "the fine set"),
            vec![term("yen", "制裁金", "Fine", *yen, "yen")],
        ),
        FineRegime::None => (0.0, t("制裁金なし", "no fine applies"), Vec::new()),
    };
    let fine = Figure {
        key: "fine",
        label: t(
            LossCategory::Fine.label(crate::Lang::Ja),
            LossCategory::Fine.label(crate::Lang::En),
        ),
        amount_yen: fine_amount,
        formula: fine_formula,
        terms: fine_terms,
        source: jcic.clone(),
    };
    let items: f64 = inputs.response_items.iter().map(|i| i.yen).sum();
    let mut response_terms: Vec<Term> = inputs
        .response_items
        .iter()
        .map(|i| Term {
            key: "response_item",
            label: Text::new(&i.name, &i.name),
            value: i.yen,
            unit: "yen",
        })
        .collect();
    response_terms.push(term(
        "response_cost_factor",
        "事故対応費用の係数",
        "Response cost factor",
        inputs.response_cost_factor,
        "",
    ));
    let response = Figure {
        key: "response",
        label: t(
            LossCategory::Response.label(crate::Lang::Ja),
            LossCategory::Response.label(crate::Lang::En),
        ),
        amount_yen: items * inputs.response_cost_factor,
        formula: t(
            "事故対応費用の項目の合計 × 事故対応費用の係数",
            "sum of response cost items × response cost factor",
        ),
        terms: response_terms,
        source: jcic.clone(),
    };
    let mut indirect = Vec::new();
    if let Some(p) = inputs.net_profit_yen {
        indirect.push(Figure {
            key: "net_profit",
            label: t("純利益への影響", "Effect on net profit"),
            amount_yen: p * 0.21,
            formula: t("前年度の純利益 × 21%", "previous year's net profit × 21%"),
            terms: vec![term("net_profit_yen", "純利益", "Net profit", p, "yen")],
            source: jcic.clone(),
        });
    }
    if let Some(m) = inputs.market_value_yen {
        indirect.push(Figure {
            key: "market_value",
            label: t("時価総額への影響", "Effect on market value"),
            amount_yen: m * 0.10,
            formula: t("時価総額 × 10%", "market value × 10%"),
            terms: vec![term(
                "market_value_yen",
                "時価総額",
                "Market value",
                m,
                "yen",
            )],
            source: jcic,
        });
    }
    let categories = vec![theft, interruption, fine, response];
    let total_yen = categories.iter().map(|f| f.amount_yen).sum();
    Ok(Breakdown {
        categories,
        total_yen,
        indirect,
    })
}

/// A plan as the loss model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLever {
    /// How the plan is named in the report (e.g. `#3 1.2.2`).
    pub key: String,
    pub effects: Vec<Effect>,
    /// The plan's achievement rate (None: no data yet, counted as 0).
    pub achievement: Option<f64>,
}

/// The money a plan is worth: what the total loses when it is at its current achievement and at
/// its target, each compared with no plan at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanWorth {
    pub key: String,
    pub effects: Vec<Effect>,
    pub achievement: Option<f64>,
    pub reduction_today_yen: f64,
    pub reduction_at_target_yen: f64,
}

/// Now, today and after, with each plan's worth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossReport {
    pub now: Breakdown,
    pub today: Breakdown,
    pub after: Breakdown,
    pub plans: Vec<PlanWorth>,
}

/// Moves the levers by each plan's share of its effects.
pub fn moved(inputs: &LossInputs, plans: &[(&[Effect], f64)]) -> LossInputs {
    let mut out = inputs.clone();
    for lever in LossLever::ALL {
        let base = inputs.lever(*lever);
        let delta: f64 = plans
            .iter()
            .flat_map(|(effects, share)| {
                effects
                    .iter()
                    .filter(|e| e.lever == *lever)
                    .map(move |e| (e.to - base) * share.clamp(0.0, 1.0))
            })
            .sum();
        if delta == 0.0 {
            continue;
        }
        let (lo, hi) = lever_bounds(*lever);
        let v = (base + delta).clamp(lo, hi);
        match lever {
            LossLever::Identifiability => out.identifiability = v,
            LossLever::PeopleHeld => out.people_held = v.round(),
            LossLever::OutageDays => out.outage_days = v,
            LossLever::AffectedRevenueShare => out.affected_revenue_share = v,
            LossLever::ResponseCostFactor => out.response_cost_factor = v,
        }
    }
    out
}

/// The whole report: now, today, after and each plan's worth.
pub fn report(
    inputs: &LossInputs,
    facts: CompanyFacts,
    plans: &[PlanLever],
) -> Result<LossReport, FieldError> {
    let now = breakdown(inputs, facts)?;
    let today_shares: Vec<(&[Effect], f64)> = plans
        .iter()
        .map(|p| (p.effects.as_slice(), p.achievement.unwrap_or(0.0)))
        .collect();
    let target_shares: Vec<(&[Effect], f64)> =
        plans.iter().map(|p| (p.effects.as_slice(), 1.0)).collect();
    let today = breakdown(&moved(inputs, &today_shares), facts)?;
    let after = breakdown(&moved(inputs, &target_shares), facts)?;
    let mut worth = Vec::new();
    for p in plans {
        let at = |share: f64| -> Result<f64, FieldError> {
            Ok(now.total_yen
                - breakdown(&moved(inputs, &[(p.effects.as_slice(), share)]), facts)?.total_yen)
        };
        worth.push(PlanWorth {
            key: p.key.clone(),
            effects: p.effects.clone(),
            achievement: p.achievement,
            reduction_today_yen: at(p.achievement.unwrap_or(0.0))?,
            reduction_at_target_yen: at(1.0)?,
        });
    }
    Ok(LossReport {
        now,
        today,
        after,
        plans: worth,
    })
}

/// A loss scenario for simulation: the deterministic figure is taken as the P95 of one event's
/// magnitude, and `p5_share` of it as the P5; the annual rate comes from the inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSpec {
    pub id: &'static str,
    pub name: Text,
    pub annual_rate: f64,
    pub low_p5: f64,
    pub high_p95: f64,
}

/// The scenarios of a breakdown (categories with no money are left out).
pub fn scenarios(inputs: &LossInputs, b: &Breakdown) -> Vec<ScenarioSpec> {
    let r = &inputs.annual_rates;
    b.categories
        .iter()
        .filter(|f| f.amount_yen > 0.0)
        .map(|f| ScenarioSpec {
            id: f.key,
            name: f.label.clone(),
            annual_rate: match f.key {
                "theft" => r.theft,
                "interruption" => r.interruption,
                "fine" => r.fine,
                _ => r.response,
            },
            low_p5: f.amount_yen * inputs.p5_share,
            high_p95: f.amount_yen,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jnsa_sensitivity_chart() {
        let k = |x, y| {
            DataKind {
                name: String::new(),
                distress: x,
                economic: y,
            }
            .sensitivity()
        };
        assert_eq!(k(1, 1), 2.0);
        assert_eq!(k(1, 3), 26.0);
        assert_eq!(k(3, 3), 125.0);
    }

    #[test]
    fn impact_levels_follow_the_bands() {
        let i = LossInputs::template();
        assert_eq!(i.impact_level(5e7), 1);
        assert_eq!(i.impact_level(1e8), 2);
        assert_eq!(i.impact_level(9.66e9), 4);
        assert_eq!(i.impact_level(1.41e10), 5);
    }

    #[test]
    fn partial_achievement_moves_levers_in_proportion() {
        let i = LossInputs::template();
        let e = [Effect {
            lever: LossLever::Identifiability,
            to: 3.0,
        }];
        assert_eq!(moved(&i, &[(&e, 0.5)]).identifiability, 4.5);
        assert_eq!(
            moved(&i, &[(&e, 1.7)]).identifiability,
            3.0,
            "capped at the target"
        );
        let two = [Effect {
            lever: LossLever::Identifiability,
            to: 1.0,
        }];
        assert_eq!(
            moved(&i, &[(&e, 1.0), (&two, 1.0)]).identifiability,
            1.0,
            "bounded"
        );
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let mut i = LossInputs::template();
        i.people_held = -1.0;
        assert_eq!(i.clone().validate().unwrap_err().field, "people_held");
        i.people_held = 10.0;
        i.data_kinds[0].distress = 4;
        assert_eq!(
            i.clone().validate().unwrap_err().field,
            "data_kinds[0].distress"
        );
        i.data_kinds[0].distress = 1;
        i.identifiability = 7.0;
        assert_eq!(i.validate().unwrap_err().field, "identifiability");
    }
}
