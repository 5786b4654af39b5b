//! Which types travel in which direction and which group owns them, and the pairing of old
//! types with the new types they became (renames included).

use std::collections::{BTreeMap, BTreeSet};

use super::{Sides, render};
use crate::ir::{Api, Operation, ResponseKind, TypeDef, TypeKind};

/// The named types an operation sends (its inputs and body) and receives (its response).
fn operation_types(op: &Operation) -> (Vec<String>, Vec<String>) {
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for input in &op.inputs {
        input.ty.collect_named(&mut sent);
    }
    if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.clone()) {
        sent.push(structure);
    }
    match &op.response {
        ResponseKind::Json(ty) => ty.collect_named(&mut received),
        ResponseKind::ByStatus(name) => received.push(name.clone()),
        _ => {}
    }
    (sent, received)
}

/// Which types are sent (reachable from inputs) and which received (from responses).
pub(super) fn sides(api: &Api) -> BTreeMap<String, Sides> {
    let mut sent = Vec::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        sent.extend(operation_types(op).0);
    }
    let mut out: BTreeMap<String, Sides> = BTreeMap::new();
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
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for group in &api.groups {
        let mut roots = Vec::new();
        for op in &group.operations {
            let (sent, received) = operation_types(op);
            roots.extend(sent);
            roots.extend(received);
        }
        for name in api.reachable(roots) {
            users
                .entry(name)
                .or_default()
                .insert(group.accessor.clone());
        }
    }
    users
        .into_iter()
        .filter(|(_, groups)| groups.len() == 1)
        .filter_map(|(name, groups)| Some((name, groups.into_iter().next()?)))
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
