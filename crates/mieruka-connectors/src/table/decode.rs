//! Text as Japanese offices save it: UTF-8 with or without a BOM, UTF-16 with a BOM, or
//! Shift_JIS (as the Windows code page 932, what Excel's "CSV (comma delimited)" writes on a
//! Japanese PC). The same rule for a file read whole ([`decode`]) and for one streamed row by
//! row ([`Decoded`]): a BOM decides; else UTF-8 when the bytes are UTF-8; else Shift_JIS when
//! they are Shift_JIS. A stream is judged on its first [`SNIFF`] bytes and then read through
//! without being held whole: UTF-8 is handed on as it is, other encodings are turned into
//! UTF-8 block by block.

use std::io::{self, Chain, Cursor, Read};

use encoding_rs::{DecoderResult, Encoding, SHIFT_JIS, UTF_8};

/// How many bytes of a stream decide its encoding.
pub const SNIFF: u64 = 64 * 1024;

const NEITHER: &str = "the text is neither UTF-8 nor Shift_JIS (CP932); save it as CSV UTF-8 or CSV (comma delimited)";

/// Decodes a whole text: a UTF-8 or UTF-16 BOM decides; else UTF-8 if the bytes are valid
/// UTF-8, else Shift_JIS (as the Windows code page 932).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|s| s.into_owned())
            .ok_or_else(|| format!("the text is not valid {} despite its BOM", encoding.name()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
        .ok_or_else(|| NEITHER.to_string())
}

/// The encoding of a text whose first bytes are `head` (all of it when `whole`), and the
/// length of its BOM.
fn sniff(head: &[u8], whole: bool) -> (&'static Encoding, usize) {
    if let Some(found) = Encoding::for_bom(head) {
        return found;
    }
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A character cut at the end of the sample is not a fault.
        Err(e) => e.error_len().is_none() && !whole,
    };
    if utf8 {
        return (UTF_8, 0);
    }
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = vec![0u8; head.len() * 3 + 16];
    let (result, _, _) = decoder.decode_to_utf8_without_replacement(head, &mut out, whole);
    match result {
        DecoderResult::Malformed(..) => (UTF_8, 0),
        _ => (SHIFT_JIS, 0),
    }
}

/// Whether a text whose first bytes are `head` (all of it when `whole`) is in another encoding
/// than UTF-8 and must be decoded.
pub fn needs_decoding(head: &[u8], whole: bool) -> bool {
    sniff(head, whole).0 != UTF_8
}

/// A text stream read as UTF-8, whatever encoding of the above it is in. Reading it gives UTF-8
/// bytes; a byte that is not text in the stream's encoding is an `InvalidData` error naming the
/// line (a UTF-8 stream is handed on unchecked, for the reader to judge).
pub struct Decoded<R> {
    inner: Inner<R>,
}

enum Inner<R> {
    Utf8(Chain<Cursor<Vec<u8>>, R>),
    Other(Box<Transcoder<Chain<Cursor<Vec<u8>>, R>>>),
}

impl<R: Read> Decoded<R> {
    /// Reads the first [`SNIFF`] bytes of `reader` to find its encoding.
    pub fn new(mut reader: R) -> io::Result<Decoded<R>> {
        let mut head = Vec::new();
        (&mut reader).take(SNIFF).read_to_end(&mut head)?;
        let whole = (head.len() as u64) < SNIFF;
        let (encoding, bom) = sniff(&head, whole);
        let mut start = Cursor::new(head);
        start.set_position(bom as u64);
        let source = start.chain(reader);
        let inner = if encoding == UTF_8 {
            Inner::Utf8(source)
        } else {
            Inner::Other(Box::new(Transcoder {
                inner: source,
                encoding,
                decoder: encoding.new_decoder_without_bom_handling(),
                input: vec![0; 32 * 1024].into_boxed_slice(),
                in_start: 0,
                in_end: 0,
                eof: false,
                output: vec![0; 64 * 1024].into_boxed_slice(),
                out_start: 0,
                out_end: 0,
                done: false,
                lines: 0,
            }))
        };
        Ok(Decoded { inner })
    }

    /// The encoding found: `UTF-8`, `Shift_JIS`, `UTF-16LE` or `UTF-16BE`.
    pub fn encoding(&self) -> &'static str {
        match &self.inner {
            Inner::Utf8(_) => UTF_8.name(),
            Inner::Other(t) => t.encoding.name(),
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Utf8(r) => r.read(buf),
            Inner::Other(t) => t.read(buf),
        }
    }
}

/// Another encoding turned into UTF-8 block by block.
struct Transcoder<R> {
    inner: R,
    encoding: &'static Encoding,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    done: bool,
    /// Line breaks handed on so far.
    lines: u64,
}

impl<R: Read> Transcoder<R> {
    /// Decodes the next block into `output`; nothing is left there only at the end.
    fn fill(&mut self) -> io::Result<()> {
        while !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            let breaks = memchr::memchr_iter(b'\n', &self.output[..written]).count() as u64;
            if let DecoderResult::Malformed(..) = result {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {}: the text is not valid {}; save the file as CSV UTF-8",
                        self.lines + breaks + 1,
                        self.encoding.name()
                    ),
                ));
            }
            self.lines += breaks;
            if result == DecoderResult::InputEmpty && self.eof {
                self.done = true;
            }
            if written > 0 {
                self.out_start = 0;
                self.out_end = written;
                return Ok(());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.out_start == self.out_end {
            self.fill()?;
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(bytes: &[u8]) -> (String, &'static str) {
        let mut d = Decoded::new(bytes).unwrap();
        let mut s = String::new();
        d.read_to_string(&mut s).unwrap();
        (s, d.encoding())
    }

    #[test]
    fn decodes_utf8_with_and_without_bom_and_shift_jis() {
        assert_eq!(decode("単位,日付".as_bytes()).unwrap(), "単位,日付");
        assert_eq!(decode(b"\xEF\xBB\xBFunit").unwrap(), "unit");
        let (sjis, _, _) = SHIFT_JIS.encode("ユニット,日付");
        assert!(std::str::from_utf8(&sjis).is_err());
        assert_eq!(decode(&sjis).unwrap(), "ユニット,日付");
        assert!(decode(b"\x82\xff\xff").unwrap_err().contains("Shift_JIS"));
    }

    #[test]
    fn a_stream_is_decoded_like_a_whole_text() {
        let text = "部署,資産\n経理部,pc-001\n情報システム部,sv-001\n";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(stream(&sjis), (text.to_string(), "Shift_JIS"));
        assert_eq!(stream(text.as_bytes()), (text.to_string(), "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(stream(&bom), (text.to_string(), "UTF-8"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(stream(&utf16), (text.to_string(), "UTF-16LE"));
    }

    #[test]
    fn a_long_shift_jis_stream_is_decoded_across_blocks() {
        // Well past the sample and the decoder's blocks, with two-byte characters cut at every
        // possible block boundary.
        let line = "東京本社,ノートＰＣ,はい\n";
        let text = line.repeat(20_000);
        let (sjis, _, _) = SHIFT_JIS.encode(&text);
        assert!(sjis.len() as u64 > 4 * SNIFF);
        let (back, encoding) = stream(&sjis);
        assert_eq!(encoding, "Shift_JIS");
        assert!(back == text, "the text differs after decoding");
    }

    #[test]
    fn a_bad_byte_later_in_a_shift_jis_stream_names_its_line() {
        // Past the sample that decided the encoding.
        let text = format!("部署\n{}", "経理部\n".repeat(20_000));
        let (sjis, _, _) = SHIFT_JIS.encode(&text);
        let mut sjis = sjis.into_owned();
        sjis.extend_from_slice(b"ok\n\x82\xff\n");
        let mut d = Decoded::new(&sjis[..]).unwrap();
        assert_eq!(d.encoding(), "Shift_JIS");
        let e = d.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("line 20003: "), "{e}");
        // Neither encoding from the start: handed on as UTF-8, for the reader to refuse.
        assert_eq!(
            Decoded::new(&b"a\n\x82\xff\n"[..]).unwrap().encoding(),
            "UTF-8"
        );
    }
}
