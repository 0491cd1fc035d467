//! Standard replies for requests no route takes: the processor's 404 for an unknown path and
//! its 405 (or whatever it answers) for a known path with another method, both built by the
//! emulator ([`Emulator::not_found`], [`Emulator::method_not_allowed`]) from the request's
//! [`Head`].

use axum::http::{HeaderMap, Method, Uri};

use crate::emulators::Emulator;

/// What a standard reply may quote from the request.
#[derive(Debug)]
pub(crate) struct Head {
    /// The method.
    pub(crate) method: Method,
    /// The URI, relative to the emulator (`/v1/customers`).
    pub(crate) uri: Uri,
    /// The headers (`Host`, for processors whose errors link to the request's URL).
    pub(crate) headers: HeaderMap,
}

/// `routes` with `emulator`'s 405 on each of its paths for the methods it lacks, and its 404
/// everywhere else. Call it last, once every route is added.
pub(crate) fn with_fallbacks<E: Emulator + Copy>(
    emulator: E,
    routes: axum::Router,
) -> axum::Router {
    routes
        .method_not_allowed_fallback(
            move |method: Method, uri: Uri, headers: HeaderMap| async move {
                emulator.method_not_allowed(&Head {
                    method,
                    uri,
                    headers,
                })
            },
        )
        .fallback(
            move |method: Method, uri: Uri, headers: HeaderMap| async move {
                emulator.not_found(&Head {
                    method,
                    uri,
                    headers,
                })
            },
        )
}
