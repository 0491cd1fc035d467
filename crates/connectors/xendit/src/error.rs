//! Xendit error answers → Prism errors. The table is in docs.md ("Error mapping").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error};
use prism_connector::HttpResponse;

use crate::models::ApiError;

/// Maps a non-2xx Xendit answer.
// TODO(scaffold): the processor's documented error codes → kinds (docs.md "Error mapping").
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let api: ApiError = serde_json::from_slice(resp.body_without_bom()).unwrap_or_default();
    processor_error(
        Connector::Xendit,
        resp,
        None,
        kind_for_status(resp.status),
        api.code.as_deref(),
        api.message.as_deref(),
    )
}
