//! A compact s-expression rendering of syntax trees, so that tests can
//! state the expected tree in one readable line written by hand.

use cml_syntax::ast::*;

pub fn expr(e: &Expr) -> String {
    match e {
        Expr::Literal(literal) => literal_text(&literal.value),
        Expr::Variable(path) | Expr::Constructor(path) => path.dotted(),
        Expr::Apply {
            function,
            arguments,
            ..
        } => {
            let mut parts = vec![expr(function)];
            parts.extend(arguments.iter().map(expr));
            format!("({})", parts.join(" "))
        }
        Expr::Lambda {
            parameters, body, ..
        } => {
            let ps: Vec<_> = parameters.iter().map(|p| pattern(&p.pattern)).collect();
            format!("(fun [{}] {})", ps.join(" "), expr(body))
        }
        Expr::Let {
            recursive,
            bindings,
            body,
            ..
        } => {
            let bs: Vec<_> = bindings.iter().map(binding).collect();
            format!(
                "(let{} [{}] {})",
                if *recursive { "-rec" } else { "" },
                bs.join(" "),
                expr(body)
            )
        }
        Expr::If {
            condition,
            then_branch,
            else_branch,
            ..
        } => match else_branch {
            Some(e) => format!("(if {} {} {})", expr(condition), expr(then_branch), expr(e)),
            None => format!("(if {} {})", expr(condition), expr(then_branch)),
        },
        Expr::Match {
            scrutinee, arms, ..
        } => {
            let a: Vec<_> = arms
                .iter()
                .map(|arm| match &arm.guard {
                    Some(g) => format!(
                        "[{} when {} {}]",
                        pattern(&arm.pattern),
                        expr(g),
                        expr(&arm.body)
                    ),
                    None => format!("[{} {}]", pattern(&arm.pattern), expr(&arm.body)),
                })
                .collect();
            format!("(match {} {})", expr(scrutinee), a.join(" "))
        }
        Expr::Sequence(a, b, _) => format!("(seq {} {})", expr(a), expr(b)),
        Expr::Tuple(items, _) => format!(
            "(tuple {})",
            items.iter().map(expr).collect::<Vec<_>>().join(" ")
        ),
        Expr::List(items, _) => format!(
            "(list {})",
            items.iter().map(expr).collect::<Vec<_>>().join(" ")
        ),
        Expr::Record { fields, .. } => {
            let fs: Vec<_> = fields
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("{}={}", n.text, expr(v)),
                    None => n.text.clone(),
                })
                .collect();
            format!("{{{}}}", fs.join(" "))
        }
        Expr::RecordUpdate { base, fields, .. } => {
            let fs: Vec<_> = fields
                .iter()
                .map(|(n, v)| format!("{}={}", n.text, expr(v)))
                .collect();
            format!("{{{} with {}}}", expr(base), fs.join(" "))
        }
        Expr::Field(base, name, _) => format!("{}.{}", expr(base), name.text),
        Expr::AssignVariable {
            variable, value, ..
        } => format!("(<- {} {})", variable.text, expr(value)),
        Expr::Assign {
            target,
            field,
            value,
            ..
        } => format!("(<- {}.{} {})", expr(target), field.text, expr(value)),
        Expr::Binary(op, a, b, _) => format!("({:?} {} {})", op, expr(a), expr(b)),
        Expr::Unary(op, a, _) => format!("({:?} {})", op, expr(a)),
        Expr::Perform {
            operation,
            argument,
            extra_arguments,
            ..
        } => {
            let mut parts = vec![format!("perform {}", operation.dotted())];
            parts.extend(argument.iter().map(|a| expr(a)));
            parts.extend(extra_arguments.iter().map(expr));
            format!("({})", parts.join(" "))
        }
        Expr::Resume {
            kind,
            continuation,
            value,
            ..
        } => {
            format!("({:?} {} {})", kind, expr(continuation), expr(value))
        }
        Expr::Reify(e, _) => format!("(reify {})", expr(e)),
        Expr::Handler(clauses, _) => format!(
            "(handler {})",
            clauses.iter().map(clause).collect::<Vec<_>>().join(" ")
        ),
        Expr::Handle { body, clauses, .. } => {
            format!(
                "(handle {} {})",
                expr(body),
                clauses.iter().map(clause).collect::<Vec<_>>().join(" ")
            )
        }
        Expr::With { handler, body, .. } => format!("(with {} {})", expr(handler), expr(body)),
        Expr::WithRegion { region, body, .. } => format!("(region {} {})", region.text, expr(body)),
        Expr::Unsafe(e, _) => format!("(unsafe {})", expr(e)),
        Expr::Loop(e, _) => format!("(loop {})", expr(e)),
        Expr::Annotated(e, _, _) => format!("(: {})", expr(e)),
        Expr::Error(_) => "ERROR".to_string(),
    }
}

pub fn clause(c: &Clause) -> String {
    match c {
        Clause::Operation {
            operation,
            argument,
            extra_arguments,
            continuation,
            body,
            state_update,
            ..
        } => {
            let mut parts = vec![operation.dotted()];
            parts.extend(argument.iter().map(pattern));
            parts.extend(extra_arguments.iter().map(pattern));
            let state = state_update
                .as_ref()
                .map(|s| format!(" state={}", expr(s)))
                .unwrap_or_default();
            format!(
                "[{} , {} {}{}]",
                parts.join(" "),
                pattern(continuation),
                expr(body),
                state
            )
        }
        Clause::Return {
            pattern: p, body, ..
        } => format!("[return {} {}]", pattern(p), expr(body)),
        Clause::Error(_) => "[ERROR]".to_string(),
    }
}

pub fn binding(b: &Binding) -> String {
    let ps: Vec<_> = b.parameters.iter().map(|p| pattern(&p.pattern)).collect();
    if ps.is_empty() {
        format!("{}={}", pattern(&b.pattern), expr(&b.body))
    } else {
        format!("{} {}={}", pattern(&b.pattern), ps.join(" "), expr(&b.body))
    }
}

pub fn pattern(p: &Pattern) -> String {
    match p {
        Pattern::Wildcard(_) => "_".to_string(),
        Pattern::Variable(n) => n.text.clone(),
        Pattern::Literal(l) => literal_text(&l.value),
        Pattern::Constructor {
            path, arguments, ..
        } => {
            if arguments.is_empty() {
                path.dotted()
            } else {
                format!(
                    "({} {})",
                    path.dotted(),
                    arguments.iter().map(pattern).collect::<Vec<_>>().join(" ")
                )
            }
        }
        Pattern::Tuple(items, _) => format!(
            "(tuple {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        Pattern::Record { fields, open, .. } => {
            let mut fs: Vec<_> = fields
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("{}={}", n.text, pattern(v)),
                    None => n.text.clone(),
                })
                .collect();
            if *open {
                fs.push("_".to_string());
            }
            format!("{{{}}}", fs.join(" "))
        }
        Pattern::Cons(a, b, _) => format!("(:: {} {})", pattern(a), pattern(b)),
        Pattern::List(items, _) => format!(
            "(list {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        Pattern::Annotated(p, _, _) => format!("(: {})", pattern(p)),
        Pattern::Or(items, _) => format!(
            "(or {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        Pattern::Error(_) => "ERROR".to_string(),
    }
}

fn literal_text(value: &LiteralValue) -> String {
    match value {
        LiteralValue::Integer(i) => i.to_string(),
        LiteralValue::Char(c) => format!("'{}'", *c as char),
        LiteralValue::String(s) => format!("{s:?}"),
        LiteralValue::Bool(b) => b.to_string(),
        LiteralValue::Unit => "()".to_string(),
    }
}

/// The s-expression of the body of the first `let` (or the handler body)
/// in `source`, after asserting there are no syntax errors.
pub fn first_body(source: &str) -> String {
    let parsed = cml_syntax::parse(source);
    assert!(
        parsed.errors.is_empty(),
        "unexpected errors: {:?}",
        parsed.errors
    );
    match &parsed.module.items[0] {
        Item::Let(decl) => expr(&decl.bindings[0].body),
        Item::Handler(decl) => expr(&decl.body),
        other => panic!("not a let or handler: {other:?}"),
    }
}
