//! Copied by `tests/compile.rs` into the crate generated from `fixtures/drift.yaml`, and run
//! there: the shapes the generator emits fill in exactly the members a body lacks, and the
//! corrected body decodes into the generated types.

use fixture_drift::codegen::{CorrectionKind, Shaped, correct};
use fixture_drift::types::{Account, AccountLevel, AccountTier, Contact, Login};

fn corrected(mut body: serde_json::Value) -> (Account, Vec<(String, CorrectionKind, String)>) {
    let corrections = correct("Accounts_get", &mut body, Account::shape());
    let account = serde_json::from_value(body).expect("the corrected body decodes");
    let found = corrections
        .into_iter()
        .map(|c| (c.path, c.kind, c.zero))
        .collect();
    (account, found)
}

#[test]
fn an_empty_object_gets_every_zero_value() {
    let (account, found) = corrected(serde_json::json!({"note": null}));
    let paths: Vec<&str> = found.iter().map(|(path, ..)| path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "id", "balance", "rate", "active", "tags", "limits", "tier", "level", "owner",
            "login", "contact"
        ]
    );
    assert!(found.iter().all(|(_, kind, _)| *kind == CorrectionKind::Missing));
    assert_eq!(account.id, "");
    assert_eq!(account.balance, 0);
    assert_eq!(account.rate, 0.0);
    assert!(!account.active);
    assert!(account.tags.is_empty() && account.limits.is_empty());
    assert_eq!(account.tier, AccountTier::Unknown(String::new()));
    assert_eq!(account.level, AccountLevel::Unknown(0));
    assert_eq!(account.owner.name, "");
    assert_eq!(account.owner.since, 0);
    assert!(matches!(account.login, Login::Unknown(_)), "{:?}", account.login);
    // A union without a tag takes the zero value of its first variant.
    match &account.contact {
        Contact::Owner(owner) => assert_eq!((owner.name.as_str(), owner.since), ("", 0)),
        other => panic!("expected the first variant, got {other:?}"),
    }
    assert_eq!(account.note, None, "nullable members are not corrected");
    assert_eq!(account.parent, None);
}

#[test]
fn nested_unions_lists_and_recursion_are_walked() {
    let body = serde_json::json!({
        "id": "a1", "balance": 5, "rate": 0.5, "active": true, "tags": ["x", null],
        "limits": {"daily": null}, "tier": "pro", "level": 2,
        "owner": {"name": "Ada"}, "note": "n",
        "login": {"kind": "sso"},
        "contact": {"name": null, "since": 3},
        "parent": {"children": [{"id": "c1"}]},
    });
    let (account, found) = corrected(body);
    let paths: Vec<&str> = found.iter().map(|(path, ..)| path.as_str()).collect();
    assert!(paths.contains(&"tags[1]"), "{paths:?}");
    assert!(paths.contains(&"limits.daily"), "{paths:?}");
    assert!(paths.contains(&"owner.since"), "{paths:?}");
    assert!(paths.contains(&"login.provider"), "{paths:?}");
    assert!(paths.contains(&"contact.name"), "{paths:?}");
    assert!(paths.contains(&"parent.id"), "{paths:?}");
    assert!(paths.contains(&"parent.children[0].balance"), "{paths:?}");
    assert_eq!(account.tier, AccountTier::Pro);
    assert_eq!(account.level, AccountLevel::V2);
    match &account.login {
        Login::SsoLogin(sso) => assert_eq!(sso.provider, ""),
        other => panic!("expected the sso variant, got {other:?}"),
    }
    match &account.contact {
        Contact::Owner(owner) => assert_eq!((owner.name.as_str(), owner.since), ("", 3)),
        other => panic!("expected the object variant, got {other:?}"),
    }
    let parent = account.parent.expect("a parent");
    assert_eq!(parent.children.expect("children")[0].id, "c1");
}

#[test]
fn a_value_of_the_wrong_type_is_left_for_decoding_to_report() {
    let mut body = serde_json::json!({"id": 7, "balance": "many"});
    let corrections = correct("Accounts_get", &mut body, Account::shape());
    assert!(corrections.iter().all(|c| c.path != "id" && c.path != "balance"));
    assert_eq!(body["id"], 7);
    assert!(serde_json::from_value::<Account>(body).is_err());
}
