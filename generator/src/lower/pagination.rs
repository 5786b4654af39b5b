//! Which list operations page, and how. The rules, in the order they are tried:
//!
//! 1. **Offset.** Optional integer query parameters `limit` and `offset`, and a response that
//!    is an array of items or an object with a required `data` array (and maybe an integer
//!    `total_count`). The next page starts where the items seen so far end.
//! 2. **Cursor.** An optional string query parameter named as cursors are ([`CURSOR_PARAMS`]:
//!    `cursor`, `page_token`, `starting_after`, ...), and an object response with an array of
//!    items ([`ITEMS_FIELDS`]: `data`, `items`, `results`, ..., or its only array field) and
//!    one of:
//!    - a string field naming the next cursor ([`NEXT_CURSOR_FIELDS`]: `next_cursor`,
//!      `next_page_token`, ...), fed to the parameter until it is empty or missing;
//!    - a boolean `has_more`, with items that have a string `id`: the last item's `id` is the
//!      next cursor while `has_more` is true (Stripe's `starting_after`).
//!
//! 3. **Next link.** An object response with an array of items (as in rule 2) and a string
//!    link to the next page: a field named as links are ([`NEXT_LINK_FIELDS`]: `next`,
//!    `next_url`, `nextLink`, `@odata.nextLink`, ...), or one inside an object field named as
//!    link holders are ([`LINK_HOLDERS`]: `links`, `_links`, `pagination`, `meta`, ...), or
//!    the `href` of such an object (HAL's `_links.next.href`). Or a successful response that
//!    declares a `Link` header, whose body is an array of items (or an object as above): the
//!    header's `rel="next"` link (RFC 8288, as GitHub pages). The link is followed as it is
//!    (absolute, or relative to the base URL), with none of the caller's query parameters,
//!    until it is null, empty or missing. A link to another origin is not followed: the stream
//!    ends with an error, so that credentials never leave the API.
//! 4. **Page number.** An optional integer query parameter named as page numbers are
//!    ([`PAGE_PARAMS`]: `page`, `page_number`, ...), and an object response with an array of
//!    items (as in rule 2) and maybe an integer total of pages ([`TOTAL_PAGES_FIELDS`]:
//!    `total_pages`, `last_page`, ...). Pages are counted from the caller's number (or the
//!    parameter's default, or 1) up to the total, or without one until an empty page.
//!
//! An operation with a pagination hint (`x-speakeasy-pagination`, or `x-pagination` in its
//! form) is paged as the hint says instead: `type: offsetLimit` with `offset` (or `page`) and
//! `limit` inputs, `cursor` with a `cursor` input and `outputs.nextCursor`, `url` with
//! `outputs.nextUrl`; `outputs.results` names the items (`$` or absent: the response is the
//! array). A hint that names what the operation lacks is reported and the rules apply
//! ([`super::hints`] checks hints).
//!
//! An operation that matches no rule has no `stream()`. Rule 3 comes before rule 4 so that an
//! API that gives both a page number and a next link (Django REST framework) is walked by its
//! links, which end where the pages do.

use super::Lowerer;
use crate::ir::{
    CursorPagination, Input, LinkPagination, Location, NextCursor, NextLink, PageNumberPagination,
    PageShape, Pagination, Paging, ParamEncoding, Presence, ResponseKind, TypeKind, TypeRef,
};

/// Query parameters that take a page cursor, by wire name.
pub const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "starting_after",
    "after",
    "page_cursor",
];

/// Response fields that give the next page's cursor, by wire name.
pub const NEXT_CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "next_page_cursor",
];

/// Query parameters that take a page number, by wire name.
pub const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber", "page_no"];

/// Response fields that give the number of pages, by wire name.
pub const TOTAL_PAGES_FIELDS: &[&str] = &[
    "total_pages",
    "totalPages",
    "last_page",
    "lastPage",
    "page_count",
    "pageCount",
];

/// Response fields that link to the next page, by wire name.
pub const NEXT_LINK_FIELDS: &[&str] = &[
    "next",
    "next_url",
    "nextUrl",
    "next_link",
    "nextLink",
    "@odata.nextLink",
    "next_page_url",
    "nextPageUrl",
    "next_href",
];

/// Object fields of a response that hold its links, by wire name.
pub const LINK_HOLDERS: &[&str] = &[
    "links",
    "_links",
    "pagination",
    "paging",
    "meta",
    "page_info",
    "pageInfo",
];

/// Response fields that hold a page's items, by wire name.
pub const ITEMS_FIELDS: &[&str] = &["data", "items", "results", "entries", "records", "values"];

impl Lowerer<'_> {
    /// How a list operation pages, by the rules of this module's documentation.
    pub(super) fn pagination(
        &self,
        inputs: &[Input],
        response: &ResponseKind,
        link_header: bool,
    ) -> Option<Paging> {
        if let Some(offset) = self.offset_pagination(inputs, response) {
            return Some(Paging::Offset(offset));
        }
        if let Some(cursor) = self.cursor_pagination(inputs, response) {
            return Some(Paging::Cursor(cursor));
        }
        if let Some(link) = self.link_pagination(response, link_header) {
            return Some(Paging::Link(link));
        }
        self.page_number_pagination(inputs, response)
            .map(Paging::Page)
    }

    /// The fields of a response that is a struct.
    pub(super) fn struct_fields(&self, ty: &TypeRef) -> Option<&[crate::ir::Field]> {
        match ty {
            TypeRef::Named(name) => match &self.types.get(name)?.kind {
                TypeKind::Struct { fields, .. } => Some(fields),
                _ => None,
            },
            _ => None,
        }
    }

    /// The fields from `ty` down `steps` (wire names) to a string.
    pub(super) fn field_path(
        &self,
        ty: &TypeRef,
        steps: &[&str],
    ) -> Option<Vec<(String, Presence, String)>> {
        let (first, rest) = steps.split_first()?;
        let field = self.struct_fields(ty)?.iter().find(|f| f.wire == *first)?;
        let step = (field.name.clone(), field.presence, field.wire.clone());
        if rest.is_empty() {
            return (field.ty == TypeRef::String).then(|| vec![step]);
        }
        let mut path = self.field_path(&field.ty, rest)?;
        path.insert(0, step);
        Some(path)
    }

    /// Rule 3: a next link in the body, or in the `Link` header.
    fn link_pagination(
        &self,
        response: &ResponseKind,
        link_header: bool,
    ) -> Option<LinkPagination> {
        let ResponseKind::Json(ty) = response else {
            return None;
        };
        match ty {
            TypeRef::Vec(item) if link_header => Some(LinkPagination {
                response: ty.clone(),
                items: None,
                item: (**item).clone(),
                next: NextLink::Header,
            }),
            TypeRef::Named(name) => {
                let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
                    return None;
                };
                let (items, item) = Self::items_field(fields)?;
                let next = match self.link_in(fields, 0) {
                    Some(path) => NextLink::Body(path),
                    None if link_header => NextLink::Header,
                    None => return None,
                };
                Some(LinkPagination {
                    response: ty.clone(),
                    items: Some(items.name.clone()),
                    item: item.clone(),
                    next,
                })
            }
            _ => None,
        }
    }

    /// The fields that lead to a next link among `fields`: a string named as links are, or
    /// (at the top, `depth` 0) one inside an object named as link holders are, or the `href`
    /// of an object named as links are.
    fn link_in(
        &self,
        fields: &[crate::ir::Field],
        depth: usize,
    ) -> Option<Vec<(String, Presence, String)>> {
        let step = |f: &crate::ir::Field| (f.name.clone(), f.presence, f.wire.clone());
        let struct_fields = |f: &crate::ir::Field| match &f.ty {
            TypeRef::Named(name) => match &self.types.get(name)?.kind {
                TypeKind::Struct { fields, .. } => Some(fields.clone()),
                _ => None,
            },
            _ => None,
        };
        for field in fields {
            if !NEXT_LINK_FIELDS.contains(&field.wire.as_str()) {
                continue;
            }
            if field.ty == TypeRef::String {
                return Some(vec![step(field)]);
            }
            let href = struct_fields(field).and_then(|inner| {
                inner
                    .iter()
                    .find(|f| f.wire == "href" && f.ty == TypeRef::String)
                    .map(step)
            });
            if let Some(href) = href {
                return Some(vec![step(field), href]);
            }
        }
        if depth > 0 {
            return None;
        }
        fields
            .iter()
            .filter(|f| LINK_HOLDERS.contains(&f.wire.as_str()))
            .find_map(|holder| {
                let inner = struct_fields(holder)?;
                let mut path = self.link_in(&inner, depth + 1)?;
                path.insert(0, step(holder));
                Some(path)
            })
    }

    /// The required array field of a response object that holds its items: one named as
    /// items are, or its only array field.
    fn items_field(fields: &[crate::ir::Field]) -> Option<(&crate::ir::Field, &TypeRef)> {
        let arrays: Vec<_> = fields
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::Vec(_)) && f.presence == Presence::Required)
            .collect();
        let items = arrays
            .iter()
            .find(|f| ITEMS_FIELDS.contains(&f.wire.as_str()))
            .or_else(|| arrays.first().filter(|_| arrays.len() == 1))?;
        match &items.ty {
            TypeRef::Vec(item) => Some((items, item)),
            _ => None,
        }
    }

    /// Rule 3: a page-number parameter, and maybe a total of pages in the response.
    fn page_number_pagination(
        &self,
        inputs: &[Input],
        response: &ResponseKind,
    ) -> Option<PageNumberPagination> {
        let page = inputs.iter().find_map(|p| match p.ty {
            TypeRef::Integer(ty)
                if p.location == Location::Query(ParamEncoding::Display)
                    && !p.presence.is_required()
                    && ty.fits_i64()
                    && PAGE_PARAMS.contains(&p.wire.as_str()) =>
            {
                Some((p, ty))
            }
            _ => None,
        })?;
        let ResponseKind::Json(TypeRef::Named(name)) = response else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
            return None;
        };
        let (items, item) = Self::items_field(fields)?;
        let total_pages = fields.iter().find_map(|f| match f.ty {
            TypeRef::Integer(ty)
                if TOTAL_PAGES_FIELDS.contains(&f.wire.as_str())
                    && ty.fits_i64()
                    && f.presence != Presence::TriState =>
            {
                Some((f.name.clone(), f.presence, ty))
            }
            _ => None,
        });
        Some(PageNumberPagination {
            page: (page.0.name.clone(), page.1),
            first: page.0.integer_default.unwrap_or(1),
            items: items.name.clone(),
            item: item.clone(),
            total_pages,
        })
    }

    /// Rule 2: a cursor parameter, and a next cursor or `has_more` in the response.
    fn cursor_pagination(
        &self,
        inputs: &[Input],
        response: &ResponseKind,
    ) -> Option<CursorPagination> {
        let cursor = inputs.iter().find(|p| {
            p.ty == TypeRef::String
                && p.location == Location::Query(ParamEncoding::Display)
                && !p.presence.is_required()
                && CURSOR_PARAMS.contains(&p.wire.as_str())
        })?;
        let ResponseKind::Json(TypeRef::Named(name)) = response else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
            return None;
        };
        let (items, item) = Self::items_field(fields)?;
        let next_field = fields
            .iter()
            .find(|f| f.ty == TypeRef::String && NEXT_CURSOR_FIELDS.contains(&f.wire.as_str()));
        let next = match next_field {
            Some(field) => NextCursor::Field(field.name.clone(), field.presence),
            None => {
                let has_more = fields
                    .iter()
                    .find(|f| f.wire == "has_more" && f.ty == TypeRef::Bool)?;
                let TypeRef::Named(item_name) = item else {
                    return None;
                };
                let TypeKind::Struct {
                    fields: item_fields,
                    ..
                } = &self.types.get(item_name)?.kind
                else {
                    return None;
                };
                let id = item_fields
                    .iter()
                    .find(|f| f.wire == "id" && f.ty == TypeRef::String)?;
                NextCursor::LastItemId {
                    has_more: (has_more.name.clone(), has_more.presence),
                    id: (id.name.clone(), id.presence),
                }
            }
        };
        Some(CursorPagination {
            cursor: cursor.name.clone(),
            items: items.name.clone(),
            item: item.clone(),
            next,
        })
    }

    /// Rule 1: optional integer `limit` and `offset` query parameters, and a response that is
    /// an array of items or an object with a `data` array (and maybe a `total_count`).
    fn offset_pagination(&self, inputs: &[Input], response: &ResponseKind) -> Option<Pagination> {
        let find = |wire: &str| {
            inputs.iter().find_map(|p| match p.ty {
                TypeRef::Integer(ty)
                    if p.wire == wire
                        && p.location == Location::Query(ParamEncoding::Display)
                        && !p.presence.is_required()
                        && ty.fits_i64() =>
                {
                    Some((p, ty))
                }
                _ => None,
            })
        };
        let ((limit, limit_type), (offset, offset_type)) = (find("limit")?, find("offset")?);
        let ResponseKind::Json(ty) = response else {
            return None;
        };
        let (item, shape) = match ty {
            TypeRef::Vec(item) => ((**item).clone(), PageShape::Array),
            TypeRef::Named(name) => {
                let TypeKind::Struct { fields, .. } = &self.types.get(name)?.kind else {
                    return None;
                };
                let data = fields
                    .iter()
                    .find(|f| f.wire == "data" && f.presence == Presence::Required)?;
                let TypeRef::Vec(item) = &data.ty else {
                    return None;
                };
                let total = fields.iter().find_map(|f| match f.ty {
                    TypeRef::Integer(ty)
                        if f.wire == "total_count"
                            && ty.fits_i64()
                            && f.presence != Presence::TriState =>
                    {
                        Some((f.name.clone(), f.presence, ty))
                    }
                    _ => None,
                });
                (
                    (**item).clone(),
                    PageShape::Envelope {
                        items: data.name.clone(),
                        total,
                    },
                )
            }
            _ => return None,
        };
        Some(Pagination {
            limit: limit.name.clone(),
            limit_type,
            offset: offset.name.clone(),
            offset_type,
            default_limit: limit.integer_default.filter(|d| *d > 0).unwrap_or(10),
            item,
            shape,
        })
    }
}
