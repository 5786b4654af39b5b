//! Bad input gets located diagnostics, never a panic.

use openapi_rust_generator::{Layout, Options, generate, generate_with_files};

fn diagnostics(text: &str) -> String {
    match generate("spec/bad.yaml", text, &Options::new(Layout::Modules)) {
        Ok(_) => panic!("the document was accepted"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

/// The diagnostics of a multi-file document `spec/root.yaml` that must be refused.
fn refused_with_files(root: &str, read_file: &dyn Fn(&str) -> Result<String, String>) -> String {
    generate_with_files(
        "spec/root.yaml",
        root,
        &Options::new(Layout::Modules),
        read_file,
    )
    .expect_err("the document is refused")
    .to_string()
}

#[test]
fn invalid_yaml_names_line_and_column() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3\ninfo:\n  title: \"unterminated\n  version: 1\n"
    ));
}

#[test]
fn a_field_of_the_wrong_type_is_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      tags: 7\n"
    ));
}

#[test]
fn unsupported_openapi_versions_are_refused() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 2.0\ninfo:\n  title: T\n  version: '1'\n"
    ));
}

#[test]
fn swagger_documents_are_refused() {
    insta::assert_snapshot!(diagnostics(
        "swagger: '2.0'\ninfo:\n  title: T\n  version: '1'\n"
    ));
}

#[test]
fn unresolvable_references_point_at_the_reference() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Missing'
"
    ));
}

#[test]
fn duplicate_operation_ids_are_kept_with_unique_rust_names_and_a_warning() {
    let output = generate(
        "spec/bad.yaml",
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      operationId: same
      responses:
        '200':
          description: ok
  /b:
    get:
      operationId: same
      responses:
        '200':
          description: ok
",
        &Options::new(Layout::Modules),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(output.operations, 2, "both operations are kept");
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    let operations = &output.files["operations/default.rs"];
    assert!(
        operations.contains("pub fn same(") && operations.contains("pub fn same2("),
        "{operations}"
    );
}

#[test]
fn undeclared_path_variables_become_string_parameters_with_a_warning() {
    let output = generate(
        "spec/bad.yaml",
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /users/{user_id}:
    get:
      operationId: getUser
      responses:
        '200':
          description: ok
",
        &Options::new(Layout::Modules),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    let operations = &output.files["operations/default.rs"];
    assert!(
        operations.contains("user_id: impl Into<String>"),
        "{operations}"
    );
}

#[test]
fn reference_cycles_are_refused() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  x:
                    allOf:
                      - $ref: '#/components/schemas/A'
                      - type: object
components:
  schemas:
    A:
      $ref: '#/components/schemas/B'
    B:
      $ref: '#/components/schemas/A'
"
    ));
}

#[test]
fn external_references_need_a_file_reader() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'other.yaml#/components/schemas/A'
"
    ));
}

#[test]
fn missing_referenced_files_are_located() {
    let root = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'schemas/a.yaml#/A'
        '404':
          $ref: 'missing.yaml#/components/responses/NotFound'
";
    let read_file = |path: &str| match path {
        "schemas/a.yaml" => Ok("B: {type: string}\n".to_owned()),
        other => Err(format!("no file {other}")),
    };
    let diagnostics = refused_with_files(root, &read_file);
    insta::assert_snapshot!(diagnostics);
}

#[test]
fn a_style_the_location_does_not_define_is_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /items/{ids}:
    get:
      operationId: getItems
      parameters:
        - name: ids
          in: path
          required: true
          style: deepObject
          schema:
            type: object
            properties:
              a: {type: string}
      responses:
        '204':
          description: ok
"
    ));
}

#[test]
fn a_form_body_that_is_not_an_object_is_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /items:
    post:
      operationId: postItems
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: array
              items: {type: string}
      responses:
        '204':
          description: ok
"
    ));
}

#[test]
fn invalid_json_names_line_and_column() {
    let text =
        "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"T\" \"version\": \"1\"}\n}\n";
    let message = diagnostics(text);
    assert!(message.contains("spec/bad.yaml:3:"), "{message}");
    assert!(message.contains("cannot be read"), "{message}");
}

#[test]
fn json_documents_with_surrogate_escapes_are_read_as_json() {
    let text =
        r#"{"openapi": "3.0.3", "info": {"title": "T \ud83d\udc4d", "version": "1"}, "paths": {}}"#;
    let output = generate("spec/ok.json", text, &Options::new(Layout::Modules))
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        output.files.values().any(|f| f.contains("T \u{1f44d}")),
        "the title reaches the generated docs"
    );
}

#[test]
fn a_wrong_type_in_a_multi_file_document_is_located() {
    let text = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      tags: 7
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'other.yaml#/A'
";
    let read = |_: &str| Ok::<_, String>("A: {type: string}\n".to_owned());
    let message =
        match generate_with_files("spec/bad.yaml", text, &Options::new(Layout::Modules), &read) {
            Ok(_) => panic!("the document was accepted"),
            Err(diagnostics) => diagnostics.to_string(),
        };
    assert!(message.contains("#/paths/~1a/get/tags"), "{message}");
    assert!(message.contains("spec/bad.yaml:8:"), "{message}");
}

#[test]
fn remote_references_are_refused_with_the_reason() {
    let message = diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'https://example.com/schemas/pet.yaml#/Pet'
",
    );
    assert!(message.contains("remote reference"), "{message}");
    assert!(message.contains("spec/bad.yaml:13:"), "{message}");
}

#[test]
fn schemas_that_are_only_themselves_are_kept_as_json() {
    let text = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      parameters:
        - name: x
          in: query
          schema:
            $ref: '#/components/schemas/Loop'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/List'
components:
  schemas:
    Loop:
      allOf:
        - oneOf:
            - $ref: '#/components/schemas/Loop'
            - type: 'null'
        - nullable: true
    List:
      type: array
      items:
        $ref: '#/components/schemas/List'
";
    let output = generate("spec/loop.yaml", text, &Options::new(Layout::Modules))
        .unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    for name in ["Loop", "List"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("schema `{name}` is only itself"))),
            "{warnings:?}"
        );
        assert!(
            output.files["types.rs"].contains(&format!("pub type {name} = codegen::Value;")),
            "{}",
            output.files["types.rs"]
        );
    }
}

/// A response that refers to a schema in another file is reported with the reference as its
/// author wrote it, the file and line that hold it, and the kind of object expected, never with
/// the name the bundler gave the schema.
#[test]
fn a_reference_to_the_wrong_kind_names_what_was_written_and_where() {
    let root = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    $ref: 'paths/a.yaml'
components:
  schemas:
    Error: {type: string}
";
    let read_file = |path: &str| match path {
        "paths/a.yaml" => Ok("get:
  operationId: getA
  responses:
    '404':
      $ref: '../shared.yaml#/components/schemas/Error'
"
        .to_owned()),
        "shared.yaml" => Ok("components:\n  schemas:\n    Error: {type: object}\n".to_owned()),
        other => Err(format!("no file {other}")),
    };
    let diagnostics = refused_with_files(root, &read_file);
    assert!(!diagnostics.contains("Error2"), "{diagnostics}");
    insta::assert_snapshot!(diagnostics);
}

/// The same in one file: the diagnostic says what the reference points to and what was
/// expected there.
#[test]
fn a_local_reference_to_the_wrong_kind_says_what_was_expected() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      responses:
        '200':
          $ref: '#/components/schemas/A'
components:
  schemas:
    A: {type: string}
"
    ));
}

/// A pointer to any place that holds nothing, or that holds the reference itself, is refused
/// at the reference.
#[test]
fn deep_references_that_lead_nowhere_are_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      parameters:
        - $ref: '#/paths/~1a/get/parameters/5'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A/properties/missing'
components:
  schemas:
    A: {type: object}
"
    ));
}

#[test]
fn an_api_key_scheme_without_a_name_is_reported_not_sent_under_an_empty_name() {
    let output = generate(
        "spec/bad.yaml",
        "openapi: 3.0.3
info:
  title: T
  version: '1'
security:
  - key: []
paths:
  /a:
    get:
      operationId: getA
      responses:
        '204':
          description: ok
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
",
        &Options::new(Layout::Modules),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    let all: String = output.files.values().map(String::as_str).collect();
    assert!(all.contains("pub enum SecurityScheme {}"), "{all}");
    assert!(!all.contains("AuthScheme::Header"), "{all}");
}

#[test]
fn a_requirement_naming_an_undefined_or_unusable_scheme_is_located_and_left_out() {
    let output = generate(
        "spec/bad.yaml",
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a:
    get:
      operationId: getA
      security:
        - missing: []
        - body: []
        - token: []
      responses:
        '204':
          description: ok
components:
  securitySchemes:
    token:
      type: http
      scheme: bearer
    body:
      type: apiKey
      in: body
      name: key
",
        &Options::new(Layout::Modules),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    let all: String = output.files.values().map(String::as_str).collect();
    assert!(
        all.contains("request.security(&[&[crate::generated::SecurityScheme::Token]]);"),
        "only the requirement the client can meet is kept: {all}"
    );
}

const UNHINTED: &str = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - name: mark
          in: query
          schema: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [things]
                properties:
                  things:
                    type: array
                    items: {type: string}
                  following_mark: {type: string}
";

#[test]
fn a_settings_file_names_how_an_operation_pages() {
    let unhinted = generate("spec/things.yaml", UNHINTED, &Options::new(Layout::Modules))
        .unwrap_or_else(|d| panic!("{d}"));
    let all: String = unhinted.files.values().map(String::as_str).collect();
    assert!(
        !all.contains("pub fn stream"),
        "no rule matches these names"
    );

    let settings = "pagination:
  listThings:
    type: cursor
    inputs:
      - {name: mark, in: parameters, type: cursor}
    outputs:
      results: $.things
      nextCursor: $.following_mark
";
    let hinted = generate(
        "spec/things.yaml",
        UNHINTED,
        &Options::new(Layout::Modules).settings_file("paging.yaml", settings),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let all: String = hinted.files.values().map(String::as_str).collect();
    assert!(all.contains("pub fn stream"), "{all}");
    assert!(all.contains("page.mark = cursor;"), "{all}");
    assert!(all.contains("let next = response.following_mark;"), "{all}");

    let wrong = "pagination:\n  listThings:\n    inputs: {name: mark}\n";
    let refused = generate(
        "spec/things.yaml",
        UNHINTED,
        &Options::new(Layout::Modules).settings_file("paging.yaml", wrong),
    )
    .expect_err("a malformed hint in a settings file is the user's to fix");
    insta::assert_snapshot!(refused.to_string());
}

#[test]
fn a_mistake_after_a_repaired_one_is_the_one_reported() {
    // `required: true` is repaired; the unreadable `maxLength` after it is what to fix.
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string, required: true}
        tag: {type: string, maxLength: twenty}
"
    ));
}

#[test]
fn an_unknown_type_preset_is_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
x-rust-client:
  type-presets: [uuid, joda]
paths: {}
"
    ));
}

#[test]
fn type_table_entries_that_cannot_be_used_are_located() {
    insta::assert_snapshot!(diagnostics(
        "openapi: 3.0.3
info:
  title: T
  version: '1'
x-rust-client:
  types:
    - type: string
      format: date-time
      rust: 'chrono::DateTime<'
    - type: object
      rust: serde_json::Map
    - type: string
      format: uuid
      rust: uuid::Uuid
      encoding: hex
    - type: string
      format: ipv4
      rust: std::net::Ipv4Addr
      dependency: \"a\\nb\"
paths: {}
"
    ));
}

#[test]
fn a_crate_name_cargo_refuses_is_a_located_warning_and_the_title_names_the_crate() {
    let spec = "openapi: 3.0.3
info:
  title: Type
  version: '1'
x-rust-client:
  crate-name: my api
paths:
  /a:
    get:
      operationId: getA
      responses:
        '204':
          description: ok
";
    let output = generate("spec/bad.yaml", spec, &Options::new(Layout::Crate))
        .unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`my api` cannot name a cargo package")
                && w.contains("spec/bad.yaml:6:")),
        "{warnings:?}"
    );
    // The title `Type` is a keyword as a crate name, so the crate is `type-client`.
    assert!(
        output.files["Cargo.toml"].contains("name = \"type-client\""),
        "{}",
        output.files["Cargo.toml"]
    );
    assert!(output.files["README.md"].contains("use type_client::{Client, Error};"));
}
