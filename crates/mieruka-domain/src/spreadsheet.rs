//! Text written into a file spreadsheet software opens. A cell beginning with `=`, `+`, `-` or
//! `@` (or a tab or carriage return, which some programs skip before reading one of those) is
//! taken as a formula, and a formula such as `=HYPERLINK(…)` can run or leak data on the reader's
//! machine. Following OWASP's guidance on CSV injection, such a cell is written with a single
//! quote in front unless it is a plain number (`-12.5` stays a number), and the quote is taken
//! off again when mieruka reads its own file back.

use std::borrow::Cow;

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn is_number(text: &str) -> bool {
    // Only digits, one sign, a point and an exponent: `inf` or `NaN` are not numbers here.
    text.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && text.parse::<f64>().is_ok()
}

/// Whether `text` needs a quote: it begins (after any quotes already there, so that reading
/// back is exact) with a formula character and is not a number.
fn needs_quote(text: &str) -> bool {
    let bare = text.trim_start_matches('\'');
    bare.starts_with(TRIGGERS) && !is_number(bare)
}

/// `text` as a cell that spreadsheet software shows as text, never runs as a formula.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    if needs_quote(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text [`formula_safe`] was given, from the cell it wrote (other text is unchanged).
pub fn from_formula_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for (given, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+1", "'+1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e3", "-1e3"),
            ("scan report", "scan report"),
            ("a=b", "a=b"),
            ("", ""),
            ("'=1", "''=1"),
            ("'-5", "'-5"),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(formula_safe(given), written, "{given:?}");
            assert_eq!(from_formula_safe(&formula_safe(given)), given, "{given:?}");
        }
    }
}
