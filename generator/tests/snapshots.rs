//! Snapshot of the generated modules for each small fixture spec in `tests/fixtures/`, one
//! feature per fixture. Review changes with `cargo insta review`.

use std::fs;
use std::path::Path;

use openapi_rust_generator::{Layout, Options, generate_with_files};

/// All generated files of a fixture, and its warnings, as one reviewable text.
fn render_fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let spec_name = format!("tests/fixtures/{name}");
    let dir = path.parent().expect("the fixtures folder").to_path_buf();
    let read_file =
        |relative: &str| fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
    let output = generate_with_files(
        &spec_name,
        &text,
        &Options::new(Layout::Modules),
        &read_file,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let mut rendered = format!(
        "operations: {}, types: {}\n",
        output.operations, output.types
    );
    for warning in &output.warnings {
        rendered.push_str(&format!("{warning}\n"));
    }
    for (file, contents) in &output.files {
        rendered.push_str(&format!("\n=== {file} ===\n{contents}"));
    }
    rendered
}

macro_rules! fixture_snapshots {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(stringify!($test), render_fixture($file));
            }
        )*

        #[test]
        fn every_fixture_has_a_snapshot_test() {
            let listed: Vec<&str> = vec![$($file),*];
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
            let mut found: Vec<String> = fs::read_dir(&dir)
                .expect("the fixtures folder")
                .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
                .collect();
            found.sort();
            let mut listed: Vec<String> = listed.into_iter().map(str::to_owned).collect();
            listed.sort();
            assert_eq!(found, listed, "add new fixtures to fixture_snapshots!");
        }
    };
}

fixture_snapshots! {
    big_numbers => "big-numbers.yaml",
    bodies => "bodies.yaml",
    builder_names => "builder-names.yaml",
    composition => "composition.yaml",
    drift => "drift.yaml",
    docs => "docs.yaml",
    enums => "enums.yaml",
    example_refs => "example-refs.yaml",
    external_types => "external-types.yaml",
    form_bodies => "form-bodies.yaml",
    grouping => "grouping.yaml",
    idempotency => "idempotency.yaml",
    json_surrogates => "json-surrogates.json",
    markdown => "markdown.yaml",
    mistakes => "mistakes.yaml",
    multi_file => "multi-file.yaml",
    naming => "naming.yaml",
    nullable => "nullable.yaml",
    pagination => "pagination.yaml",
    parameters => "parameters.yaml",
    openapi31 => "openapi31.yaml",
    openapi_features => "openapi-features.yaml",
    package => "package.yaml",
    parameter_styles => "parameter-styles.yaml",
    read_write => "read-write.yaml",
    recursion => "recursion.yaml",
    references => "references.yaml",
    recursive_allof => "recursive-allof.yaml",
    responses => "responses.yaml",
    security => "security.yaml",
    security_apikey => "security-apikey.yaml",
    security_basic => "security-basic.yaml",
    security_cookie => "security-cookie.yaml",
    security_query_cookie => "security-query-cookie.yaml",
    streaming => "streaming.yaml",
    type_presets => "type-presets.yaml",
    webhooks => "webhooks.yaml",
    webhooks31 => "webhooks31.yaml",
}

/// What a standalone crate says about itself: its manifest (with the document's license, home
/// page and contact), its README (with a quickstart built from an operation) and its `lib.rs`.
#[test]
fn standalone_crate_manifest_readme_and_lib() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/package.yaml");
    let text = fs::read_to_string(&path).expect("the fixture");
    let no_files = |_: &str| Err::<String, String>("one file".into());
    let output = generate_with_files(
        "tests/fixtures/package.yaml",
        &text,
        &Options::new(Layout::Crate),
        &no_files,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let mut rendered = String::new();
    for file in ["Cargo.toml", "README.md", "src/lib.rs"] {
        rendered.push_str(&format!("\n=== {file} ===\n{}", output.files[file]));
    }
    insta::assert_snapshot!("standalone_crate", rendered);
}

/// Rendering in parallel, with `types.rs` cut into parts, gives the same text as rendering on
/// one thread.
#[test]
fn the_output_does_not_depend_on_the_number_of_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join("../spec/clerk-backend-api.yaml")).expect("the spec");
    let no_files = |_: &str| Err::<String, String>("one file".into());
    let render = |threads: usize| {
        generate_with_files(
            "spec/clerk-backend-api.yaml",
            &text,
            &Options::new(Layout::Crate).threads(threads),
            &no_files,
        )
        .unwrap_or_else(|d| panic!("{d}"))
        .files
    };
    let one = render(1);
    for threads in [2, 3, 8] {
        let many = render(threads);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            many.keys().collect::<Vec<_>>()
        );
        for (path, text) in &one {
            assert!(many[path] == *text, "{path} differs on {threads} threads");
        }
    }
}
