//! Plain text: blocks separated by blank lines, split by markers and keyword lines.

use super::ImportError;
use super::classify::{Builder, Start, split_text};

/// Plain text: blocks separated by blank lines, then split by markers and keyword lines.
pub(super) fn plain_units(text: &str, builder: &mut Builder<'_>) -> Result<(), ImportError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut block = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !block.is_empty() {
                split_text(&block, Start::Free, true, builder)?;
                block.clear();
            }
        } else {
            block.push_str(line);
            block.push('\n');
        }
    }
    if !block.is_empty() {
        split_text(&block, Start::Free, true, builder)?;
    }
    Ok(())
}
