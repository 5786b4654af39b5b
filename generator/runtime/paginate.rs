//! Lazy streams over paged list operations.

use std::future::Future;
use std::sync::Arc;

use futures_core::Stream;

use super::api::Api;
use super::error::{Error, ValidationError};

/// One page of a list operation.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of the page.
    pub items: Vec<T>,
    /// How many items there are in all pages, when the API says.
    pub total: Option<i64>,
}

/// The items of every page, fetched one page at a time from `offset` on with `fetch(builder,
/// offset, limit)`. Only the current page is held in memory. The stream ends after a short or
/// empty page, once `total` items were seen, or after the first error.
///
/// It is a cursor walk whose cursor is the next page's offset.
pub fn paginate<A, B, T, F, Fut>(
    builder: B,
    offset: i64,
    limit: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<A>>> + Send
where
    A: Api,
    B: Clone + Send + 'static,
    T: Send + 'static,
    F: Fn(B, i64, i64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, Error<A>>> + Send + 'static,
{
    let fetch = Arc::new(fetch);
    paginate_cursor(
        builder,
        Some(offset),
        move |builder, cursor: Option<i64>| {
            let fetch = Arc::clone(&fetch);
            async move {
                let offset = cursor.unwrap_or(0);
                let page = fetch(builder, offset, limit).await?;
                let count = i64::try_from(page.items.len()).unwrap_or(i64::MAX);
                let next = offset.saturating_add(count);
                let last = count < limit || page.total.is_some_and(|total| next >= total);
                Ok(CursorPage {
                    items: page.items,
                    next: (!last).then_some(next),
                })
            }
        },
    )
}

/// One page of a list operation paged by cursor (or by page number, a cursor that counts).
#[derive(Debug)]
pub struct CursorPage<T, C = String> {
    /// The items of the page.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` (or an empty string) after the last page.
    pub next: Option<C>,
}

/// A page cursor: text, or a page number.
pub trait PageCursor: Clone + PartialEq + Send + 'static {
    /// Whether the cursor names no page (an empty string).
    fn is_none(&self) -> bool;
}

impl PageCursor for String {
    fn is_none(&self) -> bool {
        self.is_empty()
    }
}

impl PageCursor for i64 {
    fn is_none(&self) -> bool {
        false
    }
}

/// The items of every page of a list operation paged by cursor, fetched one page at a time
/// with `fetch(builder, cursor)`, from `cursor` on (`None`: the first page). Only the current
/// page is held in memory. The stream ends after a page without a next cursor, an empty page,
/// a next cursor equal to the one just sent (a server that would loop), or the first error.
pub fn paginate_cursor<A, B, T, C, F, Fut>(
    builder: B,
    cursor: Option<C>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<A>>> + Send
where
    A: Api,
    B: Clone + Send + 'static,
    T: Send + 'static,
    C: PageCursor,
    F: Fn(B, Option<C>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CursorPage<T, C>, Error<A>>> + Send + 'static,
{
    struct Cursor<B, T, C> {
        builder: B,
        cursor: Option<C>,
        items: std::vec::IntoIter<T>,
        finished: bool,
    }
    let fetch = Arc::new(fetch);
    let state = Cursor {
        builder,
        cursor,
        items: Vec::new().into_iter(),
        finished: false,
    };
    futures_util::stream::unfold(state, move |mut state| {
        let fetch = Arc::clone(&fetch);
        async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Some((Ok(item), state));
                }
                if state.finished {
                    return None;
                }
                match fetch(state.builder.clone(), state.cursor.clone()).await {
                    Ok(page) => {
                        let next = page.next.filter(|next| !next.is_none());
                        state.finished =
                            page.items.is_empty() || next.is_none() || next == state.cursor;
                        state.cursor = next;
                        state.items = page.items.into_iter();
                    }
                    Err(error) => {
                        state.finished = true;
                        return Some((Err(error), state));
                    }
                }
            }
        }
    })
}

/// The `rel="next"` link of a response's `Link` headers (RFC 8288), such as
/// `<https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`; a `rel` may list
/// several relations (`rel="next last"`).
pub fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            let mut rest = value;
            while let Some(open) = rest.find('<') {
                let close = open + rest[open..].find('>')?;
                let target = &rest[open + 1..close];
                // The parameters run to the next link's `<`.
                let after = &rest[close + 1..];
                let end = after.find('<').unwrap_or(after.len());
                let params = &after[..end];
                let next = params.split(';').any(|param| {
                    let Some((name, value)) = param.split_once('=') else {
                        return false;
                    };
                    name.trim().eq_ignore_ascii_case("rel")
                        && value
                            .trim()
                            .trim_end_matches(',')
                            .trim_end()
                            .trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|rel| rel.eq_ignore_ascii_case("next"))
                });
                if next {
                    return Some(target.to_owned());
                }
                rest = &after[end..];
            }
            None
        })
}

/// Converts a page offset or size into the type the operation declares for it, rejecting a
/// value it cannot hold (the stream then ends with that error).
///
/// # Errors
///
/// [`Error::Validation`] when `value` does not fit `T`.
pub fn page_param<A: Api, T: TryFrom<i64>>(
    operation: &'static str,
    name: &'static str,
    value: i64,
) -> Result<T, Error<A>> {
    T::try_from(value).map_err(|_| {
        Error::Validation(ValidationError {
            operation,
            input: name.to_owned(),
            message: format!("{value} does not fit the parameter's integer type"),
        })
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    use super::next_link;

    fn links(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_next_relation_is_found_among_others_in_any_header() {
        let github = links(&[
            r#"<https://api.example.com/r?page=1>; rel="prev", <https://api.example.com/r?page=3>; rel="next", <https://api.example.com/r?page=9>; rel="last""#,
        ]);
        assert_eq!(
            next_link(&github).as_deref(),
            Some("https://api.example.com/r?page=3")
        );
        let split = links(&[
            "</r?page=1>; rel=first",
            "</r?page=2>; title=\"more\"; REL=\"Next Last\"",
        ]);
        assert_eq!(next_link(&split).as_deref(), Some("/r?page=2"));
        assert_eq!(next_link(&links(&[r#"</r?page=1>; rel="prev""#])), None);
        assert_eq!(next_link(&links(&["garbage; rel=next"])), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
