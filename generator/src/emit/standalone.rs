//! The files that make a standalone crate around the generated modules.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::inner_doc_attrs;
use crate::ir::Api;

/// The runtime's `[dependencies]` lines, versions resolved: `cargo xtask codegen` writes them
/// from the client crate's manifest (see [`runtime_dependencies`]), beside the runtime copy.
const DEPENDENCIES: &str = include_str!("../../runtime/dependencies.toml");

/// The lines of the `[section]` table of a manifest.
fn table<'m>(manifest: &'m str, section: &str) -> impl Iterator<Item = &'m str> {
    let header = format!("[{section}]");
    manifest
        .lines()
        .skip_while(move |line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

/// The comma-separated items of an inline table, commas inside arrays excepted.
fn top_level_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(inner[start..].trim());
    items
}

/// The runtime's `[dependencies]` with workspace inheritance resolved, from the manifest of the
/// client crate and of its workspace: each `name.workspace = true` or `name = { workspace =
/// true, features = [...] }` of the client crate becomes the workspace's entry for `name`, with
/// the extra features added. Optional dependencies serve the client's own features and are left
/// out.
#[doc(hidden)]
pub fn runtime_dependencies(client_manifest: &str, workspace_manifest: &str) -> String {
    let mut out = String::new();
    for line in table(client_manifest, "dependencies") {
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let name = key.trim().trim_end_matches(".workspace").trim();
        // Optional dependencies serve the client crate's own extra features, apart from the
        // runtime's own optional ones.
        if value.contains("optional = true") && !RUNTIME_OPTIONAL.contains(&name) {
            continue;
        }
        let from_workspace = key.trim().ends_with(".workspace") || value.contains("workspace");
        let inherited = table(workspace_manifest, "workspace.dependencies")
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (from_workspace && k.trim() == name).then(|| v.trim().to_owned())
            })
            .unwrap_or_else(|| value.trim().to_owned());
        let mut entry = match inherited.strip_prefix('{') {
            Some(inner) => inner.trim_end_matches('}').trim().to_owned(),
            None => format!("version = {inherited}"),
        };
        // A dependency of its own states everything in its one table.
        if let Some(extra) = value.trim().strip_prefix('{').filter(|_| from_workspace) {
            for part in top_level_items(extra.trim_end_matches('}')) {
                if !part.is_empty() && !part.starts_with("workspace") {
                    entry.push_str(", ");
                    entry.push_str(part);
                }
            }
        }
        out.push_str(&format!("{name} = {{ {entry} }}\n"));
    }
    out
}

/// The runtime's optional dependencies, each behind a feature of its name in every generated
/// crate.
pub const RUNTIME_OPTIONAL: &[&str] = &["reqwest-middleware"];

/// The runtime's dependency lines, comments left out.
fn dependencies() -> String {
    DEPENDENCIES
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The `[features]` table: TLS backends, `serialize` (off by default: `Serialize` on the types
/// the client only receives), and, unless `group-features` is off, one feature per operation
/// group and one for the webhook events, all on by default.
pub fn features_table(api: &Api) -> String {
    let mut groups: Vec<&str> = Vec::new();
    if api.settings.group_features {
        groups.extend(api.groups.iter().map(|g| g.feature.as_str()));
        if let Some(webhooks) = &api.webhooks {
            groups.push(&webhooks.feature);
        }
    }
    let mut defaults = vec!["\"rustls\"".to_owned()];
    defaults.extend(groups.iter().map(|g| format!("\"{g}\"")));
    let mut table = format!("[features]\ndefault = [{}]\n", defaults.join(", "));
    table.push_str("rustls = [\"reqwest/rustls-tls\"]\nnative-tls = [\"reqwest/native-tls\"]\n");
    table.push_str("serialize = []\n");
    table.push_str("testing = [\"serialize\", \"tokio/net\", \"tokio/io-util\", \"tokio/rt\"]\n");
    for optional in RUNTIME_OPTIONAL {
        table.push_str(&format!("{optional} = [\"dep:{optional}\"]\n"));
    }
    for group in groups {
        table.push_str(&format!("{group} = []\n"));
    }
    table
}

/// `text` as a TOML basic string, quotes included.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            // A TOML basic string holds no control character but as an escape.
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Cargo.toml` of a standalone crate, with the metadata crates.io and docs.rs read: the
/// description, license, home page and authors come from the document's `info` and
/// `externalDocs` where it has them. The empty `[workspace]` table keeps it buildable wherever
/// it is written, even inside another workspace.
pub fn emit_cargo_toml(api: &Api) -> String {
    let settings = &api.settings;
    let meta = &settings.metadata;
    let description = format!(
        "Typed async client for the {}, generated from its OpenAPI description.",
        api.title
    );
    let mut package = vec![
        format!("name = {}", toml_string(&settings.crate_name)),
        format!("version = {}", toml_string(&settings.crate_version)),
        "edition = \"2024\"".to_owned(),
        "rust-version = \"1.85\"".to_owned(),
        format!("description = {}", toml_string(&description)),
    ];
    if let Some(license) = &meta.license {
        package.push(format!("license = {}", toml_string(license)));
    }
    if let Some(homepage) = &meta.homepage {
        package.push(format!("homepage = {}", toml_string(homepage)));
    }
    if let Some(contact) = &meta.contact {
        package.push(format!("authors = [{}]", toml_string(contact)));
    }
    package.extend([
        "readme = \"README.md\"".to_owned(),
        "keywords = [\"api\", \"client\", \"openapi\"]".to_owned(),
        "categories = [\"api-bindings\", \"web-programming::http-client\"]".to_owned(),
        "publish = false".to_owned(),
    ]);
    format!(
        "# @generated by openapi-rust-generator from {spec}; do not edit.\n[package]\n{package}\n\n[package.metadata.docs.rs]\nfeatures = [\"serialize\"]\n\n[dependencies]\n{dependencies}\n[dev-dependencies]\n# The README's quickstart runs on tokio's runtime.\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n{features}\n[workspace]\n",
        spec = api.spec_name,
        package = package.join("\n"),
        features = features_table(api),
        dependencies = dependencies() + &external_dependencies(api),
    )
}

/// The lines the external types of the type table add to `[dependencies]`, skipping a crate
/// the runtime already depends on.
fn external_dependencies(api: &Api) -> String {
    let runtime = dependencies();
    let has = |name: &str| {
        runtime
            .lines()
            .any(|line| line.split_once('=').is_some_and(|(k, _)| k.trim() == name))
    };
    let mut out = String::new();
    for line in &api.settings.dependencies {
        let name = line
            .split_once('=')
            .map_or(line.as_str(), |(k, _)| k)
            .trim();
        if !has(name) {
            out.push_str(line.trim());
            out.push('\n');
        }
    }
    out
}

/// `src/lib.rs` of a standalone crate.
pub fn emit_lib(api: &Api) -> TokenStream {
    let mut text = format!("Typed async client for the {}", api.title);
    if !api.version.is_empty() {
        text.push_str(&format!(" (API version `{}`)", api.version));
    }
    text.push_str(&format!(", generated from `{}`.", api.spec_name));
    if let Some(description) = &api.description {
        text.push_str("\n\n");
        text.push_str(description.trim());
    }
    let example_group = api
        .groups
        .first()
        .map(|g| g.accessor.clone())
        .unwrap_or_else(|| "<group>".into());
    text.push_str(&format!(
        "\n\nCreate a [`Client`], pick an operation group such as `client.{example_group}()`, \
         call an operation to get its request builder, set optional inputs, and `send().await` it. \
         Types live in [`types`], request builders in [`operations`]."
    ));
    let doc = inner_doc_attrs(&text);
    quote! {
        #doc
        #![forbid(unsafe_code)]

        mod runtime;
        #[rustfmt::skip]
        mod generated;

        #[doc(hidden)]
        pub use runtime::codegen;

        pub use generated::*;

        // The README's quickstart, compiled by `cargo test --doc`.
        #[cfg(doctest)]
        #[doc = include_str!("../README.md")]
        struct ReadmeDoctests;
    }
}

/// Runtime source files copied into a standalone crate, by path relative to `src/runtime/`.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("answer.rs", include_str!("../../runtime/answer.rs")),
    ("api.rs", include_str!("../../runtime/api.rs")),
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("codegen.rs", include_str!("../../runtime/codegen.rs")),
    ("correct.rs", include_str!("../../runtime/correct.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("hooks.rs", include_str!("../../runtime/hooks.rs")),
    ("oauth2.rs", include_str!("../../runtime/oauth2.rs")),
    ("options.rs", include_str!("../../runtime/options.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
    ("params.rs", include_str!("../../runtime/params.rs")),
    ("payload.rs", include_str!("../../runtime/payload.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("send.rs", include_str!("../../runtime/send.rs")),
    (
        "serde_helpers.rs",
        include_str!("../../runtime/serde_helpers.rs"),
    ),
    ("sse.rs", include_str!("../../runtime/sse.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("testing.rs", include_str!("../../runtime/testing.rs")),
    ("values.rs", include_str!("../../runtime/values.rs")),
];

#[cfg(test)]
mod tests {
    use super::{RUNTIME_FILES, dependencies, runtime_dependencies};

    /// Every file of the package's runtime folder is copied, and nothing else is.
    #[test]
    fn every_runtime_file_is_copied() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("the runtime folder")
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let mut copied: Vec<&str> = RUNTIME_FILES.iter().map(|(name, _)| *name).collect();
        copied.sort_unstable();
        assert_eq!(on_disk, copied);
    }

    #[test]
    fn standalone_dependencies_inherit_versions_and_add_features() {
        let client = "[package]\nname = \"c\"\n\n[dependencies]\nserde_json.workspace = true\n\
                      tokio = { workspace = true, features = [\"time\"] }\n\
                      ring = { version = \"0.17\", optional = true }\n\
                      reqwest-middleware = { version = \"0.4\", optional = true }\n\n[dev-dependencies]\nx = \"1\"\n";
        let workspace = "[workspace.dependencies]\nserde_json = \"1\"\n\
                         tokio = { version = \"1\", default-features = false }\n";
        let deps = runtime_dependencies(client, workspace);
        assert_eq!(
            deps,
            "serde_json = { version = \"1\" }\n\
             tokio = { version = \"1\", default-features = false, features = [\"time\"] }\n\
             reqwest-middleware = { version = \"0.4\", optional = true }\n",
            "the runtime's optional dependency is kept, the client's own are not"
        );
    }

    #[test]
    fn the_packaged_dependencies_are_resolved_lines() {
        let deps = dependencies();
        assert!(deps.contains("reqwest = { version = "), "{deps}");
        assert!(!deps.contains("workspace"), "{deps}");
        assert!(!deps.contains('#'), "{deps}");
    }
}
