//! `--only`: a client of some operation groups and operations of a document, with just the
//! types they need. A pass over the finished IR, before cargo features are assigned.

use std::collections::BTreeSet;

use crate::ir::{Api, Operation};

/// Keeps the groups and operations `only` names, the webhook events when it names
/// `webhooks`, and the types those reach (with the error body's). A name is a group's accessor
/// (`users`), an operationId, or `group.method` (`users.list`).
///
/// # Errors
///
/// Each name that matches nothing, with the names that would.
pub(super) fn retain<'o>(api: &mut Api, only: &'o [String]) -> Result<(), Vec<String>> {
    if only.is_empty() {
        return Ok(());
    }
    let mut used: BTreeSet<&'o str> = BTreeSet::new();
    let named = |used: &mut BTreeSet<&'o str>, candidates: &[&str]| {
        let hit = only.iter().find(|name| candidates.contains(&name.as_str()));
        hit.map(|name| used.insert(name.as_str())).is_some()
    };
    let mut groups = std::mem::take(&mut api.groups);
    for group in &mut groups {
        if named(&mut used, &[&group.accessor, &group.feature]) {
            continue;
        }
        let accessor = group.accessor.clone();
        group.operations.retain(|op: &Operation| {
            let qualified = format!("{accessor}.{}", op.method_name);
            named(&mut used, &[&op.operation_id, &qualified])
        });
    }
    groups.retain(|group| !group.operations.is_empty());
    api.groups = groups;
    if api.webhooks.is_some() && !named(&mut used, &["webhooks"]) {
        api.webhooks = None;
    }
    let unmatched: Vec<String> = only
        .iter()
        .filter(|name| !used.contains(name.as_str()))
        .map(|name| {
            format!(
                "`--only {name}` names no operation group, operation or `webhooks` of the document"
            )
        })
        .collect();
    if !unmatched.is_empty() {
        return Err(unmatched);
    }
    let mut roots: Vec<String> = api
        .operations()
        .flat_map(|op| {
            let mut roots = op.sent_roots();
            roots.extend(op.received_roots());
            roots
        })
        .collect();
    roots.extend(api.webhook_roots());
    api.error_body.collect_named(&mut roots);
    let keep = api.reachable(roots);
    api.types.retain(|def| keep.contains(&def.name));
    Ok(())
}
