//! The KPI catalogue: parsing and validating definitions, and the built-in catalogue.
//!
//! Definitions arrive as loosely typed [`RawKpi`] records (from the embedded TOML file, or later
//! from a user's JSON) and leave as [`KpiDefinition`]s only when every field passed. Every problem
//! is reported with the file, the entry id and the field, and all problems of a file are reported
//! at once, so a catalogue author fixes them in one pass.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::kpi::{
    Direction, Formula, FormulaPart, Frequency, GridCell, KpiDefinition, KpiId, Maturity,
    MeasureKind, MeasureType, Source, Target, TargetRule, Unit,
};
use crate::text::{Text, normalise};

/// The built-in catalogue, embedded in every binary.
pub const BUILTIN_TOML: &str = include_str!("../catalog/kpis.toml");
/// The name the built-in catalogue is reported under.
pub const BUILTIN_FILE: &str = "crates/mieruka-domain/catalog/kpis.toml";
/// The catalogue file format this build reads.
pub const FORMAT_VERSION: i64 = 1;

/// One thing wrong with a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The entry's id, or `#n` (1-based position) when it has no usable id.
    pub entry: Option<String>,
    /// The field at fault, as a dotted path (`targets[1].value`).
    pub field: Option<String>,
    pub reason: String,
}

/// A catalogue file that cannot be used, with everything wrong in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogueError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{}: {} problem{}",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}", self.file)?;
            if let Some(e) = &p.entry {
                write!(f, ": entry {e}")?;
            }
            if let Some(field) = &p.field {
                write!(f, ": field `{field}`")?;
            }
            write!(f, ": {}", p.reason)?;
        }
        Ok(())
    }
}

/// A validated set of KPI definitions, in file order, with unique ids.
#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: Vec<KpiDefinition>,
    index: HashMap<KpiId, usize>,
}

impl Catalogue {
    /// The catalogue shipped in the binary.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        Catalogue::parse_toml(BUILTIN_FILE, BUILTIN_TOML)
    }

    /// Parses and validates a catalogue in TOML. `file` is only used to name it in errors.
    pub fn parse_toml(file: &str, text: &str) -> Result<Catalogue, CatalogueError> {
        let fail = |problems| CatalogueError {
            file: file.to_string(),
            problems,
        };
        let one = |reason: String| {
            fail(vec![Problem {
                entry: None,
                field: None,
                reason,
            }])
        };
        let mut table: toml::Table = toml::from_str(text).map_err(|e| one(toml_reason(&e)))?;

        let mut problems = Vec::new();
        match table.remove("version") {
            Some(toml::Value::Integer(FORMAT_VERSION)) => {}
            Some(other) => problems.push(Problem {
                entry: None,
                field: Some("version".into()),
                reason: match other {
                    toml::Value::Integer(n) => {
                        format!("format version {n} is not supported (this build reads {FORMAT_VERSION})")
                    }
                    _ => "must be an integer".into(),
                },
            }),
            None => problems.push(Problem {
                entry: None,
                field: Some("version".into()),
                reason: format!("missing (expected `version = {FORMAT_VERSION}`)"),
            }),
        }
        let raw_entries = match table.remove("kpi") {
            Some(toml::Value::Array(a)) => a,
            Some(_) => return Err(one("`kpi` must be an array of tables ([[kpi]])".into())),
            None => return Err(one("no `[[kpi]]` entries".into())),
        };
        for key in table.keys() {
            problems.push(Problem {
                entry: None,
                field: Some(key.clone()),
                reason: "unknown top-level key (expected `version` and `[[kpi]]`)".into(),
            });
        }

        let mut raws = Vec::with_capacity(raw_entries.len());
        for (i, value) in raw_entries.into_iter().enumerate() {
            let label = entry_label(&value, i);
            match value.try_into::<RawKpi>() {
                Ok(raw) => raws.push((label, raw)),
                Err(e) => problems.push(Problem {
                    entry: Some(label),
                    field: None,
                    reason: toml_reason(&e),
                }),
            }
        }

        let mut entries = Vec::with_capacity(raws.len());
        for (label, raw) in raws {
            match raw.validate() {
                Ok(def) => entries.push(def),
                Err(found) => problems.extend(found.into_iter().map(|f| Problem {
                    entry: Some(label.clone()),
                    ..f
                })),
            }
        }
        problems.extend(cross_check(&entries));
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(Catalogue::from_valid(entries))
    }

    fn from_valid(entries: Vec<KpiDefinition>) -> Catalogue {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Catalogue { entries, index }
    }

    pub fn get(&self, id: &str) -> Option<&KpiDefinition> {
        let id = KpiId::parse(id).ok()?;
        self.index.get(&id).map(|&i| &self.entries[i])
    }

    pub fn entries(&self) -> &[KpiDefinition] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Checks that need the whole file: unique ids, `related` pointing at entries that exist.
fn cross_check(entries: &[KpiDefinition]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&KpiId, usize> = HashMap::new();
    for (i, d) in entries.iter().enumerate() {
        if let Some(first) = seen.insert(&d.id, i) {
            seen.insert(&d.id, first);
            problems.push(Problem {
                entry: Some(d.id.to_string()),
                field: Some("id".into()),
                reason: format!(
                    "duplicate id `{}` (already used by entry #{})",
                    d.id,
                    first + 1
                ),
            });
        }
    }
    for d in entries {
        for (j, r) in d.related.iter().enumerate() {
            if !seen.contains_key(r) {
                problems.push(Problem {
                    entry: Some(d.id.to_string()),
                    field: Some(format!("related[{j}]")),
                    reason: format!("no entry has id `{r}`"),
                });
            }
        }
    }
    problems
}

fn entry_label(value: &toml::Value, index: usize) -> String {
    value
        .get("id")
        .and_then(toml::Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", index + 1))
}

/// A TOML error on one line: its message spans several, with an excerpt of the source.
pub fn toml_reason(e: &toml::de::Error) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A KPI definition as written by a person, before validation.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KpiDefinitionInput")]
pub struct RawKpi {
    pub id: Option<String>,
    pub source: Option<String>,
    pub name: Option<RawText>,
    pub group: Option<RawText>,
    pub measure_kind: Option<String>,
    pub maturity: Option<String>,
    pub direction: Option<String>,
    pub measure_type: Option<String>,
    pub frequency: Option<String>,
    pub data_source: Option<RawText>,
    pub formula: Option<RawFormula>,
    pub targets: Option<Vec<RawTarget>>,
    pub grid_cell: Option<RawGridCell>,
    pub example_of: Option<RawText>,
    pub related: Option<Vec<String>>,
    pub may_exceed_100: Option<bool>,
    pub note: Option<RawText>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    pub ja: Option<String>,
    pub en: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFormula {
    pub kind: Option<String>,
    pub numerator: Option<RawText>,
    pub denominator: Option<RawText>,
    pub actual: Option<RawText>,
    pub plan: Option<RawText>,
    pub counted: Option<RawText>,
    pub from: Option<RawText>,
    pub to: Option<RawText>,
    pub effort: Option<bool>,
    pub scored: Option<RawText>,
    pub parts: Option<Vec<RawPart>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    pub key: Option<String>,
    pub name: Option<RawText>,
    pub numerator: Option<RawText>,
    pub denominator: Option<RawText>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub rule: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub part: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGridCell {
    pub measure_kind: Option<String>,
    pub maturity: Option<String>,
}

/// Collects the problems of one entry, each with its field path.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem {
            entry: None,
            field: Some(field.into()),
            reason: reason.into(),
        });
    }

    fn required<T>(&mut self, field: &str, v: Option<T>) -> Option<T> {
        if v.is_none() {
            self.fail(field, "missing");
        }
        v
    }

    fn vocab<T: FromStr<Err = String>>(&mut self, field: &str, v: Option<String>) -> Option<T> {
        let s = self.required(field, v)?;
        s.trim()
            .parse()
            .map_err(|e: String| self.fail(field, e))
            .ok()
    }

    fn text(&mut self, field: &str, v: Option<RawText>) -> Option<Text> {
        let raw = self.required(field, v)?;
        let ja = raw.ja.as_deref().map(normalise).unwrap_or_default();
        let en = raw.en.as_deref().map(normalise).unwrap_or_default();
        if ja.is_empty() {
            self.fail(format!("{field}.ja"), "missing Japanese text");
        }
        if en.is_empty() {
            self.fail(format!("{field}.en"), "missing English text");
        }
        // A KPI's and a part's name are names; other texts are only checked for controls.
        let rule = if field == "name" || field.ends_with(".name") {
            crate::text::check_name
        } else {
            crate::text::check_text
        };
        let mut clean = true;
        for (lang, t) in [("ja", &ja), ("en", &en)] {
            if let Err(e) = rule(t) {
                self.fail(format!("{field}.{lang}"), e);
                clean = false;
            }
        }
        (clean && !ja.is_empty() && !en.is_empty()).then_some(Text { ja, en })
    }

    fn optional_text(&mut self, field: &str, v: Option<RawText>) -> Option<Text> {
        v.and_then(|raw| self.text(field, Some(raw)))
    }
}

impl RawKpi {
    /// Validates every field, returning the definition or every problem found (without entry).
    pub fn validate(self) -> Result<KpiDefinition, Vec<Problem>> {
        let mut c = Checker::default();
        let id = c
            .required("id", self.id)
            .and_then(|s| KpiId::parse(s.trim()).map_err(|e| c.fail("id", e)).ok());
        let source: Option<Source> = c.vocab("source", self.source);
        let name = c.text("name", self.name);
        let group = c.optional_text("group", self.group);
        let measure_kind: Option<MeasureKind> = c.vocab("measure_kind", self.measure_kind);
        let maturity: Option<Maturity> = c.vocab("maturity", self.maturity);
        let direction: Option<Direction> = c.vocab("direction", self.direction);
        let measure_type: Option<MeasureType> = c.vocab("measure_type", self.measure_type);
        let frequency: Option<Frequency> = c.vocab("frequency", self.frequency);
        let data_source = c.optional_text("data_source", self.data_source);
        let note = c.optional_text("note", self.note);
        let example_of = c.optional_text("example_of", self.example_of);
        let formula = c
            .required("formula", self.formula)
            .and_then(|f| validate_formula(&mut c, f));
        let grid_cell = self.grid_cell.and_then(|g| {
            let measure_kind = c.vocab("grid_cell.measure_kind", g.measure_kind);
            let maturity = c.vocab("grid_cell.maturity", g.maturity);
            Some(GridCell {
                measure_kind: measure_kind?,
                maturity: maturity?,
            })
        });
        let related: Vec<KpiId> = self
            .related
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                KpiId::parse(r.trim())
                    .map_err(|e| c.fail(format!("related[{i}]"), e))
                    .ok()
            })
            .collect();
        let may_exceed_100 = self.may_exceed_100.unwrap_or(false);
        let targets = match (&formula, c.required("targets", self.targets)) {
            (Some(f), Some(t)) => validate_targets(&mut c, f, may_exceed_100, t),
            _ => None,
        };

        match (source, &example_of) {
            (Some(Source::Example), None) => c.fail(
                "example_of",
                "required for an entry whose source is `example`",
            ),
            (Some(s), Some(_)) if s != Source::Example => c.fail(
                "example_of",
                "only entries whose source is `example` name an example organisation",
            ),
            _ => {}
        }
        if source == Some(Source::ModelGrid) {
            match (grid_cell, measure_kind, maturity) {
                (None, _, _) => c.fail("grid_cell", "required for an entry whose source is `model_grid`"),
                (Some(g), Some(k), Some(m)) if g.measure_kind != k || g.maturity != m => c.fail(
                    "grid_cell",
                    "a grid-only entry sits in its own cell: grid_cell must equal measure_kind and maturity",
                ),
                _ => {}
            }
        }
        if let (Some(f), true) = (&formula, may_exceed_100)
            && !matches!(f, Formula::Ratio { .. } | Formula::Progress { .. })
        {
            c.fail(
                "may_exceed_100",
                "only a ratio or progress KPI can exceed 100%",
            );
        }

        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        // Every `?`-style None above has recorded a problem, so these are all present.
        match (
            id,
            source,
            name,
            measure_kind,
            maturity,
            direction,
            measure_type,
            frequency,
            formula,
            targets,
        ) {
            (
                Some(id),
                Some(source),
                Some(name),
                Some(measure_kind),
                Some(maturity),
                Some(direction),
                Some(measure_type),
                Some(frequency),
                Some(formula),
                Some(targets),
            ) => Ok(KpiDefinition {
                id,
                source,
                name,
                group,
                measure_kind,
                maturity,
                direction,
                measure_type,
                frequency,
                data_source,
                formula,
                targets,
                grid_cell,
                example_of,
                related,
                may_exceed_100,
                note,
            }),
            _ => Err(vec![Problem {
                entry: None,
                field: None,
                reason: "incomplete definition".into(),
            }]),
        }
    }
}

fn validate_formula(c: &mut Checker, f: RawFormula) -> Option<Formula> {
    let kind = c.required("formula.kind", f.kind)?;
    let allowed: &[&str] = match kind.as_str() {
        "ratio" => &["numerator", "denominator"],
        "progress" => &["actual", "plan"],
        "count" => &["counted"],
        "mean_duration" => &["from", "to", "effort"],
        "score" => &["scored"],
        "compound" => &["parts"],
        other => {
            c.fail(
                "formula.kind",
                format!(
                    "unknown formula kind `{other}` (expected one of: ratio, progress, count, mean_duration, score, compound)"
                ),
            );
            return None;
        }
    };
    let present = [
        ("numerator", f.numerator.is_some()),
        ("denominator", f.denominator.is_some()),
        ("actual", f.actual.is_some()),
        ("plan", f.plan.is_some()),
        ("counted", f.counted.is_some()),
        ("from", f.from.is_some()),
        ("to", f.to.is_some()),
        ("effort", f.effort.is_some()),
        ("scored", f.scored.is_some()),
        ("parts", f.parts.is_some()),
    ];
    for (field, is_present) in present {
        if is_present && !allowed.contains(&field) {
            c.fail(
                format!("formula.{field}"),
                format!(
                    "not a term of a `{kind}` formula (its terms: {})",
                    allowed.join(", ")
                ),
            );
        }
    }
    let formula = match kind.as_str() {
        "ratio" => {
            let numerator = c.text("formula.numerator", f.numerator);
            let denominator = c.text("formula.denominator", f.denominator);
            Formula::Ratio {
                numerator: numerator?,
                denominator: denominator?,
            }
        }
        "progress" => {
            let actual = c.text("formula.actual", f.actual);
            let plan = c.text("formula.plan", f.plan);
            Formula::Progress {
                actual: actual?,
                plan: plan?,
            }
        }
        "count" => Formula::Count {
            counted: c.text("formula.counted", f.counted)?,
        },
        "mean_duration" => {
            let from = c.text("formula.from", f.from);
            let to = c.text("formula.to", f.to);
            Formula::MeanDuration {
                from: from?,
                to: to?,
                effort: f.effort.unwrap_or(false),
            }
        }
        "score" => Formula::Score {
            scored: c.text("formula.scored", f.scored)?,
        },
        _ => {
            let raw_parts = c.required("formula.parts", f.parts)?;
            if raw_parts.is_empty() {
                c.fail(
                    "formula.parts",
                    "a compound formula needs at least one part",
                );
            }
            let mut keys = HashSet::new();
            let mut parts = Vec::new();
            for (i, p) in raw_parts.into_iter().enumerate() {
                let at = |s: &str| format!("formula.parts[{i}].{s}");
                let key = c.required(&at("key"), p.key).map(|k| k.trim().to_string());
                if let Some(k) = &key {
                    let snake = !k.is_empty()
                        && k.chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
                    if !snake {
                        c.fail(at("key"), format!("`{k}` must be snake_case (a–z, 0–9, _)"));
                    } else if !keys.insert(k.clone()) {
                        c.fail(at("key"), format!("duplicate part key `{k}`"));
                    }
                }
                let name = c.text(&at("name"), p.name);
                let numerator = c.text(&at("numerator"), p.numerator);
                let denominator = c.text(&at("denominator"), p.denominator);
                if let (Some(key), Some(name), Some(numerator), Some(denominator)) =
                    (key, name, numerator, denominator)
                {
                    parts.push(FormulaPart {
                        key,
                        name,
                        numerator,
                        denominator,
                    });
                }
            }
            Formula::Compound { parts }
        }
    };
    Some(formula)
}

fn validate_targets(
    c: &mut Checker,
    formula: &Formula,
    may_exceed_100: bool,
    raw: Vec<RawTarget>,
) -> Option<Vec<Target>> {
    if raw.is_empty() {
        c.fail(
            "targets",
            "at least one target is needed (rule `unspecified` if none is set)",
        );
        return None;
    }
    let before = c.problems.len();
    let mut targets = Vec::new();
    for (i, t) in raw.into_iter().enumerate() {
        let at = |s: &str| format!("targets[{i}].{s}");
        let rule: Option<TargetRule> = c.vocab(&at("rule"), t.rule);
        let unit: Option<Unit> = c.vocab(&at("unit"), t.unit);
        if let Some(u) = unit
            && !formula.target_units().contains(&u)
        {
            let allowed: Vec<_> = formula.target_units().iter().map(|u| u.code()).collect();
            c.fail(
                at("unit"),
                format!(
                    "a `{}` KPI is measured in {}, not `{u}`",
                    formula.kind(),
                    allowed.join(" or ")
                ),
            );
        }
        if let Some(r) = rule {
            match (r.has_value(), t.value) {
                (true, None) => c.fail(at("value"), format!("rule `{r}` needs a value")),
                (false, Some(_)) => c.fail(at("value"), format!("rule `{r}` takes no value")),
                _ => {}
            }
        }
        if let Some(v) = t.value {
            if !v.is_finite() || v < 0.0 {
                c.fail(at("value"), format!("{v} is not a non-negative number"));
            } else if unit == Some(Unit::Percent) && v > 100.0 && !may_exceed_100 {
                c.fail(at("value"), format!("{v}% is outside 0–100%"));
            }
        }
        let part = t.part.map(|p| p.trim().to_string());
        match (formula, &part) {
            (Formula::Compound { parts }, Some(p)) if !parts.iter().any(|x| &x.key == p) => {
                c.fail(at("part"), format!("the formula has no part `{p}`"))
            }
            (Formula::Compound { .. }, None) => {
                c.fail(at("part"), "a compound KPI's target must name its part")
            }
            (Formula::Compound { .. }, Some(_)) => {}
            (_, Some(_)) => c.fail(at("part"), "only compound KPIs have parts"),
            (_, None) => {}
        }
        if let (Some(rule), Some(unit)) = (rule, unit) {
            targets.push(Target {
                rule,
                value: t.value,
                unit,
                part,
            });
        }
    }
    if let Formula::Compound { parts } = formula {
        for p in parts {
            let n = targets
                .iter()
                .filter(|t| t.part.as_deref() == Some(&p.key))
                .count();
            if n != 1 {
                c.fail(
                    "targets",
                    format!("part `{}` needs exactly one target, has {n}", p.key),
                );
            }
        }
    }
    (c.problems.len() == before).then_some(targets)
}
