//! `testing.rs`: a typed mock of the API for the tests of applications that use the client
//! (the `testing` cargo feature). One method per operation states what the mock answers,
//! with the operation's own response type; the runtime's mock server does the rest.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attrs, inner_doc_attrs, trusted_doc_attrs};
use super::{ident, type_tokens};
use crate::ir::{Api, Capabilities, Group, Location, Operation, ResponseKind, TypeKind};

/// The module's tokens.
pub fn emit_testing(api: &Api) -> TokenStream {
    let doc = inner_doc_attrs(&format!(
        "A mock of the {} for tests of the code that calls it: a real HTTP server on 127.0.0.1 that answers each operation as the test states, with the generated types, records the requests it receives and checks how often each operation was called.",
        api.title
    ));
    let routes = api.groups.iter().flat_map(|group| {
        group.operations.iter().map(move |op| {
            let id = &op.operation_id;
            let name = format!("{}.{}", group.accessor, op.method_name);
            let method = op.http_method.as_str();
            let path = &op.path;
            quote!(codegen::Route { operation_id: #id, name: #name, method: #method, path: #path })
        })
    });
    let example = example(api);
    let mock_doc = trusted_doc_attrs(&format!(
        "A mock of the API on 127.0.0.1. State answers through the operation groups, point the client from [`Mock::client`] at it, and call your code.\n\n```no_run\n{example}```\n\nDropping the mock checks the call counts that [`codegen::Expect::times`] states and, after [`Mock::strict`], that every request was expected; the test fails when they do not hold."
    ));
    let cfg = |group: &Group| {
        let feature = &group.feature;
        api.settings
            .group_features
            .then(|| quote!(#[cfg(feature = #feature)]))
    };
    let accessors = api.groups.iter().map(|group| {
        let accessor = ident(&mock_accessor(group));
        let mock = format_ident!("{}Mock", group.type_name);
        let cfg = cfg(group);
        let doc = doc_attrs(&format!(
            "What the operations of `client.{}()` answer.",
            group.accessor
        ));
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> #mock<'_> {
                #mock { server: &self.server }
            }
        }
    });
    let groups = api.groups.iter().map(|group| {
        let mock = format_ident!("{}Mock", group.type_name);
        let cfg = cfg(group);
        let doc = doc_attrs(&format!(
            "The operations of `client.{}()`, as the mock answers them.",
            group.accessor
        ));
        let methods = group.operations.iter().map(|op| operation(api, group, op));
        quote! {
            #doc
            #cfg
            #[derive(Debug, Clone, Copy)]
            pub struct #mock<'m> {
                server: &'m codegen::MockServer,
            }

            #cfg
            impl<'m> #mock<'m> {
                #( #methods )*
            }
        }
    });
    quote! {
        #doc

        use super::Client;
        use crate::runtime::codegen;

        pub use codegen::{Expect, MockServer, Raw, RecordedRequest};

        /// Every operation the mock recognises.
        const ROUTES: &[codegen::Route] = &[ #( #routes ),* ];

        #mock_doc
        #[derive(Debug)]
        pub struct Mock {
            server: codegen::MockServer,
        }

        impl Mock {
            /// Starts the mock on a free port of 127.0.0.1, on the current tokio runtime.
            ///
            /// # Panics
            ///
            /// When no port of 127.0.0.1 can be bound.
            pub async fn start() -> Self {
                let server = codegen::MockServer::start(ROUTES)
                    .await
                    .unwrap_or_else(|e| panic!("the mock cannot listen on 127.0.0.1: {e}"));
                Self { server }
            }

            /// A client of the mock, with a test credential; configure another with
            /// [`Client::builder`] and [`Mock::url`].
            ///
            /// # Panics
            ///
            /// Never for the mock's own URL.
            pub fn client(&self) -> Client {
                Client::builder()
                    .base_url(self.server.url())
                    .token("test-token")
                    .build()
                    .unwrap_or_else(|e| panic!("a client of the mock: {e}"))
            }

            /// The mock's base URL.
            pub fn url(&self) -> &str {
                self.server.url()
            }

            /// Fails the test when a request arrives that no expectation answers.
            pub fn strict(&self) -> &Self {
                self.server.strict();
                self
            }

            /// Every request received so far.
            pub fn requests(&self) -> Vec<RecordedRequest> {
                self.server.requests()
            }

            /// How many requests addressed `operation`: its name as the client calls it
            /// (`users.get`), or its operationId.
            pub fn calls(&self, operation: &str) -> usize {
                self.server.calls(operation)
            }

            /// Checks the call counts and, after [`Mock::strict`], that every request was
            /// expected.
            ///
            /// # Panics
            ///
            /// When they do not hold, listing what went wrong.
            pub fn verify(&self) {
                self.server.verify();
            }

            /// The untyped server underneath.
            pub fn server(&self) -> &MockServer {
                &self.server
            }

            #( #accessors )*
        }

        #( #groups )*
    }
}

/// The methods `Mock` has of its own; a group of the same name gets `_operations` added.
const MOCK_METHODS: &[&str] = &[
    "start", "client", "url", "strict", "requests", "calls", "verify", "server",
];

/// The name of the group's method on `Mock`: its accessor, unless `Mock` has that method.
fn mock_accessor(group: &Group) -> String {
    let bare = crate::naming::unraw(&group.accessor);
    if MOCK_METHODS.contains(&bare) {
        format!("{bare}_operations")
    } else {
        group.accessor.clone()
    }
}

/// The expectation method of one operation: its path parameters as arguments.
fn operation(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let id = &op.operation_id;
    let response = match &op.response {
        // Qualified, so that no import goes unused when features leave no group.
        ResponseKind::Json(ty) => type_tokens(ty, &quote!(super::types::)),
        ResponseKind::ByStatus(_) => quote!(codegen::Value),
        ResponseKind::Text
        | ResponseKind::Bytes
        | ResponseKind::Events(_)
        | ResponseKind::Empty => quote!(Raw),
    };
    let status: u16 = op
        .statuses
        .iter()
        .filter_map(|s| s.status.parse::<u16>().ok())
        .find(|s| (200..300).contains(s))
        .unwrap_or(200);
    let status = Literal::u16_unsuffixed(status);
    let path_params: Vec<_> = op
        .inputs
        .iter()
        .filter(|input| matches!(input.location, Location::Path(_)))
        .collect();
    // A path parameter whose type writes itself as text is taken as `Display`; another (an
    // external type that serde writes) as the text it travels as.
    let display = |input: &crate::ir::Input| {
        input
            .ty
            .capabilities(&mut |name| Capabilities {
                display: api.type_def(name).is_some_and(|d| {
                    matches!(d.kind, TypeKind::Enum { .. } | TypeKind::IntEnum { .. })
                }),
                opaque: false,
            })
            .display
    };
    let args = path_params.iter().map(|input| {
        let name = ident(&input.name);
        if display(input) {
            quote!(#name: impl std::fmt::Display)
        } else {
            quote!(#name: impl Into<String>)
        }
    });
    let values = path_params.iter().map(|input| {
        let name = ident(&input.name);
        let wire = &input.wire;
        if display(input) {
            quote!((#wire, #name.to_string()))
        } else {
            quote!((#wire, #name.into()))
        }
    });
    let doc = doc_attrs(&format!(
        "What `client.{}().{}({})` gets: `{} {}` (operationId `{}`){}.",
        group.accessor,
        op.method_name,
        if op.arguments.is_empty() { "" } else { "…" },
        op.http_method,
        op.path,
        op.operation_id,
        if path_params.is_empty() {
            ""
        } else {
            ", for these path parameters"
        }
    ));
    let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #( #args ),*) -> Expect<'m, #response> {
            self.server.expect(#id, #status, vec![ #( #values ),* ])
        }
    }
}

/// The example of the mock's documentation, from the first operation without a body.
fn example(api: &Api) -> String {
    let krate = api.settings.crate_name.replace('-', "_");
    let chosen = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .find_map(|(g, op)| match &op.response {
            ResponseKind::Json(ty) if op.body.is_none() => Some((g, op, ty)),
            _ => None,
        });
    let Some((group, op, ty)) = chosen else {
        return format!(
            "# async fn run() {{\nlet mock = {krate}::testing::Mock::start().await;\nlet client = mock.client();\n// ... call the code under test with `client` ...\nmock.verify();\n# }}\n"
        );
    };
    let args: Vec<String> = op
        .inputs
        .iter()
        .filter(|input| matches!(input.location, Location::Path(_)))
        .map(|input| {
            let wire: String = input
                .wire
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            format!("\"{wire}_1\"")
        })
        .collect();
    let args = args.join(", ");
    let krate_ident = ident(&krate);
    let answer = type_tokens(ty, &quote!(#krate_ident::types::))
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" , ", ", ");
    format!(
        "# async fn run(answer: {answer}) {{\nlet mock = {krate}::testing::Mock::start().await;\nmock.{group}().{method}({args}).returns(answer).times(1);\nlet client = mock.client();\n// ... the code under test calls client.{group}().{method}(…) ...\nassert_eq!(mock.calls(\"{group}.{method}\"), 1);\n# }}\n",
        group = group.accessor,
        method = op.method_name,
    )
}

#[cfg(test)]
mod tests {
    use crate::{Layout, Options, generate};

    #[test]
    fn a_group_named_like_a_mock_method_gets_a_suffix() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /servers/{id}:\n    get:\n      operationId: getServer\n      tags: [Server]\n      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n";
        let output = generate("t.yaml", spec, &Options::new(Layout::Modules))
            .unwrap_or_else(|d| panic!("{d}"));
        let testing = &output.files["testing.rs"];
        assert!(
            testing.contains("pub fn server_operations(&self) -> ServerMock<'_>"),
            "{testing}"
        );
        assert!(
            testing.contains("pub fn server(&self) -> &MockServer"),
            "{testing}"
        );
        assert!(testing.contains("id: impl std::fmt::Display"), "{testing}");
    }
}
