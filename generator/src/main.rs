//! `openapi-rust-generator`: generates a typed async Rust client crate from an OpenAPI
//! document (`generate`), and reports what changed for its users between two documents
//! (`diff`). Run `openapi-rust-generator --help`.

fn main() -> std::process::ExitCode {
    openapi_rust_generator::cli::main(std::env::args_os())
}
