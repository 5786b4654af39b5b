//! Which types travel in which direction and which group owns them, and the pairing of old
//! types with the new types they became (renames included).

use std::collections::{BTreeMap, BTreeSet};

use super::{Sides, render};
use crate::ir::graph::User;
use crate::ir::{Api, Operation, TypeDef, TypeKind};

/// Which types are sent (reachable from inputs) and which received (from responses).
pub(super) fn sides(api: &Api) -> BTreeMap<String, Sides> {
    let mut out: BTreeMap<String, Sides> = BTreeMap::new();
    let sent = api.operations().flat_map(Operation::sent_roots).collect();
    for name in api.reachable(sent) {
        out.entry(name).or_default().sent = true;
    }
    for name in api.received_types() {
        out.entry(name).or_default().received = true;
    }
    out
}

/// The group that uses each type, for types exactly one group uses.
pub(super) fn owners(api: &Api) -> BTreeMap<String, String> {
    api.users()
        .into_iter()
        .filter_map(|(name, users)| {
            let groups: Vec<usize> = users
                .iter()
                .filter_map(|user| match user {
                    User::Group(index) => Some(*index),
                    User::Webhooks => None,
                })
                .collect();
            match groups.as_slice() {
                [only] => Some((name, api.groups.get(*only)?.accessor.clone())),
                _ => None,
            }
        })
        .collect()
}

/// The shape of a type, with named types spelled by `name`: equal shapes under a renaming
/// mean a renamed type.
fn signature(def: &TypeDef, name: &dyn Fn(&str) -> String) -> String {
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            let mut parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{:?}:{}", f.wire, f.presence, render(&f.ty, name)))
                .collect();
            parts.sort();
            format!("struct{{{}}}", parts.join(","))
        }
        TypeKind::Enum { variants, .. } => {
            let mut wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            wires.sort_unstable();
            format!("enum{{{}}}", wires.join(","))
        }
        TypeKind::IntEnum { variants, .. } => {
            let mut values: Vec<i64> = variants.iter().map(|(_, v)| *v).collect();
            values.sort_unstable();
            format!("intenum{values:?}")
        }
        TypeKind::Tagged {
            property, variants, ..
        } => {
            let mut parts: Vec<String> = variants
                .iter()
                .map(|v| format!("{:?}={}", v.tags, render(&v.ty, name)))
                .collect();
            parts.sort();
            format!("tagged[{property}]{{{}}}", parts.join(","))
        }
        TypeKind::Untagged { variants } => {
            let mut parts: Vec<String> = variants.iter().map(|v| render(&v.ty, name)).collect();
            parts.sort();
            format!("untagged{{{}}}", parts.join(","))
        }
        TypeKind::Responses { variants, .. } => format!("responses{}", variants.len()),
        TypeKind::Alias(ty) => format!("alias({})", render(ty, name)),
    }
}

/// Pairs each old type with the new type it became: the same name and shape first; then the
/// same shape under another name (a rename), when exactly one new type has it; what is left
/// pairs by name. Shapes compare with the pairs found so far, so renames nest.
pub(super) fn pair_types(old: &Api, new: &Api) -> BTreeMap<String, String> {
    let mut pairs: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..4 {
        let before = pairs.len();
        for def in &old.types {
            if pairs.contains_key(&def.name) || pairs.values().any(|v| *v == def.name) {
                continue;
            }
            let Some(same_name) = new.type_def(&def.name) else {
                continue;
            };
            let map_old = |n: &str| pairs.get(n).cloned().unwrap_or_else(|| n.to_owned());
            if signature(def, &map_old) == signature(same_name, &|n| n.to_owned()) {
                pairs.insert(def.name.clone(), def.name.clone());
            }
        }
        let taken: BTreeSet<String> = pairs.values().cloned().collect();
        let mut by_signature: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for def in &new.types {
            if !taken.contains(&def.name) {
                by_signature
                    .entry(signature(def, &|n| n.to_owned()))
                    .or_default()
                    .push(&def.name);
            }
        }
        let mut renames = Vec::new();
        for def in &old.types {
            if pairs.contains_key(&def.name) {
                continue;
            }
            let map_old = |n: &str| pairs.get(n).cloned().unwrap_or_else(|| n.to_owned());
            if let Some([only]) = by_signature
                .get(&signature(def, &map_old))
                .map(Vec::as_slice)
            {
                renames.push((def.name.clone(), (*only).to_owned()));
            }
        }
        let mut used: BTreeSet<String> = pairs.values().cloned().collect();
        for (from, to) in renames {
            if used.insert(to.clone()) {
                pairs.insert(from, to);
            }
        }
        if pairs.len() == before {
            break;
        }
    }
    let taken: BTreeSet<String> = pairs.values().cloned().collect();
    for def in &old.types {
        if !pairs.contains_key(&def.name)
            && !taken.contains(&def.name)
            && new.type_def(&def.name).is_some()
        {
            pairs.insert(def.name.clone(), def.name.clone());
        }
    }
    pairs
}
