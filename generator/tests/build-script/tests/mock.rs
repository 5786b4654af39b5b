//! The `testing` feature of a crate generated from another document: an application function
//! that uses the client, tested against the typed mock. A call, an error answer, an unexpected
//! request and a call count.

use build_script_client::testing::Mock;
use build_script_client::types::{Parcel, Status};
use build_script_client::{Client, Error};

/// The code under test: a shipping label for a parcel, or why there is none.
async fn label(client: &Client, parcel_id: &str) -> Result<String, String> {
    match client.parcels().get_parcel(parcel_id).send().await {
        Ok(parcel) => Ok(format!(
            "{} ({} g, {})",
            parcel.id,
            parcel.weight_grams.unwrap_or(0),
            parcel.status
        )),
        Err(Error::Api(error)) if error.status == 404 => Err(format!("no parcel {parcel_id}")),
        Err(error) => Err(error.to_string()),
    }
}

fn parcel(id: &str, weight: i64) -> Parcel {
    serde_json::from_value(
        serde_json::json!({"id": id, "status": "in_transit", "weight_grams": weight}),
    )
    .expect("a parcel")
}

#[tokio::test]
async fn a_call_is_answered_with_the_stated_value_and_counted() {
    let mock = Mock::start().await;
    mock.parcels()
        .get_parcel("p_1")
        .returns(parcel("p_1", 120))
        .times(1);
    let text = label(&mock.client(), "p_1").await;
    assert_eq!(text.as_deref(), Ok("p_1 (120 g, in_transit)"));
    assert_eq!(mock.calls("parcels.get_parcel"), 1);
    assert_eq!(mock.calls("getParcel"), 1);
    mock.verify();
}

#[tokio::test]
async fn an_error_answer_is_an_api_error() {
    let mock = Mock::start().await;
    mock.parcels()
        .get_parcel("p_9")
        .fails(404, serde_json::json!({"message": "no such parcel"}));
    assert_eq!(
        label(&mock.client(), "p_9").await,
        Err("no parcel p_9".to_owned())
    );
}

#[tokio::test]
async fn the_latest_expectation_wins_and_queries_narrow_a_match() {
    let mock = Mock::start().await;
    mock.parcels().list_parcels().returns(vec![]);
    mock.parcels()
        .list_parcels()
        .query("status", "delivered")
        .returns(vec![parcel("p_2", 5)]);
    let client = mock.client();
    let delivered = client
        .parcels()
        .list_parcels()
        .status(Status::Delivered)
        .send()
        .await
        .expect("the delivered parcels");
    assert_eq!(delivered.len(), 1);
    let all = client
        .parcels()
        .list_parcels()
        .send()
        .await
        .expect("all parcels");
    assert!(all.is_empty());
    let recorded = mock.requests();
    assert_eq!(recorded[0].query_param("status"), Some("delivered"));
    assert_eq!(recorded[1].query_param("status"), None);
}

#[tokio::test]
async fn an_unexpected_request_fails_a_strict_mock() {
    let mock = Mock::start().await;
    mock.strict();
    mock.parcels().get_parcel("p_1").returns(parcel("p_1", 1));
    assert!(label(&mock.client(), "p_2").await.is_err());
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()))
        .expect_err("verification fails");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("unexpected request GET /parcels/p_2"),
        "{message}"
    );
    mock.server().reset();
}
