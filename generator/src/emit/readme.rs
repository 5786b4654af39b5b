//! `README.md` of a standalone crate: what API it wraps, a quickstart built from one of its
//! operations, its cargo features and how to regenerate it. The crate's doctests compile the
//! quickstart (`lib.rs` includes the README under `cfg(doctest)`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::prose;
use super::ident;
use super::sweep::sample_call;
use crate::ir::{Api, Carrier, Group, Input, Location, Operation, TypeRef};

/// The README's text.
pub fn emit_readme(api: &Api) -> Result<String, String> {
    let settings = &api.settings;
    let name = &settings.crate_name;
    let mut out = format!("# {name}\n\n");
    out.push_str(&format!(
        "A typed, async Rust client for the {}",
        prose(&api.title)
    ));
    if !api.version.is_empty() {
        out.push_str(&format!(" (API version `{}`)", api.version));
    }
    out.push_str(&format!(
        ", generated from the OpenAPI document `{}` by openapi-rust-generator.\n\n",
        api.spec_name
    ));
    if let Some(first) = api
        .description
        .as_deref()
        .and_then(|d| d.split("\n\n").map(str::trim).find(|p| !p.is_empty()))
    {
        out.push_str(&prose(first));
        out.push_str("\n\n");
    }
    let operations: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    out.push_str(&format!(
        "It covers {operations} operation{} in {} group{}{}.\n\n",
        plural(operations),
        api.groups.len(),
        plural(api.groups.len()),
        if api.webhooks.is_some() {
            ", and the API's webhook events"
        } else {
            ""
        }
    ));

    out.push_str("## Quickstart\n\n```toml\n[dependencies]\n");
    out.push_str(&format!(
        "{name} = {{ path = \"path/to/{name}\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n"
    ));
    out.push_str("```rust,no_run\n");
    out.push_str(&quickstart(api)?);
    out.push_str("```\n\n");
    out.push_str(
        "Each operation is a method of its group's handle (`client.<group>()`). Required inputs \
         are its arguments, optional ones are setters of the request builder it returns, and \
         `send().await` performs the call. An answer outside 2xx is `Error::Api`, with the \
         status, the headers and the decoded error body; requests that fail to connect or \
         answer 429 or 5xx are retried with backoff (see `RetryPolicy`).\n\n",
    );

    out.push_str(
        "## Cargo features\n\n| feature | default | what it enables |\n| --- | --- | --- |\n",
    );
    out.push_str("| `rustls` | yes | TLS through rustls, with no system library. |\n");
    out.push_str("| `native-tls` | no | TLS through the platform's library. |\n");
    out.push_str(
        "| `serialize` | no | `Serialize` on the types the client only receives, to store or forward them. |\n",
    );
    out.push_str(
        "| `testing` | no | `testing::Mock`, a typed mock of the API on 127.0.0.1 for your own tests (see below). |\n",
    );
    if settings.group_features {
        for group in &api.groups {
            out.push_str(&format!(
                "| `{}` | yes | {} |\n",
                group.feature,
                group_summary(group)
            ));
        }
        if let Some(webhooks) = &api.webhooks {
            out.push_str(&format!(
                "| `{}` | yes | The typed webhook events ({}). |\n",
                webhooks.feature,
                webhooks.events.len()
            ));
        }
        out.push_str(
            "\nEach operation group is a feature: with `default-features = false` and the groups \
             you call, the crate compiles only those groups and the types they use.\n",
        );
    }
    out.push('\n');

    out.push_str(&testing_section(api));
    out.push_str(&format!(
        "## Regenerating\n\nThe crate is generated: edits to `src/` are overwritten. From the \
         crate's folder, regenerate it after the document changes, or check that it is fresh:\n\n\
         ```sh\nopenapi-rust-generator generate {spec} --out .\nopenapi-rust-generator generate {spec} --out . --check\n```\n",
        spec = api.spec_name
    ));
    let meta = &settings.metadata;
    let license = meta.license.as_ref().or(meta.license_text.as_ref());
    if license.is_some() || meta.homepage.is_some() {
        out.push_str("\n## About the API\n\n");
        if let Some(homepage) = &meta.homepage {
            out.push_str(&format!("Documentation: {}\n\n", prose(homepage)));
        }
        if let Some(license) = license {
            out.push_str(&format!(
                "The API document's license: {}.\n",
                prose(license)
            ));
        }
    }
    Ok(out)
}

/// How an application tests its code against the typed mock.
fn testing_section(api: &Api) -> String {
    let krate = api.settings.crate_name.replace('-', "_");
    let name = &api.settings.crate_name;
    let call = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .find(|(_, op)| {
            matches!(op.response, crate::ir::ResponseKind::Json(_)) && op.body.is_none()
        })
        .map(|(group, op)| {
            let args: Vec<String> = op
                .inputs
                .iter()
                .filter(|i| matches!(i.location, Location::Path(_)))
                .map(|_| "\"id_1\"".to_owned())
                .collect();
            (
                group.accessor.clone(),
                op.method_name.clone(),
                args.join(", "),
            )
        });
    let Some((group, method, args)) = call else {
        return String::new();
    };
    format!(
        "## Testing your code\n\nWith the `testing` feature (in `[dev-dependencies]`: `{name} = {{ path = \"…\", features = [\"testing\"] }}`), \
         `testing::Mock` serves the API on 127.0.0.1: state what each operation answers, with the \
         generated types, and point your code at `mock.client()`. Retries, timeouts and decoding \
         run as in production.\n\n\
         ```rust,ignore\nuse {krate}::testing::Mock;\n\n#[tokio::test]\nasync fn my_handler_reads_the_api() {{\n    \
         let mock = Mock::start().await;\n    \
         mock.{group}().{method}({args}).returns(answer).times(1); // `answer`: the operation's response type\n    \
         my_handler(&mock.client()).await;\n    \
         assert_eq!(mock.calls(\"{group}.{method}\"), 1);\n    \
         // `.fails(404, body)` answers an error, `.delay(d)` waits; `mock.strict()` fails the\n    \
         // test on a request nothing stated, and `mock.requests()` shows what arrived.\n}}\n```\n\n"
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The group's first sentence, else its size.
fn group_summary(group: &Group) -> String {
    let count = format!(
        "`client.{}()`: {} operation{}",
        group.accessor,
        group.operations.len(),
        plural(group.operations.len())
    );
    let sentence = group.doc.as_deref().and_then(|doc| {
        let line = doc.lines().map(str::trim).find(|l| !l.is_empty())?;
        let end = line.find(". ").map_or(line.len(), |i| i + 1);
        Some(prose(&line[..end]).replace('|', "\\|"))
    });
    match sentence {
        Some(sentence) => format!("{count}. {sentence}"),
        None => format!("{count}."),
    }
}

/// Whether the quickstart can call the operation with plain sample values: every required
/// input is a string, number or boolean outside a body.
fn callable(op: &Operation) -> bool {
    let simple = |input: &Input| {
        let scalar = |ty: &TypeRef| {
            matches!(
                ty,
                TypeRef::String | TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Bool
            )
        };
        let plain = match &input.ty {
            TypeRef::Option(inner) => scalar(inner),
            other => scalar(other),
        };
        plain && !matches!(input.location, Location::Part(_) | Location::Body)
    };
    op.required_inputs().all(simple)
}

/// `main` of the quickstart: build the client, call an operation, print the answer.
fn quickstart(api: &Api) -> Result<String, String> {
    let krate = ident(&api.settings.crate_name.replace('-', "_"));
    let client = client_tokens(api, &krate);
    // A read without a body, with the fewest required inputs.
    let chosen = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .filter(|(_, op)| callable(op))
        .min_by_key(|(_, op)| {
            (
                op.http_method != crate::ir::HttpMethod::Get,
                op.deprecated,
                op.arguments.len(),
            )
        });
    let call = chosen.map(|(group, op)| {
        let call = sample_call(api, &group.accessor, op);
        let comment = op
            .summary
            .as_deref()
            .map(prose)
            .and_then(|s| s.lines().next().map(|line| format!(" {}", line.trim())));
        let comment = comment.map(|c| quote!(#[doc = #c]));
        quote! {
            #comment
            let answer = #call.send().await?;
            println!("{answer:?}");
        }
    });
    let uses_types = call
        .as_ref()
        .is_some_and(|c| c.to_string().contains("types ::"));
    let imports = if uses_types {
        quote!(use #krate::{Client, Error, types};)
    } else {
        quote!(use #krate::{Client, Error};)
    };
    let tokens: TokenStream = quote! {
        #imports

        #[tokio::main]
        async fn main() -> Result<(), Error> {
            #client
            #call
            Ok(())
        }
    };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: the README's quickstart is invalid Rust: {e}"))?;
    // prettyplease prints the comment as a doc attribute on the statement; a line comment
    // reads better there.
    let text = prettyplease::unparse(&file);
    let mut out = String::new();
    for line in text.lines() {
        match line.trim_start().strip_prefix("///") {
            Some(rest) => {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}//{rest}\n"));
            }
            None => {
                // A blank line between the imports and `main`.
                if line.starts_with("#[tokio::main]") {
                    out.push('\n');
                }
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// How the quickstart builds its client: from the environment when the document names the
/// variables, else with a placeholder credential for the scheme it uses.
fn client_tokens(api: &Api, krate: &proc_macro2::Ident) -> TokenStream {
    let settings = &api.settings;
    let base_url = api
        .default_base_url
        .is_empty()
        .then(|| quote!(.base_url("https://api.example.com")));
    if let Some(env) = &settings.token_env {
        let comment = format!(" Reads {env} for the credential.");
        if base_url.is_none() {
            return quote! {
                #[doc = #comment]
                let client = Client::from_env()?;
            };
        }
        return quote! {
            #[doc = #comment]
            let token = std::env::var(#env).unwrap_or_default();
            let client = Client::builder().token(token) #base_url .build()?;
        };
    }
    let primary = api.security.primary.map(|i| &api.security.schemes[i]);
    if let Some(scheme) = primary.filter(|scheme| scheme.token_url.is_some()) {
        let variant = ident(&scheme.variant);
        return quote! {
            let client = Client::builder()
                .client_credentials(#krate::SecurityScheme::#variant, "<client id>", "<client secret>")
                #base_url
                .build()?;
        };
    }
    match primary.map(|scheme| &scheme.carrier) {
        None => quote!(let client = Client::builder() #base_url .build()?;),
        Some(Carrier::Basic) => {
            quote!(let client = Client::builder().basic_auth("user", "password") #base_url .build()?;)
        }
        _ => quote!(let client = Client::builder().token("<your token>") #base_url .build()?;),
    }
}
