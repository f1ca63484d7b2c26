//! What every stage asks of a node: its span, and an expression's or a
//! clause's direct subexpressions (for walks that only look for
//! something, such as the checker's handler towers, the back end's
//! search for `Mem`, and the language server's index).

use super::{Clause, Expr, Pattern, Span, TypeExpr};

impl Expr {
    /// The direct subexpressions of an expression (a handler literal's clause
    /// bodies included).
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Literal(_) | Expr::Variable(_) | Expr::Constructor(_) | Expr::Error(_) => {
                Vec::new()
            }
            Expr::Record { fields, .. } => fields
                .iter()
                .filter_map(|(_, value)| value.as_ref())
                .collect(),
            Expr::Apply {
                function,
                arguments,
                ..
            } => std::iter::once(function.as_ref())
                .chain(arguments)
                .collect(),
            Expr::Lambda { body, .. } => vec![body],
            Expr::Let { bindings, body, .. } => bindings
                .iter()
                .map(|binding| &binding.body)
                .chain(std::iter::once(body.as_ref()))
                .collect(),
            Expr::If {
                condition,
                then_branch,
                else_branch,
                ..
            } => {
                let mut all = vec![condition.as_ref(), then_branch.as_ref()];
                all.extend(else_branch.as_deref());
                all
            }
            Expr::Match {
                scrutinee, arms, ..
            } => {
                let mut all = vec![scrutinee.as_ref()];
                for arm in arms {
                    all.extend(arm.guard.as_ref());
                    all.push(&arm.body);
                }
                all
            }
            Expr::Sequence(first, second, _) | Expr::Binary(_, first, second, _) => {
                vec![first, second]
            }
            Expr::Tuple(items, _) | Expr::List(items, _) => items.iter().collect(),
            Expr::RecordUpdate { base, fields, .. } => std::iter::once(base.as_ref())
                .chain(fields.iter().map(|(_, value)| value))
                .collect(),
            Expr::Field(base, _, _) => vec![base],
            Expr::AssignVariable { value, .. } => vec![value],
            Expr::Assign { target, value, .. } => vec![target, value],
            Expr::Unary(_, operand, _)
            | Expr::Reify(operand, _)
            | Expr::Unsafe(operand, _)
            | Expr::Loop(operand, _)
            | Expr::Annotated(operand, _, _) => vec![operand],
            Expr::Perform {
                argument,
                extra_arguments,
                ..
            } => argument
                .as_deref()
                .into_iter()
                .chain(extra_arguments)
                .collect(),
            Expr::Resume {
                continuation,
                value,
                ..
            } => vec![continuation, value],
            Expr::Handler(clauses, _) => clauses.iter().flat_map(Clause::children).collect(),
            Expr::Handle { body, clauses, .. } => std::iter::once(body.as_ref())
                .chain(clauses.iter().flat_map(Clause::children))
                .collect(),
            Expr::With { handler, body, .. } => vec![handler, body],
            Expr::WithRegion { body, .. } => vec![body],
        }
    }

    /// The expression's span.
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(literal) => literal.span.clone(),
            Expr::Variable(path) | Expr::Constructor(path) => path.span.clone(),
            Expr::Apply { span, .. }
            | Expr::Lambda { span, .. }
            | Expr::Let { span, .. }
            | Expr::If { span, .. }
            | Expr::Match { span, .. }
            | Expr::Sequence(_, _, span)
            | Expr::Tuple(_, span)
            | Expr::List(_, span)
            | Expr::Record { span, .. }
            | Expr::RecordUpdate { span, .. }
            | Expr::Field(_, _, span)
            | Expr::Assign { span, .. }
            | Expr::AssignVariable { span, .. }
            | Expr::Binary(_, _, _, span)
            | Expr::Unary(_, _, span)
            | Expr::Perform { span, .. }
            | Expr::Resume { span, .. }
            | Expr::Reify(_, span)
            | Expr::Handler(_, span)
            | Expr::Handle { span, .. }
            | Expr::With { span, .. }
            | Expr::WithRegion { span, .. }
            | Expr::Unsafe(_, span)
            | Expr::Loop(_, span)
            | Expr::Annotated(_, _, span)
            | Expr::Error(span) => span.clone(),
        }
    }
}

impl Pattern {
    /// The pattern's span.
    pub fn span(&self) -> Span {
        match self {
            Pattern::Wildcard(span)
            | Pattern::Tuple(_, span)
            | Pattern::Cons(_, _, span)
            | Pattern::List(_, span)
            | Pattern::Annotated(_, _, span)
            | Pattern::Or(_, span)
            | Pattern::Error(span) => span.clone(),
            Pattern::Variable(name) => name.span.clone(),
            Pattern::Literal(literal) => literal.span.clone(),
            Pattern::Constructor { span, .. } | Pattern::Record { span, .. } => span.clone(),
        }
    }
}

impl TypeExpr {
    /// The type's span.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Apply { span, .. }
            | TypeExpr::Unit(span)
            | TypeExpr::Tuple(_, span)
            | TypeExpr::Function { span, .. }
            | TypeExpr::Record(_, span)
            | TypeExpr::WithRow { span, .. }
            | TypeExpr::Error(span) => span.clone(),
            TypeExpr::Name(path) => path.span.clone(),
            TypeExpr::Variable(name) => name.span.clone(),
        }
    }
}

impl Clause {
    /// A clause's body and state update.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Clause::Operation {
                body, state_update, ..
            } => std::iter::once(body).chain(state_update).collect(),
            Clause::Return { body, .. } => vec![body],
            Clause::Error(_) => Vec::new(),
        }
    }
}
