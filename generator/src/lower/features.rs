//! Cargo features: each type is compiled only with the features of the groups (and the
//! webhook events) that use it. A pass over the finished IR, asking its graph who uses what.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::Api;
use crate::ir::graph::User;

/// Gates every type behind the features of the groups that use it, and of the webhook events
/// when they use it, so a build with some groups turned off compiles only their types. Types
/// the error body needs, types nothing uses, and types every group uses (when there are no
/// webhooks) are always compiled.
pub(super) fn assign(api: &mut Api) {
    let users_count = api.groups.len() + usize::from(api.webhooks.is_some());
    if users_count < 2 {
        return;
    }
    let mut always_roots = Vec::new();
    api.error_body.collect_named(&mut always_roots);
    let always = api.reachable(always_roots);
    let feature = |user: &User| match user {
        User::Group(index) => api.groups.get(*index).map(|g| g.feature.clone()),
        User::Webhooks => api.webhooks.as_ref().map(|w| w.feature.clone()),
    };
    let gated: BTreeMap<String, Vec<String>> = api
        .users()
        .into_iter()
        .filter(|(name, _)| !always.contains(name))
        .map(|(name, users)| {
            let features: BTreeSet<String> = users.iter().filter_map(feature).collect();
            (name, features)
        })
        .filter(|(_, features)| features.len() != users_count)
        .map(|(name, features)| (name, features.into_iter().collect()))
        .collect();
    for def in &mut api.types {
        if let Some(features) = gated.get(&def.name) {
            def.features = features.clone();
        }
    }
}
