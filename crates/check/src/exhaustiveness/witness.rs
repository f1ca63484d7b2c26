//! Missing patterns as values, and how they are printed in CML syntax.

use std::fmt;

use super::{ConstructorForm, Literal};

/// A pattern standing for values no arm matches: `Some (Cons (_, _))`,
/// `(false, true)`, `{ x = _; y = Red }`. A wildcard stands for any value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Witness {
    /// Any value.
    Wildcard,
    /// A constructor applied to witnesses.
    Constructor {
        /// How the constructor is written.
        form: ConstructorForm,
        /// Its arguments, as many as its arity.
        arguments: Vec<Witness>,
    },
    /// A literal no arm names.
    Literal(Literal),
}

/// Where a witness is printed, which decides whether it needs parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    /// Alone, or a component of a tuple, record or list literal.
    Free,
    /// The single argument of a named constructor: `Some _`, `Some (-1)`.
    Argument,
    /// The head of a cons: `(a :: b) :: c`.
    ConsHead,
}

impl fmt::Display for Witness {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.render(Position::Free))
    }
}

impl Witness {
    /// How much the witness says: its constructors and literals counted.
    pub(super) fn weight(&self) -> usize {
        match self {
            Witness::Wildcard => 0,
            Witness::Literal(_) => 1,
            Witness::Constructor { arguments, .. } => {
                1 + arguments.iter().map(Witness::weight).sum::<usize>()
            }
        }
    }

    fn render(&self, position: Position) -> String {
        let text = match self {
            Witness::Wildcard => return "_".to_string(),
            Witness::Literal(literal) => {
                let text = render_literal(literal);
                let negative = matches!(literal, Literal::Integer(value) if *value < 0);
                return if negative && position == Position::Argument {
                    format!("({text})")
                } else {
                    text
                };
            }
            Witness::Constructor { form, arguments } => match form {
                ConstructorForm::Named(name) => match arguments.as_slice() {
                    [] => return name.clone(),
                    [argument] => format!("{name} {}", argument.render(Position::Argument)),
                    many => format!("{name} ({})", render_list(many, ", ")),
                },
                ConstructorForm::Tuple => return format!("({})", render_list(arguments, ", ")),
                ConstructorForm::Record(fields) => {
                    let fields: Vec<String> = fields
                        .iter()
                        .zip(arguments)
                        .map(|(field, argument)| {
                            format!("{field} = {}", argument.render(Position::Free))
                        })
                        .collect();
                    return format!("{{ {} }}", fields.join("; "));
                }
                ConstructorForm::Bool(value) => return value.to_string(),
                ConstructorForm::Unit => return "()".to_string(),
                ConstructorForm::ListNil => return "[]".to_string(),
                ConstructorForm::ListCons => match self.list_elements() {
                    Some(elements) => {
                        let elements: Vec<String> = elements
                            .iter()
                            .map(|element| element.render(Position::Free))
                            .collect();
                        return format!("[{}]", elements.join("; "));
                    }
                    None => match arguments.as_slice() {
                        [head, tail] => {
                            format!(
                                "{} :: {}",
                                head.render(Position::ConsHead),
                                tail.render(Position::Free)
                            )
                        }
                        _ => format!("(::) ({})", render_list(arguments, ", ")),
                    },
                },
            },
        };
        // Only applications and cons cells get here.
        if position == Position::Free {
            text
        } else {
            format!("({text})")
        }
    }

    /// The elements of a built-in list whose cells all end in `[]`.
    fn list_elements(&self) -> Option<Vec<&Witness>> {
        let mut elements = Vec::new();
        let mut current = self;
        loop {
            match current {
                Witness::Constructor {
                    form: ConstructorForm::ListNil,
                    ..
                } => return Some(elements),
                Witness::Constructor {
                    form: ConstructorForm::ListCons,
                    arguments,
                } if arguments.len() == 2 => {
                    elements.push(&arguments[0]);
                    current = &arguments[1];
                }
                _ => return None,
            }
        }
    }
}

fn render_list(witnesses: &[Witness], separator: &str) -> String {
    witnesses
        .iter()
        .map(|witness| witness.render(Position::Free))
        .collect::<Vec<_>>()
        .join(separator)
}

fn render_literal(literal: &Literal) -> String {
    match literal {
        Literal::Integer(value) => value.to_string(),
        Literal::Char(byte) => match byte {
            b'\'' => "'\\''".to_string(),
            b'\\' => "'\\\\'".to_string(),
            b'\n' => "'\\n'".to_string(),
            b'\t' => "'\\t'".to_string(),
            0x20..=0x7E => format!("'{}'", char::from(*byte)),
            _ => format!("'\\x{byte:02x}'"),
        },
        Literal::String(text) => {
            let mut rendered = String::from("\"");
            for character in text.chars() {
                match character {
                    '"' => rendered.push_str("\\\""),
                    '\\' => rendered.push_str("\\\\"),
                    '\n' => rendered.push_str("\\n"),
                    '\t' => rendered.push_str("\\t"),
                    other => rendered.push(other),
                }
            }
            rendered.push('"');
            rendered
        }
    }
}
