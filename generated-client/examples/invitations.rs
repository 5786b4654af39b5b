//! Invites someone to sign up, and into an organization; lists the organization's pending
//! invitations, then revokes the one just sent.
//!
//! Against a local mock of the API (Prism serving `spec/`, on 127.0.0.1):
//!
//! ```sh
//! cargo xtask mock -- cargo run -p clerk-backend-api --example invitations -- grace@example.com org_2abc
//! ```
//!
//! Against Clerk:
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_... cargo run -p clerk-backend-api --example invitations -- grace@example.com org_2abc
//! ```

use clerk_backend_api::types::OrganizationInvitationsListStatus;
use clerk_backend_api::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let (Some(email), Some(organization_id)) = (args.next(), args.next()) else {
        eprintln!("usage: invitations <email address> <organization id>");
        std::process::exit(2);
    };
    let client = Client::from_env()?;

    // An invitation to sign up to the application, emailed by Clerk.
    let invitation = match client
        .invitations()
        .create(&email)
        .redirect_url("https://app.example.com/welcome")
        .expires_in_days(7)
        .send()
        .await
    {
        Ok(invitation) => invitation,
        // For example an address with a pending invitation, or one that belongs to a user.
        Err(error) if matches!(error.status(), Some(400 | 422)) => {
            eprintln!("Clerk refused to invite {email}: {:?}", error.codes());
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    println!(
        "invited {} to sign up ({}, status {})",
        invitation.email_address,
        invitation.id,
        invitation.status.as_str()
    );

    // An invitation into an organization, with the role the person gets there.
    let membership = client
        .organization_invitations()
        .create(&organization_id, &email, "org:member")
        .send()
        .await?;
    println!(
        "invited {} into {organization_id} as {} ({})",
        membership.email_address, membership.role, membership.id
    );

    let pending = client
        .organization_invitations()
        .list(&organization_id)
        .status(OrganizationInvitationsListStatus::Pending)
        .limit(10)
        .send()
        .await?;
    println!(
        "{} pending invitations into {organization_id}, {} shown:",
        pending.total_count,
        pending.data.len()
    );
    for invitation in &pending.data {
        println!("  {} ({})", invitation.email_address, invitation.role);
    }

    let revoked = client
        .organization_invitations()
        .revoke(&organization_id, &membership.id)
        .send()
        .await?;
    println!(
        "revoked {}: status {:?}",
        revoked.id,
        revoked.status.as_deref()
    );
    Ok(())
}
