//! A service that answers `GET /me` with the user ID of the caller's verified session token.
//!
//! Set `CLERK_JWT_KEY` (the PEM public key from the Dashboard; no network call per request)
//! or `CLERK_SECRET_KEY` (the key set is fetched from the Backend API and cached), then:
//!
//! ```text
//! cargo run -p clerk-backend-api --features axum --example axum_session
//! curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/me
//! ```

use axum::Router;
use axum::routing::get;
use clerk_backend_api::axum::Session;
use clerk_backend_api::jwt::Verifier;

async fn me(Session(claims): Session) -> String {
    match claims.organization() {
        Some(org) => format!("{} in {} as {:?}\n", claims.sub, org.id, org.role),
        None => format!("{}\n", claims.sub),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Verifier::from_env()?;
    let app = Router::new().route("/me", get(me)).with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
