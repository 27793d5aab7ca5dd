//! A finding before it is placed in a file.

use crate::diagnostic::Text;
use crate::rules::Rule;

/// A finding before it is placed in a file: rule, message and what it is about. Its texts are
/// shared, so that each use of a memoized finding in a file costs reference counts, not copies.
#[derive(Clone)]
pub(super) struct Finding {
    pub(super) rule: &'static Rule,
    pub(super) message: Text,
    pub(super) symbol: Option<Text>,
    pub(super) parameter: Option<Text>,
    pub(super) breaking_version: Option<Text>,
    pub(super) replacement: Option<Text>,
}

impl Finding {
    /// A finding of `rule` about `symbol`, with no parameter, breaking version or replacement.
    pub(super) fn about(rule: &'static Rule, message: String, symbol: &str) -> Finding {
        Finding {
            rule,
            message: message.into(),
            symbol: Some(symbol.into()),
            parameter: None,
            breaking_version: None,
            replacement: None,
        }
    }
}
