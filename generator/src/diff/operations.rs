//! Operations compared by method and route: added, removed and renamed calls, their inputs
//! (arguments and setters) and their response types.

use std::collections::{BTreeMap, BTreeSet};

use super::{Class, Differ, Finding, Rule, Wire, render, type_change_wire};
use crate::ir::{HttpMethod, Input, Location, Operation, Presence, ResponseKind, TypeRef};

impl Differ<'_> {
    pub(super) fn operations(&mut self) {
        let key = |op: &Operation| (op.http_method, route(&op.path));
        let mut old_ops: BTreeMap<(HttpMethod, String), (&str, &Operation)> = BTreeMap::new();
        for group in &self.old.groups {
            for op in &group.operations {
                old_ops.insert(key(op), (&group.accessor, op));
            }
        }
        let mut seen = BTreeSet::new();
        for group in &self.new.groups {
            for op in &group.operations {
                let k = key(op);
                let location = format!("{} {}", op.http_method, op.path);
                let call = format!("`client.{}().{}()`", group.accessor, op.method_name);
                let Some(&(old_group, old_op)) = old_ops.get(&k) else {
                    self.push(Finding {
                        rule: Rule::EndpointAdded,
                        class: Class::Additive,
                        wire: Wire::None,
                        group: &group.accessor,
                        item: format!("{call} is new"),
                        location: &location,
                        hint: "Nothing to do.".into(),
                    });
                    continue;
                };
                seen.insert(k);
                self.operation(old_group, old_op, &group.accessor, op, &location);
            }
        }
        for (k, (group, op)) in &old_ops {
            if seen.contains(k) {
                continue;
            }
            self.push(Finding {
                rule: Rule::EndpointRemoved,
                class: Class::Breaking,
                wire: Wire::Breaking,
                group,
                item: format!("`client.{group}().{}()` is removed", op.method_name),
                location: &format!("{} {}", op.http_method, op.path),
                hint: "Remove the calls; the API no longer offers the operation.".into(),
            });
        }
    }

    fn operation(
        &mut self,
        old_group: &str,
        old: &Operation,
        group: &str,
        new: &Operation,
        location: &str,
    ) {
        let call = format!("`client.{group}().{}()`", new.method_name);
        if old_group != group || old.method_name != new.method_name {
            self.push(Finding {
                rule: Rule::OperationRenamed,
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!(
                    "`client.{old_group}().{}()` is now {call}",
                    old.method_name
                ),
                location,
                hint: format!(
                    "Rename the calls, or keep the old name with `x-rust-method: {old_group}.{}` on the operation.",
                    old.method_name
                ),
            });
        }
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: Rule::EndpointDeprecated,
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("{call} is deprecated"),
                location,
                hint: "Plan to move off it; calls now warn.".into(),
            });
        }
        if old.summary != new.summary || old.description != new.description {
            self.push(Finding {
                rule: Rule::DocumentationChanged,
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{call}: documentation"),
                location,
                hint: "Nothing to do.".into(),
            });
        }
        self.inputs(old, new, group, &call, location);
        self.response(old, new, group, &call, location);
    }

    fn inputs(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let key = |input: &Input| (location_kind(&input.location), input.wire.clone());
        let old_inputs: BTreeMap<_, &Input> = old.inputs.iter().map(|i| (key(i), i)).collect();
        let new_inputs: BTreeMap<_, &Input> = new.inputs.iter().map(|i| (key(i), i)).collect();
        for (k, input) in &new_inputs {
            let (param, noun) = naming_of(&input.location);
            let Some(before) = old_inputs.get(k) else {
                let required = input.presence.is_required();
                self.push(Finding {
                    rule: match (param, required) {
                        (true, true) => Rule::NewRequiredRequestParameter,
                        (true, false) => Rule::NewOptionalRequestParameter,
                        (false, true) => Rule::NewRequiredRequestProperty,
                        (false, false) => Rule::NewOptionalRequestProperty,
                    },
                    class: if required {
                        Class::Breaking
                    } else {
                        Class::Additive
                    },
                    wire: if required {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    group,
                    item: if required {
                        format!("{call} takes a new required argument `{}`", input.name)
                    } else {
                        format!("{call} has a new setter `{}`", input.name)
                    },
                    location,
                    hint: if required {
                        format!("Pass the {noun} `{}`.", input.wire)
                    } else {
                        "Nothing to do.".into()
                    },
                });
                continue;
            };
            self.input_changed(before, input, param, group, call, location);
        }
        for (k, input) in &old_inputs {
            if new_inputs.contains_key(k) {
                continue;
            }
            let (param, noun) = naming_of(&input.location);
            let what = if input.presence.is_required() {
                "argument"
            } else {
                "setter"
            };
            self.push(Finding {
                rule: if param {
                    Rule::RequestParameterRemoved
                } else {
                    Rule::RequestPropertyRemoved
                },
                class: Class::Breaking,
                // A server that drops a parameter ignores it, and a caller that relied on its
                // effect gets another result (drift counts this as breaking); an unknown body
                // property is ignored like any other.
                wire: if param {
                    Wire::Breaking
                } else {
                    Wire::Compatible
                },
                group,
                item: format!("{call} loses its {what} `{}`", input.name),
                location,
                hint: format!(
                    "Stop passing the {noun} `{}`; the API ignores it now.",
                    input.wire
                ),
            });
        }
        self.arguments_reordered(old, new, group, call, location);
    }

    /// The same required arguments in another order.
    fn arguments_reordered(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let order = |op: &Operation| -> Vec<String> {
            op.required_inputs().map(|i| i.wire.clone()).collect()
        };
        let (old_order, new_order) = (order(old), order(new));
        let same_set: BTreeSet<_> = old_order.iter().collect::<BTreeSet<_>>();
        if old_order != new_order && same_set == new_order.iter().collect::<BTreeSet<_>>() {
            self.push(Finding {
                rule: Rule::ArgumentsReordered,
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!(
                    "{call} takes its arguments as ({}) instead of ({})",
                    new_order.join(", "),
                    old_order.join(", ")
                ),
                location,
                hint: "Reorder the arguments.".into(),
            });
        }
    }

    /// What changed in an input both versions have.
    fn input_changed(
        &mut self,
        old: &Input,
        new: &Input,
        param: bool,
        group: &str,
        call: &str,
        location: &str,
    ) {
        self.presence_changed(old, new, param, group, call, location);
        let (old_ty, new_ty) = (self.old_type(&old.ty), render(&new.ty, &|n| n.to_owned()));
        if old_ty != new_ty {
            self.push(Finding {
                rule: if param {
                    Rule::RequestParameterTypeChanged
                } else {
                    Rule::RequestPropertyTypeChanged
                },
                class: Class::Breaking,
                wire: type_change_wire(&old.ty, &new.ty, false),
                group,
                item: format!(
                    "{call}: `{}` takes `{new_ty}` instead of `{old_ty}`",
                    new.name
                ),
                location,
                hint: format!("Pass a `{new_ty}`."),
            });
        } else if old.setter != new.setter {
            self.push(Finding {
                rule: Rule::RequestSetterChanged,
                class: Class::Breaking,
                wire: Wire::None,
                group,
                item: format!("{call}: `{}` accepts its value differently", new.name),
                location,
                hint: "Adjust the argument's type.".into(),
            });
        }
        if !old.deprecated && new.deprecated {
            self.push(Finding {
                rule: if param {
                    Rule::RequestParameterDeprecated
                } else {
                    Rule::RequestPropertyDeprecated
                },
                class: Class::Additive,
                wire: Wire::None,
                group,
                item: format!("{call}: `{}` is deprecated", new.name),
                location,
                hint: "Plan to stop sending it.".into(),
            });
        }
        if old.doc != new.doc {
            self.push(Finding {
                rule: Rule::DocumentationChanged,
                class: Class::Patch,
                wire: Wire::None,
                group,
                item: format!("{call}: documentation of `{}`", new.name),
                location,
                hint: "Nothing to do.".into(),
            });
        }
    }

    /// An input that became required or optional, or nullable or not.
    fn presence_changed(
        &mut self,
        old: &Input,
        new: &Input,
        param: bool,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let (was, is) = (old.presence.is_required(), new.presence.is_required());
        let subject = |input: &Input| {
            if input.presence.is_required() {
                format!("argument `{}`", input.name)
            } else {
                format!("setter `{}`", input.name)
            }
        };
        if was != is {
            self.push(Finding {
                rule: match (param, is) {
                    (true, true) => Rule::RequestParameterBecameRequired,
                    (true, false) => Rule::RequestParameterBecameOptional,
                    (false, true) => Rule::RequestPropertyBecameRequired,
                    (false, false) => Rule::RequestPropertyBecameOptional,
                },
                class: Class::Breaking,
                wire: if is { Wire::Breaking } else { Wire::Compatible },
                group,
                item: format!("{call}: the {} is now the {}", subject(old), subject(new)),
                location,
                hint: if is {
                    format!("Pass `{}` as an argument.", new.wire)
                } else {
                    format!("Set `{}` with its setter instead of an argument.", new.wire)
                },
            });
        } else {
            let nullable =
                |p: Presence| matches!(p, Presence::RequiredNullable | Presence::TriState);
            if !nullable(old.presence) && nullable(new.presence) {
                // A required argument becomes `Option<T>`; an optional one gains a `clear_` setter.
                let (class, item) = if is {
                    (
                        Class::Breaking,
                        format!("{call}: argument `{}` becomes an `Option`", new.name),
                    )
                } else {
                    (
                        Class::Additive,
                        format!(
                            "{call}: `{}` can be sent as null with `{}()`",
                            new.name,
                            new.clear.as_deref().unwrap_or("clear")
                        ),
                    )
                };
                self.push(Finding {
                    rule: if param {
                        Rule::RequestParameterBecameNullable
                    } else {
                        Rule::RequestPropertyBecameNullable
                    },
                    class,
                    wire: Wire::Compatible,
                    group,
                    item,
                    location,
                    hint: if is {
                        "Wrap the value in `Some`.".into()
                    } else {
                        "Nothing to do.".into()
                    },
                });
            } else if nullable(old.presence) && !nullable(new.presence) {
                self.push(Finding {
                    rule: if param {
                        Rule::RequestParameterBecameNotNullable
                    } else {
                        Rule::RequestPropertyBecameNotNullable
                    },
                    class: Class::Breaking,
                    wire: Wire::Breaking,
                    group,
                    item: format!("{call}: `{}` can no longer be sent as null", new.name),
                    location,
                    hint: "Always send a value.".into(),
                });
            }
        }
    }

    fn response(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &str,
        call: &str,
        location: &str,
    ) {
        let describe = |kind: &ResponseKind, rename: &dyn Fn(&TypeRef) -> String| match kind {
            ResponseKind::Json(ty) => rename(ty),
            ResponseKind::ByStatus(name) => name.clone(),
            ResponseKind::Text => "String".into(),
            ResponseKind::Bytes => "Vec<u8>".into(),
            ResponseKind::Events(ty) => format!("EventStream<{}>", rename(ty)),
            ResponseKind::Empty => "()".into(),
        };
        let before = describe(&old.response, &|ty| self.old_type(ty));
        let after = describe(&new.response, &|ty| render(ty, &|n| n.to_owned()));
        if before != after {
            let wire = match (&old.response, &new.response) {
                (ResponseKind::Json(a), ResponseKind::Json(b)) => type_change_wire(a, b, true),
                _ => Wire::Breaking,
            };
            self.push(Finding {
                rule: Rule::ResponseBodyTypeChanged,
                class: Class::Breaking,
                wire,
                group,
                item: format!("{call} returns `{after}` instead of `{before}`"),
                location,
                hint: format!("Read the response as `{after}`."),
            });
        }
    }
}

/// `/users/{user_id}` and `/users/{id}` are the same route.
fn route(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn location_kind(location: &Location) -> &'static str {
    match location {
        Location::Path(_) => "path",
        Location::Query(_) => "query",
        Location::Header(_) => "header",
        Location::Cookie(_) => "cookie",
        Location::BodyField(_) | Location::Body => "body",
        Location::Part(_) => "part",
    }
}

/// Whether an input is a parameter (rather than a body property), and what to call it.
fn naming_of(location: &Location) -> (bool, &'static str) {
    match location {
        Location::Path(_) | Location::Query(_) | Location::Header(_) | Location::Cookie(_) => {
            (true, "parameter")
        }
        Location::BodyField(_) | Location::Body | Location::Part(_) => (false, "property"),
    }
}
