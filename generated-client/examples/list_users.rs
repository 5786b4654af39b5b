//! Lists every user of the instance, page after page.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_... cargo run -p clerk-backend-api --example list_users
//! ```
//!
//! `CLERK_API_URL` points the client at another server, such as a mock.

use clerk_backend_api::{Client, Error};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let mut users = Box::pin(
        client
            .users()
            .list()
            .limit(100)
            .order_by("-created_at")
            .stream(),
    );
    let mut count = 0usize;
    while let Some(user) = users.next().await {
        let user = user?;
        let email = user
            .email_addresses
            .iter()
            .find(|e| e.id.as_deref() == user.primary_email_address_id.as_deref())
            .map_or("-", |e| e.email_address.as_str());
        println!("{}\t{}\t{}", user.id, email, user.banned);
        count += 1;
    }
    println!("{count} users");
    Ok(())
}
