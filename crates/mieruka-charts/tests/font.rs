//! The font subset a document embeds: the text's characters draw exactly as in IPAex Gothic, other
//! characters keep their glyph ids and widths but draw nothing, the file is a correct TrueType font
//! (checksums, alignment, directory), and damaged fonts give errors, never panics.

use mieruka_charts::JAPANESE_FONT;
use mieruka_charts::font::{SubsetError, japanese_subset, subset};
use ttf_parser::{Face, GlyphId, OutlineBuilder, Rect};

const SENTENCE: &str = "取締役会報告 最大損失額 141億円 → 97億円";

/// One step of an outline, as ttf-parser reports it.
#[derive(Debug, PartialEq)]
enum Segment {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Curve(f32, f32, f32, f32, f32, f32),
    Close,
}

#[derive(Default)]
struct Segments(Vec<Segment>);

impl OutlineBuilder for Segments {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(Segment::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(Segment::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push(Segment::Quad(x1, y1, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push(Segment::Curve(x1, y1, x2, y2, x, y));
    }
    fn close(&mut self) {
        self.0.push(Segment::Close);
    }
}

/// A glyph's outline and bounding box, `None` when it draws nothing.
fn outline(face: &Face<'_>, glyph: GlyphId) -> Option<(Vec<Segment>, Rect)> {
    let mut segments = Segments::default();
    let rect = face.outline_glyph(glyph, &mut segments)?;
    Some((segments.0, rect))
}

fn face(font: &[u8]) -> Face<'_> {
    Face::parse(font, 0).expect("the subset parses as a font")
}

#[test]
fn the_sentence_draws_as_in_the_font_and_other_kanji_draw_nothing() {
    let small = subset(JAPANESE_FONT, SENTENCE).unwrap();
    assert_eq!(japanese_subset(SENTENCE), small);
    assert!(
        small.len() * 10 < JAPANESE_FONT.len(),
        "the subset is {} bytes, the font {}",
        small.len(),
        JAPANESE_FONT.len()
    );
    let original = face(JAPANESE_FONT);
    let sub = face(&small);
    assert_eq!(sub.number_of_glyphs(), original.number_of_glyphs());
    assert_eq!(sub.units_per_em(), original.units_per_em());

    for c in SENTENCE.chars() {
        let glyph = original.glyph_index(c).unwrap();
        assert_eq!(sub.glyph_index(c), Some(glyph), "{c}");
        let drawn = outline(&original, glyph);
        assert_eq!(drawn.is_none(), c == ' ', "{c}");
        assert_eq!(outline(&sub, glyph), drawn, "{c}");
        assert_eq!(
            sub.glyph_bounding_box(glyph),
            original.glyph_bounding_box(glyph)
        );
        assert_eq!(
            sub.glyph_hor_advance(glyph),
            original.glyph_hor_advance(glyph)
        );
        assert_eq!(
            sub.glyph_ver_advance(glyph),
            original.glyph_ver_advance(glyph)
        );
    }

    // Printable ASCII and the ideographic space are always kept.
    for c in (' '..='~').chain(['\u{3000}']) {
        let glyph = original.glyph_index(c).unwrap();
        assert_eq!(outline(&sub, glyph), outline(&original, glyph), "{c:?}");
    }
    assert!(outline(&sub, original.glyph_index('Q').unwrap()).is_some());

    // Kanji and kana not in the sentence keep their glyph ids and widths, and draw nothing.
    for c in ['鬱', '捐', '字', 'あ', 'ア'] {
        assert!(!SENTENCE.contains(c));
        let glyph = original.glyph_index(c).unwrap();
        assert_eq!(sub.glyph_index(c), Some(glyph), "{c}");
        assert!(outline(&original, glyph).is_some(), "{c}");
        assert_eq!(outline(&sub, glyph), None, "{c}");
        assert_eq!(
            sub.glyph_hor_advance(glyph),
            original.glyph_hor_advance(glyph)
        );
    }

    // .notdef, drawn for characters the font lacks, is kept.
    assert_eq!(outline(&sub, GlyphId(0)), outline(&original, GlyphId(0)));
}

#[test]
fn the_name_and_the_metrics_tables_are_unchanged() {
    let small = japanese_subset(SENTENCE);
    let original = tables(JAPANESE_FONT);
    let sub = tables(&small);
    for tag in [
        b"name", b"cmap", b"hmtx", b"hhea", b"vmtx", b"vhea", b"OS/2", b"maxp", b"GSUB", b"GPOS",
    ] {
        assert_eq!(
            table(&small, &sub, tag),
            table(JAPANESE_FONT, &original, tag),
            "{}",
            String::from_utf8_lossy(tag)
        );
    }
    let family = |font: &[u8]| {
        face(font)
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
            .filter_map(|n| n.to_string())
            .collect::<Vec<_>>()
    };
    assert!(family(&small).contains(&"IPAexGothic".to_string()));
    assert_eq!(family(&small), family(JAPANESE_FONT));
}

#[test]
fn glyph_names_and_nothing_else_are_left_out() {
    let small = japanese_subset(SENTENCE);
    let original: Vec<_> = tables(JAPANESE_FONT).iter().map(|t| t.tag).collect();
    let sub: Vec<_> = tables(&small).iter().map(|t| t.tag).collect();
    assert_eq!(sub, original, "IPAex has no bitmaps or signature to drop");
    let post = table(&small, &tables(&small), b"post");
    assert_eq!(post.len(), 32);
    assert_eq!(post[..4], [0, 3, 0, 0]);
    assert_eq!(
        post[4..],
        table(JAPANESE_FONT, &tables(JAPANESE_FONT), b"post")[4..32]
    );
}

#[test]
fn a_composed_kana_keeps_the_glyph_ccmp_makes_of_it() {
    // In IPAex, か followed by the combining semi-voiced mark (U+309A) becomes glyph 9701 through
    // a `ccmp` ligature; no character maps to that glyph.
    let composed = GlyphId(9701);
    let original = face(JAPANESE_FONT);
    assert!(outline(&original, composed).is_some());

    let without = japanese_subset("か");
    assert_eq!(outline(&face(&without), composed), None);
    let with = japanese_subset("か\u{309a}");
    assert_eq!(
        outline(&face(&with), composed),
        outline(&original, composed)
    );
    // The combining mark itself is kept too.
    let mark = original.glyph_index('\u{309a}').unwrap();
    assert!(outline(&face(&with), mark).is_some());
}

#[test]
fn checksums_alignment_and_directory_are_right() {
    for text in [SENTENCE, "", "鬱"] {
        let small = japanese_subset(text);
        check_file(&small);
        let head = table(&small, &tables(&small), b"head");
        assert_eq!(head[50..52], [0, 1], "long loca");
    }
}

#[test]
fn loca_is_long_and_outlines_are_aligned() {
    let small = japanese_subset(SENTENCE);
    let dir = tables(&small);
    let loca = table(&small, &dir, b"loca");
    let glyf = table(&small, &dir, b"glyf");
    let glyphs = usize::from(face(&small).number_of_glyphs());
    assert_eq!(loca.len(), 4 * (glyphs + 1));
    let offsets: Vec<usize> = loca
        .chunks(4)
        .map(|b| u32::from_be_bytes(b.try_into().unwrap()) as usize)
        .collect();
    assert_eq!(offsets[0], 0);
    assert_eq!(*offsets.last().unwrap(), glyf.len());
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
    assert!(offsets.iter().all(|o| o % 4 == 0));
    // .notdef, printable ASCII but the space, and the sentence's 14 other characters.
    let drawn = offsets.windows(2).filter(|w| w[0] < w[1]).count();
    assert_eq!(drawn, 1 + 94 + 14);
}

#[test]
fn a_composite_glyph_keeps_its_components_and_a_short_loca_becomes_long() {
    let font = tiny_font();
    let original = face(&font);
    // う is a composite of あ (itself a composite of glyphs 2 and 3); い is simple.
    let small = subset(&font, "う").unwrap();
    check_file(&small);
    let sub = face(&small);
    for glyph in [1, 2, 3, 5].map(GlyphId) {
        assert!(outline(&original, glyph).is_some());
        assert_eq!(outline(&sub, glyph), outline(&original, glyph), "{glyph:?}");
    }
    assert!(outline(&original, GlyphId(4)).is_some());
    assert_eq!(outline(&sub, GlyphId(4)), None);
    assert_eq!(sub.glyph_index('い'), Some(GlyphId(4)));
    assert_eq!(table(&small, &tables(&small), b"head")[50..52], [0, 1]);
    assert_eq!(table(&small, &tables(&small), b"loca").len(), 4 * 7);

    let small = subset(&font, "い").unwrap();
    let sub = face(&small);
    assert_eq!(outline(&sub, GlyphId(4)), outline(&original, GlyphId(4)));
    for glyph in [1, 2, 3, 5].map(GlyphId) {
        assert_eq!(outline(&sub, glyph), None);
    }
}

#[test]
fn what_is_not_a_truetype_font_is_refused() {
    assert_eq!(subset(&[], "a"), Err(SubsetError::NotTrueType));
    assert_eq!(
        subset(b"OTTO\0\0\0\0\0\0\0\0", "a"),
        Err(SubsetError::NotTrueType)
    );
    assert_eq!(
        subset(b"ttcf\0\x01\0\0\0\0\0\x01", "a"),
        Err(SubsetError::NotTrueType)
    );
    assert_eq!(subset(b"wOFF", "a"), Err(SubsetError::NotTrueType));
    assert_eq!(
        subset("<html>".as_bytes(), "a"),
        Err(SubsetError::NotTrueType)
    );
    // The directory promises more tables than there are bytes.
    assert_eq!(
        subset(&JAPANESE_FONT[..100], "a"),
        Err(SubsetError::NotTrueType)
    );
    let error = subset(b"OTTO", "a").unwrap_err();
    assert_eq!(error.to_string(), "not a font with TrueType outlines");
    let _: &dyn std::error::Error = &error;
}

#[test]
fn damaged_fonts_give_the_table_at_fault() {
    let dir = tables(JAPANESE_FONT);
    let record = |tag: &[u8; 4]| 12 + 16 * dir.iter().position(|t| &t.tag == tag).unwrap();
    let damaged = |at: usize, bytes: &[u8]| {
        let mut font = JAPANESE_FONT.to_vec();
        font[at..at + bytes.len()].copy_from_slice(bytes);
        subset(&font, SENTENCE)
    };
    let entry = |tag: &[u8; 4]| dir.iter().find(|t| &t.tag == tag).unwrap().offset;

    // Cut inside the glyph outlines, the last tables (head, hmtx, ...) are past the end.
    let error = subset(&JAPANESE_FONT[..3_000_000], SENTENCE).unwrap_err();
    assert!(matches!(error, SubsetError::OutOfRange(_)), "{error}");
    assert_eq!(
        damaged(record(b"glyf"), b"gly_"),
        Err(SubsetError::MissingTable(*b"glyf"))
    );
    assert_eq!(
        damaged(record(b"cmap"), b"cmaP"),
        Err(SubsetError::MissingTable(*b"cmap"))
    );
    assert_eq!(
        damaged(record(b"loca") + 12, &u32::MAX.to_be_bytes()),
        Err(SubsetError::OutOfRange(*b"loca"))
    );
    assert_eq!(
        damaged(record(b"name") + 8, &u32::MAX.to_be_bytes()),
        Err(SubsetError::OutOfRange(*b"name"))
    );
    assert_eq!(
        damaged(record(b"post"), b"name"),
        Err(SubsetError::Invalid {
            table: *b"name",
            problem: "the table is listed twice"
        })
    );
    // indexToLocFormat 2.
    let error = damaged(entry(b"head") + 50, &[0, 2]).unwrap_err();
    assert!(matches!(error, SubsetError::Invalid { table, .. } if &table == b"head"));
    assert!(error.to_string().contains("indexToLocFormat"), "{error}");
    // More glyphs than loca has entries for.
    assert_eq!(
        damaged(entry(b"maxp") + 4, &[0xff, 0xff]),
        Err(SubsetError::OutOfRange(*b"loca"))
    );
    // A glyph offset past the end of glyf, and offsets going backwards.
    assert_eq!(
        damaged(entry(b"loca") + 400, &u32::MAX.to_be_bytes()),
        Err(SubsetError::OutOfRange(*b"loca"))
    );
    assert!(matches!(
        damaged(entry(b"loca") + 400, &[0, 0, 0, 0]),
        Err(SubsetError::Invalid { table, .. }) if &table == b"loca"
    ));
    // The lookup list offset of GSUB past its end.
    assert_eq!(
        damaged(entry(b"GSUB") + 8, &[0xff, 0xff]),
        Err(SubsetError::OutOfRange(*b"GSUB"))
    );
}

#[test]
fn truncated_and_scrambled_fonts_give_errors_not_panics() {
    // Every length of a small font.
    let font = tiny_font();
    for len in 0..font.len() {
        let _ = subset(&font[..len], "あいう");
    }
    // Lengths of the real font around the table boundaries and through the outlines.
    for t in tables(JAPANESE_FONT) {
        for len in [
            t.offset,
            t.offset + 1,
            t.offset + t.len / 2,
            t.offset + t.len - 1,
        ] {
            assert!(subset(&JAPANESE_FONT[..len], SENTENCE).is_err(), "{len}");
        }
    }

    // Bytes overwritten at random, one at a time: in the directory and the small tables in front
    // of the outlines (GSUB, GPOS, cmap, ...), in head, maxp and loca, and in the tiny font.
    let mut random = Lcg(0x5eed);
    let mut font = JAPANESE_FONT.to_vec();
    let dir = tables(JAPANESE_FONT);
    let glyf = dir.iter().find(|t| &t.tag == b"glyf").unwrap().offset;
    let head = dir.iter().find(|t| &t.tag == b"head").unwrap().offset;
    let gsub = dir.iter().find(|t| &t.tag == b"GSUB").unwrap();
    for round in 0..600 {
        let at = match round % 3 {
            0 => random.below(glyf),
            1 => gsub.offset + random.below(gsub.len),
            _ => head + random.below(font.len() - head),
        };
        let saved = font[at];
        font[at] = random.next() as u8;
        let _ = subset(&font, SENTENCE);
        font[at] = saved;
    }
    let mut tiny = tiny_font();
    for _ in 0..2000 {
        let at = random.below(tiny.len());
        let saved = tiny[at];
        tiny[at] = random.next() as u8;
        let _ = subset(&tiny, "あいう");
        tiny[at] = saved;
    }

    // Garbage behind a TrueType header.
    for _ in 0..300 {
        let len = random.below(600);
        let mut garbage: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        if len >= 4 {
            garbage[..4].copy_from_slice(&[0, 1, 0, 0]);
        }
        if len >= 6 {
            garbage[4..6].copy_from_slice(&[0, (random.next() % 8) as u8]);
        }
        let _ = subset(&garbage, "漢字");
    }
}

/// A small deterministic random sequence, enough to scramble bytes reproducibly.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A table directory entry.
struct Entry {
    tag: [u8; 4],
    checksum: u32,
    offset: usize,
    len: usize,
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
}

fn tables(font: &[u8]) -> Vec<Entry> {
    (0..usize::from(u16_at(font, 4)))
        .map(|i| {
            let r = 12 + 16 * i;
            Entry {
                tag: font[r..r + 4].try_into().unwrap(),
                checksum: u32_at(font, r + 4),
                offset: u32_at(font, r + 8) as usize,
                len: u32_at(font, r + 12) as usize,
            }
        })
        .collect()
}

fn table<'a>(font: &'a [u8], dir: &[Entry], tag: &[u8; 4]) -> &'a [u8] {
    let t = dir.iter().find(|t| &t.tag == tag).unwrap();
    &font[t.offset..t.offset + t.len]
}

/// The sum of the big-endian 32-bit words of `data`, padded with zeros.
fn sum(data: &[u8]) -> u32 {
    let mut total = 0u32;
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        total = total.wrapping_add(u32::from_be_bytes(word));
    }
    total
}

/// Checks what every TrueType file needs: the header and directory fields, tags sorted and
/// unique, tables four-byte aligned and zero-padded, back to back and inside the file, each
/// table's checksum, and the whole file summing to 0xB1B0AFBA through `checkSumAdjustment`.
fn check_file(font: &[u8]) {
    assert_eq!(u32_at(font, 0), 0x0001_0000);
    let dir = tables(font);
    let n = dir.len();
    let power = 1usize << (usize::BITS - 1 - n.leading_zeros());
    assert_eq!(usize::from(u16_at(font, 6)), power * 16, "searchRange");
    assert_eq!(1usize << u16_at(font, 8), power, "entrySelector");
    assert_eq!(
        usize::from(u16_at(font, 10)),
        n * 16 - power * 16,
        "rangeShift"
    );
    assert!(dir.windows(2).all(|w| w[0].tag < w[1].tag), "sorted tags");

    let mut end = 12 + 16 * n;
    let mut by_offset: Vec<&Entry> = dir.iter().collect();
    by_offset.sort_by_key(|t| t.offset);
    for t in by_offset {
        let name = String::from_utf8_lossy(&t.tag);
        assert_eq!(t.offset % 4, 0, "{name} aligned");
        assert!(
            font[end..t.offset].iter().all(|&b| b == 0),
            "{name}: zero padding before"
        );
        assert!(t.offset - end < 4, "{name}: no gap");
        end = t.offset + t.len;
        assert!(end <= font.len(), "{name} inside the file");
        let mut data = font[t.offset..end].to_vec();
        if &t.tag == b"head" {
            data[8..12].fill(0);
        }
        assert_eq!(sum(&data), t.checksum, "{name} checksum");
    }
    assert_eq!(font.len(), end.next_multiple_of(4));
    assert!(font[end..].iter().all(|&b| b == 0));

    let head = dir.iter().find(|t| &t.tag == b"head").unwrap();
    let adjustment = u32_at(font, head.offset + 8);
    let mut zeroed = font.to_vec();
    zeroed[head.offset + 8..head.offset + 12].fill(0);
    assert_eq!(adjustment, 0xB1B0_AFBAu32.wrapping_sub(sum(&zeroed)));
    assert_eq!(sum(font), 0xB1B0_AFBA);
}

/// A TrueType font of six glyphs built by hand, with a short `loca`: 0 `.notdef` (empty), 1 あ a
/// composite of 2 and 3, 2 a square, 3 a triangle, 4 い a square, 5 う a composite of 1.
fn tiny_font() -> Vec<u8> {
    fn be16(out: &mut Vec<u8>, values: &[i32]) {
        for &v in values {
            out.extend_from_slice(&(v as u16).to_be_bytes());
        }
    }
    fn simple(points: &[(i32, i32)]) -> Vec<u8> {
        let mut g = Vec::new();
        let xs: Vec<i32> = points.iter().map(|p| p.0).collect();
        let ys: Vec<i32> = points.iter().map(|p| p.1).collect();
        let (x0, x1) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        let (y0, y1) = (*ys.iter().min().unwrap(), *ys.iter().max().unwrap());
        be16(&mut g, &[1, x0, y0, x1, y1, points.len() as i32 - 1, 0]);
        g.extend(std::iter::repeat_n(0x01, points.len())); // on curve, 16-bit deltas
        let mut last = 0;
        for x in xs {
            be16(&mut g, &[x - last]);
            last = x;
        }
        last = 0;
        for y in ys {
            be16(&mut g, &[y - last]);
            last = y;
        }
        if g.len() % 2 == 1 {
            g.push(0);
        }
        g
    }
    let square = simple(&[(100, 100), (100, 500), (500, 500), (500, 100)]);
    let triangle = simple(&[(0, 0), (300, 600), (600, 0)]);
    let mut a = Vec::new();
    // Two components: word offsets and more to come; byte offsets with a scale.
    be16(&mut a, &[-1, 0, 0, 900, 900, 0x0023, 2, 50, -20, 0x000a, 3]);
    a.extend_from_slice(&[10, 20, 0x30, 0x00]);
    let mut u = Vec::new();
    be16(&mut u, &[-1, 0, 0, 900, 900, 0x0002, 1]);
    u.extend_from_slice(&[5, 5]);
    let glyphs = [Vec::new(), a, square.clone(), triangle, square, u];

    let mut glyf = Vec::new();
    let mut loca = Vec::new();
    for g in &glyphs {
        be16(&mut loca, &[glyf.len() as i32 / 2]);
        glyf.extend_from_slice(g);
    }
    be16(&mut loca, &[glyf.len() as i32 / 2]);

    let mut head = Vec::new();
    be16(&mut head, &[1, 0, 1, 0, 0, 0, 0x5F0F, 0x3CF5, 0x000b, 1000]);
    head.extend_from_slice(&[0; 16]);
    be16(&mut head, &[0, 0, 1000, 1000, 0, 8, 2, 0, 0]);
    let mut hhea = Vec::new();
    be16(
        &mut hhea,
        &[
            1, 0, 880, -120, 0, 1000, 0, 0, 1000, 1, 0, 0, 0, 0, 0, 0, 0, 6,
        ],
    );
    let mut maxp = Vec::new();
    be16(&mut maxp, &[0, 0x5000, 6]);
    let mut hmtx = Vec::new();
    for _ in 0..6 {
        be16(&mut hmtx, &[1000, 0]);
    }
    let mut cmap = Vec::new();
    be16(&mut cmap, &[0, 1, 3, 1, 0, 12]);
    // Format 4: あ, い, う and the closing segment.
    let ends = [0x3042, 0x3044, 0x3046, 0xffff];
    let starts = [0x3042, 0x3044, 0x3046, 0xffff];
    let deltas = [1 - 0x3042, 4 - 0x3044, 5 - 0x3046, 1];
    be16(&mut cmap, &[4, 16 + 8 * 4, 0, 8, 8, 2, 0]);
    be16(&mut cmap, &ends);
    be16(&mut cmap, &[0]);
    be16(&mut cmap, &starts);
    be16(&mut cmap, &deltas);
    be16(&mut cmap, &[0, 0, 0, 0]);

    let tables: [(&[u8; 4], Vec<u8>); 7] = [
        (b"cmap", cmap),
        (b"glyf", glyf),
        (b"head", head),
        (b"hhea", hhea),
        (b"hmtx", hmtx),
        (b"loca", loca),
        (b"maxp", maxp),
    ];
    let mut font = Vec::new();
    be16(&mut font, &[1, 0, 7, 64, 2, 7 * 16 - 64]);
    let mut offset = 12 + 16 * tables.len();
    for (tag, data) in &tables {
        font.extend_from_slice(*tag);
        font.extend_from_slice(&sum(data).to_be_bytes());
        font.extend_from_slice(&(offset as u32).to_be_bytes());
        font.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        font.extend_from_slice(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    font
}
