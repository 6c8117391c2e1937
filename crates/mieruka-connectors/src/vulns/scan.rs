//! Reading: the header, then lines split by hand (the file has no quoting) from a large buffer,
//! each row checked and added to its group. A file is split into byte ranges at line boundaries,
//! one thread each; line numbers are local to a range until the ranges are put back in order.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::header::{Columns, header};
use super::stats::Groups;
use super::timestamp::parse_timestamp;
use super::{BadRow, COLUMNS, Options, REJECTED_SHOWN, Report, Severity, VulnError};
use crate::rows::shown;
use crate::table::decode::{Decoded, SNIFF, needs_decoding};

/// Bytes read at a time by each thread.
const BUFFER: usize = 4 << 20;
/// Below this many bytes of data a file is read on one thread.
const MIN_PARALLEL: u64 = 1 << 20;

/// Why a range stopped early; line numbers are local to the range.
enum Stop {
    NotUtf8(u64),
    Truncated(u64, usize),
    Rejected(u64, String),
    Io(std::io::Error),
    /// An earlier range failed, so this one's result is not needed.
    Cancelled,
}

/// What one byte range of the file gives.
struct Chunk<'a> {
    cols: &'a Columns,
    sla: [Option<i64>; 4],
    strict: bool,
    groups: Groups,
    read: u64,
    accepted: u64,
    rejected: u64,
    bad: Vec<BadRow>,
    lines: u64,
    /// A row with too few fields: a bad row, unless nothing but blank lines follows it (then
    /// the file is truncated).
    pending_short: Option<(u64, usize)>,
    /// Positions of the commas of the current line, in the buffer.
    commas: Vec<usize>,
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

impl<'a> Chunk<'a> {
    fn new(cols: &'a Columns, options: &Options) -> Chunk<'a> {
        Chunk {
            cols,
            sla: options.sla.seconds(),
            strict: options.strict,
            groups: Groups::default(),
            read: 0,
            accepted: 0,
            rejected: 0,
            bad: Vec::new(),
            lines: 0,
            pending_short: None,
            commas: Vec::with_capacity(cols.count),
        }
    }

    /// The line `buf[a..b]`, its commas already in `self.commas`. `utf8` says the line is
    /// already known to be UTF-8.
    fn line(&mut self, buf: &[u8], a: usize, b: usize, utf8: bool) -> Result<(), Stop> {
        self.lines += 1;
        let n = self.lines;
        let b = if b > a && buf[b - 1] == b'\r' {
            b - 1
        } else {
            b
        };
        let line = &buf[a..b];
        if line.trim_ascii().is_empty() {
            return Ok(());
        }
        if let Some((l, found)) = self.pending_short.take() {
            self.reject(l, self.short_reason(found))?;
        }
        if !utf8 && std::str::from_utf8(line).is_err() {
            return Err(Stop::NotUtf8(n));
        }
        self.read += 1;
        match self.row(buf, a, b) {
            Ok(()) => self.accepted += 1,
            Err(None) => self.pending_short = Some((n, self.commas.len() + 1)),
            Err(Some(reason)) => self.reject(n, reason)?,
        }
        Ok(())
    }

    fn short_reason(&self, found: usize) -> String {
        format!("expected {} fields, found {found}", self.cols.count)
    }

    fn reject(&mut self, line: u64, reason: String) -> Result<(), Stop> {
        if self.strict {
            return Err(Stop::Rejected(line, reason));
        }
        self.rejected += 1;
        if self.bad.len() < REJECTED_SHOWN {
            self.bad.push(BadRow { line, reason });
        }
        Ok(())
    }

    /// The end of the range: a short row left pending is the file's truncated last line when
    /// this range ends the file.
    fn finish(&mut self, ends_file: bool) -> Result<(), Stop> {
        if let Some((l, found)) = self.pending_short.take() {
            if ends_file {
                return Err(Stop::Truncated(l, found));
            }
            self.reject(l, self.short_reason(found))?;
        }
        Ok(())
    }

    /// Checks the row `buf[a..b]` and adds it to its group. `Err(None)`: too few fields.
    fn row(&mut self, buf: &[u8], a: usize, b: usize) -> Result<(), Option<String>> {
        let found = self.commas.len() + 1;
        if found < self.cols.count {
            return Err(None);
        }
        if found > self.cols.count {
            return Err(Some(format!(
                "expected {} fields, found {found} (values cannot contain commas)",
                self.cols.count
            )));
        }
        let commas = &self.commas;
        let field = |k: usize| {
            let i = self.cols.idx[k];
            let start = if i == 0 { a } else { commas[i - 1] + 1 };
            let end = if i == commas.len() { b } else { commas[i] };
            trim(&buf[start..end])
        };
        for (k, name) in COLUMNS.iter().enumerate().take(3) {
            if field(k).is_empty() {
                return Err(Some(format!("missing {name}")));
            }
        }
        let sev = field(3);
        let severity = Severity::from_bytes(sev).ok_or_else(|| {
            Some(format!(
                "unknown severity `{}` (critical, high, medium or low)",
                shown(sev)
            ))
        })?;
        let time = |k: usize| -> Result<Option<i64>, Option<String>> {
            let v = field(k);
            if v.is_empty() {
                return Ok(None);
            }
            parse_timestamp(v).map(Some).ok_or_else(|| {
                Some(format!(
                    "{}: `{}` is not a timestamp like 2026-03-01T12:34:56Z",
                    COLUMNS[k],
                    shown(v)
                ))
            })
        };
        let published = time(4)?.ok_or_else(|| Some("missing published_at".to_string()))?;
        let detected = time(5)?.ok_or_else(|| Some("missing detected_at".to_string()))?;
        let started = time(6)?;
        let resolved = time(7)?;
        let unit = field(2);
        let sla = self.sla[severity as usize];
        add_finding(
            &mut self.groups,
            sla,
            unit,
            severity,
            Some(published),
            detected,
            started,
            resolved,
        )
        .map_err(Some)
    }
}

/// One finding's moments checked against each other and added to its group (shared with the
/// DefectDojo reader). Without `published` the finding has no time to start.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_finding(
    groups: &mut Groups,
    sla: Option<i64>,
    unit: &[u8],
    severity: Severity,
    published: Option<i64>,
    detected: i64,
    started: Option<i64>,
    resolved: Option<i64>,
) -> Result<(), String> {
    let to_start = match (published, started) {
        (Some(p), Some(s)) if s < p => {
            return Err("started_at is before published_at".into());
        }
        (Some(p), Some(s)) => Some(seconds(s - p, "started_at − published_at")?),
        _ => None,
    };
    let to_resolve = match (started, resolved) {
        (_, None) => None,
        (None, Some(_)) => return Err("resolved_at without started_at".into()),
        (Some(s), Some(r)) if r < s => {
            return Err("resolved_at is before started_at".into());
        }
        (Some(s), Some(r)) => Some(seconds(r - s, "resolved_at − started_at")?),
    };
    let within = match (sla, resolved) {
        (Some(limit), Some(r)) => r - detected <= limit,
        _ => false,
    };
    let g = groups.get(unit, severity);
    g.findings += 1;
    g.within_sla += u64::from(within);
    if let Some(d) = to_start {
        g.to_start.push(d);
        g.start_sum += u64::from(d);
    }
    if let Some(d) = to_resolve {
        g.to_resolve.push(d);
        g.resolve_sum += u64::from(d);
    }
    Ok(())
}

fn seconds(d: i64, what: &str) -> Result<u32, String> {
    u32::try_from(d).map_err(|_| format!("{what} is more than 136 years"))
}

const COMMAS: u64 = 0x2C2C_2C2C_2C2C_2C2C;
const NEWLINES: u64 = 0x0A0A_0A0A_0A0A_0A0A;

/// The high bit of each byte of `x` that is zero, and no other bit.
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// Reads lines from `reader` into `chunk` until the end, with one large buffer.
fn scan<R: Read>(
    mut reader: R,
    chunk: &mut Chunk<'_>,
    options: &Options,
    cancelled: &dyn Fn() -> bool,
) -> Result<(), Stop> {
    let mut buf = vec![0u8; BUFFER];
    let (mut start, mut end) = (0usize, 0usize);
    loop {
        if cancelled() {
            return Err(Stop::Cancelled);
        }
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match reader.read(&mut buf[end..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Stop::Io(e)),
        };
        if let Some(p) = &options.progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        if n == 0 {
            if start < end {
                chunk.commas.clear();
                chunk
                    .commas
                    .extend(memchr::memchr_iter(b',', &buf[start..end]).map(|i| start + i));
                chunk.line(&buf, start, end, false)?;
            }
            return Ok(());
        }
        end += n;
        // The complete lines read so far, checked as UTF-8 at once (a line break is never part
        // of a multi-byte character, so the block is valid exactly when every line is), then
        // split at commas and line breaks in one pass.
        let Some(last) = memchr::memrchr(b'\n', &buf[start..end]) else {
            continue;
        };
        let block_end = start + last + 1;
        let utf8 = std::str::from_utf8(&buf[start..block_end]).is_ok();
        let mut line_start = start;
        chunk.commas.clear();
        let mut words = buf[start..block_end].chunks_exact(8);
        let mut base = start;
        for w in &mut words {
            let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            let mut m = zero_bytes(w ^ COMMAS) | zero_bytes(w ^ NEWLINES);
            while m != 0 {
                let p = base + (m.trailing_zeros() / 8) as usize;
                m &= m - 1;
                if buf[p] == b',' {
                    chunk.commas.push(p);
                } else {
                    chunk.line(&buf, line_start, p, utf8)?;
                    chunk.commas.clear();
                    line_start = p + 1;
                }
            }
            base += 8;
        }
        for p in base..block_end {
            if buf[p] == b',' {
                chunk.commas.push(p);
            } else if buf[p] == b'\n' {
                chunk.line(&buf, line_start, p, utf8)?;
                chunk.commas.clear();
                line_start = p + 1;
            }
        }
        start = block_end;
    }
}

/// One range's outcome: the chunk's figures, or why it stopped and after how many lines.
type Outcome = Result<(Groups, u64, u64, u64, Vec<BadRow>, u64), Stop>;

fn run_chunk<R: Read>(
    reader: R,
    cols: &Columns,
    options: &Options,
    ends_file: bool,
    cancelled: &dyn Fn() -> bool,
) -> Outcome {
    let mut c = Chunk::new(cols, options);
    scan(reader, &mut c, options, cancelled)?;
    c.finish(ends_file)?;
    Ok((c.groups, c.read, c.accepted, c.rejected, c.bad, c.lines))
}

/// Puts ranges' outcomes back in file order: the first failure wins; line numbers become
/// global (the header is line 1).
fn merge(outcomes: Vec<Outcome>, file: &str, options: &Options) -> Result<Report, VulnError> {
    let parallel = outcomes.len() > 1;
    let mut groups = Groups::default();
    let (mut read, mut accepted, mut rejected) = (0, 0, 0);
    let mut first_rejected = Vec::new();
    let mut offset = 1u64;
    for outcome in outcomes {
        let (g, r, a, j, bad, lines) = outcome.map_err(|stop| {
            let file = file.to_string();
            match stop {
                Stop::NotUtf8(l) => VulnError::NotUtf8 {
                    file,
                    line: offset + l,
                },
                Stop::Truncated(l, found) => VulnError::Truncated {
                    file,
                    line: offset + l,
                    found,
                    expected: 0,
                },
                Stop::Rejected(l, reason) => VulnError::Rejected {
                    file,
                    line: offset + l,
                    reason,
                },
                Stop::Io(source) => VulnError::Io { file, source },
                Stop::Cancelled => {
                    unreachable!("a range is cancelled only after an earlier one failed")
                }
            }
        })?;
        groups.merge(g);
        read += r;
        accepted += a;
        rejected += j;
        for b in bad {
            if first_rejected.len() < REJECTED_SHOWN {
                first_rejected.push(BadRow {
                    line: offset + b.line,
                    reason: b.reason,
                });
            }
        }
        offset += lines;
    }
    let has_sla = Severity::ALL.map(|s| options.sla.days(s).is_some());
    Ok(Report {
        groups: groups.summarise(has_sla, parallel),
        read,
        accepted,
        rejected,
        skipped: 0,
        first_rejected,
    })
}

fn with_expected(e: VulnError, expected: usize) -> VulnError {
    match e {
        VulnError::Truncated {
            file, line, found, ..
        } => VulnError::Truncated {
            file,
            line,
            found,
            expected,
        },
        other => other,
    }
}

pub fn run_reader<R: Read>(reader: R, file: &str, options: &Options) -> Result<Report, VulnError> {
    // Shift_JIS or UTF-16 text is turned into UTF-8 as it is read; UTF-8 passes as it is.
    let reader = Decoded::new(reader).map_err(|source| VulnError::Io {
        file: file.into(),
        source,
    })?;
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let (cols, _) = header(&mut reader, file, &options.columns)?;
    let outcome = run_chunk(reader, &cols, options, true, &|| false);
    merge(vec![outcome], file, options).map_err(|e| with_expected(e, cols.count))
}

pub fn run_file(path: &Path, options: &Options) -> Result<Report, VulnError> {
    let file = path.display().to_string();
    let io = |source| VulnError::Io {
        file: file.clone(),
        source,
    };
    let mut f = File::open(path).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        // A pipe or device: no byte ranges, one stream.
        return run_reader(f, &file, options);
    }
    // A file in another encoding than UTF-8 (Shift_JIS from a Japanese PC) is decoded as it is
    // read, on one thread; UTF-8 keeps the parallel byte ranges.
    let mut head = Vec::new();
    (&mut f).take(SNIFF).read_to_end(&mut head).map_err(io)?;
    f.seek(SeekFrom::Start(0)).map_err(io)?;
    if needs_decoding(&head, (head.len() as u64) < SNIFF) {
        return run_reader(f, &file, options);
    }
    let size = meta.len();
    let (cols, data_start) = header(&mut BufReader::new(&mut f), &file, &options.columns)?;
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let threads = if size - data_start < MIN_PARALLEL {
        1
    } else {
        threads
    };
    // Range starts: each moved forward to just after a line break.
    let mut starts = vec![data_start];
    for k in 1..threads as u64 {
        let target = data_start + (size - data_start) * k / threads as u64;
        f.seek(SeekFrom::Start(target - 1)).map_err(io)?;
        let mut skipped = Vec::new();
        BufReader::new(&mut f)
            .read_until(b'\n', &mut skipped)
            .map_err(io)?;
        let start = target - 1 + skipped.len() as u64;
        if start < size && start > *starts.last().expect("one start") {
            starts.push(start);
        }
    }
    let ranges: Vec<(u64, u64)> = starts
        .iter()
        .zip(starts.iter().skip(1).chain([&size]))
        .map(|(&a, &b)| (a, b))
        .collect();
    let failed = AtomicUsize::new(usize::MAX);
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .enumerate()
            .map(|(k, &(a, b))| {
                let (cols, failed) = (&cols, &failed);
                s.spawn(move || {
                    let cancelled = || failed.load(Ordering::Relaxed) < k;
                    let outcome = File::open(path)
                        .and_then(|mut f| f.seek(SeekFrom::Start(a)).map(|_| f))
                        .map_err(Stop::Io)
                        .and_then(|f| {
                            run_chunk(f.take(b - a), cols, options, b == size, &cancelled)
                        });
                    if outcome.is_err() {
                        failed.fetch_min(k, Ordering::Relaxed);
                    }
                    outcome
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reading thread panicked"))
            .collect()
    });
    merge(outcomes, &file, options).map_err(|e| with_expected(e, cols.count))
}
