//! Debug information (`docs/backend.md`, "Debug information"): a table
//! from code addresses to CML source positions and function names,
//! carried in the image as a section of its own, and the part of a trap
//! report it makes possible: the CML line of the faulting instruction
//! and a backtrace from the return addresses on the stack.
//!
//! Codegen marks where the code of each source position begins with a
//! label (`cml_codegen::DEBUG_LABEL_PREFIX`); the driver takes those
//! labels out of the image's symbols into [`DebugInfo`].

use cml_image::{Image, RawSection};
use cml_isa::{decode, Header, Instruction, Layout, Tag};

/// The image section kind that holds [`DebugInfo`] ("CD").
pub const DEBUG_SECTION: u16 = 0x4344;

/// Where the data stack ends (its base; docs/isa-decisions.md).
const STACK_BASE: u16 = 0xFA00;

/// The prefix of the labels of the runtime's routines and the start
/// routine (`__mem_alloc`, `__start`): code that belongs to no CML
/// function.
const RUNTIME_PREFIX: &str = "__";

/// At most this many backtrace entries are shown.
const MAX_BACKTRACE: usize = 16;

/// A source position: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The line.
    pub line: u16,
    /// The column (in bytes).
    pub column: u16,
}

/// The pc → position and pc → function tables, each sorted by pc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugInfo {
    /// Where the code of each source position begins.
    pub lines: Vec<(u16, Position)>,
    /// Where each function's code begins, with its CML name; and where
    /// each routine of the runtime (and the start routine) begins, with
    /// its label, which starts with `__` ([`DebugInfo::function_at`]
    /// finds no CML function there).
    pub functions: Vec<(u16, String)>,
    /// The effect manifest: each operation's (family, op) and its name
    /// (`IO.print`).
    pub effects: Vec<(u8, u8, String)>,
}

impl DebugInfo {
    /// Takes the debug labels out of `image`'s symbols, and names the
    /// functions whose labels are `fn<N>_...` with `name(N)`.
    pub fn take_from(image: &mut Image, name: impl Fn(usize) -> Option<String>) -> DebugInfo {
        let mut info = DebugInfo::default();
        image.symbols.retain(|symbol| {
            if let Some(rest) = symbol.name.strip_prefix(cml_codegen::DEBUG_LABEL_PREFIX) {
                if let Some(position) = parse_position(rest) {
                    info.lines.push((symbol.address, position));
                }
                return false;
            }
            if symbol.name.starts_with(RUNTIME_PREFIX) {
                // A routine of the runtime (or the start routine): code
                // that is no CML function, where the one before it ends.
                info.functions.push((symbol.address, symbol.name.clone()));
                return true;
            }
            if let Some(rest) = symbol.name.strip_prefix("fn") {
                if let Some(index) = rest.split('_').next().and_then(|n| n.parse().ok()) {
                    if let Some(name) = name(index) {
                        info.functions.push((symbol.address, name));
                    }
                }
            }
            true
        });
        info.lines.sort_by_key(|(pc, _)| *pc);
        info.functions.sort_by_key(|(pc, _)| *pc);
        info
    }

    /// The image section holding this table.
    pub fn to_section(&self) -> RawSection {
        let mut bytes = Vec::new();
        let word = |w: u16, bytes: &mut Vec<u8>| bytes.extend_from_slice(&w.to_le_bytes());
        word(self.lines.len() as u16, &mut bytes);
        for (pc, position) in &self.lines {
            word(*pc, &mut bytes);
            word(position.line, &mut bytes);
            word(position.column, &mut bytes);
        }
        word(self.functions.len() as u16, &mut bytes);
        for (pc, name) in &self.functions {
            word(*pc, &mut bytes);
            word(name.len() as u16, &mut bytes);
            bytes.extend_from_slice(name.as_bytes());
        }
        word(self.effects.len() as u16, &mut bytes);
        for (family, op, name) in &self.effects {
            word(u16::from(*family) << 8 | u16::from(*op), &mut bytes);
            word(name.len() as u16, &mut bytes);
            bytes.extend_from_slice(name.as_bytes());
        }
        RawSection {
            kind: DEBUG_SECTION,
            bytes,
        }
    }

    /// The table an image carries, if it has one that reads.
    pub fn from_image(image: &Image) -> Option<DebugInfo> {
        let section = image
            .other_sections
            .iter()
            .find(|section| section.kind == DEBUG_SECTION)?;
        let mut reader = Reader(section.bytes.as_slice());
        let mut info = DebugInfo::default();
        for _ in 0..reader.word()? {
            let pc = reader.word()?;
            let line = reader.word()?;
            let column = reader.word()?;
            info.lines.push((pc, Position { line, column }));
        }
        for _ in 0..reader.word()? {
            let pc = reader.word()?;
            let length = reader.word()? as usize;
            let name = String::from_utf8_lossy(reader.take(length)?).into_owned();
            info.functions.push((pc, name));
        }
        for _ in 0..reader.word()? {
            let number = reader.word()?;
            let length = reader.word()? as usize;
            let name = String::from_utf8_lossy(reader.take(length)?).into_owned();
            info.effects.push(((number >> 8) as u8, number as u8, name));
        }
        Some(info)
    }

    /// The name of the operation numbered (family, op), if the program
    /// declared it.
    pub fn effect_name(&self, family: u8, op: u8) -> Option<&str> {
        self.effects
            .iter()
            .find(|(f, o, _)| (*f, *o) == (family, op))
            .map(|(_, _, name)| name.as_str())
    }

    /// The `cml run --trace effects` line of a PERF of (family, op) whose
    /// argument has tag code `tag` and payload `bits`: `perform IO.print
    /// "A1\n"` (strings quoted, tuples of several arguments in
    /// parentheses, other heap objects by layout). `None` for an operation
    /// the program did not declare (the UART binding, the back end's
    /// private probes). `read` reads the memory the core runs on.
    pub fn perform_line(
        &self,
        family: u8,
        op: u8,
        tag: u8,
        bits: u16,
        read: impl Fn(u16) -> u16,
    ) -> Option<String> {
        let name = self.effect_name(family, op)?;
        Some(format!(
            "perform {name} {}",
            show_value(Tag::from_code(tag), bits, &read, 2)
        ))
    }

    /// The CML function whose code holds `pc`, with its start (`None` in
    /// the runtime's routines).
    pub fn function_at(&self, pc: u16) -> Option<(u16, &str)> {
        let index = self.functions.partition_point(|(start, _)| *start <= pc);
        let (start, name) = self.functions.get(index.checked_sub(1)?)?;
        (!name.starts_with(RUNTIME_PREFIX)).then_some((*start, name.as_str()))
    }

    /// The source position of the code at `pc`: the last marked position
    /// at or before it within the same function.
    pub fn position_at(&self, pc: u16) -> Option<Position> {
        let (start, _) = self.function_at(pc)?;
        let index = self.lines.partition_point(|(at, _)| *at <= pc);
        let (at, position) = self.lines.get(index.checked_sub(1)?)?;
        (*at >= start).then_some(*position)
    }

    /// The CML part of a trap report: where the faulting instruction
    /// comes from (`file:line:column`, the function, the source line),
    /// then the calls that led there, from the return addresses found on
    /// the stack between `sp` and the stack base (`read` reads memory).
    pub fn trap_context(
        &self,
        image: &Image,
        pc: u16,
        sp: u16,
        read: impl Fn(u16) -> u16,
        file: &str,
        source: Option<&str>,
    ) -> String {
        let mut text = String::new();
        let describe = |pc: u16| -> String {
            let function = self.function_at(pc).map_or_else(
                || "the runtime".to_string(),
                |(_, name)| format!("`{name}`"),
            );
            match self.position_at(pc) {
                Some(position) => {
                    format!("{file}:{}:{} in {function}", position.line, position.column)
                }
                None => format!("{file} in {function} (no source position)"),
            }
        };
        text.push_str(&format!("  in CML: {}\n", describe(pc)));
        if let (Some(source), Some(position)) = (source, self.position_at(pc)) {
            if let Some(line) = source.lines().nth(position.line as usize - 1) {
                text.push_str(&format!("    {} | {}\n", position.line, line.trim_end()));
            }
        }
        if let Some(Ok(Instruction::Perf { family, op, .. })) = image.word_at(pc).map(decode) {
            if let Some(name) = self.effect_name(family, op) {
                text.push_str(&format!("  performing `{name}` ({family:#x}, {op})\n"));
            }
        }
        let mut calls = Vec::new();
        let mut address = sp;
        while address < STACK_BASE && calls.len() < MAX_BACKTRACE {
            let word = read(address);
            if let Some(call) = word.checked_sub(1) {
                if is_call_site(image, call) && self.function_at(call).is_some() {
                    calls.push(describe(call));
                }
            }
            address += 1;
        }
        if !calls.is_empty() {
            text.push_str("  called from (most recent first; return addresses on the stack):\n");
            for call in calls {
                text.push_str(&format!("    {call}\n"));
            }
        }
        text
    }
}

/// Whether the image has a CALL or a PERF at `address`, so that the
/// address after it, found on the stack, is likely a return address (a
/// PERF served by a tail-resumptive handler, such as the bottom
/// `Mem.alloc` handler of a program whose allocations perform, pushes
/// one as CALL does).
fn is_call_site(image: &Image, address: u16) -> bool {
    if image.is_data(address) {
        return false;
    }
    matches!(
        image.word_at(address).map(decode),
        Some(Ok(Instruction::Call { .. } | Instruction::Perf { .. }))
    )
}

/// `L<line>_C<column>_...` to a position.
fn parse_position(rest: &str) -> Option<Position> {
    let mut parts = rest.split('_');
    let line = parts.next()?.strip_prefix('L')?.parse().ok()?;
    let column = parts.next()?.strip_prefix('C')?.parse().ok()?;
    Some(Position { line, column })
}

/// A cursor over a section's bytes.
struct Reader<'b>(&'b [u8]);

impl<'b> Reader<'b> {
    fn word(&mut self) -> Option<u16> {
        let (head, rest) = self.0.split_first_chunk::<2>()?;
        self.0 = rest;
        Some(u16::from_le_bytes(*head))
    }

    fn take(&mut self, length: usize) -> Option<&'b [u8]> {
        let taken = self.0.get(..length)?;
        self.0 = &self.0[length..];
        Some(taken)
    }
}

/// A value as a trace shows it, following records `depth` levels deep.
fn show_value(tag: Tag, bits: u16, read: &impl Fn(u16) -> u16, depth: u8) -> String {
    match tag {
        Tag::INT => (bits as i16).to_string(),
        Tag::BOOL => (bits != 0).to_string(),
        Tag::UNIT => "()".to_string(),
        Tag::CLOSURE => "<fun>".to_string(),
        Tag::CONT => "<continuation>".to_string(),
        Tag::PTR => {
            let header = Header::decode(read(bits.wrapping_sub(1)));
            if header.layout == Layout::STRING {
                let length = read(bits);
                let text: String = (0..length.min(64))
                    .map(|i| char::from(read(bits.wrapping_add(1 + i)) as u8))
                    .collect();
                let more = if length > 64 { "..." } else { "" };
                format!("{text:?}{more}")
            } else if header.layout == Layout::RECORD
                && header.size != cml_isa::SIZE_ESCAPE
                && depth > 0
            {
                let fields: Vec<String> = (0..u16::from(header.size) / 2)
                    .map(|i| {
                        let value = read(bits.wrapping_add(2 * i));
                        let tag = Tag::from_code(read(bits.wrapping_add(2 * i + 1)) as u8);
                        show_value(tag, value, read, depth - 1)
                    })
                    .collect();
                format!("({})", fields.join(", "))
            } else {
                format!("<{} 0x{bits:04x}>", tag.name())
            }
        }
        other => format!("<{} 0x{bits:04x}>", other.name()),
    }
}
