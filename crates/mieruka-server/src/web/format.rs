//! Numbers, dates and statuses as pages show them, in the reader's language: amounts, KPI values,
//! rates and loss-model terms from `mieruka_domain::figures` (the one rule every front end and
//! report shares), 2026年11月 through `Date::month_for_people`, and each status with its icon and
//! words (never colour alone).

use mieruka_domain::evaluation::Status;
use mieruka_domain::{Date, Lang};

pub use mieruka_domain::figures::{hours, kpi_value as value, number, percent, term, yen};

/// A month: `2026年11月`, `Nov 2026`.
pub fn month(d: Date, lang: Lang) -> String {
    d.month_for_people(lang)
}

/// A day: `2026年11月26日`, `26 Nov 2026`.
pub fn day(d: Date, lang: Lang) -> String {
    d.for_people(lang)
}

/// A status as every page shows it: a CSS class (colour), an icon and words.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// `achieved`, `on_track`, `behind`, `off_track`, `no_data`.
    pub class: &'static str,
    pub icon: &'static str,
    pub label: &'static str,
}

impl StatusView {
    pub fn new(s: Status, lang: Lang) -> StatusView {
        StatusView {
            class: s.code(),
            icon: s.icon(),
            label: s.label(lang),
        }
    }
}

/// Counts per status, worst first, for a summary line: (status, count).
pub fn status_counts(statuses: &[Status], lang: Lang) -> Vec<(StatusView, usize)> {
    let mut all: Vec<Status> = Status::ALL.to_vec();
    all.sort_by_key(|s| std::cmp::Reverse(s.severity()));
    all.into_iter()
        .map(|s| {
            (
                StatusView::new(s, lang),
                statuses.iter().filter(|x| **x == s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A width for a CSS bar, 0–100 (%), from a value against the largest of its kind.
pub fn bar_width(v: f64, max: f64) -> u32 {
    if max <= 0.0 || !v.is_finite() {
        return 0;
    }
    ((v / max).clamp(0.0, 1.0) * 100.0).round() as u32
}

/// Percent-encodes a path or query for use inside a query parameter (`next=`).
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Where to go after signing in (`next`) or switching language (`back`): the given path when it
/// is one on this site, else `/`. See [`same_origin_path`].
pub fn local_path(given: Option<&str>) -> String {
    given
        .and_then(same_origin_path)
        .unwrap_or_else(|| "/".to_string())
}

/// `given` as a path on this site, or `None` when a browser could take it anywhere else.
///
/// Browsers forgive a great deal in a `Location`: they drop tabs and newlines, read `\` as `/`,
/// and take `//host` as another host. So refused are: anything not starting with one `/`;
/// control characters (below U+0020, U+007F and beyond) and backslashes, raw or percent-encoded
/// (once or more); an encoded `/` or `.` that would make `//` or `/\` at the start once
/// decoded. What is left is parsed as a URL relative to a stand-in origin and kept only when
/// the origin is unchanged and the normalised path still starts with a single `/`; the
/// normalised form (path and query) is returned.
pub fn same_origin_path(given: &str) -> Option<String> {
    let refused = |s: &str| {
        !s.starts_with('/')
            || s.starts_with("//")
            || s.starts_with("/\\")
            || s.chars().any(|c| c.is_control() || c == '\\')
    };
    if refused(given) {
        return None;
    }
    // The same checks on the text once decoded, and again while decoding changes it
    // (`%252f` → `%2f` → `/`).
    let mut text = given.to_string();
    for _ in 0..4 {
        let decoded = percent_decode(&text)?;
        if decoded == text {
            break;
        }
        if refused(&decoded) {
            return None;
        }
        text = decoded;
    }
    let base = url::Url::parse("http://site.invalid/").expect("a valid base URL");
    let joined = base.join(given).ok()?;
    if joined.origin() != base.origin() {
        return None;
    }
    let mut out = joined.path().to_string();
    if let Some(q) = joined.query() {
        out.push('?');
        out.push_str(q);
    }
    (!refused(&out)).then_some(out)
}

/// `%XX` sequences decoded to bytes, read as UTF-8 (invalid: `None`, refused by the caller).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_conventions() {
        let d = Date::new(2026, 11, 26).unwrap();
        assert_eq!(month(d, Lang::Ja), "2026年11月");
        assert_eq!(day(d, Lang::Ja), "2026年11月26日");
        assert_eq!(day(d, Lang::En), "26 Nov 2026");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/orgs/demo")), "/orgs/demo");
        assert_eq!(
            local_path(Some("/orgs/demo?period=FY2026-H2")),
            "/orgs/demo?period=FY2026-H2"
        );
        assert_eq!(local_path(Some("/orgs/a/../b")), "/orgs/b", "normalised");
        assert_eq!(local_path(Some("/orgs/%E6%97%A5")), "/orgs/%E6%97%A5");
        for evil in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/%09/evil.example",
            "/%0d%0a/evil.example",
            "/%5cevil.example",
            "/%5Cevil.example",
            "/%2f%2fevil.example",
            "/%2F/evil.example",
            "/%252f%252fevil.example",
            "/.//evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "javascript:alert(1)",
            "/%ff",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(
            url_encode("/orgs/demo?period=FY2026-H2"),
            "/orgs/demo%3Fperiod%3DFY2026-H2"
        );
        assert_eq!(url_encode("/a b&c"), "/a%20b%26c");
    }

    #[test]
    fn bars_stay_within_their_box() {
        assert_eq!(bar_width(50.0, 100.0), 50);
        assert_eq!(bar_width(150.0, 100.0), 100);
        assert_eq!(bar_width(1.0, 0.0), 0);
    }
}
