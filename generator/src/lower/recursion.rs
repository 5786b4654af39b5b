//! Recursion and reachability among the named types: alias cycles broken, recursive fields
//! boxed, untagged variants ordered, and which types a set of roots reaches.

use std::collections::BTreeSet;

use super::Lowerer;
use crate::ir::{Access, Presence, TypeDef, TypeKind, TypeRef, graph};

impl<'a> Lowerer<'a> {
    /// Aliases that lead back to themselves name no Rust type (`X: {oneOf: [{$ref: X}, {type:
    /// "null"}]}`, or `X: {type: array, items: {$ref: X}}` as `type X = Vec<X>`): each is kept
    /// as JSON, with a warning at its schema.
    pub(super) fn break_alias_cycles(&mut self) {
        let aliases: Vec<String> = self
            .types
            .iter()
            .filter(|(_, def)| matches!(def.kind, TypeKind::Alias(_)))
            .map(|(name, _)| name.clone())
            .collect();
        for name in aliases {
            let mut seen = BTreeSet::new();
            let mut stack = vec![name.clone()];
            let mut cycle = false;
            while let Some(current) = stack.pop() {
                let Some(TypeKind::Alias(target)) = self.types.get(&current).map(|d| &d.kind)
                else {
                    continue;
                };
                let mut next = Vec::new();
                target.collect_named(&mut next);
                for next in next {
                    if next == name {
                        cycle = true;
                    } else if seen.insert(next.clone()) {
                        stack.push(next);
                    }
                }
            }
            if cycle {
                if let Some(def) = self.types.get_mut(&name) {
                    def.kind = TypeKind::Alias(TypeRef::Json);
                    let origin = def.origin.clone();
                    self.warning(
                        &origin,
                        format!("schema `{name}` is only itself (through references and wrappers), so it has no type of its own; it is kept as JSON"),
                    );
                }
            }
        }
    }

    /// Final passes over all types: request semantics and boxing of recursive fields.
    pub(super) fn finish_types(&mut self) {
        let request_types = self.reachable(&self.request_roots.clone());
        let response_types = self.reachable(&self.response_roots.clone());
        for (name, def) in &mut self.types {
            if let TypeKind::Struct { fields, request } = &mut def.kind {
                *request = request_types.contains(name);
                for field in fields.iter_mut() {
                    if !*request && field.presence == Presence::TriState {
                        field.presence = Presence::Optional;
                    }
                    // A read-only field is not sent, a write-only one not received: either may
                    // be missing from a body that is otherwise complete.
                    let one_way = match field.access {
                        Access::ReadOnly => *request,
                        Access::WriteOnly => response_types.contains(name),
                        Access::ReadWrite => false,
                    };
                    if one_way
                        && matches!(
                            field.presence,
                            Presence::Required | Presence::RequiredNullable
                        )
                    {
                        if field.access == Access::WriteOnly && field.presence == Presence::Required
                        {
                            self.sent_required
                                .insert((name.clone(), field.name.clone()));
                        }
                        field.presence = Presence::Optional;
                    }
                }
            }
        }
        self.order_untagged_variants();
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let direct = self.direct_edges(&name);
            for target in direct {
                if self.reachable_direct(&target).contains(&name) {
                    self.box_field(&name, &target);
                }
            }
        }
    }

    /// Orders the variants of untagged unions so that the first one that decodes is the most
    /// specific: integers before other numbers, objects with more required fields before those
    /// with fewer, and catch-alls (maps, free-form objects, any JSON) last. The sort is stable.
    fn order_untagged_variants(&mut self) {
        let rank =
            |ty: &TypeRef, types: &std::collections::BTreeMap<String, TypeDef>| -> (u8, usize) {
                match ty {
                    TypeRef::Integer(_) => (0, 0),
                    TypeRef::Float(_) => (1, 0),
                    TypeRef::Named(name) => match types.get(name).map(|d| &d.kind) {
                        Some(TypeKind::Struct { fields, .. }) => {
                            let required = fields
                                .iter()
                                .filter(|f| {
                                    matches!(
                                        f.presence,
                                        Presence::Required | Presence::RequiredNullable
                                    )
                                })
                                .count();
                            (2, usize::MAX - required)
                        }
                        _ => (2, usize::MAX),
                    },
                    TypeRef::Map(_) | TypeRef::JsonObject => (3, 0),
                    TypeRef::Json => (4, 0),
                    _ => (2, usize::MAX),
                }
            };
        // Ranks look at other types, so they are read first and the variants sorted after.
        let ranked: Vec<(String, Vec<(u8, usize)>)> = self
            .types
            .iter()
            .filter_map(|(name, def)| match &def.kind {
                TypeKind::Untagged { variants } => Some((
                    name.clone(),
                    variants.iter().map(|v| rank(&v.ty, &self.types)).collect(),
                )),
                _ => None,
            })
            .collect();
        for (name, ranks) in ranked {
            if let Some(TypeKind::Untagged { variants }) =
                self.types.get_mut(&name).map(|def| &mut def.kind)
            {
                let mut paired: Vec<_> = ranks.into_iter().zip(std::mem::take(variants)).collect();
                paired.sort_by_key(|(rank, _)| *rank);
                *variants = paired.into_iter().map(|(_, variant)| variant).collect();
            }
        }
    }

    /// Names reachable from `roots` through any field, item or variant.
    pub(super) fn reachable(&self, roots: &[String]) -> BTreeSet<String> {
        graph::reachable(roots.to_vec(), |name| {
            self.types.get(name).map(|def| &def.kind)
        })
    }

    /// Names a type contains inline (not behind a `Vec`, map or `Box`).
    fn direct_edges(&self, name: &str) -> BTreeSet<String> {
        let mut out = Vec::new();
        if let Some(def) = self.types.get(name) {
            for ty in def.kind.type_refs() {
                ty.collect_inline_named(&mut out);
            }
        }
        out.into_iter().collect()
    }

    fn reachable_direct(&self, start: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_owned()];
        while let Some(name) = stack.pop() {
            if seen.insert(name.clone()) {
                stack.extend(self.direct_edges(&name));
            }
        }
        seen
    }

    fn box_field(&mut self, owner: &str, target: &str) {
        let Some(def) = self.types.get_mut(owner) else {
            return;
        };
        let boxed = |ty: &mut TypeRef| box_named(ty, target);
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| boxed(&mut f.ty)),
            TypeKind::Tagged { variants, .. } | TypeKind::Untagged { variants } => {
                variants.iter_mut().for_each(|v| boxed(&mut v.ty));
            }
            TypeKind::Alias(ty) => boxed(ty),
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } | TypeKind::Responses { .. } => {}
        }
    }
}

fn box_named(ty: &mut TypeRef, target: &str) {
    match ty {
        TypeRef::Named(name) if name == target => {
            *ty = TypeRef::Boxed(Box::new(TypeRef::Named(target.to_owned())));
        }
        TypeRef::Option(inner) => box_named(inner, target),
        _ => {}
    }
}
