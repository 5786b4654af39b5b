//! A webhook endpoint for Clerk: each request is verified over its raw body and decoded into
//! its typed event before the handler runs; anything else is answered 400.
//!
//! Set `CLERK_WEBHOOK_SIGNING_SECRET` (`whsec_...`, from the endpoint's page in the
//! Dashboard), then:
//!
//! ```text
//! cargo run -p clerk-backend-api --features axum --example axum_webhook
//! ```

use axum::Router;
use axum::routing::post;
use clerk_backend_api::axum::VerifiedWebhook;
use clerk_backend_api::webhooks::{Webhook, WebhookEvent};

async fn clerk(VerifiedWebhook(message): VerifiedWebhook) -> &'static str {
    match &message.event {
        WebhookEvent::UserCreated(user) => println!("new user {}", user.id),
        WebhookEvent::UserDeleted(deleted) => println!("deleted user {:?}", deleted.id),
        WebhookEvent::SessionCreated(session) => println!("sign-in by {}", session.user_id),
        other => println!("{} (not handled)", other.name()),
    }
    for correction in &message.corrections {
        println!("note: {correction}");
    }
    "ok"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let webhook = Webhook::from_env()?;
    let app = Router::new()
        .route("/webhooks/clerk", post(clerk))
        .with_state(webhook);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
