//! A file's header row mapped onto the columns a reader knows, for files whose columns have
//! fixed names (measurement and benchmark files): each known column by its name and the other
//! names people write (Japanese aliases), matched as [`header_key`](super::header_key) folds
//! them. An unknown or repeated column refuses the file, naming it and its position; a column
//! with a blank header is remembered, so data under it can be refused row by row.

use std::collections::HashMap;
use std::hash::Hash;

use super::header_key;
use super::sheet::Cell;

/// A column a reader knows: what it is, its name, and other names for it.
pub type Known<C> = (C, &'static str, &'static [&'static str]);

/// Where each known column is in a file, with its header as written there.
#[derive(Debug, Clone)]
pub struct Header<C> {
    at: HashMap<C, (usize, String)>,
    /// Positions of columns with a blank header.
    blank: Vec<usize>,
    width: usize,
}

/// `name (alias/alias), …`: every known column, for messages.
pub fn describe<C>(known: &[Known<C>]) -> String {
    known
        .iter()
        .map(|(_, name, aliases)| {
            if aliases.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({})", aliases.join("/"))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known column a header names, if any.
pub fn lookup<C: Copy>(known: &[Known<C>], header: &str) -> Option<C> {
    let key = header_key(header);
    known
        .iter()
        .find(|(_, name, aliases)| *name == key || aliases.contains(&key.as_str()))
        .map(|(c, ..)| *c)
}

impl<C: Copy + Eq + Hash> Header<C> {
    /// Maps a header row. `accepted` says which names the file may use, after an unknown one.
    pub fn map(header: &[String], known: &[Known<C>], accepted: &str) -> Result<Header<C>, String> {
        let mut at: HashMap<C, (usize, String)> = HashMap::new();
        let mut blank = Vec::new();
        for (i, h) in header.iter().enumerate() {
            if h.trim().is_empty() {
                blank.push(i);
                continue;
            }
            let Some(column) = lookup(known, h) else {
                return Err(format!(
                    "unknown column `{h}` (column {}); {accepted}",
                    i + 1
                ));
            };
            if let Some((_, first)) = at.insert(column, (i, h.clone())) {
                return Err(format!(
                    "columns `{first}` and `{h}` (column {}) say the same thing; keep one",
                    i + 1
                ));
            }
        }
        Ok(Header {
            at,
            blank,
            width: header.len(),
        })
    }

    pub fn has(&self, c: C) -> bool {
        self.at.contains_key(&c)
    }

    /// The column's header as written in the file.
    pub fn written(&self, c: C) -> Option<&str> {
        self.at.get(&c).map(|(_, h)| h.as_str())
    }

    /// The row's cell in that column (empty when the file has no such column).
    pub fn cell<'a>(&self, c: C, cells: &'a [Cell]) -> &'a Cell {
        self.at
            .get(&c)
            .and_then(|(i, _)| cells.get(*i))
            .unwrap_or(&Cell::Empty)
    }

    /// The number (from 1) of a column that holds data in this row but has no header.
    pub fn stray(&self, cells: &[Cell]) -> Option<usize> {
        cells
            .iter()
            .enumerate()
            .find(|(i, c)| (*i >= self.width || self.blank.contains(i)) && !c.is_empty())
            .map(|(i, _)| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum Col {
        Unit,
        Value,
    }
    const KNOWN: [Known<Col>; 2] = [
        (Col::Unit, "unit", &["ユニット"]),
        (Col::Value, "value", &[]),
    ];

    fn header(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_aliases_width_and_case_are_one_column() {
        let h = Header::map(&header(&["ユニット", "", "ＶＡＬＵＥ"]), &KNOWN, "").unwrap();
        assert_eq!(h.written(Col::Unit), Some("ユニット"));
        assert_eq!(h.written(Col::Value), Some("ＶＡＬＵＥ"));
        let cells = [Cell::Text("it".into()), Cell::Empty, Cell::Number(3.0)];
        assert_eq!(h.cell(Col::Value, &cells), &Cell::Number(3.0));
        assert_eq!(h.stray(&cells), None);
        let stray = [Cell::Empty, Cell::Text("x".into())];
        assert_eq!(h.stray(&stray), Some(2));
        let beyond = [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Number(1.0)];
        assert_eq!(h.stray(&beyond), Some(4));
        assert_eq!(describe(&KNOWN), "unit (ユニット), value");
    }

    #[test]
    fn unknown_and_repeated_columns_refuse_the_file() {
        let e = Header::map(
            &header(&["unit", "colour"]),
            &KNOWN,
            "accepted: unit, value",
        )
        .unwrap_err();
        assert_eq!(
            e,
            "unknown column `colour` (column 2); accepted: unit, value"
        );
        let e = Header::map(&header(&["unit", "ユニット"]), &KNOWN, "").unwrap_err();
        assert!(e.contains("`unit` and `ユニット` (column 2)"), "{e}");
    }
}
