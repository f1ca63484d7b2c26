//! The macro that turns the instruction table in `table.rs` into types.
//!
//! From one row per instruction it generates: the [`Mnemonic`] enum, the
//! static [`TABLE`] of [`InstructionSpec`]s (mnemonic, opcode, sub-function
//! bits, form, ISA version, operand fields, semantics), and the typed
//! [`Instruction`] enum with one variant per row and one named field per
//! operand. Encoding and decoding are written once, generically, over the
//! table (see `codec.rs`); this macro only produces the conversions between
//! typed instructions and the generic operand lists.
//!
//! [`Mnemonic`]: crate::Mnemonic
//! [`TABLE`]: crate::TABLE
//! [`InstructionSpec`]: crate::InstructionSpec
//! [`Instruction`]: crate::Instruction

/// The Rust type of a field of the given kind in the typed [`Instruction`]
/// enum.
///
/// [`Instruction`]: crate::Instruction
macro_rules! field_type {
    (Register) => {
        $crate::Register
    };
    (Layout) => {
        $crate::Layout
    };
    (Tag) => {
        $crate::Tag
    };
    (SignedImmediate8) => {
        i16
    };
    (BranchOffset8) => {
        i16
    };
    (JumpOffset11) => {
        i16
    };
    (MemoryOffset5) => {
        i16
    };
    (HandlerOffset3) => {
        i16
    };
    (UnsignedImmediate8) => {
        u8
    };
    (TableOffset5) => {
        u8
    };
    (Family) => {
        u8
    };
    (EffectOp) => {
        u8
    };
    (Count4) => {
        u8
    };
    (UnsignedImmediate4) => {
        u8
    };
    (Slot6) => {
        u8
    };
    (ControlRegister) => {
        u8
    };
}

/// Declares the instruction set. See `table.rs` for the one invocation.
macro_rules! instruction_set {
    ($(
        $name:ident = $opcode:literal $( / $funct:literal @ $funct_low:literal : $funct_width:literal )?,
            $mnemonic:literal, $form:ident, $version:ident $(, trailing $trailing:literal )?,
            ( $( $field:ident : $kind:ident @ $low:literal ),* $(,)? ),
            $semantics:literal;
    )*) => {
        /// Every instruction's mnemonic, in table order (which is opcode
        /// order, sub-function order within an opcode).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Mnemonic {
            $(
                #[doc = $semantics]
                $name,
            )*
        }

        /// The instruction table: one row per instruction, in [`Mnemonic`]
        /// order.
        pub static TABLE: &[InstructionSpec] = &[
            $(
                InstructionSpec {
                    mnemonic: Mnemonic::$name,
                    name: $mnemonic,
                    opcode: $opcode,
                    sub_function: instruction_set!(@funct $( $funct, $funct_low, $funct_width )?),
                    form: Form::$form,
                    version: IsaVersion::$version,
                    trailing_words: 0 $( + $trailing )?,
                    fields: &[
                        $( OperandField {
                            name: stringify!($field),
                            kind: OperandKind::$kind,
                            low_bit: $low,
                        }, )*
                    ],
                    semantics: $semantics,
                },
            )*
        ];

        /// A decoded instruction, with its operands as typed fields.
        ///
        /// Offsets are stored as encoded: pc-relative fields are relative
        /// to the address of the next instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Instruction {
            $(
                #[doc = $semantics]
                $name { $( $field: field_type!($kind) ),* },
            )*
        }

        impl Instruction {
            /// The instruction's mnemonic.
            pub const fn mnemonic(&self) -> Mnemonic {
                match self {
                    $( Instruction::$name { .. } => Mnemonic::$name, )*
                }
            }

            /// The instruction's operand values, in table field order.
            pub fn operands(&self) -> Operands {
                match *self {
                    $(
                        #[allow(unused_variables)]
                        Instruction::$name { $( $field ),* } => {
                            Operands::from_slice(&[ $( FieldValue::to_operand($field) ),* ])
                        }
                    )*
                }
            }

            /// The instruction with this mnemonic and these operand values
            /// (in table field order). Values are reduced to their field's
            /// width, so the result always encodes.
            ///
            /// Returns `None` when the number of operands is wrong.
            pub fn from_operands(mnemonic: Mnemonic, operands: &[i32]) -> Option<Instruction> {
                let spec = mnemonic.spec();
                if operands.len() != spec.fields.len() {
                    return None;
                }
                #[allow(unused_variables, unused_mut)]
                let mut values = spec.fields.iter().zip(operands).map(|(field, &value)| {
                    field.kind.from_bits(field.kind.to_bits(value))
                });
                Some(match mnemonic {
                    $(
                        Mnemonic::$name => Instruction::$name {
                            $( $field: FieldValue::from_operand(values.next()?), )*
                        },
                    )*
                })
            }
        }
    };
    (@funct) => { None };
    (@funct $funct:literal, $low:literal, $width:literal) => {
        Some(SubFunction { value: $funct, low_bit: $low, width: $width })
    };
}
