//! Unsafe fixes: a deprecated callable whose hint names a replacement in the same public module
//! (`dg.SourceAsset` -> `dg.AssetSpec`) is renamed at a call only when the catalog's
//! signatures show that the call fits the replacement: no unpacking, every keyword is a named
//! parameter of the replacement (a `**kwargs` that may refuse it does not count), and the
//! arguments passed by position fill the same parameters in both. The result is a different
//! object, so the fix is unsafe (`--unsafe-fixes`); a call that does not fit gets no fix
//! (`load_defs(defs_root=...)`: `load_from_defs_folder` takes no `defs_root`).

use super::{attribute_edit, Applicability, Fix};
use crate::catalog::Signature;
use crate::syntax::calls::Call;
use crate::syntax::{LineIndex, Span};

/// True when `call`, written for `from`, passes only what `to` takes, to the same parameters,
/// and every parameter `to` requires.
pub fn fits(call: &Call, from: &Signature, to: &Signature) -> bool {
    let n = call.positional;
    if call.unpacks || n > from.positional.len() || n > to.positional.len() {
        return false;
    }
    let passed = |p: &String| {
        to.positional[..n].contains(p) || call.keywords.iter().any(|k| k.as_str() == p)
    };
    from.positional[..n] == to.positional[..n]
        && call
            .keywords
            .iter()
            .all(|k| to.keyword.iter().any(|p| p == k.as_str()))
        && to.required.iter().all(passed)
}

/// The unsafe fix that writes `new` in place of the callee's last name `old` (the attribute
/// expression `span`); `index` is the source's line index.
pub fn rename(source: &str, index: &LineIndex, span: Span, old: &str, new: &str) -> Option<Fix> {
    let edit = attribute_edit(source, span, old, new)?;
    let fix = Fix::new(
        Applicability::Unsafe,
        format!("Replace `{old}` with `{new}`"),
        vec![edit],
    );
    Some(fix.located(source, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(positional: &[&str], keyword: &[&str], var_keyword: bool) -> Signature {
        Signature {
            positional: positional.iter().map(|s| s.to_string()).collect(),
            keyword: keyword.iter().map(|s| s.to_string()).collect(),
            var_positional: false,
            var_keyword,
            required: positional.iter().take(1).map(|s| s.to_string()).collect(),
        }
    }

    fn call(positional: usize, keywords: &[&str], unpacks: bool) -> Call {
        Call {
            positional,
            keywords: keywords.iter().map(|k| (*k).into()).collect(),
            unpacks,
        }
    }

    #[test]
    fn a_call_fits_when_every_argument_finds_the_same_parameter() {
        let source_asset = signature(
            &["key", "metadata", "io_manager_key"],
            &["key", "metadata", "io_manager_key"],
            false,
        );
        // `AssetSpec.__new__(cls, key, *, deps=None, ..., **kwargs)`.
        let asset_spec = signature(&["key"], &["key", "deps", "metadata"], true);
        assert!(fits(&call(0, &["key"], false), &source_asset, &asset_spec));
        assert!(fits(
            &call(1, &["metadata"], false),
            &source_asset,
            &asset_spec
        ));
        // A keyword only `**kwargs` would take (and AssetSpec refuses at run time).
        assert!(!fits(
            &call(0, &["key", "io_manager_key"], false),
            &source_asset,
            &asset_spec
        ));
        // More positional arguments than the replacement takes, or unpacking.
        assert!(!fits(&call(2, &[], false), &source_asset, &asset_spec));
        assert!(!fits(&call(0, &["key"], true), &source_asset, &asset_spec));
        // Same count, other parameters.
        let other = signature(&["name"], &["name"], false);
        assert!(!fits(&call(1, &[], false), &source_asset, &other));
        // A parameter the replacement requires is not passed (`load_defs()` ->
        // `load_from_defs_folder(*, path_within_project, ...)`).
        assert!(!fits(&call(0, &[], false), &source_asset, &asset_spec));
        let mut keyword_only = signature(&[], &["path_within_project"], false);
        keyword_only.required = vec!["path_within_project".into()];
        let load_defs = signature(&[], &["defs_root"], false);
        assert!(!fits(&call(0, &[], false), &load_defs, &keyword_only));
    }

    #[test]
    fn only_the_callee_name_is_replaced() {
        let source = "raw = dg.SourceAsset(key=\"raw\")\n";
        let index = LineIndex::new(source);
        let span = Span { start: 6, end: 20 };
        let fix = rename(source, &index, span, "SourceAsset", "AssetSpec").unwrap();
        assert_eq!(fix.applicability, Applicability::Unsafe);
        let applied = crate::fix::apply(source, [(0, &fix)], Applicability::Unsafe);
        assert_eq!(applied.text, "raw = dg.AssetSpec(key=\"raw\")\n");
        // A bare name (bound by an import the fix would have to change too): no fix.
        let bare = "SourceAsset(key=1)";
        let index = LineIndex::new(bare);
        let span = Span { start: 0, end: 11 };
        assert!(rename(bare, &index, span, "SourceAsset", "AssetSpec").is_none());
    }
}
