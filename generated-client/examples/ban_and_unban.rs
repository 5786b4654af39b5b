//! Bans a user, then lifts the ban.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_... cargo run -p clerk-backend-api --example ban_and_unban -- user_2abc
//! ```

use clerk_backend_api::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let Some(user_id) = std::env::args().nth(1) else {
        eprintln!("usage: ban_and_unban <user_id>");
        std::process::exit(2);
    };
    let client = Client::from_env()?;
    let banned = match client.users().ban(&user_id).send().await {
        Ok(user) => user,
        Err(error) if error.status() == Some(402) => {
            eprintln!("banning users needs a paid plan: {error}");
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    println!("{} banned: {}", banned.id, banned.banned);
    let unbanned = client.users().unban(&user_id).send().await?;
    println!("{} banned: {}", unbanned.id, unbanned.banned);
    Ok(())
}
