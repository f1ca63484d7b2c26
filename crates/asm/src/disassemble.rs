//! The disassembler: an image into source that assembles back to the
//! identical image.
//!
//! Words in data ranges print as data (`.word`, or `.table` when a MATCH
//! points at a well-formed table); words in code decode through the table
//! into instructions, and words that are not instructions of the image's
//! ISA version print as `.insn`. Every pc-relative operand whose target is
//! inside a segment (or at a segment's end) prints as a label: an existing
//! symbol, or a local label `.L0012` defined at the target.
//!
//! A label can only be written between statements, so two multi-word
//! statements give way when a label is needed inside them: a JMPA whose
//! address word needs a label prints as `.insn` (and its address word is
//! decoded on its own), and a table with a label inside prints as `.word`.
//! The plan is recomputed until no label falls inside a statement.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use cml_image::Image;
use cml_isa::{decode, write_operand, Instruction, OperandKind};

use crate::layout::{TABLE_END, TABLE_MISSING};
use crate::lexer::is_identifier;

/// Whether fields of this kind are written `name=value` (the book writes
/// `PERF family=2, op=0, v0`).
pub(crate) fn is_named_in_listings(kind: OperandKind) -> bool {
    matches!(kind, OperandKind::Family | OperandKind::EffectOp)
}

/// An instruction's mnemonic and operands as the assembler reads them.
/// `pc_relative` sees the raw offset of each pc-relative operand and may
/// return the text to write instead of it (a label).
pub(crate) fn write_instruction(
    instruction: &Instruction,
    mut pc_relative: impl FnMut(i32) -> Option<String>,
) -> String {
    let spec = instruction.mnemonic().spec();
    let mut text = spec.name.to_string();
    for (index, (field, &value)) in spec
        .fields
        .iter()
        .zip(instruction.operands().as_slice())
        .enumerate()
    {
        text.push_str(if index == 0 { " " } else { ", " });
        if field.kind.is_pc_relative() {
            if let Some(replacement) = pc_relative(value) {
                text.push_str(&replacement);
                continue;
            }
        }
        if is_named_in_listings(field.kind) {
            let _ = write!(text, "{}=", field.name);
        }
        let _ = write_operand(&mut text, field.kind, value);
    }
    text
}

/// The column where the address comment starts.
const COMMENT_COLUMN: usize = 40;
/// The number of words on one `.word` line.
const WORDS_PER_LINE: usize = 8;
/// The number of characters on one `.ascii` line.
const CHARACTERS_PER_LINE: usize = 32;
/// The shortest run of printable characters that prints as `.ascii`.
const MINIMUM_TEXT_RUN: usize = 4;

/// One statement of the listing.
#[derive(Clone, Copy, Debug)]
enum Unit {
    /// A decoded instruction; `trailing` is JMPA's address word.
    Instruction {
        address: u16,
        instruction: Instruction,
        trailing: Option<u16>,
    },
    /// A word in code that prints as `.insn`.
    Raw { address: u16, word: u16 },
    /// A word in a data range.
    Data { address: u16, word: u16 },
}

impl Unit {
    fn address(&self) -> u16 {
        match *self {
            Unit::Instruction { address, .. }
            | Unit::Raw { address, .. }
            | Unit::Data { address, .. } => address,
        }
    }
}

/// A MATCH table that prints as `.table`.
#[derive(Clone, Debug)]
struct Table {
    /// The address of the MATCH that points at it.
    match_address: u16,
    /// The entries, without the end marker.
    entries: Vec<u16>,
}

/// The whole listing's structure, before names are chosen.
struct Plan {
    /// The statements of each segment, in image order.
    units: Vec<Vec<Unit>>,
    /// The tables that print as `.table`, by address.
    tables: BTreeMap<u16, Table>,
}

/// Disassembles an image into source text that [`crate::assemble`] turns
/// back into an equal image.
///
/// Symbols outside every segment are kept by placing them after an empty
/// `.org`. The image is reproduced exactly when it is in the form the
/// assembler writes: symbols sorted by address, data ranges sorted and
/// merged into maximal runs inside segments, no empty segments. What
/// cannot be written as source is listed in comments and lost: sections
/// this version does not interpret, symbols whose names are not
/// identifiers or are local (`.L...`), and a second symbol with the same
/// name.
pub fn disassemble(image: &Image) -> String {
    let mut no_consume: HashSet<u16> = HashSet::new();
    let mut no_table: HashSet<u16> = HashSet::new();
    loop {
        let plan = Plan::new(image, &no_consume, &no_table);
        let wanted = wanted_labels(image, &plan);
        let mut blocked = false;
        for segment_units in &plan.units {
            for unit in segment_units {
                if let Unit::Instruction {
                    address,
                    trailing: Some(_),
                    ..
                } = *unit
                {
                    if wanted.contains(&(address as u32 + 1)) {
                        no_consume.insert(address);
                        blocked = true;
                    }
                }
            }
        }
        for (&start, table) in &plan.tables {
            // The words after the table's first: its other entries and
            // its end marker.
            let inside = start as u32 + 1..start as u32 + 1 + table.entries.len() as u32;
            if wanted.range(inside).next().is_some() {
                no_table.insert(start);
                blocked = true;
            }
        }
        if !blocked {
            return Printer::new(image, &plan, &wanted).print();
        }
    }
}

/// Whether an address can carry a label: inside a segment or at its end.
fn is_labelable(image: &Image, target: i64) -> bool {
    (0..=0xFFFF).contains(&target)
        && image
            .segments
            .iter()
            .any(|segment| (segment.origin as i64..=segment.end() as i64).contains(&target))
}

/// The address a pc-relative field value points at.
fn relative_target(address: u16, offset: i32) -> i64 {
    address as i64 + 1 + offset as i64
}

/// The address a table entry points at.
fn entry_target(match_address: u16, entry: u16) -> i64 {
    match_address as i64 + 1 + entry as i16 as i64
}

impl Plan {
    fn new(image: &Image, no_consume: &HashSet<u16>, no_table: &HashSet<u16>) -> Plan {
        let units: Vec<Vec<Unit>> = image
            .segments
            .iter()
            .map(|segment| segment_units(image, segment, no_consume))
            .collect();
        let mut pointers: BTreeMap<i64, Vec<u16>> = BTreeMap::new();
        for unit in units.iter().flatten() {
            if let Unit::Instruction {
                address,
                instruction,
                ..
            } = *unit
            {
                let spec = instruction.mnemonic().spec();
                for (field, &value) in spec.fields.iter().zip(instruction.operands().as_slice()) {
                    if field.kind == OperandKind::TableOffset5 {
                        pointers
                            .entry(relative_target(address, value))
                            .or_default()
                            .push(address);
                    }
                }
            }
        }
        let mut tables = BTreeMap::new();
        for (start, matches) in pointers {
            let [match_address] = matches.as_slice() else {
                continue;
            };
            if !(0..=0xFFFF).contains(&start) || no_table.contains(&(start as u16)) {
                continue;
            }
            if let Some(entries) = table_entries(image, start as u16) {
                tables.insert(
                    start as u16,
                    Table {
                        match_address: *match_address,
                        entries,
                    },
                );
            }
        }
        Plan { units, tables }
    }
}

/// The statements of one segment.
fn segment_units(
    image: &Image,
    segment: &cml_image::Segment,
    no_consume: &HashSet<u16>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut index = 0;
    while index < segment.words.len() {
        let address = (segment.origin as usize + index) as u16;
        let word = segment.words[index];
        index += 1;
        if image.is_data(address) {
            units.push(Unit::Data { address, word });
            continue;
        }
        let instruction = match decode(word) {
            Ok(instruction) if instruction.version() <= image.isa => instruction,
            _ => {
                units.push(Unit::Raw { address, word });
                continue;
            }
        };
        let trailing_words = instruction.mnemonic().spec().trailing_words as usize;
        if trailing_words == 0 {
            units.push(Unit::Instruction {
                address,
                instruction,
                trailing: None,
            });
            continue;
        }
        let next = address.wrapping_add(1);
        let can_consume = trailing_words == 1
            && index < segment.words.len()
            && !image.is_data(next)
            && !no_consume.contains(&address);
        if can_consume {
            units.push(Unit::Instruction {
                address,
                instruction,
                trailing: Some(segment.words[index]),
            });
            index += 1;
        } else {
            units.push(Unit::Raw { address, word });
        }
    }
    units
}

/// The entries of a well-formed table at `start`: data words in one
/// segment, ending with the end marker.
fn table_entries(image: &Image, start: u16) -> Option<Vec<u16>> {
    let segment = image
        .segments
        .iter()
        .find(|segment| (segment.origin as u32..segment.end()).contains(&(start as u32)))?;
    let mut entries = Vec::new();
    for offset in (start - segment.origin) as usize..segment.words.len() {
        let address = (segment.origin as usize + offset) as u16;
        if !image.is_data(address) {
            return None;
        }
        match segment.words[offset] {
            TABLE_END => return Some(entries),
            word => entries.push(word),
        }
    }
    None
}

/// Every address a label is wanted at: symbols, and the labelable targets
/// of operands and table entries.
fn wanted_labels(image: &Image, plan: &Plan) -> BTreeSet<u32> {
    let mut wanted: BTreeSet<u32> = image
        .symbols
        .iter()
        .map(|symbol| symbol.address as u32)
        .collect();
    let mut want = |target: i64| {
        if is_labelable(image, target) {
            wanted.insert(target as u32);
        }
    };
    for unit in plan.units.iter().flatten() {
        if let Unit::Instruction {
            address,
            instruction,
            trailing,
        } = *unit
        {
            let spec = instruction.mnemonic().spec();
            for (field, &value) in spec.fields.iter().zip(instruction.operands().as_slice()) {
                if field.kind.is_pc_relative() {
                    want(relative_target(address, value));
                }
            }
            if let Some(target) = trailing {
                want(target as i64);
            }
        }
    }
    for table in plan.tables.values() {
        for &entry in &table.entries {
            if entry != TABLE_MISSING {
                want(entry_target(table.match_address, entry));
            }
        }
    }
    wanted
}

/// Whether a symbol's name can be written as a label definition that the
/// assembler turns back into the same symbol.
fn is_printable_symbol(name: &str) -> bool {
    is_identifier(name) && !crate::program::Program::is_local_label(name)
}

/// Whether a name can stand for its address as an operand (it is not a
/// register name and not the `_` of tables).
fn is_usable_reference(name: &str) -> bool {
    let register_like = name
        .strip_prefix(['v', 'V'])
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    name != "_" && !register_like
}

struct Printer<'a> {
    image: &'a Image,
    plan: &'a Plan,
    /// The labels to define at each address, in order.
    definitions: BTreeMap<u32, Vec<String>>,
    /// The name operands use for each wanted address.
    references: BTreeMap<u32, String>,
    /// Symbols that cannot be written, as comments.
    lost: Vec<String>,
    output: String,
}

impl<'a> Printer<'a> {
    fn new(image: &'a Image, plan: &'a Plan, wanted: &BTreeSet<u32>) -> Printer<'a> {
        let mut definitions: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        let mut references: BTreeMap<u32, String> = BTreeMap::new();
        let mut lost = Vec::new();
        let mut seen_names = HashSet::new();
        for symbol in &image.symbols {
            let address = symbol.address as u32;
            if !is_printable_symbol(&symbol.name) || !seen_names.insert(symbol.name.as_str()) {
                lost.push(format!(
                    "symbol {:?} at {:#06x} cannot be written as a label",
                    symbol.name, symbol.address
                ));
                continue;
            }
            definitions
                .entry(address)
                .or_default()
                .push(symbol.name.clone());
            if is_usable_reference(&symbol.name) {
                references.entry(address).or_insert(symbol.name.clone());
            }
        }
        for &address in wanted {
            if let std::collections::btree_map::Entry::Vacant(vacant) = references.entry(address) {
                let name = format!(".L{address:04x}");
                definitions.entry(address).or_default().push(name.clone());
                vacant.insert(name);
            }
        }
        Printer {
            image,
            plan,
            definitions,
            references,
            lost,
            output: String::new(),
        }
    }

    /// A name for an operand target, if the target carries a label.
    fn reference(&self, target: i64) -> Option<&str> {
        if !is_labelable(self.image, target) {
            return None;
        }
        self.references.get(&(target as u32)).map(String::as_str)
    }

    fn line(&mut self, text: &str, comment: &str) {
        let _ = write!(self.output, "        {text}");
        let width = 8 + text.chars().count();
        if !comment.is_empty() {
            let padding = COMMENT_COLUMN.saturating_sub(width).max(1);
            let _ = write!(self.output, "{:padding$}; {comment}", "");
        }
        self.output.push('\n');
    }

    fn labels_at(&mut self, address: u32) {
        if let Some(names) = self.definitions.remove(&address) {
            for name in names {
                let _ = writeln!(self.output, "{name}:");
            }
        }
    }

    fn print(mut self) -> String {
        let image = self.image;
        let _ = writeln!(self.output, "; disassembled by cml-asm");
        self.line(&format!(".isa {}", image.isa), "");
        self.line(&format!(".entry {:#06x}", image.entry), "");
        for raw in &image.other_sections {
            let _ = writeln!(
                self.output,
                "; section of kind {} ({} bytes) is not shown and is not reassembled",
                raw.kind,
                raw.bytes.len()
            );
        }
        for note in std::mem::take(&mut self.lost) {
            let _ = writeln!(self.output, "; {note}");
        }
        for (segment, units) in image.segments.iter().zip(&self.plan.units) {
            self.output.push('\n');
            self.line(&format!(".org {:#06x}", segment.origin), "");
            self.segment(units);
            self.labels_at(segment.end());
        }
        // Symbols outside every segment: an empty segment places them.
        let remaining: Vec<u32> = self.definitions.keys().copied().collect();
        for address in remaining {
            self.output.push('\n');
            self.line(
                &format!(".org {address:#06x}"),
                "no words here: only labels",
            );
            self.labels_at(address);
        }
        self.output
    }

    fn segment(&mut self, units: &[Unit]) {
        let mut index = 0;
        while index < units.len() {
            let unit = units[index];
            let address = unit.address();
            self.labels_at(address as u32);
            if let Some(table) = self.plan.tables.get(&address) {
                self.table(address, table);
                index += table.entries.len() + 1;
                continue;
            }
            match unit {
                Unit::Instruction {
                    address,
                    instruction,
                    trailing,
                } => self.instruction(address, instruction, trailing),
                Unit::Raw { address, word } => {
                    let why = match decode(word) {
                        Err(illegal) => format!("{illegal}"),
                        Ok(instruction) if instruction.version() > self.image.isa => format!(
                            "{} is an ISA {} instruction",
                            instruction.mnemonic().spec().name,
                            instruction.version()
                        ),
                        Ok(_) => "without its address word".to_string(),
                    };
                    self.line(
                        &format!(".insn {word:#06x}"),
                        &format!("{address:04x}: {why}"),
                    );
                }
                Unit::Data { .. } => {
                    index += self.data_run(&units[index..]);
                    continue;
                }
            }
            index += 1;
        }
    }

    /// Whether a data word at this position of a run ends the run: a label
    /// or a table starts there (the first word never ends its own run).
    fn starts_something(&self, position: usize, address: u16) -> bool {
        position > 0
            && (self.definitions.contains_key(&(address as u32))
                || self.plan.tables.contains_key(&address))
    }

    /// The number of printable ASCII data words from the start of `units`,
    /// up to the next label, table or other word.
    fn printable_run(&self, units: &[Unit]) -> usize {
        units
            .iter()
            .take(CHARACTERS_PER_LINE)
            .enumerate()
            .take_while(|&(position, unit)| match *unit {
                Unit::Data { address, word } => {
                    (0x20..=0x7E).contains(&word) && !self.starts_something(position, address)
                }
                _ => false,
            })
            .count()
    }

    /// Prints one line of a run of data words, up to the next label, table
    /// or code word: `.ascii` for runs of printable characters, `.word`
    /// otherwise. Returns how many words it printed.
    fn data_run(&mut self, units: &[Unit]) -> usize {
        let address = units[0].address();
        let printable = self.printable_run(units);
        if printable >= MINIMUM_TEXT_RUN {
            let count = printable.min(CHARACTERS_PER_LINE);
            let text: String = units[..count]
                .iter()
                .filter_map(|unit| match *unit {
                    Unit::Data { word, .. } => Some(word as u8 as char),
                    _ => None,
                })
                .flat_map(|character| match character {
                    '"' | '\\' => vec!['\\', character],
                    other => vec![other],
                })
                .collect();
            self.line(&format!(".ascii \"{text}\""), &format!("{address:04x}"));
            return count;
        }
        let mut words = Vec::new();
        for (position, unit) in units.iter().enumerate() {
            let Unit::Data { address, word } = *unit else {
                break;
            };
            let text_follows =
                position > 0 && self.printable_run(&units[position..]) >= MINIMUM_TEXT_RUN;
            if self.starts_something(position, address)
                || text_follows
                || words.len() == WORDS_PER_LINE
            {
                break;
            }
            words.push(word);
        }
        let text: Vec<String> = words.iter().map(|word| format!("{word:#06x}")).collect();
        self.line(
            &format!(".word {}", text.join(", ")),
            &format!("{address:04x}"),
        );
        words.len()
    }

    fn table(&mut self, address: u16, table: &Table) {
        let entries: Vec<String> = table
            .entries
            .iter()
            .map(|&entry| {
                if entry == TABLE_MISSING {
                    return "_".to_string();
                }
                match self.reference(entry_target(table.match_address, entry)) {
                    Some(name) => name.to_string(),
                    None => format!("{entry:#06x}"),
                }
            })
            .collect();
        self.line(
            &format!(".table {}", entries.join(", ")),
            &format!(
                "{address:04x}: {} entries for the MATCH at {:04x}, then 0x8001",
                table.entries.len(),
                table.match_address
            ),
        );
    }

    fn instruction(&mut self, address: u16, instruction: Instruction, trailing: Option<u16>) {
        let mut text = write_instruction(&instruction, |offset| {
            self.reference(relative_target(address, offset))
                .map(str::to_string)
        });
        let mut comment = format!("{address:04x}: {:#06x}", instruction.encode());
        if let Some(target) = trailing {
            let operand = match self.reference(target as i64) {
                Some(name) => name.to_string(),
                None => format!("{target:#06x}"),
            };
            let _ = write!(text, " {operand}");
            let _ = write!(comment, " {target:#06x}");
        }
        self.line(&text, &comment);
    }
}
