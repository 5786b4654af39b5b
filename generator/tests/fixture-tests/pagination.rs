//! Copied by `tests/compile.rs` into the crate generated from `fixtures/pagination.yaml`, and
//! run there: each cursor shape's `stream()` walks every page, sends each page's cursor as the
//! next request's parameter, holds to a cursor the caller set, and stops at the last page;
//! page numbers count up to the total of pages, or without one until an empty page; next
//! links in the body or the `Link` header are followed on the API's origin only.

mod support;

use std::pin::Pin;

use fixture_pagination::Client;
use fixture_pagination::codegen::Stream;
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await
    {
        items.push(item);
    }
    items
}

#[tokio::test]
async fn a_next_cursor_in_the_response_is_sent_until_it_is_null() {
    let server = Server::sequence(vec![
        (200, r#"{"data": [{"id": "e1"}, {"id": "e2"}], "next_cursor": "c2"}"#),
        (200, r#"{"data": [{"id": "e3"}], "next_cursor": "c3"}"#),
        (200, r#"{"data": [{"id": "e4"}], "next_cursor": null}"#),
    ]);
    let events = collect(Box::pin(client(&server).events().list_events().limit(2).stream())).await;
    let ids: Vec<String> = events.into_iter().map(|e| e.expect("an event").id).collect();
    assert_eq!(ids, ["e1", "e2", "e3", "e4"]);
    let queries: Vec<String> = server.all().iter().map(|s| s.query().to_owned()).collect();
    assert_eq!(queries, ["limit=2", "cursor=c2&limit=2", "cursor=c3&limit=2"]);
}

#[tokio::test]
async fn the_last_id_is_sent_while_there_are_more() {
    let server = Server::sequence(vec![
        (200, r#"{"data": [{"id": "ch_1", "amount": 1}, {"id": "ch_2", "amount": 2}], "has_more": true}"#),
        (200, r#"{"data": [{"id": "ch_3", "amount": 3}], "has_more": false}"#),
    ]);
    let charges = collect(Box::pin(
        client(&server)
            .charges()
            .list_charges()
            .starting_after("ch_0")
            .stream(),
    ))
    .await;
    let amounts: Vec<i64> = charges.into_iter().map(|c| c.expect("a charge").amount).collect();
    assert_eq!(amounts, [1, 2, 3]);
    let queries: Vec<String> = server.all().iter().map(|s| s.query().to_owned()).collect();
    assert_eq!(
        queries,
        ["starting_after=ch_0", "starting_after=ch_2"],
        "the caller's cursor first, then the last item's"
    );
}

#[tokio::test]
async fn page_tokens_end_when_missing_and_a_repeated_token_stops_the_stream() {
    let server = Server::sequence(vec![
        (200, r#"{"files": [{"name": "a"}], "nextPageToken": "t2"}"#),
        (200, r#"{"files": [{"name": "b"}]}"#),
    ]);
    let files = collect(Box::pin(client(&server).files().list_files().stream())).await;
    assert_eq!(files.len(), 2);
    assert_eq!(server.all()[1].query(), "pageToken=t2");

    // A server that hands back the cursor it was sent would loop; the stream stops instead.
    let looping = Server::replying(r#"{"files": [{"name": "same"}], "nextPageToken": "t1"}"#);
    let files = collect(Box::pin(
        client(&looping).files().list_files().page_token("t1").stream(),
    ))
    .await;
    assert_eq!(files.len(), 1);
    assert_eq!(looping.all().len(), 1);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_before_it() {
    let server = Server::sequence(vec![
        (200, r#"{"data": [{"id": "e1"}], "next_cursor": "c2"}"#),
        (400, r#"{"error": "bad cursor"}"#),
    ]);
    let events = collect(Box::pin(client(&server).events().list_events().stream())).await;
    assert_eq!(events.len(), 2);
    assert!(events[0].is_ok());
    assert_eq!(events[1].as_ref().expect_err("the error").status(), Some(400));
}

#[tokio::test]
async fn page_numbers_count_up_to_the_total() {
    let server = Server::sequence(vec![
        (200, r#"{"results": [{"id": "p1"}], "total_pages": 3}"#),
        (200, r#"{"results": [{"id": "p2"}], "total_pages": 3}"#),
        (200, r#"{"results": [{"id": "p3"}], "total_pages": 3}"#),
    ]);
    let posts = collect(Box::pin(client(&server).posts().list_posts().per_page(1).stream())).await;
    assert_eq!(posts.len(), 3);
    let queries: Vec<String> = server.all().iter().map(|s| s.query().to_owned()).collect();
    assert_eq!(queries, ["page=1&per_page=1", "page=2&per_page=1", "page=3&per_page=1"]);

    // From the caller's page on.
    let later = Server::replying(r#"{"results": [{"id": "p3"}], "total_pages": 3}"#);
    let posts = collect(Box::pin(client(&later).posts().list_posts().page(3).stream())).await;
    assert_eq!(posts.len(), 1);
    assert_eq!(later.all()[0].query(), "page=3");
}

#[tokio::test]
async fn page_numbers_without_a_total_stop_at_an_empty_page() {
    let server = Server::sequence(vec![
        (200, r#"{"comments": [{"id": "c1"}, {"id": "c2"}]}"#),
        (200, r#"{"comments": []}"#),
    ]);
    let comments = collect(Box::pin(client(&server).posts().list_comments().stream())).await;
    assert_eq!(comments.len(), 2);
    let queries: Vec<String> = server.all().iter().map(|s| s.query().to_owned()).collect();
    assert_eq!(queries, ["page_number=1", "page_number=2"]);
}

#[tokio::test]
async fn a_next_link_in_the_body_is_followed_as_it_is_until_it_is_null() {
    let server = Server::sequence(vec![
        (200, r#"{"count": 3, "next": "/articles?page=2", "previous": null, "results": [{"id": "a1"}, {"id": "a2"}]}"#),
        (200, r#"{"count": 3, "next": null, "previous": "/articles?page=1", "results": [{"id": "a3"}]}"#),
    ]);
    let articles = collect(Box::pin(client(&server).articles().list_articles().page(1).stream())).await;
    let ids: Vec<String> = articles.into_iter().map(|a| a.expect("an article").id).collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
    let seen: Vec<String> = server.all().iter().map(|s| s.target.clone()).collect();
    assert_eq!(
        seen,
        ["/articles?page=1", "/articles?page=2"],
        "the link replaces the caller's query"
    );
}

#[tokio::test]
async fn links_inside_a_links_object_or_as_hal_hrefs_are_followed() {
    let server = Server::sequence(vec![
        (200, r#"{"data": [{"id": "t1"}], "links": {"next": "/tickets?after=t1", "prev": null}}"#),
        (200, r#"{"data": [{"id": "t2"}], "links": {"next": null}}"#),
    ]);
    let tickets = collect(Box::pin(client(&server).articles().list_tickets().stream())).await;
    assert_eq!(tickets.len(), 2);
    assert_eq!(server.all()[1].target, "/tickets?after=t1");

    let hal = Server::sequence(vec![
        (200, r#"{"items": [{"id": "o1"}], "_links": {"self": {"href": "/orders"}, "next": {"href": "/orders?page=2"}}}"#),
        (200, r#"{"items": [{"id": "o2"}], "_links": {"self": {"href": "/orders?page=2"}}}"#),
    ]);
    let orders = collect(Box::pin(client(&hal).articles().list_orders().stream())).await;
    let ids: Vec<String> = orders.into_iter().map(|o| o.expect("an order").id).collect();
    assert_eq!(ids, ["o1", "o2"]);
    assert_eq!(hal.all()[1].target, "/orders?page=2");
}

#[tokio::test]
async fn the_link_headers_next_relation_pages_a_bare_array() {
    let server = Server::headed(vec![
        (
            200,
            "link: </repos?per_page=1&page=2>; rel=\"next\", </repos?per_page=1&page=2>; rel=\"last\"\r\n".to_owned(),
            r#"[{"id": "r1"}]"#,
        ),
        (200, "link: </repos?per_page=1&page=1>; rel=\"prev\"\r\n".to_owned(), r#"[{"id": "r2"}]"#),
    ]);
    let repos = collect(Box::pin(client(&server).repos().list_repos().per_page(1).stream())).await;
    let ids: Vec<String> = repos.into_iter().map(|r| r.expect("a repo").id).collect();
    assert_eq!(ids, ["r1", "r2"]);
    let seen: Vec<String> = server.all().iter().map(|s| s.target.clone()).collect();
    assert_eq!(seen, ["/repos?per_page=1", "/repos?per_page=1&page=2"]);
}

#[tokio::test]
async fn a_link_to_another_origin_is_not_followed() {
    let server = Server::replying(
        r#"{"count": 2, "next": "https://elsewhere.example/articles?page=2", "results": [{"id": "a1"}]}"#,
    );
    let items = collect(Box::pin(client(&server).articles().list_articles().stream())).await;
    assert_eq!(items.len(), 2, "the first page's item, then the error");
    assert_eq!(items[0].as_ref().expect("an article").id, "a1");
    let error = items[1].as_ref().expect_err("the link is refused").to_string();
    assert!(error.contains("elsewhere.example"), "{error}");
    assert_eq!(server.all().len(), 1, "nothing is sent to the other origin");
}

#[tokio::test]
async fn a_pagination_hint_names_what_the_rules_would_not_find() {
    // A cursor parameter and field with names of the API's own.
    let server = Server::sequence(vec![
        (200, r#"{"widgets": [{"id": "w1"}], "next_marker": "m2"}"#),
        (200, r#"{"widgets": [{"id": "w2"}]}"#),
    ]);
    let widgets = collect(Box::pin(client(&server).hinted().list_widgets().stream())).await;
    assert_eq!(widgets.len(), 2);
    assert_eq!(server.all()[1].query(), "marker=m2");

    // A next link under a field no rule looks in.
    let server = Server::sequence(vec![
        (200, r#"{"gadgets": [{"id": "g1"}], "meta": {"following": "/gadgets?from=g1"}}"#),
        (200, r#"{"gadgets": [{"id": "g2"}], "meta": {"following": null}}"#),
    ]);
    let gadgets = collect(Box::pin(client(&server).hinted().list_gadgets().stream())).await;
    assert_eq!(gadgets.len(), 2);
    assert_eq!(server.all()[1].target, "/gadgets?from=g1");

    // Page numbers from the parameter's default (0) up to the count the hint names: two pages
    // are 0 and 1.
    let server = Server::sequence(vec![
        (200, r#"{"rows": [{"id": "r0"}], "pages": 2}"#),
        (200, r#"{"rows": [{"id": "r1"}], "pages": 2}"#),
        (200, r#"{"rows": [{"id": "never"}], "pages": 2}"#),
    ]);
    let rows = collect(Box::pin(client(&server).hinted().list_rows().size(1).stream())).await;
    assert_eq!(rows.len(), 2);
    let queries: Vec<String> = server.all().iter().map(|s| s.query().to_owned()).collect();
    assert_eq!(queries, ["p=0&size=1", "p=1&size=1"]);
}
