//! With the `serialize` feature, the types the client only receives (responses, the error body)
//! serialize, and what they write decodes back to the same value. `.ci/run` runs this with the
//! feature on; without it the file is empty.
#![cfg(feature = "serialize")]

use clerk_backend_api::types::{ClerkErrors, User};

fn round_trip<T>(fixture: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let value: T = serde_json::from_str(&text).expect("the fixture decodes");
    let written = serde_json::to_string(&value).expect("it serializes");
    let again: T = serde_json::from_str(&written).expect("what it wrote decodes");
    assert_eq!(again, value);
}

#[test]
fn received_types_serialize_and_decode_back() {
    round_trip::<User>("user.json");
    round_trip::<ClerkErrors>("clerk_errors.json");
}
