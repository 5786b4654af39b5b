//! `spec/clerk-backend-api.yaml` describes exactly the endpoints of the listing in
//! `../shared/seed/`: methods, paths, operationIds, groups, parameters, bodies and statuses.
//! Skipped, with a printed reason, where the listing is not present.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

#[derive(Debug, Default)]
struct Endpoint {
    group: String,
    method: String,
    path: String,
    operation_id: String,
    /// (name, location, required, type)
    params: Vec<(String, String, bool, String)>,
    body: Option<ListedBody>,
    statuses: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct ListedBody {
    required: bool,
    content_type: String,
    /// (name, type, required)
    properties: Vec<(String, String, bool)>,
    /// "…N more" properties the listing leaves out.
    more: usize,
}

fn parse_listing(text: &str) -> Vec<Endpoint> {
    let is_line = |l: &str| {
        let mut words = l.split(' ');
        matches!(
            words.next(),
            Some("GET" | "POST" | "PUT" | "PATCH" | "DELETE")
        ) && words.next().is_some_and(|p| p.starts_with('/'))
            && words.next().is_none()
    };
    let mut endpoints = Vec::new();
    let mut group = String::new();
    let mut current: Option<Endpoint> = None;
    let mut section = "";
    for line in text.lines().map(str::trim) {
        if current.is_none() {
            if let Some(name) = line.strip_suffix(" endpoints") {
                group = name.rsplit_once(' ').map_or(name, |(g, _)| g).to_owned();
            } else if is_line(line) {
                let (method, path) = line.split_once(' ').expect("method and path");
                current = Some(Endpoint {
                    group: group.clone(),
                    method: method.into(),
                    path: path.into(),
                    ..Endpoint::default()
                });
                section = "description";
            }
            continue;
        }
        let endpoint = current.as_mut().expect("an endpoint");
        if is_line(line) && line == format!("{} {}", endpoint.method, endpoint.path) {
            endpoints.push(current.take().expect("an endpoint"));
            continue;
        }
        match line {
            "Parameters" => section = "parameters",
            "Request Body" => {
                section = "body";
                endpoint.body = Some(ListedBody::default());
            }
            "Responses" => section = "responses",
            _ if line.starts_with("operationId: ") => {
                endpoint.operation_id = line["operationId: ".len()..].to_owned()
            }
            _ => {
                let words: Vec<&str> = line.split(' ').collect();
                match section {
                    "parameters"
                        if words.len() == 4 && matches!(words[2], "required" | "optional") =>
                    {
                        endpoint.params.push((
                            words[0].into(),
                            words[1].into(),
                            words[2] == "required",
                            words[3].into(),
                        ));
                    }
                    "body" => {
                        let body = endpoint.body.as_mut().expect("a body");
                        if line == "required" {
                            body.required = true;
                        } else if words.len() == 1 && line.contains('/') {
                            body.content_type = line.into();
                        } else if let Some(rest) = line.strip_prefix('…') {
                            body.more = rest
                                .split(' ')
                                .next()
                                .and_then(|n| n.parse().ok())
                                .expect("a count");
                        } else if words.len() == 3
                            && matches!(words[2], "required" | "optional")
                            && words[0] != "Property"
                        {
                            body.properties.push((
                                words[0].into(),
                                words[1].into(),
                                words[2] == "required",
                            ));
                        }
                    }
                    "responses" if line.len() == 3 && line.chars().all(|c| c.is_ascii_digit()) => {
                        endpoint.statuses.insert(line.into());
                    }
                    _ => {}
                }
            }
        }
    }
    endpoints
}

/// Follows a local `$ref` in the spec.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    while let Some(reference) = current.get("$ref").and_then(Value::as_str) {
        let mut target = spec;
        for token in reference.trim_start_matches("#/").split('/') {
            target = target
                .get(token.replace("~1", "/").replace("~0", "~"))
                .unwrap_or_else(|| panic!("unresolvable {reference}"));
        }
        current = target;
    }
    current
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn type_matches(listed: &str, spec_type: &str) -> bool {
    match listed {
        // The listing calls limit and offset "number"; the spec makes them integers.
        "number" => matches!(spec_type, "number" | "integer"),
        other => other == spec_type,
    }
}

#[test]
fn spec_describes_exactly_the_listed_endpoints() {
    let listing_path = workspace().join("../shared/seed/clerk-backend-api-listing.txt");
    let Ok(listing) = fs::read_to_string(&listing_path) else {
        println!("skipped: {} is not present", listing_path.display());
        return;
    };
    let endpoints = parse_listing(&listing);
    assert_eq!(endpoints.len(), 50, "the listing has 50 endpoints");

    let spec: Value = serde_yaml::from_str(
        &fs::read_to_string(workspace().join("spec/clerk-backend-api.yaml")).expect("the spec"),
    )
    .expect("valid YAML");
    let paths = spec["paths"].as_mapping().expect("paths");
    let mut spec_operations = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_mapping().expect("a path item") {
            let method = method.as_str().expect("a key");
            // An operation beyond the listing says why it is there.
            if let Some(reason) = op.get("x-beyond-listing") {
                let reason = reason.as_str().unwrap_or_default();
                assert!(
                    reason.len() > 20,
                    "{method} {path:?}: x-beyond-listing needs a reason"
                );
                continue;
            }
            if method != "parameters" {
                spec_operations.insert((
                    method.to_ascii_uppercase(),
                    path.as_str().expect("a path").to_owned(),
                    op["operationId"].as_str().expect("an id").to_owned(),
                ));
            }
        }
    }
    let listed: BTreeSet<_> = endpoints
        .iter()
        .map(|e| (e.method.clone(), e.path.clone(), e.operation_id.clone()))
        .collect();
    assert_eq!(spec_operations, listed, "methods, paths and operationIds");

    for endpoint in &endpoints {
        let context = format!(
            "{} {} ({})",
            endpoint.method, endpoint.path, endpoint.operation_id
        );
        let item = &spec["paths"][endpoint.path.as_str()];
        let op = &item[endpoint.method.to_ascii_lowercase().as_str()];

        let tags: Vec<&str> = op["tags"]
            .as_sequence()
            .expect("tags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(tags.len(), 1, "{context}: one tag");
        assert_eq!(
            normalize(tags[0]),
            normalize(&endpoint.group),
            "{context}: tag"
        );
        let method = op["x-rust-method"].as_str().unwrap_or_default();
        assert!(
            method
                .split_once('.')
                .is_some_and(|(g, m)| !g.is_empty() && !m.is_empty()),
            "{context}: x-rust-method"
        );

        let mut params = Vec::new();
        for list in [&item["parameters"], &op["parameters"]] {
            for param in list.as_sequence().into_iter().flatten() {
                let param = resolve(&spec, param);
                let schema = resolve(&spec, &param["schema"]);
                params.push((
                    param["name"].as_str().expect("a name").to_owned(),
                    param["in"].as_str().expect("a location").to_owned(),
                    param["required"].as_bool().unwrap_or(false),
                    schema["type"].as_str().expect("a type").to_owned(),
                ));
            }
        }
        assert_eq!(
            params.len(),
            endpoint.params.len(),
            "{context}: parameter count"
        );
        for (name, location, required, listed_type) in &endpoint.params {
            let found = params.iter().find(|p| &p.0 == name && &p.1 == location);
            let (_, _, spec_required, spec_type) =
                found.unwrap_or_else(|| panic!("{context}: parameter {name} in {location}"));
            assert_eq!(spec_required, required, "{context}: {name} required");
            assert!(
                type_matches(listed_type, spec_type),
                "{context}: {name} is {spec_type}, listed {listed_type}"
            );
        }

        match (&endpoint.body, op.get("requestBody")) {
            (None, None) => {}
            (Some(listed), Some(body)) => {
                let body = resolve(&spec, body);
                assert_eq!(
                    body["required"].as_bool().unwrap_or(false),
                    listed.required,
                    "{context}: body required"
                );
                let content = body["content"].as_mapping().expect("content");
                assert_eq!(content.len(), 1, "{context}: one content type");
                let (content_type, media) = content.iter().next().expect("a content type");
                assert_eq!(
                    content_type.as_str(),
                    Some(listed.content_type.as_str()),
                    "{context}: content type"
                );
                let schema = resolve(&spec, &media["schema"]);
                let properties = schema["properties"].as_mapping().expect("properties");
                let required: Vec<&str> = schema["required"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut nested_in: Option<&Value> = None;
                let mut matched = 0;
                for (name, listed_type, listed_required) in &listed.properties {
                    let (property, is_required) = match properties.get(name.as_str()) {
                        Some(property) => {
                            matched += 1;
                            nested_in =
                                (property["type"].as_str() == Some("object")).then_some(property);
                            (property, required.contains(&name.as_str()))
                        }
                        // The listing flattens nested objects: their properties follow the object.
                        None => {
                            let parent = nested_in
                                .unwrap_or_else(|| panic!("{context}: body property {name}"));
                            let property = parent["properties"]
                                .get(name.as_str())
                                .unwrap_or_else(|| panic!("{context}: nested {name}"));
                            let nested_required = parent["required"]
                                .as_sequence()
                                .into_iter()
                                .flatten()
                                .any(|r| r.as_str() == Some(name));
                            (property, nested_required)
                        }
                    };
                    assert_eq!(is_required, *listed_required, "{context}: {name} required");
                    assert_eq!(
                        property["type"].as_str(),
                        Some(listed_type.as_str()),
                        "{context}: {name} type"
                    );
                }
                assert_eq!(
                    properties.len(),
                    matched + listed.more,
                    "{context}: body property count"
                );
                for (name, _) in properties {
                    let name = name.as_str().expect("a name");
                    if !listed.properties.iter().any(|p| p.0 == name) {
                        assert!(
                            !required.contains(&name),
                            "{context}: unlisted {name} must be optional"
                        );
                    }
                }
            }
            (listed, spec_body) => {
                panic!("{context}: listed body {listed:?}, spec body {spec_body:?}")
            }
        }

        let statuses: BTreeSet<String> = op["responses"]
            .as_mapping()
            .expect("responses")
            .keys()
            .map(|k| k.as_str().expect("a status").to_owned())
            .collect();
        assert_eq!(statuses, endpoint.statuses, "{context}: statuses");
    }
}

#[test]
fn every_response_is_typed() {
    let spec: Value = serde_yaml::from_str(
        &fs::read_to_string(workspace().join("spec/clerk-backend-api.yaml")).expect("the spec"),
    )
    .expect("valid YAML");
    // Where the API's own document declares no members either, there are none to promise.
    let reference: Option<Value> =
        fs::read_to_string(workspace().join("../shared/reference/clerk-bapi-2021-02-05.yml"))
            .ok()
            .map(|text| serde_yaml::from_str(&text).expect("valid YAML"));
    let free_form_there = |path: &Value, method: &Value, status: &Value| {
        reference.as_ref().is_some_and(|doc| {
            let response = resolve(doc, &doc["paths"][path][method]["responses"][status]);
            let schema = resolve(doc, &response["content"]["application/json"]["schema"]);
            schema.get("properties").is_none() && schema.get("allOf").is_none()
        })
    };
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, op) in item.as_mapping().expect("an item") {
            if method.as_str() == Some("parameters") {
                continue;
            }
            for (status, response) in op["responses"].as_mapping().expect("responses") {
                let context = format!("{method:?} {path:?} {status:?}");
                let response = resolve(&spec, response);
                let content = &response["content"];
                if content.get("application/json").is_none() {
                    // No body (`202 Accepted`), or a page rather than an API object: HTML as a
                    // string, whose operation's errors have no body either.
                    let html = content.get("text/html");
                    assert!(
                        html.is_none_or(|media| media["schema"]["type"].as_str() == Some("string")),
                        "{context}: HTML is a string"
                    );
                    assert!(
                        html.is_some() || content.is_null(),
                        "{context}: JSON, HTML or no body"
                    );
                    let json_elsewhere = op["responses"]
                        .as_mapping()
                        .expect("responses")
                        .values()
                        .any(|r| {
                            resolve(&spec, r)["content"]
                                .get("application/json")
                                .is_some()
                        });
                    let success = status.as_str().is_some_and(|s| s.starts_with('2'));
                    assert!(
                        success || !json_elsewhere,
                        "{context}: an error of a JSON operation has Clerk's error body"
                    );
                    continue;
                }
                let schema = resolve(&spec, &content["application/json"]["schema"]);
                assert!(schema.is_mapping(), "{context}: a JSON schema");
                let is_error = !status.as_str().expect("a status").starts_with('2');
                if is_error {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"].as_str(),
                        Some("#/components/schemas/ClerkErrors"),
                        "{context}: errors use the shared schema"
                    );
                }
                let shape = match schema["type"].as_str() {
                    Some("array") => resolve(&spec, &schema["items"]),
                    _ => schema,
                };
                let declared = |schema: &Value| {
                    schema.get("properties").is_some() || schema.get("allOf").is_some()
                };
                // A union is typed when each of its members is.
                let members = shape.get("anyOf").or_else(|| shape.get("oneOf"));
                let typed = declared(shape)
                    || members.and_then(Value::as_sequence).is_some_and(|members| {
                        members
                            .iter()
                            .all(|member| declared(resolve(&spec, member)))
                    });
                assert!(
                    typed || free_form_there(path, method, status),
                    "{context}: an object with declared properties, not a free-form object"
                );
            }
        }
    }
}

/// The (name, location, required) of an operation's parameters, path-level ones included.
fn parameters(doc: &Value, item: &Value, op: &Value) -> BTreeSet<(String, String, bool)> {
    let mut out = BTreeSet::new();
    for list in [&item["parameters"], &op["parameters"]] {
        for param in list.as_sequence().into_iter().flatten() {
            let param = resolve(doc, param);
            out.insert((
                param["name"].as_str().expect("a name").to_owned(),
                param["in"].as_str().expect("a location").to_owned(),
                param["required"].as_bool().unwrap_or(false),
            ));
        }
    }
    out
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(key, _)| key.as_str().map(str::to_owned))
        .collect()
}

/// Beyond the listing, spec/ holds every operation of the API's current document of the same
/// version, and nothing else: same operationId, group, parameters, body media types, statuses
/// and deprecation. Skipped, with a printed reason, where the document is not present.
#[test]
fn spec_describes_every_operation_of_the_current_reference() {
    let reference_path = workspace().join("../shared/reference/clerk-bapi-2021-02-05.yml");
    let Ok(reference) = fs::read_to_string(&reference_path) else {
        println!("skipped: {} is not present", reference_path.display());
        return;
    };
    let reference: Value = serde_yaml::from_str(&reference).expect("valid YAML");
    let spec: Value = serde_yaml::from_str(
        &fs::read_to_string(workspace().join("spec/clerk-backend-api.yaml")).expect("the spec"),
    )
    .expect("valid YAML");
    let groups: BTreeMap<String, String> = spec["tags"]
        .as_sequence()
        .expect("tags")
        .iter()
        .map(|tag| {
            (
                tag["name"].as_str().expect("a tag name").to_owned(),
                tag["x-rust-name"].as_str().expect("x-rust-name").to_owned(),
            )
        })
        .collect();
    let operations = |doc: &Value| -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_mapping().expect("paths") {
            for method in keys(item) {
                if method != "parameters" {
                    out.insert((method, path.as_str().expect("a path").to_owned()));
                }
            }
        }
        out
    };
    let ours = operations(&spec);
    let theirs = operations(&reference);
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "spec/ lacks {missing:?} and has {extra:?} beyond the reference"
    );
    assert_eq!(ours.len(), 212);

    for (method, path) in &ours {
        let context = format!("{method} {path}");
        let (item, ref_item) = (
            &spec["paths"][path.as_str()],
            &reference["paths"][path.as_str()],
        );
        let (op, ref_op) = (&item[method.as_str()], &ref_item[method.as_str()]);
        let tag = op["tags"][0].as_str().expect("a tag");
        let rust_method = op["x-rust-method"].as_str().expect("x-rust-method");
        assert_eq!(
            rust_method.split_once('.').map(|(group, _)| group),
            groups.get(tag).map(String::as_str),
            "{context}: the method's group is its tag's x-rust-name"
        );
        assert_eq!(
            normalize(tag),
            normalize(ref_op["tags"][0].as_str().expect("a tag")),
            "{context}: tag"
        );
        if op.get("x-beyond-listing").is_none() {
            continue; // The listing decides these; spec_describes_exactly_the_listed_endpoints checks them.
        }
        assert_eq!(
            op["operationId"], ref_op["operationId"],
            "{context}: operationId"
        );
        assert_eq!(
            op["deprecated"].as_bool().unwrap_or(false),
            ref_op["deprecated"].as_bool().unwrap_or(false),
            "{context}: deprecated"
        );
        assert_eq!(
            parameters(&spec, item, op),
            parameters(&reference, ref_item, ref_op),
            "{context}: parameters"
        );
        let body = |doc: &Value, op: &Value| {
            op.get("requestBody")
                .map(|body| keys(&resolve(doc, body)["content"]))
        };
        assert_eq!(
            body(&spec, op),
            body(&reference, ref_op),
            "{context}: body media types"
        );
        assert_eq!(
            keys(&op["responses"]),
            keys(&ref_op["responses"]),
            "{context}: statuses"
        );
        // Short titles ("Delete a machine") are the only way to say it; sentences are prose.
        for text in [&op["summary"], &op["description"]] {
            if let Some(text) = text.as_str().filter(|text| text.split(' ').count() > 6) {
                let copied = [&ref_op["summary"], &ref_op["description"]]
                    .iter()
                    .any(|theirs| theirs.as_str() == Some(text));
                assert!(
                    !copied,
                    "{context}: `{text}` is the reference's prose, not ours"
                );
            }
        }
    }
}
