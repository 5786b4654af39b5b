//! The API change report, one fixture per rule and in both directions: `api-diff/base.yaml`
//! and a patch from `api-diff/patches/`, whose `expect` and `reverse` lists name the rules the
//! report must hold. Each report is snapshot-tested (`cargo insta review`), and so is the
//! report on the API's own published documents when `../shared/reference/` is present.
//!
//! `api_diff_rustc.rs` holds the class of each report to rustc's verdict.

mod patching;

use std::fs;
use std::path::Path;

use openapi_rust_generator::diff::{Class, Report, Rule, Wire};
use openapi_rust_generator::{Layout, Options, api_diff};
use patching::{Fixture, fixtures};

fn report(old: &str, new: &str) -> Report {
    let no_files = |path: &str| Err(format!("no file {path}"));
    api_diff(
        ("old.yaml", old),
        ("new.yaml", new),
        &Options::new(Layout::Modules),
        &no_files,
    )
    .unwrap_or_else(|d| panic!("{d}"))
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.changes.iter().map(|c| c.rule.as_str()).collect()
}

#[test]
fn every_rule_fixture_reports_its_rules_both_ways() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 15, "{} fixtures", fixtures.len());
    for Fixture {
        name,
        base,
        patched,
        expect,
        reverse,
    } in &fixtures
    {
        let forward = report(base, patched);
        let backward = report(patched, base);
        for rule in expect.iter().chain(reverse) {
            assert!(
                Rule::from_id(rule).is_some(),
                "{name}: `{rule}` is no rule id"
            );
        }
        for rule in expect {
            assert!(
                rules(&forward).contains(&rule.as_str()),
                "{name}: `{rule}` missing from\n{}",
                forward.to_text()
            );
        }
        for rule in reverse {
            assert!(
                rules(&backward).contains(&rule.as_str()),
                "{name} reversed: `{rule}` missing from\n{}",
                backward.to_text()
            );
        }
        insta::assert_snapshot!(
            format!("api_diff_{}", name.replace('-', "_")),
            format!(
                "== forward ==\n{}\n== reverse ==\n{}",
                forward.to_text(),
                backward.to_text()
            )
        );
    }
}

#[test]
fn the_same_document_has_no_changes() {
    let fixtures = fixtures();
    let base = &fixtures[0].base;
    assert_eq!(report(base, base).changes, Vec::new());
}

#[test]
fn a_rename_is_not_a_removal_and_an_addition() {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == "schema-renamed")
        .expect("the fixture");
    let forward = report(&fixture.base, &fixture.patched);
    let found = rules(&forward);
    assert!(found.contains(&"type-renamed"));
    assert!(!found.contains(&"type-removed") && !found.contains(&"type-added"));
}

#[test]
fn markdown_groups_by_operation_group_and_section() {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == "add-required-query-parameter")
        .expect("the fixture");
    let markdown = report(&fixture.base, &fixture.patched).to_markdown();
    assert!(markdown.contains("### `pets`"), "{markdown}");
    assert!(markdown.contains("#### Breaking"), "{markdown}");
    assert!(markdown.contains("breaks JSON clients too"), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_str(&report(&fixture.base, &fixture.patched).to_json()).expect("JSON");
    assert_eq!(json[0]["class"], "breaking");
}

#[test]
fn the_required_version_follows_cargo_rules() {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == "add-optional-query-parameter")
        .expect("the fixture");
    let additive = report(&fixture.base, &fixture.patched);
    let breaking = report(&fixture.patched, &fixture.base);
    assert_eq!(additive.worst(), Some(Class::Additive));
    assert_eq!(breaking.worst(), Some(Class::Breaking));
    assert_eq!(additive.required_version("0.3.1").as_deref(), Some("0.3.2"));
    assert_eq!(breaking.required_version("0.3.1").as_deref(), Some("0.4.0"));
    assert_eq!(additive.required_version("1.3.1").as_deref(), Some("1.4.0"));
    assert_eq!(breaking.required_version("1.3.1").as_deref(), Some("2.0.0"));
}

/// Where oxidecomputer's `drift` classifies a fixture's changes (it leaves some unhandled), our
/// wire impact agrees with it: wire-breaking exactly when drift finds a change that breaks
/// existing clients (backward incompatible, or incompatible both ways).
#[test]
fn wire_impact_agrees_with_drift() {
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for fixture in fixtures() {
        for (direction, old, new) in [
            ("forward", &fixture.base, &fixture.patched),
            ("reverse", &fixture.patched, &fixture.base),
        ] {
            let json = |text: &str| -> serde_json::Value {
                serde_yaml::from_str(text).expect("YAML as JSON")
            };
            let changes = drift::compare(&json(old), &json(new)).expect("drift compares");
            let handled: Vec<&drift::ChangeInfo> = changes
                .iter()
                .flat_map(|c| &c.changes)
                .filter(|c| !matches!(c.class, drift::ChangeClass::Unhandled))
                .collect();
            if handled.is_empty() {
                continue;
            }
            compared += 1;
            let drift_breaks = handled.iter().any(|c| {
                matches!(
                    c.class,
                    drift::ChangeClass::BackwardIncompatible | drift::ChangeClass::Incompatible
                )
            });
            let report = report(old, new);
            let we_break = report.changes.iter().any(|c| c.wire == Wire::Breaking);
            if drift_breaks != we_break {
                disagreements.push(format!(
                    "{} ({direction}): drift {}, we {}\n  drift: {:?}\n{}",
                    fixture.name,
                    if drift_breaks {
                        "breaks"
                    } else {
                        "does not break"
                    },
                    if we_break { "break" } else { "do not break" },
                    handled
                        .iter()
                        .map(|c| (&c.message, &c.class))
                        .collect::<Vec<_>>(),
                    report.to_text()
                ));
            }
        }
    }
    assert!(compared >= 10, "drift classified only {compared} fixtures");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The reports on the two pairs of published documents, as regression snapshots.
#[test]
fn published_document_pairs() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    let pairs = [
        (
            "clerk-bapi-2021-02-05-as-of-2024-10.yml",
            "clerk-bapi-2021-02-05.yml",
            "api_diff_reference_2021_02_05_as_of_2024_10_to_today",
        ),
        (
            "clerk-bapi-2021-02-05.yml",
            "clerk-bapi-2026-05-12.yml",
            "api_diff_reference_2021_02_05_to_2026_05_12",
        ),
    ];
    for (old, new, snapshot) in pairs {
        let (Ok(old_text), Ok(new_text)) = (
            fs::read_to_string(reference.join(old)),
            fs::read_to_string(reference.join(new)),
        ) else {
            println!("skipped: {} is not present", reference.display());
            return;
        };
        let report = report(&old_text, &new_text);
        assert!(report.count(Class::Breaking) > 0, "{old} → {new}");
        insta::assert_snapshot!(snapshot, report.to_text());
    }
}
