//! The recursive-descent parser.
//!
//! Each grammar function is commented with the rule it parses, written in
//! an EBNF-like notation (`[x]` optional, `x*` repeated, `'tok'` a token).
//! Binary operators go through one precedence-climbing (Pratt) loop in
//! `expressions.rs`.
//!
//! The parser never stops at the first error: it reports, builds an `Error`
//! node over the text it could not read, and resynchronises:
//!
//! * at top level, at the next `let`/`type`/`effect`/`handler` that starts a
//!   line at column 0 (or the end of the input);
//! * inside brackets, at the matching closer ([`Parser::close`]);
//! * inside the arms of a `match`/`handle`/handler, at the next `|` at or
//!   left of the arm column (`clauses.rs`).
//!
//! Two layout (offside) rules, described in `docs/cml-syntax.md`, decide
//! where arms and branch sequences end; [`Parser::offside`] holds the column
//! of rule 2.
//!
//! Termination: every loop either consumes a token per iteration or stops,
//! and nesting deeper than [`MAX_DEPTH`] is reported once and the rest of
//! the file skipped, so no input can exhaust the stack.

mod clauses;
mod expressions;
mod forms;
mod items;
mod literals;
mod patterns;
mod types;

use crate::ast::{self, Name, Path, Span};
use crate::token::{self, LexError, Token, TokenKind};
use crate::{Parsed, SyntaxError};

/// How deeply constructs may nest before the parser gives up (each level
/// costs a few stack frames; this keeps well inside a 2 MiB thread stack).
const MAX_DEPTH: u32 = 150;

/// Parses a whole file.
pub(crate) fn parse_module(source: &str) -> Parsed {
    let (tokens, lex_errors) = token::lex(source);
    let mut errors: Vec<SyntaxError> = lex_errors.into_iter().map(SyntaxError::from).collect();
    let mut parser = Parser::new(source, without_unknown(tokens));
    let module = parser.module();
    errors.append(&mut parser.errors);
    errors.sort_by_key(|error| error.span().start);
    Parsed { module, errors }
}

/// Drops the tokens the lexer could not read (it has reported them), moving
/// their "first on the line" flag to the next token on the same line.
fn without_unknown(tokens: Vec<Token>) -> Vec<Token> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut carry_line_start = false;
    for mut token in tokens {
        if token.kind == TokenKind::Unknown {
            carry_line_start |= token.starts_line;
            continue;
        }
        if carry_line_start {
            token.starts_line = true;
            carry_line_start = false;
        }
        kept.push(token);
    }
    kept
}

impl From<LexError> for SyntaxError {
    fn from(error: LexError) -> SyntaxError {
        match error {
            LexError::UnknownCharacter { span } => SyntaxError::UnknownCharacter { span },
            LexError::UnterminatedComment { span } => SyntaxError::UnterminatedComment { span },
            LexError::UnterminatedString { span } => SyntaxError::UnterminatedString { span },
        }
    }
}

/// The parser's state: the tokens, a cursor, the errors so far, and the
/// layout context.
pub(crate) struct Parser<'s> {
    source: &'s str,
    /// The tokens, ending with `EndOfInput`.
    tokens: Vec<Token>,
    /// The index of the current token (never past `EndOfInput`).
    position: usize,
    /// The end of the last consumed token.
    last_end: usize,
    /// The errors found so far.
    errors: Vec<SyntaxError>,
    /// The token index of the last "expected" error: a second one at the
    /// same token is a consequence of the first and is not reported.
    quiet_at: Option<usize>,
    /// Layout rule 2: the column of the governing `if` or arm `|` of the
    /// branch being parsed; a `;` followed by a token that starts a line at
    /// this column or left of it ends the branch.
    offside: Option<u32>,
    /// For `else if`: the token index of the `if` and the column it
    /// inherits from the first `if` of the chain.
    inherited_if_column: Option<(usize, u32)>,
    /// How deeply constructs nest right now.
    depth: u32,
    /// Set after nesting got too deep: no more errors, the rest is skipped.
    gave_up: bool,
}

impl<'s> Parser<'s> {
    fn new(source: &'s str, tokens: Vec<Token>) -> Parser<'s> {
        Parser {
            source,
            tokens,
            position: 0,
            last_end: 0,
            errors: Vec::new(),
            quiet_at: None,
            offside: None,
            inherited_if_column: None,
            depth: 0,
            gave_up: false,
        }
    }

    // ----- The cursor -------------------------------------------------------

    /// The current token.
    fn token(&self) -> &Token {
        &self.tokens[self.position]
    }

    /// The token `n` places ahead (the last token, `EndOfInput`, if past it).
    fn nth(&self, n: usize) -> &Token {
        let index = (self.position + n).min(self.tokens.len() - 1);
        &self.tokens[index]
    }

    /// The current token's kind.
    fn peek(&self) -> TokenKind {
        self.token().kind
    }

    /// The kind of the token `n` places ahead.
    fn peek_nth(&self, n: usize) -> TokenKind {
        self.nth(n).kind
    }

    /// Whether the current token is `kind`.
    fn at(&self, kind: TokenKind) -> bool {
        self.peek() == kind
    }

    /// The current token's text.
    fn text(&self) -> &'s str {
        let span = self.token().span.clone();
        &self.source[span]
    }

    /// The text of the token `n` places ahead.
    fn nth_text(&self, n: usize) -> &'s str {
        let span = self.nth(n).span.clone();
        &self.source[span]
    }

    /// Where the current token starts.
    fn start(&self) -> usize {
        self.token().span.start
    }

    /// The span from `start` to the end of the last consumed token.
    fn span_from(&self, start: usize) -> Span {
        start..self.last_end.max(start)
    }

    /// Consumes the current token (never moves past `EndOfInput`).
    fn advance(&mut self) -> Token {
        let token = self.token().clone();
        if token.kind != TokenKind::EndOfInput {
            self.position += 1;
            self.last_end = token.span.end;
        }
        token
    }

    /// Consumes the current token if it is `kind`.
    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// Consumes the current token if it is `kind`, returning it.
    fn eat_token(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            Some(self.advance())
        } else {
            None
        }
    }

    /// Consumes a `kind` token, or reports that it is missing (consuming
    /// nothing).
    fn expect(&mut self, kind: TokenKind, context: &'static str) -> bool {
        if self.eat(kind) {
            true
        } else {
            self.expected(kind.describe(), context);
            false
        }
    }

    /// Consumes the current token as a [`Name`].
    fn name(&mut self) -> Name {
        let text = self.text().to_string();
        let token = self.advance();
        Name {
            text,
            span: token.span,
        }
    }

    /// Whether the current token begins a line at column 0 and begins a
    /// declaration: the top-level synchronisation point.
    fn at_item_start(&self) -> bool {
        let token = self.token();
        token.kind == TokenKind::EndOfInput
            || (token.starts_line && token.column == 0 && is_item_keyword(token.kind))
    }

    // ----- Errors -----------------------------------------------------------

    /// Reports that `expected` was wanted at the current token, unless an
    /// error was already reported here.
    fn expected(&mut self, expected: impl Into<String>, context: &'static str) {
        if self.gave_up || self.quiet_at == Some(self.position) {
            return;
        }
        self.quiet_at = Some(self.position);
        if self.position > 0 && self.at_item_start() && !self.at(TokenKind::EndOfInput) {
            let at = self.last_end;
            self.errors.push(SyntaxError::MissingBeforeDeclaration {
                expected: expected.into(),
                span: at..at,
                context,
            });
            return;
        }
        let token = self.token();
        self.errors.push(SyntaxError::Expected {
            expected: expected.into(),
            found: token.kind,
            span: token.span.clone(),
            context,
        });
    }

    /// Reports an error (unless the parser gave up).
    fn report(&mut self, error: SyntaxError) {
        if !self.gave_up {
            self.errors.push(error);
        }
    }

    /// Whether an error has been reported since `count` errors.
    fn failed_since(&self, count: usize) -> bool {
        self.errors.len() > count
    }

    // ----- Nesting ----------------------------------------------------------

    /// Enters one level of nesting; false (after reporting once and skipping
    /// the rest of the input) if that is too deep.
    fn enter(&mut self) -> bool {
        if self.gave_up {
            return false;
        }
        if self.depth >= MAX_DEPTH {
            let span = self.token().span.clone();
            self.report(SyntaxError::TooDeep { span });
            self.gave_up = true;
            while !self.at(TokenKind::EndOfInput) {
                self.advance();
            }
            return false;
        }
        self.depth += 1;
        true
    }

    /// Leaves a level entered with [`Parser::enter`].
    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ----- Layout -----------------------------------------------------------

    /// Runs `parse` with rule 2's column set to `offside` (`None` inside
    /// brackets and other delimited places), restoring it afterwards.
    fn with_offside<T>(&mut self, offside: Option<u32>, parse: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.offside, offside);
        let result = parse(self);
        self.offside = saved;
        result
    }

    /// The layout column of the token at `index`: its own column if it
    /// starts a line, otherwise the column of the first token on its line.
    fn layout_column(&self, index: usize) -> u32 {
        let mut index = index.min(self.tokens.len() - 1);
        while index > 0 && !self.tokens[index].starts_line {
            index -= 1;
        }
        self.tokens[index].column
    }

    // ----- Recovery ---------------------------------------------------------

    /// After the contents of a bracket opened by `open` at `open_span`:
    /// consumes the closer `close`. If something else is there, reports it,
    /// skips to the matching closer and returns false; if there is no
    /// matching closer, reports [`SyntaxError::Unclosed`] with both places.
    fn close(&mut self, open: TokenKind, open_span: Span, close: TokenKind) -> bool {
        if self.eat(close) {
            return true;
        }
        match self.find_closer(close) {
            Some(index) => {
                self.expected(close.describe(), context_of(open));
                while self.position < index {
                    self.advance();
                }
                self.advance();
            }
            None => {
                let span = self.token().span.clone();
                if self.quiet_at != Some(self.position)
                    || !matches!(self.peek(), TokenKind::EndOfInput)
                {
                    self.quiet_at = Some(self.position);
                }
                self.report(SyntaxError::Unclosed {
                    open,
                    open_span,
                    span,
                });
            }
        }
        false
    }

    /// The index of the token that closes the current bracket with `close`,
    /// skipping nested brackets; `None` if another closer, the end of the
    /// input or a column-0 declaration comes first.
    fn find_closer(&self, close: TokenKind) -> Option<usize> {
        let mut depth = 0usize;
        for index in self.position..self.tokens.len() {
            let token = &self.tokens[index];
            if token.kind == TokenKind::EndOfInput
                || (index > self.position
                    && token.starts_line
                    && token.column == 0
                    && is_item_keyword(token.kind))
            {
                return None;
            }
            if is_opener(token.kind) {
                depth += 1;
            } else if is_closer(token.kind) {
                if depth == 0 {
                    return (token.kind == close).then_some(index);
                }
                depth -= 1;
            }
        }
        None
    }

    /// Skips tokens, keeping brackets balanced, until `stop` holds at
    /// bracket depth 0, or a closer of an enclosing bracket, the end of the
    /// input or a column-0 declaration is reached. Returns whether anything
    /// was skipped.
    fn skip_until(&mut self, stop: impl Fn(&Token) -> bool) -> bool {
        let begin = self.position;
        let mut depth = 0usize;
        loop {
            let token = self.token();
            if token.kind == TokenKind::EndOfInput
                || (self.position > begin
                    && token.starts_line
                    && token.column == 0
                    && is_item_keyword(token.kind))
            {
                break;
            }
            if depth == 0 && (stop(token) || is_closer(token.kind)) {
                break;
            }
            if is_opener(token.kind) {
                depth += 1;
            } else if is_closer(token.kind) {
                depth -= 1;
            }
            self.advance();
        }
        self.position > begin
    }

    // ----- Names and paths --------------------------------------------------

    /// Whether the current token can be used as a lowercase name. `loop`
    /// is a keyword only before `{`; elsewhere (`let rec loop () = ...`,
    /// chapters 12 and 15) it is a name.
    fn at_lower_name(&self) -> bool {
        match self.peek() {
            TokenKind::LowerName => true,
            TokenKind::Loop => self.peek_nth(1) != TokenKind::LeftBrace,
            _ => false,
        }
    }

    /// Whether the token `n` ahead can be a name after a `.` in a path or
    /// a field access: a lowercase name or a keyword spelled like one
    /// (`Txn.begin`, chapter 16).
    fn is_member_name(&self, n: usize) -> bool {
        let kind = self.peek_nth(n);
        kind == TokenKind::LowerName || is_word_keyword(kind)
    }

    /// path ::= UpperName ('.' UpperName)* ['.' member]
    ///
    /// Call at an `UpperName`.
    fn path(&mut self) -> Path {
        let start = self.start();
        let mut segments = vec![self.name()];
        while self.at(TokenKind::Dot) {
            match self.peek_nth(1) {
                TokenKind::UpperName => {
                    self.advance();
                    segments.push(self.name());
                }
                _ if self.is_member_name(1) => {
                    self.advance();
                    segments.push(self.name());
                    break;
                }
                _ => break,
            }
        }
        Path {
            segments,
            span: self.span_from(start),
        }
    }

    // ----- The module -------------------------------------------------------

    /// module ::= item*
    fn module(&mut self) -> ast::Module {
        let mut items = Vec::new();
        while !self.at(TokenKind::EndOfInput) {
            let errors_before = self.errors.len();
            let start_position = self.position;
            if let Some(item) = self.item() {
                items.push(item);
            }
            if self.at_item_start() && self.position > start_position {
                continue;
            }
            // Something that is not a declaration: report it (unless the
            // item just reported why it stopped) and skip to the next one.
            if !self.failed_since(errors_before) {
                self.expected(
                    "a declaration (`let`, `type`, `effect` or `handler`)",
                    "the top level",
                );
            }
            let start = self.start();
            if !self.at(TokenKind::EndOfInput) {
                self.advance();
            }
            while !self.at_item_start() {
                self.advance();
            }
            items.push(ast::Item::Error(self.span_from(start)));
        }
        ast::Module { items }
    }
}

/// `let`, `type`, `effect`, `handler` or `val`.
fn is_item_keyword(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Let | TokenKind::Type | TokenKind::Effect | TokenKind::Handler | TokenKind::Val
    )
}

/// A token that opens a bracket.
fn is_opener(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::LeftParen | TokenKind::LeftBrace | TokenKind::LeftBracket | TokenKind::Begin
    )
}

/// A token that closes a bracket.
fn is_closer(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::RightParen | TokenKind::RightBrace | TokenKind::RightBracket | TokenKind::End
    )
}

/// A keyword spelled as a lowercase word (usable after `.`).
fn is_word_keyword(kind: TokenKind) -> bool {
    kind.spelling().is_some_and(|spelling| {
        let word = spelling.trim_matches('`');
        word.bytes().all(|byte| byte.is_ascii_lowercase())
    })
}

/// What is being read between a bracket and its closer, for messages.
fn context_of(open: TokenKind) -> &'static str {
    match open {
        TokenKind::LeftParen => "a parenthesised expression",
        TokenKind::LeftBrace => "a braced block",
        TokenKind::LeftBracket => "a list",
        TokenKind::Begin => "a `begin ... end` block",
        _ => "a bracketed form",
    }
}
