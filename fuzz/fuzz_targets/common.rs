//! Shared by the fuzz targets: input bytes → (connector, response).
use std::sync::Arc;

use prism::{ConnectorConfig, CreatesCustomers, HttpResponse};

pub fn connectors() -> Vec<Arc<dyn CreatesCustomers>> {
    prism::compiled_connectors()
        .into_iter()
        .filter_map(|c| ConnectorConfig::from_env_with(c, &|_| Some("fuzzkey".to_owned())).ok())
        .map(ConnectorConfig::into_connector)
        .collect()
}

/// First byte: connector; next two: status; next: header selector; rest: body.
pub fn split(data: &[u8], n: usize) -> Option<(usize, HttpResponse)> {
    if data.len() < 4 || n == 0 {
        return None;
    }
    let which = usize::from(data[0]) % n;
    let status = 100 + u16::from_be_bytes([data[1], data[2]]) % 500;
    let headers = match data[3] % 4 {
        0 => vec![],
        1 => vec![("idempotent-replayed".to_owned(), "true".to_owned())],
        2 => vec![("retry-after".to_owned(), "3".to_owned())],
        _ => vec![("stripe-should-retry".to_owned(), "false".to_owned())],
    };
    Some((which, HttpResponse::new(status, headers, data[4..].to_vec())))
}
