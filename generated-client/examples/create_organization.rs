//! Creates an organization for a user and uploads its logo.
//!
//! ```sh
//! CLERK_SECRET_KEY=sk_test_... cargo run -p clerk-backend-api --example create_organization -- \
//!     user_2abc "Analytical Engines" analytical-engines logo.png
//! ```

use clerk_backend_api::{Client, Error, Upload};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [user_id, name, slug, logo_path] = args.as_slice() else {
        eprintln!("usage: create_organization <user_id> <name> <slug> <logo.png>");
        std::process::exit(2);
    };
    let client = Client::from_env()?;
    let organization = client
        .organizations()
        .create(user_id, name)
        .slug(slug)
        .send()
        .await?;
    println!("created {} ({})", organization.id, organization.slug);

    let bytes = std::fs::read(logo_path)?;
    let content_type = match logo_path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    };
    let file_name = std::path::Path::new(logo_path)
        .file_name()
        .map_or("logo".into(), |n| n.to_string_lossy().into_owned());
    let logo = Upload::new(bytes, file_name, content_type);
    match client
        .organizations()
        .upload_logo(&organization.id, user_id, logo)
        .send()
        .await
    {
        Ok(updated) => println!("logo: {}", updated.image_url.unwrap_or_default()),
        Err(Error::Validation(problem)) => eprintln!("logo not sent: {problem}"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
