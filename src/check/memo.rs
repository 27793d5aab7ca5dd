//! Per-thread memo tables of the checker's verdicts and of its answers to the resolver.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::checker::Checker;
use super::findings::Finding;
use crate::resolve::{RefKind, Target};

/// Memo tables of one thread: judging a reference and answering the resolver's questions are
/// pure functions of the reference (or question) and the checker, and the same few thousand
/// paths recur across the files of a project. One set of tables per checker (with upgrade
/// planning, a file is judged by two).
#[derive(Default)]
struct Memo {
    tables: Vec<(u64, Tables)>,
}

/// The memo tables of one checker on one thread.
#[derive(Default)]
struct Tables {
    /// The findings of each reference (see [`Checker::findings_for`]).
    findings: FxHashMap<(Target, RefKind), Rc<[Finding]>>,
    /// The answers to questions about the catalogs (see [`Checker::answer`]).
    answers: FxHashMap<String, Option<String>>,
    key: String,
}

/// Memo tables are cleared when they grow past this many entries (a bound on memory).
const MEMO_LIMIT: usize = 1 << 17;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

impl Checker {
    /// Runs `f` with this thread's memo tables of this checker (emptied when full).
    fn with_memo<T>(&self, f: impl FnOnce(&mut Tables) -> T) -> T {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let i = match memo.tables.iter().position(|(id, _)| *id == self.id) {
                Some(i) => i,
                None => {
                    if memo.tables.len() >= 4 {
                        memo.tables.remove(0);
                    }
                    memo.tables.push((self.id, Tables::default()));
                    memo.tables.len() - 1
                }
            };
            let tables = &mut memo.tables[i].1;
            if tables.findings.len() > MEMO_LIMIT || tables.answers.len() > MEMO_LIMIT {
                *tables = Tables::default();
            }
            f(tables)
        })
    }

    /// [`Checker::findings_for`], memoized per thread.
    pub(super) fn memoized_findings(&self, target: Target, kind: RefKind) -> Rc<[Finding]> {
        let key = (target, kind);
        if let Some(found) = self.with_memo(|m| m.findings.get(&key).cloned()) {
            return found;
        }
        let findings: Rc<[Finding]> = self.findings_for(&key.0, &key.1).into();
        self.with_memo(|m| m.findings.insert(key, findings.clone()));
        findings
    }

    /// Answers a question about the catalogs (`key` names it: its kind, then its arguments),
    /// memoized per thread.
    pub(super) fn answer(
        &self,
        key: &[&str],
        compute: impl FnOnce() -> Option<String>,
    ) -> Option<String> {
        let cached = self.with_memo(|m| {
            m.key.clear();
            for part in key {
                m.key.push_str(part);
                m.key.push('\0');
            }
            m.answers.get(m.key.as_str()).cloned()
        });
        if let Some(answer) = cached {
            return answer;
        }
        let answer = compute();
        self.with_memo(|m| {
            m.answers.insert(m.key.clone(), answer.clone());
        });
        answer
    }
}
