//! Rendering: token streams to formatted file text with prettyplease.

use proc_macro2::TokenStream;

/// Formats a whole file and puts `header` above it. A token stream that does not parse is a
/// generator bug; it is returned as an error naming the file rather than panicking.
pub fn render(tokens: TokenStream, header: &str, file: &str) -> Result<String, String> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|e| {
        format!("internal error: the generator produced invalid Rust for {file}: {e}")
    })?;
    let body = prettyplease::unparse(&syntax);
    Ok(format!("{header}{body}"))
}
