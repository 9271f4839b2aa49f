//! Keyset (cursor) pagination: `?limit=` (default 50, max 200) and `?cursor=`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: u64 = 50;
/// Largest page size.
pub const MAX_LIMIT: u64 = 200;
/// Longest `cursor` accepted, and the `maxLength` of every `cursor` parameter: the
/// cursors this API emits are 22 characters, the rest is room to change their content.
pub const MAX_CURSOR_LEN: usize = 128;

/// The paging part of a list request.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    #[param(max_length = 128)]
    pub cursor: Option<String>,
}

/// A validated page request: fetch `limit + 1` rows after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page size.
    pub limit: u64,
    /// Return rows whose id is greater than this.
    pub after: Option<Uuid>,
}

impl PageQuery {
    /// Validates the limit and decodes the cursor.
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(decode_cursor(raw)?),
        };
        Ok(PageRequest { limit, after })
    }
}

/// Encodes the id of the last item of a page as an opaque cursor.
pub fn encode_cursor(last_id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(last_id.as_bytes())
}

fn decode_cursor(raw: &str) -> Result<Uuid, ApiError> {
    if raw.chars().count() > MAX_CURSOR_LEN {
        return Err(ApiError::field(
            "cursor",
            format!("must be at most {MAX_CURSOR_LEN} characters"),
        ));
    }
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .ok_or_else(|| ApiError::field("cursor", "is not a cursor returned by this API"))
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Cursor of the next page, or null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that more exist.
    pub fn from_rows(mut rows: Vec<T>, request: PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(id_of(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        let too_big = PageQuery {
            limit: Some(201),
            cursor: None,
        };
        assert!(too_big.parse().is_err());
        let zero = PageQuery {
            limit: Some(0),
            cursor: None,
        };
        assert!(zero.parse().is_err());
        let default = PageQuery::default().parse().expect("default is valid");
        assert_eq!(default.limit, DEFAULT_LIMIT);
    }

    #[test]
    fn cursor_round_trip_and_garbage() {
        let id = Uuid::now_v7();
        let query = PageQuery {
            limit: None,
            cursor: Some(encode_cursor(id)),
        };
        assert_eq!(query.parse().expect("valid").after, Some(id));
        let bad = PageQuery {
            limit: None,
            cursor: Some("!!".into()),
        };
        assert!(bad.parse().is_err());
        let long = PageQuery {
            limit: None,
            cursor: Some("A".repeat(MAX_CURSOR_LEN + 1)),
        };
        match long.parse() {
            Err(ApiError::Validation(errors)) => {
                assert_eq!(errors[0].field, "cursor");
                assert!(errors[0].message.contains("at most 128"), "{errors:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn emitted_cursors_fit_the_limit() {
        assert!(encode_cursor(Uuid::max()).len() <= MAX_CURSOR_LEN);
    }

    #[test]
    fn extra_row_makes_a_cursor() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let request = PageRequest {
            limit: 2,
            after: None,
        };
        let page = Page::from_rows(ids.clone(), request, |id| *id);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next_cursor, Some(encode_cursor(ids[1])));
        let last = Page::from_rows(ids[..2].to_vec(), request, |id| *id);
        assert_eq!(last.next_cursor, None);
    }
}
