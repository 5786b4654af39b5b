//! Pagination by hint: an operation's `x-speakeasy-pagination` (or `x-pagination`), or the
//! `pagination` setting, names how it pages where the rules of [`super::pagination`] cannot
//! tell. Each hint is checked against the operation it describes; one that names what the
//! operation lacks is refused with the reason, and the caller reports it.

use super::Lowerer;
use crate::ir::{
    CursorPagination, Field, Input, IntType, LinkPagination, Location, NextCursor, NextLink,
    Operation, PageNumberPagination, PageShape, Pagination, Paging, ParamEncoding, Presence,
    ResponseKind, TypeRef,
};
use crate::openapi::PaginationHint;

/// A hint being checked against its operation.
struct Hinted<'a> {
    lowerer: &'a Lowerer<'a>,
    op: &'a Operation,
    hint: &'a PaginationHint,
    /// The response, and its fields when it is a struct.
    response: &'a TypeRef,
    fields: Option<&'a [Field]>,
    /// The field of the response that holds the items (`None`: the response is the array),
    /// and the item type.
    items: Option<String>,
    item: TypeRef,
}

impl Lowerer<'_> {
    /// How the operation pages by its hint, or why the hint cannot be followed.
    pub(super) fn hinted_pagination(
        &self,
        op: &Operation,
        hint: &PaginationHint,
    ) -> Result<Paging, String> {
        let ResponseKind::Json(response) = &op.response else {
            return Err("the operation's response is not one JSON type".to_owned());
        };
        let fields = self.struct_fields(response);
        let (items, item) = items(hint, response, fields)?;
        let hinted = Hinted {
            lowerer: self,
            op,
            hint,
            response,
            fields,
            items,
            item,
        };
        match hint.kind.as_str() {
            "cursor" => hinted.cursor(),
            "url" => hinted.url(),
            "offsetLimit" => match hinted.input("page")? {
                Some(page) => hinted.page_number(page),
                None => hinted.offset_limit(),
            },
            other => Err(format!(
                "its type `{other}` is not offsetLimit, cursor or url"
            )),
        }
    }
}

/// The items a hint names: the response itself, or a required array field of it.
fn items(
    hint: &PaginationHint,
    response: &TypeRef,
    fields: Option<&[Field]>,
) -> Result<(Option<String>, TypeRef), String> {
    let results = hint.outputs.results.as_deref().map(json_path).transpose()?;
    match (results.as_deref(), response) {
        (None | Some([]), TypeRef::Vec(item)) => Ok((None, (**item).clone())),
        (Some([name]), _) => {
            let field = fields
                .and_then(|fields| fields.iter().find(|f| f.wire == *name))
                .filter(|f| f.presence == Presence::Required)
                .ok_or_else(|| {
                    format!(
                        "`outputs.results` names `{name}`, which is not a required field of the response"
                    )
                })?;
            let TypeRef::Vec(item) = &field.ty else {
                return Err(format!(
                    "`outputs.results` names `{name}`, which is not an array"
                ));
            };
            Ok((Some(field.name.clone()), (**item).clone()))
        }
        (Some(path), _) if path.len() > 1 => Err(
            "items below the top of the response (`outputs.results` with a nested path) are not supported"
                .to_owned(),
        ),
        _ => Err("`outputs.results` is missing and the response is not an array".to_owned()),
    }
}

impl Hinted<'_> {
    /// The query parameter the hint gives the role `role`, if it names one.
    fn input(&self, role: &str) -> Result<Option<&Input>, String> {
        let Some(named) = self.hint.inputs.iter().find(|i| i.kind == role) else {
            return Ok(None);
        };
        self.op
            .inputs
            .iter()
            .find(|i| i.wire == named.name && i.location == Location::Query(ParamEncoding::Display))
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "its `{role}` input `{}` is not a query parameter of the operation",
                    named.name
                )
            })
    }

    /// The string field of the response at the path `outputs.{output}` gives.
    fn field_at(
        &self,
        output: &str,
        path: Option<&str>,
    ) -> Result<Vec<(String, Presence, String)>, String> {
        let path = path.ok_or_else(|| format!("`outputs.{output}` is missing"))?;
        let steps = json_path(path)?;
        self.lowerer
            .field_path(self.response, &steps)
            .ok_or_else(|| {
                format!("`outputs.{output}` (`{path}`) is not a string field of the response")
            })
    }

    fn items_field(&self, what: &str) -> Result<String, String> {
        self.items
            .clone()
            .ok_or_else(|| format!("{what} needs `outputs.results` in an object"))
    }

    fn cursor(&self) -> Result<Paging, String> {
        let cursor = self.input("cursor")?.ok_or("it has no `cursor` input")?;
        if cursor.ty != TypeRef::String || cursor.presence.is_required() {
            return Err(format!(
                "its cursor `{}` is not an optional string",
                cursor.wire
            ));
        }
        let items = self.items_field("a cursor page")?;
        let path = self.field_at("nextCursor", self.hint.outputs.next_cursor.as_deref())?;
        let [(name, presence, _)] = path.as_slice() else {
            return Err("a next cursor below the top of the response is not supported".to_owned());
        };
        Ok(Paging::Cursor(CursorPagination {
            cursor: cursor.name.clone(),
            items,
            item: self.item.clone(),
            next: NextCursor::Field(name.clone(), *presence),
        }))
    }

    fn url(&self) -> Result<Paging, String> {
        Ok(Paging::Link(LinkPagination {
            response: self.response.clone(),
            items: self.items.clone(),
            item: self.item.clone(),
            next: NextLink::Body(self.field_at("nextUrl", self.hint.outputs.next_url.as_deref())?),
        }))
    }

    fn page_number(&self, page: &Input) -> Result<Paging, String> {
        let ty = integer(page)?;
        let items = self.items_field("a numbered page")?;
        let total_pages = match &self.hint.outputs.num_pages {
            None => None,
            Some(path) => Some(self.total_pages(path)?),
        };
        Ok(Paging::Page(PageNumberPagination {
            page: (page.name.clone(), ty),
            first: page.integer_default.unwrap_or(1),
            items,
            item: self.item.clone(),
            total_pages,
        }))
    }

    /// The integer field at the top of the response that `outputs.numPages` names.
    fn total_pages(&self, path: &str) -> Result<(String, Presence, IntType), String> {
        let steps = json_path(path)?;
        let field = match steps.as_slice() {
            [name] => self
                .fields
                .and_then(|fields| fields.iter().find(|f| f.wire == *name)),
            _ => None,
        };
        match field.map(|f| (f, &f.ty)) {
            Some((f, TypeRef::Integer(ty))) if ty.fits_i64() => {
                Ok((f.name.clone(), f.presence, *ty))
            }
            _ => Err(format!(
                "`outputs.numPages` (`{path}`) is not an integer field at the top of the response"
            )),
        }
    }

    fn offset_limit(&self) -> Result<Paging, String> {
        let offset = self
            .input("offset")?
            .ok_or("it has neither an `offset` nor a `page` input")?;
        let limit = self.input("limit")?.ok_or("it has no `limit` input")?;
        let (offset_type, limit_type) = (integer(offset)?, integer(limit)?);
        let shape = match &self.items {
            None => PageShape::Array,
            Some(items) => PageShape::Envelope {
                items: items.clone(),
                total: None,
            },
        };
        Ok(Paging::Offset(Pagination {
            limit: limit.name.clone(),
            limit_type,
            offset: offset.name.clone(),
            offset_type,
            default_limit: limit.integer_default.filter(|d| *d > 0).unwrap_or(10),
            item: self.item.clone(),
            shape,
        }))
    }
}

/// The input's integer type, if it is an optional integer.
fn integer(input: &Input) -> Result<IntType, String> {
    match input.ty {
        TypeRef::Integer(ty) if ty.fits_i64() && !input.presence.is_required() => Ok(ty),
        _ => Err(format!(
            "its input `{}` is not an optional integer",
            input.wire
        )),
    }
}

/// The field names of a JSONPath of member names (`$.meta.next`, `$['next']`); `$` alone is
/// the response itself.
fn json_path(path: &str) -> Result<Vec<&str>, String> {
    let rest = path
        .trim()
        .strip_prefix('$')
        .ok_or_else(|| format!("`{path}` is not a JSONPath (it does not start with `$`)"))?;
    let mut steps = Vec::new();
    let mut rest = rest;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("['") {
            let end = after
                .find("']")
                .ok_or_else(|| format!("`{path}` has an unclosed `['`"))?;
            steps.push(&after[..end]);
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return Err(format!("`{path}` has an empty member name"));
            }
            steps.push(&after[..end]);
            rest = &after[end..];
        } else {
            return Err(format!("`{path}` is not a path of member names (`$.a.b`)"));
        }
    }
    Ok(steps)
}
