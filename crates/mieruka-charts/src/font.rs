//! Font subsetting, so a document can carry its own font: the HTML board report embeds IPAex Gothic
//! as a data URL so Japanese text renders without a system font, and the whole font (6 MB) is far
//! too big for that. [`subset`] keeps only the outlines a text needs.
//!
//! Glyph ids do not change. The subset has as many glyphs as the font, in the same order, and
//! every table that refers to glyphs by id (`cmap`, `hmtx`, `vmtx`, `GSUB`, `GPOS`, ...) is copied
//! untouched and stays right; only the outlines of glyphs the text does not use are emptied, so
//! an unused character still maps to its glyph but draws nothing. That keeps the code small and
//! the result as trustworthy as the font: what is kept is byte for byte the original. The price is
//! the tables that grow with the number of glyphs rather than with the text (`cmap` is about a
//! quarter of a megabyte in IPAex), which is small next to the outlines.
//!
//! What is kept: glyph 0 (`.notdef`, drawn for anything missing); the glyphs of every character
//! of the text, of printable ASCII, the no-break space and the ideographic space (U+3000), in every
//! Unicode `cmap` subtable; the glyph of each variation sequence in the text (a character followed
//! by a variation selector); the glyphs that the `GSUB` features a browser applies by default to
//! horizontal text can turn those into (IPAex, for one, composes か and the combining
//! semi-voiced mark U+309A into a single glyph through `ccmp`); and the components of composite
//! glyphs. Vertical forms (`vert`) and the alternates behind features a page must ask for (`jp78`,
//! `hwid`, ...) are not kept.
//!
//! What changes besides `glyf`: `loca` is rewritten in the long format (`head.indexToLocFormat`
//! set to 1), `post` loses its glyph names (version 3, as font subsetters usually do: nothing on
//! screen uses them, and they are 113 kB in IPAex), embedded bitmaps (`EBDT`, `EBLC`, `EBSC`)
//! are dropped as they would still hold pictures of the removed glyphs, and so is a `DSIG`
//! signature, which no longer matches. Every other table, the `name` table with the font's name
//! included, is copied as is: the IPA Font License allows embedding some or all of the font in a
//! document (Articles 1.5 and 3.5), as long as the font is not renamed.

mod gsub;

use std::fmt;

/// A table's four-letter name, as in the font's table directory.
type Tag = [u8; 4];

/// Why a font could not be subset. The font is read with bounds checks throughout, so damaged data
/// ends here rather than in a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubsetError {
    /// The data is not a font with TrueType outlines (sfnt version 1.0): too short to hold its
    /// table directory, or another kind of file, such as an OpenType font with CFF outlines
    /// (`OTTO`), a font collection (`ttcf`) or a WOFF file.
    NotTrueType,
    /// A table the subset needs (`head`, `maxp`, `cmap`, `loca` or `glyf`) is not in the font.
    MissingTable(Tag),
    /// A table, or an offset or count inside it, reaches past the end of the data it points into.
    OutOfRange(Tag),
    /// A table holds a value its format does not allow.
    Invalid {
        /// The table.
        table: Tag,
        /// What is wrong, in a few words.
        problem: &'static str,
    },
}

impl fmt::Display for SubsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubsetError::NotTrueType => write!(f, "not a font with TrueType outlines"),
            SubsetError::MissingTable(tag) => {
                write!(f, "the font has no `{}` table", ShowTag(*tag))
            }
            SubsetError::OutOfRange(tag) => write!(
                f,
                "the font's `{}` table, or an offset inside it, points past the end of the data",
                ShowTag(*tag)
            ),
            SubsetError::Invalid { table, problem } => {
                write!(
                    f,
                    "the font's `{}` table is invalid: {problem}",
                    ShowTag(*table)
                )
            }
        }
    }
}

impl std::error::Error for SubsetError {}

/// A tag for messages: its letters, with anything unprintable (a damaged directory) as `?`.
struct ShowTag(Tag);

impl fmt::Display for ShowTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            let c = if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '?'
            };
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// Characters kept whatever the text: printable ASCII (digits, Latin letters and punctuation turn
/// up in any report), the no-break space and the ideographic space.
const ALWAYS: [std::ops::RangeInclusive<char>; 3] =
    [' '..='~', '\u{a0}'..='\u{a0}', '\u{3000}'..='\u{3000}'];

/// Tables left out of the subset: embedded bitmaps, which would still draw the removed glyphs at
/// small sizes, and the digital signature, which no longer matches.
const DROPPED: [&Tag; 4] = [b"EBDT", b"EBLC", b"EBSC", b"DSIG"];

/// A copy of `font` (a TrueType font, sfnt version 1.0) whose glyphs draw only what `text` needs:
/// every character of `text`, printable ASCII and the spaces render exactly as in `font`, any
/// other character still has its glyph and width but draws nothing. See the module documentation
/// for what is kept and what changes. The result is again a TrueType font, with correct table
/// checksums, that browsers accept in `@font-face`.
///
/// The same font and text always give the same bytes.
pub fn subset(font: &[u8], text: &str) -> Result<Vec<u8>, SubsetError> {
    let tables = read_directory(font)?;
    let table = |tag: &Tag| {
        tables
            .iter()
            .find(|(t, _)| t == tag)
            .map(|&(tag, data)| Bytes { data, tag })
    };
    let required = |tag: &Tag| table(tag).ok_or(SubsetError::MissingTable(*tag));
    let head = required(b"head")?;
    let maxp = required(b"maxp")?;
    let cmap = required(b"cmap")?;
    let loca = required(b"loca")?;
    let glyf = required(b"glyf")?;

    let glyph_count = maxp.u16(4)?;
    let long_loca = match head.u16(50)? {
        0 => false,
        1 => true,
        _ => {
            return Err(SubsetError::Invalid {
                table: *b"head",
                problem: "indexToLocFormat is neither 0 nor 1",
            });
        }
    };
    let offsets = glyph_offsets(loca, glyf, glyph_count, long_loca)?;
    let outline = |glyph: u16| -> &[u8] {
        let i = usize::from(glyph);
        // `glyph_offsets` checked that the offsets ascend and stay inside `glyf`.
        &glyf.data[offsets[i]..offsets[i + 1]]
    };

    let mut keep = Glyphs::new(glyph_count);
    keep.insert(0);
    add_characters(cmap, text, &mut keep)?;
    if let Some(gsub) = table(b"GSUB") {
        gsub::close(gsub, &mut keep, &gsub::default_features(text))?;
    }
    let mut pending: Vec<u16> = keep.iter().collect();
    while let Some(glyph) = pending.pop() {
        for component in components(outline(glyph))? {
            if keep.insert(component) {
                pending.push(component);
            }
        }
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (usize::from(glyph_count) + 1));
    for glyph in 0..glyph_count {
        new_loca.extend_from_slice(&offset32(new_glyf.len())?.to_be_bytes());
        if keep.contains(glyph) {
            new_glyf.extend_from_slice(outline(glyph));
            pad(&mut new_glyf);
        }
    }
    new_loca.extend_from_slice(&offset32(new_glyf.len())?.to_be_bytes());

    let mut out: Vec<(Tag, Vec<u8>)> = Vec::with_capacity(tables.len());
    for &(tag, data) in &tables {
        let data = match &tag {
            t if DROPPED.contains(&t) => continue,
            b"glyf" => std::mem::take(&mut new_glyf),
            b"loca" => std::mem::take(&mut new_loca),
            b"head" => {
                // At least 52 bytes long, as indexToLocFormat (bytes 50 and 51) was read.
                let mut head = data.to_vec();
                head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set last
                head[50..52].copy_from_slice(&1u16.to_be_bytes()); // indexToLocFormat: long
                head
            }
            b"post" => {
                let post = Bytes { data, tag };
                let mut post = post.slice(0, 32)?.to_vec();
                post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
                post
            }
            _ => data.to_vec(),
        };
        out.push((tag, data));
    }
    Ok(assemble(out))
}

/// [`subset`] of [`JAPANESE_FONT`](crate::JAPANESE_FONT), the IPAex Gothic the crate embeds: the
/// font an HTML document carries in its `@font-face` to show `text`.
pub fn japanese_subset(text: &str) -> Vec<u8> {
    subset(crate::JAPANESE_FONT, text).expect("the embedded IPAex Gothic is a valid TrueType font")
}

/// A bounds-checked view of a table, or of a part of one, for reading big-endian fields. Every
/// read past the end is an [`SubsetError::OutOfRange`] naming the table.
#[derive(Clone, Copy)]
struct Bytes<'a> {
    data: &'a [u8],
    tag: Tag,
}

impl<'a> Bytes<'a> {
    /// The `len` bytes at `at`.
    fn slice(self, at: usize, len: usize) -> Result<&'a [u8], SubsetError> {
        at.checked_add(len)
            .and_then(|end| self.data.get(at..end))
            .ok_or(SubsetError::OutOfRange(self.tag))
    }

    fn u16(self, at: usize) -> Result<u16, SubsetError> {
        let bytes = self.slice(at, 2)?;
        Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
    }

    fn u32(self, at: usize) -> Result<u32, SubsetError> {
        let bytes = self.slice(at, 4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// The data from `at` on: offsets inside a table count from the start of the structure that
    /// holds them, and a view that starts there lets them be used as they are.
    fn at(self, at: usize) -> Result<Bytes<'a>, SubsetError> {
        let data = self
            .data
            .get(at..)
            .ok_or(SubsetError::OutOfRange(self.tag))?;
        Ok(Bytes { data, ..self })
    }

    fn invalid(self, problem: &'static str) -> SubsetError {
        SubsetError::Invalid {
            table: self.tag,
            problem,
        }
    }
}

/// The glyphs to keep, by glyph id. Ids past the font's glyph count are ignored: they draw nothing
/// in the original either.
struct Glyphs(Vec<bool>);

impl Glyphs {
    fn new(count: u16) -> Glyphs {
        Glyphs(vec![false; usize::from(count)])
    }

    /// Adds `glyph`; true if it is a glyph of the font and was not kept yet.
    fn insert(&mut self, glyph: u16) -> bool {
        match self.0.get_mut(usize::from(glyph)) {
            Some(kept) if !*kept => {
                *kept = true;
                true
            }
            _ => false,
        }
    }

    fn contains(&self, glyph: u16) -> bool {
        self.0.get(usize::from(glyph)).copied().unwrap_or(false)
    }

    /// The kept glyphs, in id order.
    fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..=u16::MAX)
            .zip(&self.0)
            .filter(|&(_, kept)| *kept)
            .map(|(glyph, _)| glyph)
    }
}

/// The tables of the font by tag, in directory order, each one checked to lie inside the data.
fn read_directory(font: &[u8]) -> Result<Vec<(Tag, &[u8])>, SubsetError> {
    let file = Bytes {
        data: font,
        tag: *b"    ",
    };
    let not_truetype = |_| SubsetError::NotTrueType;
    if file.u32(0).map_err(not_truetype)? != 0x0001_0000 {
        return Err(SubsetError::NotTrueType);
    }
    let count = usize::from(file.u16(4).map_err(not_truetype)?);
    let records = file.slice(12, 16 * count).map_err(not_truetype)?;
    let mut tables: Vec<(Tag, &[u8])> = Vec::with_capacity(count);
    for record in records.chunks_exact(16) {
        let tag: Tag = [record[0], record[1], record[2], record[3]];
        let field = |at: usize| {
            let b = &record[at..at + 4];
            usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(usize::MAX)
        };
        let data = Bytes { data: font, tag }.slice(field(8), field(12))?;
        if tables.iter().any(|(t, _)| *t == tag) {
            return Err(SubsetError::Invalid {
                table: tag,
                problem: "the table is listed twice",
            });
        }
        tables.push((tag, data));
    }
    Ok(tables)
}

/// Where each glyph's outline starts in `glyf`, with the end of the last one appended: glyph `g`
/// is `glyf[offsets[g]..offsets[g + 1]]`. Checks that the offsets ascend and stay inside `glyf`.
fn glyph_offsets(
    loca: Bytes<'_>,
    glyf: Bytes<'_>,
    glyph_count: u16,
    long: bool,
) -> Result<Vec<usize>, SubsetError> {
    let mut offsets = Vec::with_capacity(usize::from(glyph_count) + 1);
    for i in 0..=usize::from(glyph_count) {
        let offset = if long {
            usize::try_from(loca.u32(4 * i)?).unwrap_or(usize::MAX)
        } else {
            2 * usize::from(loca.u16(2 * i)?)
        };
        if offset > glyf.data.len() {
            return Err(SubsetError::OutOfRange(*b"loca"));
        }
        if offsets.last().is_some_and(|&last| offset < last) {
            return Err(loca.invalid("the glyph offsets go backwards"));
        }
        offsets.push(offset);
    }
    Ok(offsets)
}

/// Keeps the glyphs `cmap` gives the characters of `text` and the [`ALWAYS`] ones, and those of
/// the variation sequences in `text`. Every Unicode subtable is asked, so the subset is right
/// whichever one a browser picks.
fn add_characters(cmap: Bytes<'_>, text: &str, keep: &mut Glyphs) -> Result<(), SubsetError> {
    let table =
        ttf_parser::cmap::Table::parse(cmap.data).ok_or(SubsetError::OutOfRange(cmap.tag))?;
    let subtables: Vec<_> = table
        .subtables
        .into_iter()
        .filter(|s| s.is_unicode())
        .collect();
    let mut chars: Vec<char> = text.chars().chain(ALWAYS.into_iter().flatten()).collect();
    chars.sort_unstable();
    chars.dedup();
    for c in chars {
        for subtable in &subtables {
            if let Some(glyph) = subtable.glyph_index(u32::from(c)) {
                keep.insert(glyph.0);
            }
        }
    }
    let mut sequences: Vec<(char, char)> = text
        .chars()
        .zip(text.chars().skip(1))
        .filter(|&(_, selector)| is_variation_selector(selector))
        .collect();
    sequences.sort_unstable();
    sequences.dedup();
    for (base, selector) in sequences {
        for subtable in &subtables {
            if let Some(ttf_parser::cmap::GlyphVariationResult::Found(glyph)) =
                subtable.glyph_variation_index(u32::from(base), u32::from(selector))
            {
                keep.insert(glyph.0);
            }
        }
    }
    Ok(())
}

/// Variation selectors pick a glyph variant of the character before them (U+FE00–FE0F, and
/// U+E0100–E01EF, which Japanese fonts use for the ideographic variants of kanji).
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

/// The glyphs a composite glyph is drawn from (none for a simple or empty glyph).
fn components(outline: &[u8]) -> Result<Vec<u16>, SubsetError> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const X_AND_Y_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;

    let glyph = Bytes {
        data: outline,
        tag: *b"glyf",
    };
    if outline.is_empty() {
        return Ok(Vec::new());
    }
    // The header: the number of contours (negative for a composite glyph) and the bounding box.
    glyph.slice(0, 10)?;
    if glyph.u16(0)? < 0x8000 {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut at = 10;
    loop {
        let flags = glyph.u16(at)?;
        found.push(glyph.u16(at + 2)?);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & SCALE != 0 {
            2
        } else if flags & X_AND_Y_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            glyph.slice(0, at)?;
            return Ok(found);
        }
    }
}

/// An offset in the new `glyf` as `loca` stores it.
fn offset32(offset: usize) -> Result<u32, SubsetError> {
    u32::try_from(offset).map_err(|_| SubsetError::OutOfRange(*b"glyf"))
}

/// Zeros up to the next multiple of four bytes, the alignment tables (and here outlines) keep.
fn pad(data: &mut Vec<u8>) {
    data.resize(data.len().next_multiple_of(4), 0);
}

/// The checksum of a table: the sum of its big-endian 32-bit words, the last one padded with
/// zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font file for `tables`: the table directory sorted by tag with its binary-search fields,
/// each table's checksum, the tables four-byte aligned in the same order, and `head`'s
/// `checkSumAdjustment` set so the whole file sums to 0xB1B0AFBA. `head` comes with its
/// `checkSumAdjustment` zeroed, as its checksum is taken that way.
fn assemble(mut tables: Vec<(Tag, Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len();
    let mut power = 1;
    let mut entry_selector = 0;
    while power * 2 <= count {
        power *= 2;
        entry_selector += 1;
    }
    let search_range = power * 16;

    let mut file = Vec::new();
    file.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for field in [
        count,
        search_range,
        entry_selector,
        count * 16 - search_range,
    ] {
        // Fits unless the font had thousands of tables (the count itself fitted 16 bits).
        file.extend_from_slice(&u16::try_from(field).unwrap_or(u16::MAX).to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        file.extend_from_slice(tag);
        file.extend_from_slice(&checksum(data).to_be_bytes());
        // The input's tables were addressed by u32 and the output is not much bigger.
        for field in [offset, data.len()] {
            file.extend_from_slice(&u32::try_from(field).unwrap_or(u32::MAX).to_be_bytes());
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        file.extend_from_slice(data);
        pad(&mut file);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&file));
        file[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_composite_glyphs_with_every_argument_and_scale_form() {
        let mut glyph = vec![0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10];
        // Word arguments, more to come.
        glyph.extend_from_slice(&[0x00, 0x21, 0, 7, 0, 1, 0, 2]);
        // Byte arguments, one scale.
        glyph.extend_from_slice(&[0x00, 0x28, 0, 8, 1, 2, 0x40, 0]);
        // Byte arguments, x and y scales.
        glyph.extend_from_slice(&[0x00, 0x60, 0, 9, 1, 2, 0x40, 0, 0x40, 0]);
        // Word arguments, a two-by-two matrix, the last component, then instructions.
        glyph.extend_from_slice(&[0x01, 0x81, 0, 10, 0, 1, 0, 2]);
        glyph.extend_from_slice(&[0x40, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 0xb0]);
        assert_eq!(components(&glyph), Ok(vec![7, 8, 9, 10]));

        assert_eq!(
            components(&glyph[..glyph.len() - 5]),
            Err(SubsetError::OutOfRange(*b"glyf"))
        );
        assert_eq!(components(&[]), Ok(vec![]));
        assert_eq!(
            components(&[0, 1, 0]),
            Err(SubsetError::OutOfRange(*b"glyf"))
        );
        assert_eq!(components(&[0; 12]), Ok(vec![]));
    }

    #[test]
    fn checksums_pad_the_last_word() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[0, 0, 0, 1, 0xff]), 0xff00_0001);
        assert_eq!(checksum(&[0xff; 8]), 0xffff_fffe);
    }

    #[test]
    fn messages_name_the_table() {
        assert_eq!(
            SubsetError::MissingTable(*b"glyf").to_string(),
            "the font has no `glyf` table"
        );
        assert_eq!(
            SubsetError::OutOfRange([b'O', b'S', b'/', 0]).to_string(),
            "the font's `OS/?` table, or an offset inside it, points past the end of the data"
        );
    }
}
