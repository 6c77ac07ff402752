//! The data `--jq` filters run on, as jaq-core asks for it: agentctl's values, and what a
//! run shares between its builtins (the rest of the input stream, what the filter said).

use super::value::Val;
use jaq_core::{DataT, Lut};
use std::cell::{Cell, RefCell};

/// The data filters run on: agentctl's jq values, with the rest of the input stream for
/// `input`/`inputs` and what the filter says on stderr.
pub struct Kind;

impl DataT for Kind {
    type V<'a> = Val;
    type Data<'a> = &'a Globals<'a>;
}

pub struct Globals<'a> {
    pub(super) lut: &'a Lut<Kind>,
    /// The documents not yet read, each with the number of lines it takes in the stream.
    pub(super) inputs: RefCell<std::slice::Iter<'a, (Val, usize)>>,
    /// Lines read so far (`input_line_number`).
    pub(super) lines: Cell<usize>,
    /// What `debug` and `stderr` wrote, in order, not yet passed on.
    pub(super) said: RefCell<Vec<String>>,
    /// `halt_error`'s message.
    pub(super) halt_message: RefCell<Option<String>>,
}

impl<'a> jaq_core::data::HasLut<'a, Kind> for &'a Globals<'a> {
    fn lut(&self) -> &'a Lut<Kind> {
        self.lut
    }
}

impl Globals<'_> {
    pub(super) fn next_input(&self) -> Option<Val> {
        let (value, lines) = self.inputs.borrow_mut().next()?;
        self.lines.set(self.lines.get() + lines);
        Some(value.clone())
    }

    pub(super) fn say(&self, text: String) {
        self.said.borrow_mut().push(text);
    }

    pub(super) fn halt_with(&self, message: String) {
        *self.halt_message.borrow_mut() = Some(message);
    }
}
