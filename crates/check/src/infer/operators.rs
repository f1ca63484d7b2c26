//! Binary operators: `+ - * / mod` and the bitwise ones on `int`,
//! comparisons (`==`/`!=` on any one type, orderings on `int`), `&& ||` on
//! `bool`, `^` on `string`, `::` (which allocates a cell) and `:=` on `ref`
//! cells (chapter 17). Example: `x :: xs` with `x : a` makes `xs : list a`,
//! adds `Mem`, and has type `list a`.

use cml_syntax::ast::{BinaryOperator, Expr, Span};
use cml_types::Type;

use super::expressions::{list_of, ref_of};
use super::Inferencer;

impl Inferencer {
    pub(super) fn binary(
        &mut self,
        operator: BinaryOperator,
        left: &Expr,
        right: &Expr,
        span: &Span,
    ) -> Type {
        use BinaryOperator::*;
        let left_type = self.infer(left);
        let right_type = self.infer(right);
        let symbol = operator_symbol(operator);
        let context_left = format!("the left operand of `{symbol}`");
        let context_right = format!("the right operand of `{symbol}`");
        let int = Type::named("int");
        let boolean = Type::named("bool");
        match operator {
            Add | Subtract | Multiply | Divide | Modulo | BitAnd | BitOr | BitXor | ShiftLeft
            | ShiftRight => {
                self.expect(&int, &left_type, &left.span(), &context_left);
                self.expect(&int, &right_type, &right.span(), &context_right);
                int
            }
            Less | LessEqual | Greater | GreaterEqual => {
                self.expect(&int, &left_type, &left.span(), &context_left);
                self.expect(&int, &right_type, &right.span(), &context_right);
                boolean
            }
            Equal | NotEqual => {
                self.expect(&left_type, &right_type, &right.span(), &context_right);
                boolean
            }
            And | Or => {
                self.expect(&boolean, &left_type, &left.span(), &context_left);
                self.expect(&boolean, &right_type, &right.span(), &context_right);
                boolean
            }
            Concat => {
                let string = Type::named("string");
                self.expect(&string, &left_type, &left.span(), &context_left);
                self.expect(&string, &right_type, &right.span(), &context_right);
                string
            }
            Cons => {
                let list = list_of(left_type);
                self.expect(&list, &right_type, &right.span(), &context_right);
                self.allocate(span);
                list
            }
            SetRef => {
                self.expect(&ref_of(right_type), &left_type, &left.span(), &context_left);
                Type::named("unit")
            }
        }
    }
}

/// An operator as written.
pub fn operator_symbol(operator: BinaryOperator) -> &'static str {
    use BinaryOperator::*;
    match operator {
        Add => "+",
        Subtract => "-",
        Multiply => "*",
        Divide => "/",
        Modulo => "mod",
        Equal => "==",
        NotEqual => "!=",
        Less => "<",
        LessEqual => "<=",
        Greater => ">",
        GreaterEqual => ">=",
        And => "&&",
        Or => "||",
        Concat => "^",
        Cons => "::",
        BitAnd => "land",
        BitOr => "lor",
        BitXor => "lxor",
        ShiftLeft => "lsl",
        ShiftRight => "lsr",
        SetRef => ":=",
    }
}
