//! The file system, the one way agentctl touches it: files replaced atomically, private temp
//! dirs, and files read without trusting what is at their paths.

mod write;

#[cfg(test)]
pub(crate) use write::inject;
pub(crate) use write::{replaced, temp_dir, write_atomic};
mod read;
#[cfg(all(test, unix))]
pub(crate) use read::tests::mkfifo;

pub(crate) use read::{ReadError, open_regular, read_capped, read_file};
