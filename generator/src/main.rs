//! `openapi-rust-generator`: generates a typed async Rust client crate from an OpenAPI
//! document (`generate`), and reports what changed for its users between two documents
//! (`diff`). Run `openapi-rust-generator --help`.

/// Generation allocates and frees many small token and syntax trees; mimalloc serves that
/// pattern markedly faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    openapi_rust_generator::cli::main(std::env::args_os())
}
