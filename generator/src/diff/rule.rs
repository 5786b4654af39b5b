//! The rule ids of the change report: one enum, so a misspelt id is a compile error and the
//! fixtures can be checked against the full list.

use std::fmt;

/// Declares [`Rule`] with its stable ids and the list of all of them.
macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// A finding's kind, with a stable id (oasdiff's where it has one).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in id order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id, such as `new-required-request-parameter`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }
        }
    };
}

rules! {
    /// The same required arguments, in another order.
    ArgumentsReordered = "arguments-reordered",
    /// A summary, description or doc comment changed.
    DocumentationChanged = "documentation-changed",
    /// An operation is new.
    EndpointAdded = "endpoint-added",
    /// An operation became deprecated.
    EndpointDeprecated = "endpoint-deprecated",
    /// An operation is gone.
    EndpointRemoved = "endpoint-removed",
    /// An operation gained an optional parameter (a setter).
    NewOptionalRequestParameter = "new-optional-request-parameter",
    /// A request body gained an optional property.
    NewOptionalRequestProperty = "new-optional-request-property",
    /// An operation gained a required parameter (an argument).
    NewRequiredRequestParameter = "new-required-request-parameter",
    /// A request body gained a required property.
    NewRequiredRequestProperty = "new-required-request-property",
    /// An operation has another group or method name.
    OperationRenamed = "operation-renamed",
    /// A field became deprecated.
    PropertyDeprecated = "property-deprecated",
    /// A parameter can no longer be null.
    RequestParameterBecameNotNullable = "request-parameter-became-not-nullable",
    /// A parameter became nullable.
    RequestParameterBecameNullable = "request-parameter-became-nullable",
    /// A parameter became optional.
    RequestParameterBecameOptional = "request-parameter-became-optional",
    /// A parameter became required.
    RequestParameterBecameRequired = "request-parameter-became-required",
    /// A parameter became deprecated.
    RequestParameterDeprecated = "request-parameter-deprecated",
    /// A parameter is gone.
    RequestParameterRemoved = "request-parameter-removed",
    /// A parameter changed its type.
    RequestParameterTypeChanged = "request-parameter-type-changed",
    /// A request body property can no longer be null.
    RequestPropertyBecameNotNullable = "request-property-became-not-nullable",
    /// A request body property became nullable.
    RequestPropertyBecameNullable = "request-property-became-nullable",
    /// A request body property became optional.
    RequestPropertyBecameOptional = "request-property-became-optional",
    /// A request body property became required.
    RequestPropertyBecameRequired = "request-property-became-required",
    /// A request body property became deprecated.
    RequestPropertyDeprecated = "request-property-deprecated",
    /// A request body property gained an enum value.
    RequestPropertyEnumValueAdded = "request-property-enum-value-added",
    /// A request body property lost an enum value.
    RequestPropertyEnumValueRemoved = "request-property-enum-value-removed",
    /// A request body property gained a `oneOf` variant.
    RequestPropertyOneOfAdded = "request-property-one-of-added",
    /// A request body property lost a `oneOf` variant.
    RequestPropertyOneOfRemoved = "request-property-one-of-removed",
    /// A request body property is gone.
    RequestPropertyRemoved = "request-property-removed",
    /// A request body property changed its type.
    RequestPropertyTypeChanged = "request-property-type-changed",
    /// A setter accepts its value differently (`impl Into`, a list of items).
    RequestSetterChanged = "request-setter-changed",
    /// An operation returns another type.
    ResponseBodyTypeChanged = "response-body-type-changed",
    /// A response struct gained a field.
    ResponsePropertyAdded = "response-property-added",
    /// A response property can no longer be null.
    ResponsePropertyBecameNotNullable = "response-property-became-not-nullable",
    /// A response property became nullable.
    ResponsePropertyBecameNullable = "response-property-became-nullable",
    /// A response property became optional.
    ResponsePropertyBecameOptional = "response-property-became-optional",
    /// A response property became required.
    ResponsePropertyBecameRequired = "response-property-became-required",
    /// A response property gained an enum value.
    ResponsePropertyEnumValueAdded = "response-property-enum-value-added",
    /// A response property lost an enum value.
    ResponsePropertyEnumValueRemoved = "response-property-enum-value-removed",
    /// A response property gained a `oneOf` variant.
    ResponsePropertyOneOfAdded = "response-property-one-of-added",
    /// A response property lost a `oneOf` variant.
    ResponsePropertyOneOfRemoved = "response-property-one-of-removed",
    /// A response property is gone.
    ResponsePropertyRemoved = "response-property-removed",
    /// A response property changed its type.
    ResponsePropertyTypeChanged = "response-property-type-changed",
    /// A type is new.
    TypeAdded = "type-added",
    /// A type changed its kind or its aliased type.
    TypeChanged = "type-changed",
    /// A type became deprecated.
    TypeDeprecated = "type-deprecated",
    /// An inline type has another name because its place changed.
    TypeMoved = "type-moved",
    /// A type is gone.
    TypeRemoved = "type-removed",
    /// A component type has another name.
    TypeRenamed = "type-renamed",
}

impl Rule {
    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.as_str() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

// Reports sort by id, so that the order does not depend on the order of declaration.
impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn ids_are_unique_sorted_and_round_trip() {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.as_str()), Some(*rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
