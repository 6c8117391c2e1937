//! The column mapping shared by every connector: other tools name their columns (or JSON
//! fields) differently, so each of our field names can be pointed at the name the file uses.
//!
//! Settings come one at a time (`--column finding_id="Finding ID"`, i.e. `OURS=THEIRS`) or from
//! a TOML file with one table per connector:
//!
//! ```toml
//! [vulnerabilities]
//! finding_id = "Finding ID"
//! business_unit = "Department"
//!
//! [gophish]
//! business_unit = "position"
//! ```
//!
//! A name the connector does not know is refused, naming the fields it has. Headers are matched
//! as [`header_key`] folds them (width, case, surrounding spaces, `_` for a space or hyphen).

use std::collections::BTreeMap;

use crate::table::header_key;

/// One field a connector reads.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Our name, used in `--column` and in messages.
    pub name: &'static str,
    /// The header (or JSON path) the tool writes when it is not our name.
    pub default: &'static str,
    /// A row or file without it cannot be read.
    pub required: bool,
}

impl Field {
    pub const fn required(name: &'static str) -> Field {
        Field {
            name,
            default: name,
            required: true,
        }
    }
    pub const fn optional(name: &'static str) -> Field {
        Field {
            name,
            default: name,
            required: false,
        }
    }
    /// The same field under another default header.
    pub const fn named(self, default: &'static str) -> Field {
        Field { default, ..self }
    }
}

/// Our field names mapped to the file's own names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    pairs: BTreeMap<String, String>,
}

impl ColumnMap {
    /// Applies one `OURS=THEIRS` setting (the last setting of a field wins).
    pub fn set(&mut self, setting: &str) -> Result<(), String> {
        let (ours, theirs) = setting.split_once('=').ok_or_else(|| {
            format!("`{setting}`: expected OUR_NAME=THEIR_HEADER, such as finding_id=ID")
        })?;
        let (ours, theirs) = (ours.trim(), theirs.trim().trim_matches('"'));
        if ours.is_empty() || theirs.is_empty() {
            return Err(format!("`{setting}`: both names are needed"));
        }
        self.pairs
            .insert(ours.to_ascii_lowercase(), theirs.to_string());
        Ok(())
    }

    /// The mapping of `connector` in a TOML mapping file (its table `[connector]`; other tables
    /// are for other connectors and are ignored).
    pub fn from_toml(text: &str, connector: &str) -> Result<ColumnMap, String> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut map = ColumnMap::default();
        for (key, value) in &doc {
            if !value.is_table() {
                return Err(format!(
                    "`{key}`: put mappings in a table named after the connector, such as [{connector}]"
                ));
            }
        }
        if let Some(table) = doc.get(connector).and_then(|v| v.as_table()) {
            for (ours, theirs) in table {
                let theirs = theirs.as_str().ok_or_else(|| {
                    format!("[{connector}] {ours}: the file's column name must be text in quotes")
                })?;
                map.set(&format!("{ours}={theirs}"))
                    .map_err(|e| format!("[{connector}] {e}"))?;
            }
        }
        Ok(map)
    }

    /// Adds `other`'s settings over these.
    pub fn extend(&mut self, other: ColumnMap) {
        self.pairs.extend(other.pairs);
    }

    /// Refuses a mapping of a field the connector does not have.
    pub fn check(&self, fields: &[Field]) -> Result<(), String> {
        for ours in self.pairs.keys() {
            if !fields.iter().any(|f| f.name == ours) {
                let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
                return Err(format!(
                    "`{ours}` is not a field of this connector (its fields: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The name the file uses for `field`.
    pub fn name_of<'a>(&'a self, field: &'a Field) -> &'a str {
        self.pairs
            .get(field.name)
            .map_or(field.default, String::as_str)
    }

    /// How a field is named in an error: the file's name in backticks, and ours when they
    /// differ.
    pub fn describe(&self, field: &Field) -> String {
        let theirs = self.name_of(field);
        if theirs.eq_ignore_ascii_case(field.name) {
            format!("`{}`", field.name)
        } else {
            format!("`{theirs}` (for {})", field.name)
        }
    }

    /// Where each field is among `headers` (`None` for an absent optional field), or the
    /// missing required fields, or a header that appears twice.
    pub fn locate(
        &self,
        fields: &[Field],
        headers: &[String],
    ) -> Result<Vec<Option<usize>>, Located> {
        let mut idx = Vec::with_capacity(fields.len());
        let mut missing = Vec::new();
        for f in fields {
            let want = self.name_of(f).trim();
            let key = header_key(want);
            let mut found = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| header_key(h) == key);
            let first = found.next().map(|(i, _)| i);
            if found.next().is_some() {
                return Err(Located::Duplicate(want.to_string()));
            }
            if first.is_none() && f.required {
                missing.push(self.describe(f));
            }
            idx.push(first);
        }
        if missing.is_empty() {
            Ok(idx)
        } else {
            Err(Located::Missing(missing))
        }
    }
}

/// Why the header does not fit the fields.
#[derive(Debug, PartialEq, Eq)]
pub enum Located {
    Missing(Vec<String>),
    Duplicate(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [Field; 3] = [
        Field::required("finding_id"),
        Field::required("severity"),
        Field::optional("business_unit").named("department"),
    ];

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_settings_and_files() {
        let mut m = ColumnMap::default();
        assert_eq!(
            m.locate(
                &FIELDS,
                &headers(&["Severity", " finding_id ", "Department"])
            ),
            Ok(vec![Some(1), Some(0), Some(2)])
        );
        m.set("finding_id = \"Finding ID\"").unwrap();
        assert_eq!(
            m.locate(&FIELDS, &headers(&["severity", "finding id"])),
            Ok(vec![Some(1), Some(0), None])
        );
        // Width, case, and a space for `_` do not matter: a Japanese export's full-width
        // header is the same column.
        assert_eq!(
            m.locate(
                &FIELDS,
                &headers(&["ＳＥＶＥＲＩＴＹ", "ｆｉｎｄｉｎｇ－ｉｄ"])
            ),
            Ok(vec![Some(1), Some(0), None])
        );
        assert_eq!(
            m.locate(&FIELDS, &headers(&["severity", "finding"])),
            Err(Located::Missing(vec![
                "`Finding ID` (for finding_id)".into()
            ]))
        );
        let f = ColumnMap::from_toml(
            "[gophish]\nemail = \"Mail\"\n[vulnerabilities]\nseverity = \"Risk\"\n",
            "vulnerabilities",
        )
        .unwrap();
        assert_eq!(f.name_of(&FIELDS[1]), "Risk");
        assert_eq!(f.name_of(&FIELDS[0]), "finding_id");
        assert_eq!(
            m.locate(&FIELDS, &headers(&["severity", "finding id", "severity"])),
            Err(Located::Duplicate("severity".into()))
        );
    }

    #[test]
    fn refuses_unknown_fields_and_malformed_settings() {
        let mut m = ColumnMap::default();
        assert!(m.set("finding_id").is_err());
        assert!(m.set("=x").is_err());
        m.set("colour=red").unwrap();
        let e = m.check(&FIELDS).unwrap_err();
        assert!(
            e.contains("`colour`") && e.contains("finding_id, severity"),
            "{e}"
        );
        let e = ColumnMap::from_toml("severity = \"Risk\"", "vulnerabilities").unwrap_err();
        assert!(e.contains("[vulnerabilities]"), "{e}");
        let e = ColumnMap::from_toml("[gophish]\nemail = 3", "gophish").unwrap_err();
        assert!(e.contains("email"), "{e}");
    }
}
