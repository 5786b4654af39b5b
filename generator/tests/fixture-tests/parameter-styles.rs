//! Copied by `tests/compile.rs` into the crate generated from `fixtures/parameter-styles.yaml`,
//! and run there: each parameter reaches the wire exactly as the OpenAPI serialization rules
//! write it, for the `simple`, `label` and `matrix` path styles, exploded and not, for a
//! scalar, an array and an object, and for the query, header and cookie styles.

mod support;

use fixture_parameter_styles::Client;
use fixture_parameter_styles::types::{Color, Filter, Point};
use support::Server;

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.url)
        .build()
        .expect("a client")
}

fn point() -> Point {
    Point {
        x: 1,
        y: -2,
        label: None,
    }
}

#[tokio::test]
async fn path_arrays_and_objects_in_every_style() {
    let server = Server::replying(r#"{"ok":true}"#);
    let client = client(&server);
    let paths = client.paths();
    let ids = vec![3, 4, 5];
    paths.simple(ids.clone(), point()).send().await.expect("simple");
    assert_eq!(server.take().target, "/simple/3,4,5/x,1,y,-2");
    paths.simple_exploded(ids.clone(), point()).send().await.expect("simple, exploded");
    assert_eq!(server.take().target, "/simple-exploded/3,4,5/x=1,y=-2");
    paths.label(ids.clone(), point()).send().await.expect("label");
    assert_eq!(server.take().target, "/label/.3,4,5/.x,1,y,-2");
    paths.label_exploded(ids.clone(), point()).send().await.expect("label, exploded");
    assert_eq!(server.take().target, "/label-exploded/.3.4.5/.x=1.y=-2");
    paths.matrix(ids.clone(), point()).send().await.expect("matrix");
    assert_eq!(server.take().target, "/matrix/;ids=3,4,5/;point=x,1,y,-2");
    paths.matrix_exploded(ids, point()).send().await.expect("matrix, exploded");
    assert_eq!(
        server.take().target,
        "/matrix-exploded/;ids=3;ids=4;ids=5/;x=1;y=-2"
    );
}

#[tokio::test]
async fn path_values_are_escaped_and_set_members_are_written() {
    let server = Server::replying(r#"{"ok":true}"#);
    let client = client(&server);
    let labelled = Point {
        x: 0,
        y: 9,
        label: Some("a,b/c d".into()),
    };
    client.paths().matrix_exploded(vec![1], labelled).send().await.expect("matrix");
    assert_eq!(
        server.take().target,
        "/matrix-exploded/;ids=1/;x=0;y=9;label=a%2Cb%2Fc%20d"
    );
    client.paths().scalars(Color::Brown, 10).send().await.expect("scalars");
    assert_eq!(server.take().target, "/scalars/.brown/;size=10");
    let error = client
        .paths()
        .simple(Vec::new(), point())
        .send()
        .await
        .expect_err("an empty array leaves the segment empty");
    assert!(error.to_string().contains("ids"), "{error}");
}

#[tokio::test]
async fn a_choice_of_strings_takes_a_str() {
    let server = Server::replying(r#"{"ok":true}"#);
    let client = client(&server);
    client.paths().get_team("core-team").send().await.expect("a slug");
    assert_eq!(server.take().target, "/teams/core-team");
    let id = String::from("6f1c2a52-9d4e-4d0c-a1f6-0a4c1bb8a0f7");
    client.paths().get_team(&id).send().await.expect("a UUID");
    assert_eq!(server.take().target, format!("/teams/{id}"));
    client.paths().get_handle("ada").send().await.expect("a handle");
    assert_eq!(server.take().target, "/handles/ada");
}

#[tokio::test]
async fn query_header_and_cookie_styles() {
    let server = Server::replying(r#"{"ok":true}"#);
    let client = client(&server);
    let filter = Filter {
        status: Some("open".into()),
        owner: Some("a&b".into()),
    };
    client
        .queries()
        .search()
        .tags(["red", "green,blue"])
        .ids(vec![7, 8])
        .words(["hello", "world"])
        .near(point())
        .r#box(point())
        .filter(filter.clone())
        .r#where(filter.clone())
        .x_point(point())
        .x_ids(vec![1, 2])
        .prefs(filter)
        .send()
        .await
        .expect("search");
    let seen = server.take();
    assert_eq!(seen.path(), "/search");
    let expected = [
        "tags=red,green%2Cblue",
        "ids=7%7C8",
        "words=hello%20world",
        "x=1&y=-2",
        "box=x,1,y,-2",
        "filter%5Bstatus%5D=open&filter%5Bowner%5D=a%26b",
        "where=%7B%22status%22%3A%22open%22%2C%22owner%22%3A%22a%26b%22%7D",
    ]
    .join("&");
    assert_eq!(seen.query(), expected);
    assert_eq!(seen.header("x-point"), Some("x=1,y=-2"));
    assert_eq!(seen.header("x-ids"), Some("1,2"));
    assert_eq!(seen.header("cookie"), Some("status=open; owner=a&b"));
}

#[tokio::test]
async fn unset_parameters_send_nothing() {
    let server = Server::replying(r#"{"ok":true}"#);
    client(&server).queries().search().send().await.expect("search");
    let seen = server.take();
    assert_eq!(seen.target, "/search");
    assert_eq!(seen.header("cookie"), None);
    assert_eq!(seen.header("x-point"), None);
}
