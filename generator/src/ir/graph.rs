//! What refers to what in the IR, answered once: the types an operation sends and receives,
//! the types reachable from a set of roots, and which operation groups use each type. Lowering
//! (serde direction, request semantics, cargo features), the emitters (`Shaped`) and the API
//! change report (sides of the wire, owners) all ask here.

use std::collections::{BTreeMap, BTreeSet};

use super::{Api, ExternalType, Operation, ResponseKind, TypeKind, TypeRef};

/// Every name reachable from `roots` through the named types' fields, items and variants,
/// `roots` included; `kind_of` looks a name up.
pub fn reachable<'t>(
    roots: Vec<String>,
    kind_of: impl Fn(&str) -> Option<&'t TypeKind>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(kind) = kind_of(&name) {
            for ty in kind.type_refs() {
                ty.collect_named(&mut stack);
            }
        }
        seen.insert(name);
    }
    seen
}

/// Who uses a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum User {
    /// The operation group at this index of `Api::groups`.
    Group(usize),
    /// The webhook events.
    Webhooks,
}

impl Operation {
    /// The named types the operation sends: those its inputs mention, and its body struct.
    pub fn sent_roots(&self) -> Vec<String> {
        let mut out = Vec::new();
        for input in &self.inputs {
            input.ty.collect_named(&mut out);
        }
        out.extend(self.body.iter().filter_map(|b| b.structure.clone()));
        out
    }

    /// The named types the operation receives: its response body, or its enum by status.
    pub fn received_roots(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.response {
            ResponseKind::ByStatus(name) => out.push(name.clone()),
            other => {
                if let Some(ty) = other.decoded_type() {
                    ty.collect_named(&mut out);
                }
            }
        }
        out
    }
}

impl Api {
    /// Every operation, group by group.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| &g.operations)
    }

    /// The named types the webhook events carry: their envelope and payloads.
    pub fn webhook_roots(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(webhooks) = &self.webhooks {
            out.extend(webhooks.envelope.iter().cloned());
            for event in &webhooks.events {
                event.payload.collect_named(&mut out);
            }
        }
        out
    }

    /// The users of every type that a group's operations or the webhooks reach.
    pub fn users(&self) -> BTreeMap<String, BTreeSet<User>> {
        let mut users: BTreeMap<String, BTreeSet<User>> = BTreeMap::new();
        for (index, group) in self.groups.iter().enumerate() {
            let roots = group
                .operations
                .iter()
                .flat_map(|op| op.sent_roots().into_iter().chain(op.received_roots()))
                .collect();
            for name in self.reachable(roots) {
                users.entry(name).or_default().insert(User::Group(index));
            }
        }
        if self.webhooks.is_some() {
            for name in self.reachable(self.webhook_roots()) {
                users.entry(name).or_default().insert(User::Webhooks);
            }
        }
        users
    }

    /// The body structs only their operation's builder fills: named by an operation's body
    /// and by no type, input or other operation. Callers never build them, so they are
    /// `#[non_exhaustive]` and a new field is no break.
    pub fn sealed_bodies(&self) -> BTreeSet<String> {
        let mut mentioned = Vec::new();
        for def in &self.types {
            mentioned.extend(def.kind.named_types());
        }
        let mut bodies: BTreeMap<String, usize> = BTreeMap::new();
        for op in self.groups.iter().flat_map(|g| &g.operations) {
            for input in &op.inputs {
                input.ty.collect_named(&mut mentioned);
            }
            if let Some(ty) = op.response.decoded_type() {
                ty.collect_named(&mut mentioned);
            }
            if let Some(structure) = op.body.as_ref().and_then(|b| b.structure.clone()) {
                *bodies.entry(structure).or_default() += 1;
            }
        }
        if let Some(webhooks) = &self.webhooks {
            for event in &webhooks.events {
                event.payload.collect_named(&mut mentioned);
            }
            mentioned.extend(webhooks.envelope.iter().cloned());
        }
        let mentioned: BTreeSet<String> = mentioned.into_iter().collect();
        bodies
            .into_iter()
            .filter(|(name, times)| *times == 1 && !mentioned.contains(name))
            .map(|(name, _)| name)
            .collect()
    }

    /// Every type reachable from `roots` (names of named types), `roots` included.
    pub fn reachable(&self, roots: Vec<String>) -> BTreeSet<String> {
        reachable(roots, |name| self.type_def(name).map(|def| &def.kind))
    }

    /// The types the client encodes: reachable from an operation's inputs (parameters and
    /// bodies). Only these need `Serialize`.
    pub fn sent_types(&self) -> BTreeSet<String> {
        let roots = self.operations().flat_map(Operation::sent_roots).collect();
        self.reachable(roots)
    }

    /// Every external type the API mentions, once per path, in path order.
    pub fn external_types(&self) -> Vec<&ExternalType> {
        let mut out = Vec::new();
        for def in &self.types {
            for ty in def.kind.type_refs() {
                ty.collect_external(&mut out);
            }
        }
        for op in self.groups.iter().flat_map(|g| &g.operations) {
            for input in &op.inputs {
                input.ty.collect_external(&mut out);
            }
            if let Some(ty) = op.response.decoded_type() {
                ty.collect_external(&mut out);
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out.dedup_by(|a, b| a.path == b.path);
        out
    }

    /// The types the client decodes: reachable from a response, the error body or a webhook
    /// event. Only these need the runtime's `Shaped`, and `Deserialize`.
    pub fn received_types(&self) -> BTreeSet<String> {
        let mut roots: Vec<String> = self
            .operations()
            .flat_map(Operation::received_roots)
            .collect();
        roots.extend(self.webhook_roots());
        self.error_body.collect_named(&mut roots);
        self.reachable(roots)
    }
}

impl TypeRef {
    /// Appends the external types this type mentions.
    pub fn collect_external<'t>(&'t self, out: &mut Vec<&'t ExternalType>) {
        match self {
            Self::Vec(inner) | Self::Map(inner) | Self::Option(inner) | Self::Boxed(inner) => {
                inner.collect_external(out)
            }
            Self::External(external) => out.push(external),
            _ => {}
        }
    }

    /// Appends the named types this type mentions.
    pub fn collect_named(&self, out: &mut Vec<String>) {
        match self {
            Self::Vec(inner) | Self::Map(inner) | Self::Option(inner) | Self::Boxed(inner) => {
                inner.collect_named(out)
            }
            Self::Named(name) => out.push(name.clone()),
            _ => {}
        }
    }

    /// Appends the named types this type holds inline: not behind a `Vec`, a map or a `Box`
    /// (the edges along which a type would contain itself).
    pub fn collect_inline_named(&self, out: &mut Vec<String>) {
        match self {
            Self::Named(name) => out.push(name.clone()),
            Self::Option(inner) => inner.collect_inline_named(out),
            _ => {}
        }
    }
}

impl TypeKind {
    /// The named types the type's fields, variants or target mention.
    pub fn named_types(&self) -> Vec<String> {
        let mut out = Vec::new();
        for ty in self.type_refs() {
            ty.collect_named(&mut out);
        }
        out
    }

    /// The types this kind holds directly: fields, variants, the aliased type, response
    /// bodies.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        match self {
            Self::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            Self::Tagged { variants, .. } | Self::Untagged { variants } => {
                variants.iter().map(|v| &v.ty).collect()
            }
            Self::Alias(ty) => vec![ty],
            Self::Responses { variants, .. } => variants
                .iter()
                .filter_map(|variant| variant.kind.decoded_type())
                .collect(),
            Self::Enum { .. } | Self::IntEnum { .. } => Vec::new(),
        }
    }
}
