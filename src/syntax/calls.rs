//! The arguments of a call, read from the token stream (not by walking the tree, so that a
//! deeply nested expression costs no stack): what a fix that renames the callee needs to know.

use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use super::{Name, Parsed};

/// How a call passes its arguments.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// How many arguments are passed by position.
    pub positional: usize,
    /// The keywords passed, in order.
    pub keywords: Vec<Name>,
    /// The call unpacks `*args` or `**kwargs`, or has an argument whose commas the tokens do
    /// not tell apart (a `lambda`): what it passes is not known.
    pub unpacks: bool,
}

/// The call whose callee expression ends at `func_end` (`dg.SourceAsset` in
/// `dg.SourceAsset(key="a")`), if that expression is called.
pub fn call_at(parsed: &Parsed, source: &str, func_end: u32) -> Option<Call> {
    let tokens = parsed.module.tokens();
    let at = tokens.partition_point(|t| t.range().start().to_u32() < func_end);
    let mut rest = tokens[at..].iter().filter(|t| !t.kind().is_trivia());
    if rest.next()?.kind() != TokenKind::Lpar {
        return None;
    }
    let mut call = Call::default();
    let mut depth = 1;
    // The first token of the current argument (at depth 1), and the one after it.
    let mut first: Option<(TokenKind, &str)> = None;
    let mut second: Option<TokenKind> = None;
    let finish = |call: &mut Call, first: Option<(TokenKind, &str)>, second| match first {
        None => {}
        Some((TokenKind::Star | TokenKind::DoubleStar, _)) => call.unpacks = true,
        Some((TokenKind::Name, name)) if second == Some(TokenKind::Equal) => {
            call.keywords.push(name.into())
        }
        Some(_) => call.positional += 1,
    };
    for token in rest {
        let kind = token.kind();
        match kind {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => depth += 1,
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            finish(&mut call, first, second);
            return Some(call);
        }
        if kind == TokenKind::Lambda {
            call.unpacks = true;
        }
        if depth == 1 && kind == TokenKind::Comma {
            finish(&mut call, first.take(), second.take());
            continue;
        }
        let range = token.range();
        let text = &source[range.start().to_usize()..range.end().to_usize()];
        if first.is_none() {
            first = Some((kind, text));
        } else if second.is_none() {
            second = Some(kind);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(source: &str, func_end: usize) -> Option<(usize, Vec<String>, bool)> {
        let call = call_at(&super::super::parse(source), source, func_end as u32)?;
        let keywords = call.keywords.iter().map(|k| k.to_string()).collect();
        Some((call.positional, keywords, call.unpacks))
    }

    #[test]
    fn arguments_of_the_call_of_a_callee() {
        let source =
            "x = dg.SourceAsset(\n    key=\"a\",  # c\n    io_manager_key=f(1, [2, 3]),\n)\n";
        let end = source.find('(').unwrap();
        let keywords = vec!["key".to_string(), "io_manager_key".to_string()];
        assert_eq!(summary(source, end), Some((0, keywords, false)));
        assert_eq!(
            summary("f(a, (b, c), d=1,)", 1),
            Some((2, vec!["d".into()], false))
        );
        assert_eq!(summary("f(a == b, x := 1)", 1), Some((2, vec![], false)));
        assert_eq!(summary("f()", 1), Some((0, vec![], false)));
        assert!(summary("g(*a)", 1).unwrap().2);
        assert!(summary("h(**k)", 1).unwrap().2);
        assert!(summary("h(lambda a, b=1: a)", 1).unwrap().2);
        // Not called.
        assert_eq!(summary("x = dg.SourceAsset\n", 18), None);
    }
}
