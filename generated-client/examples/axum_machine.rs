//! A service called by people and by other services: each route chooses which credentials it
//! accepts.
//!
//! - `GET /internal/usage`: machines only (an M2M token, an API key or an OAuth access token);
//! - `GET /api/projects`: a signed-in user, or a script with an API key;
//! - `GET /`: anyone, greeting signed-in users by their ID.
//!
//! Set `CLERK_SECRET_KEY` (opaque credentials are verified through the Backend API; add
//! `CLERK_JWT_KEY` to verify JWTs without a network call, and `CLERK_MACHINE_SECRET_KEY` to
//! accept only M2M tokens scoped to this machine), then:
//!
//! ```text
//! cargo run -p clerk-backend-api --features axum,machine_auth --example axum_machine
//! curl -H "Authorization: Bearer mt_..." http://127.0.0.1:3000/internal/usage
//! ```

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use clerk_backend_api::Client;
use clerk_backend_api::axum::{AcceptedTokens, Caller, Machine, Session};
use clerk_backend_api::jwt::{Authenticated, TokenType, TokenTypes, Verifier};

/// What `/api/projects` accepts: users in a browser, and scripts with an API key.
struct UsersAndApiKeys;

impl AcceptedTokens for UsersAndApiKeys {
    const TYPES: TokenTypes = TokenTypes::SESSION.with(TokenType::ApiKey);
}

async fn usage(Machine(caller): Machine) -> String {
    match caller {
        Authenticated::M2m(token) => {
            format!("machine {} (may call {:?})\n", token.subject, token.scopes)
        }
        Authenticated::ApiKey(key) => format!("API key {} of {}\n", key.name, key.subject),
        other => format!("{} for {}\n", other.token_type(), other.subject()),
    }
}

async fn projects(caller: Caller<UsersAndApiKeys>) -> String {
    format!(
        "projects of {} ({})\n",
        caller.subject(),
        caller.token_type()
    )
}

async fn home(session: Option<Session>) -> String {
    match session {
        Some(Session(claims)) => format!("hello {}\n", claims.sub),
        None => "hello, stranger\n".to_owned(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The instance's client, and the optional keys; successful opaque verifications are
    // remembered for 10 seconds, so a busy caller costs one Backend API call per 10 seconds
    // rather than one per request (a revocation takes as long to be seen).
    let mut builder = Verifier::builder()
        .client(Client::from_env()?)
        .machine_cache(Duration::from_secs(10), 10_000);
    if let Ok(pem) = std::env::var("CLERK_JWT_KEY") {
        builder = builder.jwt_key(pem);
    }
    if let Ok(key) = std::env::var("CLERK_MACHINE_SECRET_KEY") {
        builder = builder.machine_secret_key(key);
    }
    let verifier = builder.build()?;
    let app = Router::new()
        .route("/internal/usage", get(usage))
        .route("/api/projects", get(projects))
        .route("/", get(home))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
