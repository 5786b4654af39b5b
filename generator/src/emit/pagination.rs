//! The `stream()` method of a list operation that pages: the pages as one `Stream` of items,
//! walked by the runtime's `paginate`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::operations::types_path;
use super::{ident, type_tokens};
use crate::ir::{IntType, Operation, PageShape, Pagination, Presence};

pub(super) fn emit_stream(op: &Operation, pagination: &Pagination) -> TokenStream {
    let item = type_tokens(&pagination.item, &types_path());
    let (limit, offset) = (ident(&pagination.limit), ident(&pagination.offset));
    let default_limit = proc_macro2::Literal::i64_unsuffixed(pagination.default_limit);
    let page = match &pagination.shape {
        PageShape::Array => quote!(codegen::Page {
            items: response,
            total: None
        }),
        PageShape::Envelope { items, total } => {
            let items = ident(items);
            let total = match total {
                Some((name, presence, ty)) => {
                    let name = ident(name);
                    let value = quote!(response.#name);
                    match (presence, ty) {
                        (Presence::Required, IntType::I64) => quote!(Some(#value)),
                        (Presence::Required, _) => quote!(Some(i64::from(#value))),
                        (_, IntType::I64) => value,
                        (_, _) => quote!(#value.map(i64::from)),
                    }
                }
                None => quote!(None),
            };
            quote!(codegen::Page { items: response.#items, total: #total })
        }
    };
    let widen = |name: &proc_macro2::Ident, ty: IntType| match ty {
        IntType::I64 => quote!(self.#name.unwrap_or(#default_limit)),
        _ => quote!(i64::from(self.#name.unwrap_or(#default_limit))),
    };
    let limit_start = widen(&limit, pagination.limit_type);
    let offset_start = match pagination.offset_type {
        IntType::I64 => quote!(self.#offset.unwrap_or(0)),
        _ => quote!(i64::from(self.#offset.unwrap_or(0))),
    };
    let narrow = |name: &str, ty: IntType, value: TokenStream| match ty {
        IntType::I64 => value,
        _ => {
            let operation_id = &op.operation_id;
            quote!(codegen::page_param(#operation_id, #name, #value)?)
        }
    };
    let offset_value = narrow(&pagination.offset, pagination.offset_type, quote!(offset));
    let limit_value = narrow(&pagination.limit, pagination.limit_type, quote!(limit));
    let doc = doc_attrs(&format!(
        "Streams the items of every page, sending `{} {}` again with a growing `{}` as the stream is read.\n\nPages hold `{}` items (default {}), starting at `{}` (default 0); only the current page is kept in memory. The stream ends after the last page, or after the first error, which it yields.",
        op.http_method,
        op.path,
        pagination.offset,
        pagination.limit,
        pagination.default_limit,
        pagination.offset
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl codegen::Stream<Item = Result<#item, Error>> + Send + 'static {
            let limit = #limit_start;
            let offset = #offset_start;
            codegen::paginate(self, offset, limit, |mut page: Self, offset, limit| async move {
                page.#offset = Some(#offset_value);
                page.#limit = Some(#limit_value);
                let response = page.send().await?;
                Ok(#page)
            })
        }
    }
}
