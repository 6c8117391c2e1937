//! The glyphs a browser can substitute for the kept ones through the font's `GSUB` table, so they
//! are kept too. A browser applies some features to all horizontal text whatever the page says
//! (`ccmp`, `liga`, ...): a subset without their results would draw a composed or ligature glyph
//! as nothing.
//!
//! The closure is generous rather than exact: a contextual lookup's nested lookups are applied to
//! every kept glyph, whatever the context, every alternate of an alternate substitution is kept,
//! and the features are taken from every script and language. Keeping a glyph too many costs a
//! few hundred bytes; missing one would leave a character blank.

use super::{Bytes, Glyphs, SubsetError, Tag};

/// The `GSUB` features browsers apply to horizontal text without being asked (HarfBuzz's defaults
/// for left-to-right and right-to-left text, the ones Chromium uses), and the fraction features
/// when the text has a fraction slash (U+2044), which HarfBuzz then applies around it. The
/// features of the complex shapers (Arabic, Indic, ...) are not included, nor vertical forms.
pub(super) fn default_features(text: &str) -> Vec<Tag> {
    let mut features = vec![
        *b"rvrn", *b"ltra", *b"ltrm", *b"rtla", *b"rtlm", *b"ccmp", *b"locl", *b"rlig", *b"rclt",
        *b"calt", *b"clig", *b"liga",
    ];
    if text.contains('\u{2044}') {
        features.extend([*b"frac", *b"numr", *b"dnom"]);
    }
    features
}

/// Adds to `keep` every glyph the lookups of `features` can produce from kept glyphs, until
/// nothing more is added.
pub(super) fn close(
    gsub: Bytes<'_>,
    keep: &mut Glyphs,
    features: &[Tag],
) -> Result<(), SubsetError> {
    if gsub.u16(0)? != 1 {
        return Err(gsub.invalid("unknown major version"));
    }
    let feature_list = gsub.at(usize::from(gsub.u16(6)?))?;
    let lookup_list = gsub.at(usize::from(gsub.u16(8)?))?;
    let lookup_count = lookup_list.u16(0)?;

    let mut active = Lookups {
        on: vec![false; usize::from(lookup_count)],
        order: Vec::new(),
        gsub,
    };
    for i in 0..usize::from(feature_list.u16(0)?) {
        let record = 2 + 6 * i;
        let tag = feature_list.slice(record, 4)?;
        if !features.iter().any(|f| f == tag) {
            continue;
        }
        let feature = feature_list.at(usize::from(feature_list.u16(record + 4)?))?;
        for j in 0..usize::from(feature.u16(2)?) {
            active.add(feature.u16(4 + 2 * j)?)?;
        }
    }

    let mut nested = Vec::new();
    loop {
        let mut changed = false;
        // Contextual lookups add the lookups they call as they go.
        let mut i = 0;
        while let Some(&index) = active.order.get(i) {
            let lookup =
                lookup_list.at(usize::from(lookup_list.u16(2 + 2 * usize::from(index))?))?;
            let kind = lookup.u16(0)?;
            for s in 0..usize::from(lookup.u16(4)?) {
                let subtable = lookup.at(usize::from(lookup.u16(6 + 2 * s)?))?;
                changed |= apply(kind, subtable, keep, &mut nested)?;
            }
            for index in nested.drain(..) {
                changed |= active.add(index)?;
            }
            i += 1;
        }
        if !changed {
            return Ok(());
        }
    }
}

/// The lookups to apply: a flag per lookup and the order they were found in.
struct Lookups<'a> {
    on: Vec<bool>,
    order: Vec<u16>,
    gsub: Bytes<'a>,
}

impl Lookups<'_> {
    /// Adds a lookup by its index in the lookup list; true if it is new.
    fn add(&mut self, index: u16) -> Result<bool, SubsetError> {
        let on = self
            .on
            .get_mut(usize::from(index))
            .ok_or(SubsetError::OutOfRange(self.gsub.tag))?;
        if *on {
            return Ok(false);
        }
        *on = true;
        self.order.push(index);
        Ok(true)
    }
}

/// Applies one subtable of a lookup of type `kind` to the kept glyphs: adds what it substitutes
/// them with to `keep`, and the lookups it calls (a contextual lookup) to `nested`. True if a
/// glyph was added.
fn apply(
    kind: u16,
    subtable: Bytes<'_>,
    keep: &mut Glyphs,
    nested: &mut Vec<u16>,
) -> Result<bool, SubsetError> {
    let format = subtable.u16(0)?;
    let mut added = false;
    match (kind, format) {
        // Single substitution, by a delta or from a list.
        (1, 1 | 2) => {
            for (glyph, index) in covered(subtable, keep)? {
                let to = if format == 1 {
                    glyph.wrapping_add(subtable.u16(4)?)
                } else {
                    subtable.u16(6 + 2 * index)?
                };
                added |= keep.insert(to);
            }
        }
        // Multiple and alternate substitution: a list of glyphs for each covered glyph.
        (2 | 3, 1) => {
            for (_, index) in covered(subtable, keep)? {
                let list = subtable.at(usize::from(subtable.u16(6 + 2 * index)?))?;
                for k in 0..usize::from(list.u16(0)?) {
                    added |= keep.insert(list.u16(2 + 2 * k)?);
                }
            }
        }
        // Ligatures: kept when all their components are.
        (4, 1) => {
            for (_, index) in covered(subtable, keep)? {
                let set = subtable.at(usize::from(subtable.u16(6 + 2 * index)?))?;
                for k in 0..usize::from(set.u16(0)?) {
                    let ligature = set.at(usize::from(set.u16(2 + 2 * k)?))?;
                    let mut complete = true;
                    for c in 1..usize::from(ligature.u16(2)?) {
                        complete &= keep.contains(ligature.u16(2 + 2 * c)?);
                    }
                    if complete {
                        added |= keep.insert(ligature.u16(0)?);
                    }
                }
            }
        }
        (5, _) => context_calls(subtable, nested)?,
        (6, _) => chained_context_calls(subtable, nested)?,
        // Extension: the real subtable, of another type, behind a 32-bit offset.
        (7, 1) => {
            let kind = subtable.u16(2)?;
            if kind == 7 {
                return Err(subtable.invalid("an extension lookup points to another one"));
            }
            let offset = usize::try_from(subtable.u32(4)?).unwrap_or(usize::MAX);
            added |= apply(kind, subtable.at(offset)?, keep, nested)?;
        }
        // Reverse chaining single substitution: the context does not matter here.
        (8, 1) => {
            let backtrack = usize::from(subtable.u16(4)?);
            let lookahead = usize::from(subtable.u16(6 + 2 * backtrack)?);
            let substitutes = 10 + 2 * backtrack + 2 * lookahead;
            for (_, index) in covered(subtable, keep)? {
                added |= keep.insert(subtable.u16(substitutes + 2 * index)?);
            }
        }
        _ => return Err(subtable.invalid("unknown lookup type or subtable format")),
    }
    Ok(added)
}

/// The kept glyphs that the coverage table of `subtable` (its offset is the second field of
/// every subtable that has one) lists, with their coverage index.
fn covered(subtable: Bytes<'_>, keep: &Glyphs) -> Result<Vec<(u16, usize)>, SubsetError> {
    let coverage = subtable.at(usize::from(subtable.u16(2)?))?;
    let count = usize::from(coverage.u16(2)?);
    let format = coverage.u16(0)?;
    let record = match format {
        1 => 2,
        2 => 6,
        _ => return Err(coverage.invalid("unknown coverage format")),
    };
    let records = coverage.at(4)?;
    records.slice(0, record * count)?;
    let mut found = Vec::new();
    for glyph in keep.iter() {
        // The records are sorted by glyph: a binary search.
        let (mut low, mut high) = (0, count);
        while low < high {
            let middle = low + (high - low) / 2;
            let (first, last) = if format == 1 {
                let g = records.u16(2 * middle)?;
                (g, g)
            } else {
                (records.u16(6 * middle)?, records.u16(6 * middle + 2)?)
            };
            if glyph < first {
                high = middle;
            } else if glyph > last {
                low = middle + 1;
            } else {
                let index = if format == 1 {
                    middle
                } else {
                    usize::from(records.u16(6 * middle + 4)?) + usize::from(glyph - first)
                };
                found.push((glyph, index));
                break;
            }
        }
    }
    Ok(found)
}

/// The lookups a contextual substitution (type 5) calls, in any of its three formats.
fn context_calls(subtable: Bytes<'_>, nested: &mut Vec<u16>) -> Result<(), SubsetError> {
    match subtable.u16(0)? {
        // By glyphs or by classes: rule sets, each a list of rules.
        format @ (1 | 2) => {
            let (count_at, sets_at) = if format == 1 { (4, 6) } else { (6, 8) };
            for rule in rules(subtable, count_at, sets_at)? {
                let inputs = usize::from(rule.u16(0)?.saturating_sub(1));
                let calls = rule.u16(2)?;
                lookup_records(rule, 4 + 2 * inputs, calls, nested)?;
            }
        }
        // By coverage tables, one rule.
        3 => {
            let inputs = usize::from(subtable.u16(2)?);
            let calls = subtable.u16(4)?;
            lookup_records(subtable, 6 + 2 * inputs, calls, nested)?;
        }
        _ => return Err(subtable.invalid("unknown contextual substitution format")),
    }
    Ok(())
}

/// The lookups a chained contextual substitution (type 6) calls, in any of its three formats.
fn chained_context_calls(subtable: Bytes<'_>, nested: &mut Vec<u16>) -> Result<(), SubsetError> {
    // A rule (formats 1 and 2) and format 3 both list backtrack, input and lookahead glyphs (or
    // classes, or coverage offsets), each with its count, then the lookup records; the rule's
    // input list leaves out the first glyph, which its rule set stands for.
    let calls_after_sequences =
        |data: Bytes<'_>, mut at: usize, first_input_implied: bool, nested: &mut Vec<u16>| {
            at += 2 + 2 * usize::from(data.u16(at)?);
            let inputs = usize::from(data.u16(at)?);
            let inputs = if first_input_implied {
                inputs.saturating_sub(1)
            } else {
                inputs
            };
            at += 2 + 2 * inputs;
            at += 2 + 2 * usize::from(data.u16(at)?);
            lookup_records(data, at + 2, data.u16(at)?, nested)
        };
    match subtable.u16(0)? {
        format @ (1 | 2) => {
            let (count_at, sets_at) = if format == 1 { (4, 6) } else { (10, 12) };
            for rule in rules(subtable, count_at, sets_at)? {
                calls_after_sequences(rule, 0, true, nested)?;
            }
        }
        3 => calls_after_sequences(subtable, 2, false, nested)?,
        _ => return Err(subtable.invalid("unknown chained contextual substitution format")),
    }
    Ok(())
}

/// Every rule of a contextual subtable in format 1 or 2: the number of rule sets is at
/// `count_at`, their offsets from `sets_at`, and each set is a count and the rules' offsets. A
/// rule set's offset may be zero: no rules for that glyph or class.
fn rules<'a>(
    subtable: Bytes<'a>,
    count_at: usize,
    sets_at: usize,
) -> Result<Vec<Bytes<'a>>, SubsetError> {
    let mut rules = Vec::new();
    for i in 0..usize::from(subtable.u16(count_at)?) {
        let offset = usize::from(subtable.u16(sets_at + 2 * i)?);
        if offset == 0 {
            continue;
        }
        let set = subtable.at(offset)?;
        for j in 0..usize::from(set.u16(0)?) {
            rules.push(set.at(usize::from(set.u16(2 + 2 * j)?))?);
        }
    }
    Ok(rules)
}

/// The lookup indices of `count` lookup records (a sequence index and a lookup index each) at
/// `at`.
fn lookup_records(
    data: Bytes<'_>,
    at: usize,
    count: u16,
    nested: &mut Vec<u16>,
) -> Result<(), SubsetError> {
    for i in 0..usize::from(count) {
        nested.push(data.u16(at + 4 * i + 2)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! A hand-built `GSUB` with every lookup type, as IPAex itself only uses ligatures in its
    //! default features.

    use super::*;

    fn words(values: &[u16]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }

    fn len16(data: &[u8]) -> u16 {
        u16::try_from(data.len()).unwrap()
    }

    fn len<T>(items: &[T]) -> u16 {
        u16::try_from(items.len()).unwrap()
    }

    fn coverage(glyphs: &[u16]) -> Vec<u8> {
        [words(&[1, len(glyphs)]), words(glyphs)].concat()
    }

    fn coverage_range(first: u16, last: u16) -> Vec<u8> {
        words(&[2, 1, first, last, 0])
    }

    fn lookup(kind: u16, subtable: Vec<u8>) -> Vec<u8> {
        [words(&[kind, 0, 1, 8]), subtable].concat()
    }

    fn single_delta(coverage: Vec<u8>, delta: u16) -> Vec<u8> {
        [words(&[1, 6, delta]), coverage].concat()
    }

    fn single_list(coverage: Vec<u8>, to: &[u16]) -> Vec<u8> {
        [words(&[2, 6 + 2 * len(to), len(to)]), words(to), coverage].concat()
    }

    /// A multiple or alternate substitution: a glyph list per covered glyph.
    fn lists(coverage: Vec<u8>, lists: &[&[u16]]) -> Vec<u8> {
        let count = len(lists);
        let mut body = Vec::new();
        let mut offsets = Vec::new();
        for list in lists {
            offsets.push(6 + 2 * count + len16(&body));
            body.extend(words(&[len(list)]));
            body.extend(words(list));
        }
        let coverage_at = 6 + 2 * count + len16(&body);
        [
            words(&[1, coverage_at, count]),
            words(&offsets),
            body,
            coverage,
        ]
        .concat()
    }

    /// Ligatures starting with `first`: (ligature glyph, the other components).
    fn ligatures(first: u16, ligatures: &[(u16, &[u16])]) -> Vec<u8> {
        let count = len(ligatures);
        let mut body = Vec::new();
        let mut offsets = Vec::new();
        for (glyph, rest) in ligatures {
            offsets.push(2 + 2 * count + len16(&body));
            body.extend(words(&[*glyph, len(rest) + 1]));
            body.extend(words(rest));
        }
        let set = [words(&[count]), words(&offsets), body].concat();
        let coverage_at = 8 + len16(&set);
        [words(&[1, coverage_at, 1, 8]), set, coverage(&[first])].concat()
    }

    fn extension(kind: u16, subtable: Vec<u8>) -> Vec<u8> {
        [words(&[1, kind, 0, 8]), subtable].concat()
    }

    /// Chained context, format 3: one input glyph, no backtrack or lookahead, calls `lookup`.
    fn chained(input: u16, lookup: u16) -> Vec<u8> {
        [words(&[3, 0, 1, 16, 0, 1, 0, lookup]), coverage(&[input])].concat()
    }

    /// Context, format 1: one rule for `input` alone, calls `lookup`.
    fn context(input: u16, lookup: u16) -> Vec<u8> {
        [
            words(&[1, 20, 1, 8, 1, 4, 1, 1, 0, lookup]),
            coverage(&[input]),
        ]
        .concat()
    }

    fn reverse(input: u16, to: u16) -> Vec<u8> {
        [words(&[1, 12, 0, 0, 1, to]), coverage(&[input])].concat()
    }

    fn table(features: &[(&Tag, &[u16])], lookups: &[Vec<u8>]) -> Vec<u8> {
        let count = len(features);
        let mut records = words(&[count]);
        let mut tables = Vec::new();
        for (tag, indices) in features {
            records.extend_from_slice(*tag);
            records.extend(words(&[2 + 6 * count + len16(&tables)]));
            tables.extend(words(&[0, len(indices)]));
            tables.extend(words(indices));
        }
        let feature_list = [records, tables].concat();
        let count = len(lookups);
        let mut offsets = Vec::new();
        let mut body = Vec::new();
        for lookup in lookups {
            offsets.push(2 + 2 * count + len16(&body));
            body.extend_from_slice(lookup);
        }
        let lookup_list = [words(&[count]), words(&offsets), body].concat();
        let lookup_list_at = 12 + len16(&feature_list);
        [
            words(&[1, 0, 10, 12, lookup_list_at, 0]),
            feature_list,
            lookup_list,
        ]
        .concat()
    }

    fn sample() -> Vec<u8> {
        table(
            &[
                (b"liga", &[0]),
                (b"ccmp", &[1, 4, 5]),
                (b"vert", &[6]),
                (b"calt", &[7, 8]),
            ],
            &[
                // 10 calls lookup 2 (10 → 21) through an extension.
                lookup(7, extension(6, chained(10, 2))),
                // 11 + 12 → 20; 11 + 15 → 27, but 15 is not kept.
                lookup(4, ligatures(11, &[(20, &[12]), (27, &[15])])),
                lookup(1, single_list(coverage(&[10]), &[21])),
                // 13 → 18, 14 → 19, but 14 is not kept.
                lookup(1, single_delta(coverage_range(13, 14), 5)),
                // 18 → 22 23, once 18 is there.
                lookup(2, lists(coverage(&[18]), &[&[22, 23]])),
                // 21 calls lookup 3.
                lookup(5, context(21, 3)),
                // Vertical forms are not applied.
                lookup(1, single_delta(coverage(&[10]), 20)),
                lookup(8, reverse(22, 24)),
                // 24 → 25 or 26.
                lookup(3, lists(coverage(&[24]), &[&[25, 26]])),
            ],
        )
    }

    fn closed(gsub: &[u8], kept: &[u16]) -> Result<Vec<u16>, SubsetError> {
        let mut keep = Glyphs::new(40);
        for &glyph in kept {
            keep.insert(glyph);
        }
        let gsub = Bytes {
            data: gsub,
            tag: *b"GSUB",
        };
        close(gsub, &mut keep, &default_features(""))?;
        Ok(keep.iter().collect())
    }

    #[test]
    fn every_lookup_type_adds_what_it_can_produce() {
        assert_eq!(
            closed(&sample(), &[0, 10, 11, 12, 13]),
            Ok(vec![0, 10, 11, 12, 13, 18, 20, 21, 22, 23, 24, 25, 26])
        );
        assert_eq!(closed(&sample(), &[0, 14]), Ok(vec![0, 14, 19]));
        assert_eq!(closed(&sample(), &[0, 30]), Ok(vec![0, 30]));
    }

    #[test]
    fn fractions_only_with_a_fraction_slash() {
        assert!(!default_features("1/2").contains(b"frac"));
        assert!(default_features("1\u{2044}2").contains(b"frac"));
        assert!(!default_features("縦書き").contains(b"vert"));
    }

    #[test]
    fn damaged_tables_give_errors() {
        let gsub = sample();
        for len in 0..gsub.len() {
            let _ = closed(&gsub[..len], &[0, 10, 11, 12, 13]);
        }
        for at in 0..gsub.len() {
            for byte in [0, 1, 7, 0x80, 0xff] {
                let mut damaged = gsub.clone();
                damaged[at] = byte;
                let _ = closed(&damaged, &[0, 10, 11, 12, 13]);
            }
        }
        assert_eq!(
            closed(&gsub[..gsub.len() - 1], &[0, 24]),
            Err(SubsetError::OutOfRange(*b"GSUB"))
        );
        let mut version_2 = gsub.clone();
        version_2[1] = 2;
        assert!(matches!(
            closed(&version_2, &[0]),
            Err(SubsetError::Invalid { .. })
        ));
    }
}
