//! Robustness: arbitrary and mutated documents never make the generator panic.
//!
//! A deterministic fuzzer (seeded, so failures reproduce) feeds the generator three kinds of
//! input: line- and byte-level mutations of every fixture and of `spec/`, random documents built
//! from random schemas (nesting, composition, references, odd names), and random bytes. Each
//! run prints how many inputs were generated from and how many were refused. Set
//! `FUZZ_ITERATIONS` for a longer run.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openapi_rust_generator::{Layout, Options, generate_with_files};
use serde_json::{Map, Value, json};

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TRICKY: &[&str] = &[
    "",
    "null",
    "~",
    "true",
    "[]",
    "{}",
    "-1",
    "1e400",
    "$ref",
    "'#/components/schemas/Missing'",
    "#",
    "type",
    "object",
    "array",
    "allOf",
    "oneOf",
    "\"\\u0000\"",
    "999999999999999999999",
    "é",
    "'{x}'",
    "'/a/{b}'",
    "[string, 'null']",
    "{$ref: '#/components/schemas/A'}",
    "{$ref: '#/components/schemas/A/properties/a'}",
    "{$ref: '#/components/schemas/A/allOf/0/items'}",
    "{$ref: '#/paths/~1a~1%7Bb%7D/get/parameters/0'}",
    "{$ref: '#/components/mediaTypes/M'}",
    "{$ref: '#/definitions/A'}",
    "'#/paths/~1pets/post/requestBody/content/application~1json/schema'",
    "'#/%zz/~2'",
    "{type: file}",
    "'100'",
    "'#/components/schemas/A'",
    "other.yaml",
    "-",
    ": :",
    "&anchor",
    "*anchor",
    "!!binary",
    "'''",
    "|",
    ">",
];

fn mutate(text: &str, rng: &mut Rng, donors: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    for _ in 0..=rng.below(3) {
        let at = rng.below(lines.len());
        match rng.below(9) {
            0 => {
                lines.remove(at);
                if lines.is_empty() {
                    lines.push(String::new());
                }
            }
            1 => lines.insert(at, lines[at].clone()),
            2 => {
                let other = rng.below(lines.len());
                lines.swap(at, other);
            }
            3 => lines[at] = format!("  {}", lines[at]),
            4 => lines[at] = lines[at].trim_start().to_owned(),
            5 => {
                let words: Vec<&str> = lines[at].split(' ').collect();
                let which = rng.below(words.len());
                let mut words: Vec<String> = words.into_iter().map(str::to_owned).collect();
                words[which] = (*rng.pick(TRICKY)).to_owned();
                lines[at] = words.join(" ");
            }
            6 => {
                let donor = rng.pick(donors);
                let donor_lines: Vec<&str> = donor.lines().collect();
                if !donor_lines.is_empty() {
                    lines.insert(at, donor_lines[rng.below(donor_lines.len())].to_owned());
                }
            }
            7 => {
                let mut bytes = lines[at].clone().into_bytes();
                if !bytes.is_empty() {
                    let i = rng.below(bytes.len());
                    bytes[i] = b" :-[]{}#'\"x1"[rng.below(12)];
                }
                lines[at] = String::from_utf8_lossy(&bytes).into_owned();
            }
            _ => lines.truncate(at.max(1)),
        }
    }
    lines.join("\n")
}

fn random_name(rng: &mut Rng) -> String {
    let names = [
        "id",
        "type",
        "self",
        "Name",
        "name",
        "$ref",
        "+1",
        "x5t#S256",
        "date start (CET)",
        "gen",
        "A",
        "a-b",
        "",
        "2fa",
    ];
    (*rng.pick(&names)).to_owned()
}

fn random_schema(rng: &mut Rng, depth: usize, components: &[String]) -> Value {
    let choice = if depth > 3 {
        rng.below(6)
    } else {
        rng.below(23)
    };
    let mut schema = match choice {
        0 => {
            json!({"type": "string", "format": *rng.pick(&["text", "date-time", "date", "uuid", "time", "binary"])})
        }
        1 => {
            json!({"type": "integer", "format": *rng.pick(&["int32", "int64", "uint8", "uint64", "weird"])})
        }
        2 => json!({"type": "number"}),
        3 => json!({"type": "boolean"}),
        4 => json!({"type": "string", "enum": ["a", "b", "", "a", "A"]}),
        5 if !components.is_empty() => {
            json!({"$ref": format!("#/components/schemas/{}", rng.pick(components))})
        }
        5 => json!({"$ref": "#/components/schemas/Missing"}),
        6 => json!({"type": "array", "items": random_schema(rng, depth + 1, components)}),
        7 => {
            let mut properties = Map::new();
            for _ in 0..rng.below(4) {
                properties.insert(random_name(rng), random_schema(rng, depth + 1, components));
            }
            let required: Vec<Value> = properties
                .keys()
                .take(rng.below(3))
                .map(|k| Value::from(k.clone()))
                .collect();
            json!({"type": "object", "properties": properties, "required": required})
        }
        8 => {
            json!({"allOf": [random_schema(rng, depth + 1, components), random_schema(rng, depth + 1, components)]})
        }
        9 => {
            json!({"oneOf": [random_schema(rng, depth + 1, components), random_schema(rng, depth + 1, components)],
                    "discriminator": {"propertyName": "type"}})
        }
        10 => json!({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        11 => {
            json!({"type": "object", "additionalProperties": random_schema(rng, depth + 1, components)})
        }
        12 => json!({"type": ["string", "null"], "const": "x"}),
        13 => json!({"type": "integer", "enum": [1, 2, -3]}),
        14 => json!({"oneOf": [random_schema(rng, depth + 1, components), {"type": "null"}]}),
        15 => {
            json!({"type": "object", "patternProperties": {"^x-": random_schema(rng, depth + 1, components), "^y": {"type": "string"}}})
        }
        16 => {
            json!({"type": "integer", "maximum": 18_446_744_073_709_552_000.0_f64, "minimum": -1e300, "example": {"$ref": "https://example.com/x"}})
        }
        17 => {
            json!({"allOf": [random_schema(rng, depth + 1, components), {"nullable": true}, {"description": "d"}]})
        }
        // References to any place: inside a component, percent-encoded, into `paths`.
        18 if !components.is_empty() => {
            let inside = rng.pick(&[
                "properties/p",
                "allOf/0",
                "items",
                "oneOf/1/properties/x",
                "",
            ]);
            json!({"$ref": format!("#/components/schemas/{}/{inside}", rng.pick(components))})
        }
        19 => {
            let target = rng.pick(&[
                "#/paths/~1a/get/responses/200/content/application~1json/schema",
                "#/paths/~1a/get/responses/200/content/application%2Fjson/schema/items",
                "#/paths/~1a%7Bx%7D",
                "#/definitions/D",
                "#/components/mediaTypes/M/schema",
            ]);
            json!({"$ref": target})
        }
        // Mistakes real documents make.
        20 => json!({"type": "file"}),
        21 => json!({"type": "string", "maxLength": "12", "nullable": "true"}),
        _ => {
            json!({"oneOf": [{"type": "object", "properties": {"k": {"type": "string"}}}], "discriminator": "k"})
        }
    };
    if rng.below(4) == 0 {
        schema["nullable"] = Value::Bool(true);
    }
    if rng.below(6) == 0 {
        schema["readOnly"] = Value::Bool(true);
    }
    schema
}

fn random_document(rng: &mut Rng) -> String {
    let component_names: Vec<String> = (0..rng.below(5))
        .map(|i| format!("{}{i}", random_name(rng)))
        .collect();
    let mut schemas = Map::new();
    for name in &component_names {
        schemas.insert(name.clone(), random_schema(rng, 0, &component_names));
    }
    let mut paths = Map::new();
    for i in 0..=rng.below(3) {
        let path = *rng.pick(&["/a", "/a/{id}", "/{x}/{y}", "/", "/b/{id}/c"]);
        let mut parameters = Vec::new();
        for name in ["id", "x", "y"] {
            if path.contains(&format!("{{{name}}}")) && rng.below(5) != 0 {
                parameters.push(json!({"name": name, "in": "path", "required": true, "schema": random_schema(rng, 2, &component_names)}));
            }
        }
        for _ in 0..rng.below(3) {
            let location = *rng.pick(&["query", "header", "cookie", "body"]);
            parameters.push(json!({"name": random_name(rng), "in": location, "schema": random_schema(rng, 1, &component_names)}));
        }
        let styles = [
            "simple",
            "label",
            "matrix",
            "form",
            "spaceDelimited",
            "pipeDelimited",
            "deepObject",
            "weird",
        ];
        for parameter in &mut parameters {
            if rng.below(3) == 0 {
                parameter["style"] = Value::from(*rng.pick(&styles));
            }
            if rng.below(3) == 0 {
                parameter["explode"] = Value::Bool(rng.below(2) == 0);
            }
            if rng.below(8) == 0 {
                // `content` instead of `schema`.
                let schema = parameter["schema"].take();
                parameter["content"] =
                    json!({*rng.pick(&["application/json", "text/plain"]): {"schema": schema}});
            }
        }
        let content_type = *rng.pick(&[
            "application/json",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "text/plain",
            "image/png",
        ]);
        let mut operation = json!({
            "parameters": parameters,
            "responses": {
                *rng.pick(&["200", "201", "204", "default", "2XX"]): {"description": "ok", "content": {"application/json": {"schema": random_schema(rng, 0, &component_names)}}},
                *rng.pick(&["202", "404", "500"]): {"description": "other"}
            }
        });
        if rng.below(3) != 0 {
            operation["operationId"] = Value::from(format!("op{}", rng.below(3)));
        }
        if rng.below(2) == 0 {
            operation["requestBody"] = json!({"required": rng.below(2) == 0, "content": {content_type: {"schema": random_schema(rng, 0, &component_names)}}});
        }
        if rng.below(3) == 0 {
            operation["x-rust-method"] =
                Value::from(*rng.pick(&["a.b", "a.", ".b", "a.b.c", "type.self"]));
        }
        // Security per operation: alternatives, schemes together, none, and undefined ones.
        if rng.below(3) == 0 {
            operation["security"] = match rng.below(4) {
                0 => json!([]),
                1 => json!([{"key": []}, {"oauth": ["read"]}]),
                2 => json!([{"key": [], "basic": []}]),
                _ => json!([{"undefined": []}, {}]),
            };
        }
        // Pagination hints, readable or not, and a `Link` header.
        if rng.below(4) == 0 {
            operation[*rng.pick(&["x-speakeasy-pagination", "x-pagination"])] = match rng.below(4) {
                0 => {
                    json!({"type": "cursor", "inputs": [{"name": "cursor", "in": "parameters", "type": "cursor"}],
                            "outputs": {"nextCursor": "$.next", "results": "$.data"}})
                }
                1 => {
                    json!({"type": "offsetLimit", "inputs": [{"name": "page", "in": "parameters", "type": "page"}],
                            "outputs": {"numPages": "$['meta'].x", "results": "$"}})
                }
                2 => json!({"type": "url", "outputs": {"nextUrl": "links.next"}}),
                _ => json!(*rng.pick(&["cursor", "", "null"])),
            };
        }
        if rng.below(6) == 0 {
            operation["responses"]["200"]["headers"] =
                json!({"Link": {"schema": random_schema(rng, 3, &component_names)}});
        }
        let method = *rng.pick(&["get", "post", "put", "patch", "delete"]);
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        entry[method] = operation;
        if i > 5 {
            break;
        }
    }
    let mut document = json!({
        "openapi": *rng.pick(&["3.0.3", "3.1.0", "3.0.0", "2.0", ""]),
        "info": {"title": random_name(rng), "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    });
    if rng.below(2) == 0 {
        document["components"]["securitySchemes"] = json!({
            "key": {"type": "apiKey", "in": *rng.pick(&["header", "query", "cookie", "body"]), "name": "X-Key"},
            "basic": {"type": "http", "scheme": *rng.pick(&["basic", "bearer", "digest"])},
            "oauth": {"type": "oauth2", "flows": {*rng.pick(&["clientCredentials", "implicit", "password"]):
                {"tokenUrl": *rng.pick(&["/token", "https://auth.example.com/token", ""]), "scopes": {"read": "r"}}}},
        });
        document["security"] = json!([{*rng.pick(&["key", "basic", "oauth", "missing"]): []}]);
    }
    if rng.below(4) == 0 {
        document["x-rust-client"] = json!({
            "type-presets": *rng.pick(&[json!(["chrono", "uuid"]), json!(["joda"]), json!("chrono"), json!([1])]),
            "pagination": {"op0": {"type": "cursor", "outputs": {"nextCursor": "$.next"}}},
        });
    }
    // Places that deep references reach: Swagger 2.0 definitions and 3.2 media types.
    if rng.below(2) == 0 {
        document["definitions"] = json!({"D": random_schema(rng, 2, &component_names)});
        document["components"]["mediaTypes"] =
            json!({"M": {"schema": random_schema(rng, 2, &component_names)}});
    }
    if rng.below(3) == 0 {
        serde_json::to_string_pretty(&document).unwrap_or_default()
    } else {
        serde_yaml::to_string(&document).unwrap_or_default()
    }
}

fn random_bytes(rng: &mut Rng) -> String {
    let length = rng.below(200);
    let alphabet: &[u8] = b"openapi: 3.0.3\n paths{}[]-:#'\"$ref\t";
    let bytes: Vec<u8> = (0..length)
        .map(|_| alphabet[rng.below(alphabet.len())])
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn no_input_makes_the_generator_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<String> = fs::read_dir(root.join("tests/fixtures"))
        .expect("the fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .map(|p| fs::read_to_string(p).expect("a fixture"))
        .collect();
    seeds.push(fs::read_to_string(root.join("../spec/clerk-backend-api.yaml")).expect("the spec"));
    let iterations: usize = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let read_file = |path: &str| -> Result<String, String> {
        match path {
            "other.yaml" => Ok("components:\n  schemas:\n    A: {type: string}\n".into()),
            _ => Err("no such file".into()),
        }
    };
    let mut rng = Rng(0x5EED_2026_1126_0001);
    let (mut generated, mut refused) = (0usize, 0usize);
    // A hang is a failure too: a watchdog reports the input that runs for more than a minute.
    let current: Arc<Mutex<(Instant, usize, String)>> =
        Arc::new(Mutex::new((Instant::now(), 0, String::new())));
    let watched = Arc::clone(&current);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(5));
            let Ok(guard) = watched.lock() else { return };
            let (started, index, input) = &*guard;
            if started.elapsed() > Duration::from_secs(60) {
                let path = std::env::temp_dir().join("fuzz-hang.yaml");
                let _ = fs::write(&path, input);
                eprintln!(
                    "input {index} has run for over a minute; it is in {}:\n{input}",
                    path.display()
                );
                std::process::exit(101);
            }
        }
    });
    for i in 0..iterations {
        let input = match i % 3 {
            0 => {
                // The big spec is mutated less often to keep the run short.
                let seed = if rng.below(10) == 0 {
                    &seeds[seeds.len() - 1]
                } else {
                    &seeds[rng.below(seeds.len() - 1)]
                };
                mutate(seed, &mut rng, &seeds)
            }
            1 => random_document(&mut rng),
            _ => random_bytes(&mut rng),
        };
        if let Ok(mut guard) = current.lock() {
            *guard = (Instant::now(), i, input.clone());
        }
        if std::env::var_os("FUZZ_TRACE").is_some() {
            fs::write(std::env::temp_dir().join("fuzz-last-input.yaml"), &input)
                .expect("write the input");
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            generate_with_files(
                "fuzz.yaml",
                &input,
                &Options::new(Layout::Crate),
                &read_file,
            )
        }));
        match outcome {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(diagnostics)) => {
                assert!(
                    !diagnostics.0.is_empty(),
                    "input {i}: refused without a diagnostic:\n{input}"
                );
                // Every error names its place: a line and column, or a JSON pointer.
                for diagnostic in &diagnostics.0 {
                    assert!(
                        diagnostic.line_col.is_some() || !diagnostic.pointer.is_empty(),
                        "input {i}: an error without a place: {diagnostic}\n{input}"
                    );
                }
                refused += 1;
            }
            Err(_) => panic!("input {i} made the generator panic:\n{input}"),
        }
    }
    println!("fuzz: {iterations} inputs, {generated} generated, {refused} refused, 0 panics");
    assert_eq!(generated + refused, iterations);
    assert!(
        generated > iterations / 20,
        "too few inputs were valid to exercise lowering ({generated})"
    );
}
