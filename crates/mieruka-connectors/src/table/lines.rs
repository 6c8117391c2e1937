//! The line a CSV record really starts on. The `csv` reader gives each record the position
//! where it started looking for it, before any blank lines it skipped; [`Marking`] notes the
//! line breaks it reads (`\r` and `\n`, with their byte offsets) until their records are handed
//! over, and [`Marks::start_line`] counts the blank lines between.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

/// The line breaks read whose records are not yet handed over.
#[derive(Clone, Default)]
pub(crate) struct Marks(Rc<RefCell<VecDeque<(u64, u8)>>>);

/// A reader noting its line breaks in [`Marks`].
pub(crate) struct Marking<R> {
    inner: R,
    offset: u64,
    marks: Marks,
}

impl<R> Marking<R> {
    pub(crate) fn new(inner: R, marks: &Marks) -> Marking<R> {
        Marking {
            inner,
            offset: 0,
            marks: marks.clone(),
        }
    }
}

impl<R: Read> Read for Marking<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut marks = self.marks.0.borrow_mut();
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            marks.push_back((self.offset + i as u64, buf[i]));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl Marks {
    /// The line a record starts on, given where the CSV reader started looking (`byte`, on
    /// line `line`): one more for each blank line between.
    pub(crate) fn start_line(&self, byte: u64, line: u64) -> u64 {
        let mut marks = self.0.borrow_mut();
        while marks.front().is_some_and(|&(o, _)| o < byte) {
            marks.pop_front();
        }
        let blank = (byte..)
            .zip(marks.iter())
            .take_while(|&(at, &(o, _))| o == at)
            .filter(|&(_, &(_, b))| b == b'\n')
            .count() as u64;
        line + blank
    }

    /// The line of a record at `position` (1 when it has none).
    pub(crate) fn line_of(&self, position: Option<&csv::Position>) -> u64 {
        position.map_or(1, |p| self.start_line(p.byte(), p.line()))
    }
}
