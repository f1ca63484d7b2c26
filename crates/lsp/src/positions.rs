//! Byte offsets, as the CML stages give spans, to LSP positions (lines
//! and UTF-16 code units, the protocol's default encoding) and back.

use line_index::{LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, Range};

/// The line starts of one text, for converting positions.
#[derive(Clone, Debug)]
pub struct Positions {
    text: String,
    lines: LineIndex,
}

impl Positions {
    /// The positions of this text.
    pub fn new(text: &str) -> Positions {
        Positions {
            text: text.to_string(),
            lines: LineIndex::new(text),
        }
    }

    /// The LSP position of a byte offset, clamped to the text and moved
    /// back to the start of the character it falls in.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_column = self.lines.line_col(TextSize::new(offset as u32));
        let wide = self
            .lines
            .to_wide(WideEncoding::Utf16, line_column)
            .unwrap_or(WideLineCol {
                line: line_column.line,
                col: line_column.col,
            });
        Position::new(wide.line, wide.col)
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        let start = self.position(span.start);
        let end = self.position(span.end.max(span.start));
        Range::new(start, end)
    }

    /// The byte offset of an LSP position: a line past the end is the end
    /// of the text, a character past the end of its line is the line's end.
    pub fn offset(&self, position: Position) -> usize {
        let Some(line) = self.lines.line(position.line) else {
            return self.text.len();
        };
        let line_start = usize::from(line.start());
        let line_text =
            self.text[line_start..usize::from(line.end())].trim_end_matches(['\n', '\r']);
        let line_end = line_start + line_text.len();
        // A UTF-16 column is never more than the line's length in bytes.
        let column = position.character.min(line_text.len() as u32);
        let wide = WideLineCol {
            line: position.line,
            col: column,
        };
        let mut offset = match self.lines.to_utf8(WideEncoding::Utf16, wide) {
            Some(line_column) => self
                .lines
                .offset(line_column)
                .map_or(line_end, |offset| usize::from(offset).min(line_end)),
            None => line_end,
        };
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_code_units() {
        // 'é' is two bytes and one UTF-16 unit; '𝄞' four bytes and two units.
        let positions = Positions::new("ab\né𝄞x\n");
        assert_eq!(positions.position(0), Position::new(0, 0));
        assert_eq!(positions.position(3), Position::new(1, 0));
        assert_eq!(positions.position(5), Position::new(1, 1));
        assert_eq!(positions.position(9), Position::new(1, 3));
        assert_eq!(positions.offset(Position::new(1, 3)), 9);
        assert_eq!(positions.offset(Position::new(1, 1)), 5);
    }

    #[test]
    fn offsets_out_of_range_are_clamped() {
        let positions = Positions::new("é\nx");
        assert_eq!(positions.position(1), Position::new(0, 0));
        assert_eq!(positions.position(99), Position::new(1, 1));
        assert_eq!(positions.offset(Position::new(0, 40)), 2);
        assert_eq!(positions.offset(Position::new(1, u32::MAX)), 4);
        assert_eq!(positions.offset(Position::new(7, 0)), 4);
    }
}
