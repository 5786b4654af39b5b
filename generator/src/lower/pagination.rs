//! Which list operations page, and how: the wire names of the page size, the offset, the
//! items and the total, read from the operation's inputs and response.

use super::Lowerer;
use crate::ir::{
    Input, Location, PageShape, Pagination, ParamEncoding, Presence, ResponseKind, TypeKind,
    TypeRef,
};

impl Lowerer<'_> {
    /// Recognizes a list operation paged by optional integer `limit` and `offset` query
    /// parameters whose response is an array of items or an object with a `data` array (and
    /// maybe a `total_count`).
    pub(super) fn pagination(
        &self,
        inputs: &[Input],
        response: &ResponseKind,
    ) -> Option<Pagination> {
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
