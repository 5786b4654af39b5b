//! The `stream()` method of a list operation that pages: the pages as one `Stream` of items,
//! walked by the runtime's `paginate`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::operations::types_path;
use super::{ident, type_tokens};
use crate::ir::{
    CursorPagination, IntType, LinkPagination, NextCursor, NextLink, Operation,
    PageNumberPagination, PageShape, Pagination, Paging, Presence,
};

pub(super) fn emit_stream(op: &Operation, paging: &Paging) -> TokenStream {
    match paging {
        Paging::Offset(pagination) => emit_offset(op, pagination),
        Paging::Cursor(pagination) => emit_cursor(op, pagination),
        Paging::Page(pagination) => emit_page_number(op, pagination),
        Paging::Link(pagination) => emit_link(op, pagination),
    }
}

/// `stream()` of an operation whose responses link to the next page: the link is a cursor
/// the request follows.
fn emit_link(op: &Operation, pagination: &LinkPagination) -> TokenStream {
    let item = type_tokens(&pagination.item, &types_path());
    let response_type = type_tokens(&pagination.response, &types_path());
    let (next, source) = match &pagination.next {
        NextLink::Header => (
            quote!(codegen::next_link(received.headers())),
            "the `rel=\"next\"` link of the `Link` header".to_owned(),
        ),
        NextLink::Body(path) => {
            let wire: Vec<&str> = path.iter().map(|(_, _, wire)| wire.as_str()).collect();
            (
                link_value(path),
                format!("the link in the response's `{}`", wire.join(".")),
            )
        }
    };
    let items = match &pagination.items {
        Some(items) => {
            let items = ident(items);
            quote!(response.#items)
        }
        None => quote!(response),
    };
    let doc = doc_attrs(&format!(
        "Streams the items of every page: `{} {}` first, then {source} as the stream is read, until a page has none.\n\nOnly the current page is kept in memory. A link to another origin than the base URL's is not followed (the stream ends with an error). The stream ends after the last page, or after the first error, which it yields.",
        op.http_method, op.path,
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl codegen::Stream<Item = Result<#item, Error>> + Send + 'static {
            codegen::paginate_cursor(self, None, |page: Self, link: Option<String>| async move {
                let mut request = page.into_request();
                if let Some(link) = &link {
                    request.follow(link);
                }
                let received = request.send_raw().await?;
                let response: #response_type = received.json()?;
                let next = #next;
                Ok(codegen::CursorPage { items: #items, next })
            })
        }
    }
}

/// `stream()` of an operation paged by page number: a cursor that counts.
fn emit_page_number(op: &Operation, pagination: &PageNumberPagination) -> TokenStream {
    let item = type_tokens(&pagination.item, &types_path());
    let (page_name, page_type) = &pagination.page;
    let page = ident(page_name);
    let items = ident(&pagination.items);
    let first = proc_macro2::Literal::i64_unsuffixed(pagination.first);
    let start = match page_type {
        IntType::I64 => quote!(self.#page),
        _ => quote!(self.#page.map(i64::from)),
    };
    let number = match page_type {
        IntType::I64 => quote!(number),
        _ => {
            let operation_id = &op.operation_id;
            quote!(codegen::page_param(#operation_id, #page_name, number)?)
        }
    };
    let (next, until) = match &pagination.total_pages {
        Some((name, presence, ty)) => {
            let name = ident(name);
            let value = quote!(response.#name);
            // How many pages have been read once this one is: its number counted from 1.
            let read = match 1 - pagination.first {
                0 => quote!(number),
                more if more > 0 => {
                    let more = proc_macro2::Literal::i64_unsuffixed(more);
                    quote!((number + #more))
                }
                less => {
                    let less = proc_macro2::Literal::i64_unsuffixed(-less);
                    quote!((number - #less))
                }
            };
            let next = match (presence, ty) {
                (Presence::Required, IntType::I64) => {
                    quote!((#read < #value).then_some(number + 1))
                }
                (Presence::Required, _) => {
                    quote!((#read < i64::from(#value)).then_some(number + 1))
                }
                (_, ty) => {
                    let total = match ty {
                        IntType::I64 => value,
                        _ => quote!(#value.map(i64::from)),
                    };
                    quote!(match #total {
                        Some(total) if #read >= total => None,
                        _ => Some(number + 1),
                    })
                }
            };
            (
                next,
                format!("up to the response's `{}`", pagination_wire(&name)),
            )
        }
        None => (quote!(Some(number + 1)), "until a page is empty".to_owned()),
    };
    let doc = doc_attrs(&format!(
        "Streams the items of every page, sending `{} {}` again with the next `{}` as the stream is read, {until}.\n\nThe first page is the one `{}` names (default {}); only the current page is kept in memory. The stream ends after the last page, or after the first error, which it yields.",
        op.http_method,
        op.path,
        pagination_wire(&page),
        pagination_wire(&page),
        pagination.first
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl codegen::Stream<Item = Result<#item, Error>> + Send + 'static {
            let first = #start;
            codegen::paginate_cursor(self, first, |mut page: Self, number: Option<i64>| async move {
                let number = number.unwrap_or(#first);
                page.#page = Some(#number);
                let response = page.send().await?;
                let next = #next;
                Ok(codegen::CursorPage { items: response.#items, next })
            })
        }
    }
}

/// `stream()` of an operation paged by cursor, walked by the runtime's `paginate_cursor`.
fn emit_cursor(op: &Operation, pagination: &CursorPagination) -> TokenStream {
    let item = type_tokens(&pagination.item, &types_path());
    let cursor = ident(&pagination.cursor);
    let items = ident(&pagination.items);
    let optional = |presence: &Presence| *presence != Presence::Required;
    let (next, source) = match &pagination.next {
        NextCursor::Field(name, presence) => {
            let name = ident(name);
            let next = match optional(presence) {
                true => quote!(response.#name),
                false => quote!(Some(response.#name)),
            };
            (next, format!("the response's `{}`", pagination_wire(&name)))
        }
        NextCursor::LastItemId {
            has_more: (has_more, more_presence),
            id: (id, id_presence),
        } => {
            let (has_more, id) = (ident(has_more), ident(id));
            let more = match optional(more_presence) {
                true => quote!(response.#has_more.unwrap_or(false)),
                false => quote!(response.#has_more),
            };
            let last = match optional(id_presence) {
                true => quote!(response.#items.last().and_then(|item| item.#id.clone())),
                false => quote!(response.#items.last().map(|item| item.#id.clone())),
            };
            (
                quote!(if #more { #last } else { None }),
                "the last item's `id` while `has_more` is true".to_owned(),
            )
        }
    };
    let doc = doc_attrs(&format!(
        "Streams the items of every page, sending `{} {}` again with `{}` set to {source} as the stream is read.\n\nThe first page is the one `{}` names (the first of all when unset); only the current page is kept in memory. The stream ends after the last page, or after the first error, which it yields.",
        op.http_method,
        op.path,
        pagination_wire(&cursor),
        pagination_wire(&cursor),
    ));
    quote! {
        #doc
        pub fn stream(self) -> impl codegen::Stream<Item = Result<#item, Error>> + Send + 'static {
            let cursor = self.#cursor.clone();
            codegen::paginate_cursor(self, cursor, |mut page: Self, cursor| async move {
                page.#cursor = cursor;
                let response = page.send().await?;
                let next = #next;
                Ok(codegen::CursorPage { items: response.#items, next })
            })
        }
    }
}

/// The next link at the end of `path` in `response`, as an `Option<String>`: fields are
/// reached directly while they are required, then through `Option`s.
fn link_value(path: &[(String, Presence, String)]) -> TokenStream {
    let mut value = quote!(response);
    let mut optional = false;
    for (i, (name, presence, _)) in path.iter().enumerate() {
        let name = ident(name);
        let last = i + 1 == path.len();
        value = match (optional, *presence == Presence::Required) {
            (false, true) => quote!(#value.#name),
            (false, false) if last => return quote!(#value.#name.clone()),
            (false, false) => quote!(#value.#name.as_ref()),
            (true, true) => quote!(#value.map(|v| &v.#name)),
            (true, false) => quote!(#value.and_then(|v| v.#name.as_ref())),
        };
        optional |= *presence != Presence::Required;
    }
    if optional {
        quote!(#value.cloned())
    } else {
        quote!(Some(#value.clone()))
    }
}

/// A Rust name as the docs show it, without a raw prefix.
fn pagination_wire(name: &proc_macro2::Ident) -> String {
    name.to_string().trim_start_matches("r#").to_owned()
}

/// `stream()` of an operation paged by `limit` and `offset`.
fn emit_offset(op: &Operation, pagination: &Pagination) -> TokenStream {
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
