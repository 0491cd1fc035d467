//! The one generic customer-create handler.
//!
//! Every processor's create runs the same steps; only their shapes differ. A processor
//! describes its shapes as a [`CreateProtocol`] — one hook per step — and [`post`] turns it
//! into a route (model: OpenDAL's one-shot writer, one generic driver and small per-backend
//! hooks):
//!
//! 1. [`CreateProtocol::authenticate`]: the caller, or the processor's refusal (401/403…).
//!    Processors whose credentials travel in the body accept here and check them in
//!    `validate`.
//! 2. [`CreateProtocol::parse`]: the body in the processor's encoding.
//! 3. [`CreateProtocol::idempotency_key`] (optional, default none): the key is claimed in
//!    the shared cache; a key used before is answered by [`CreateProtocol::reused`] (replay,
//!    mismatch, in flight), and the claim is freed if the request fails before it is stored.
//! 4. [`CreateProtocol::validate`]: the processor's rules.
//! 5. [`CreateProtocol::store`]: the object to store and the reply; a native duplicate check
//!    refuses here. The step runs under the store's create lock, so a check and the insert that
//!    follows are one atomic step. A successful reply completes the idempotency claim.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::MethodRouter;
use prism_types::Connector;
use serde_json::Value;

use crate::kit::auth;
use crate::kit::idempotency::{self, Claim, Used};
use crate::reply::Reply;
use crate::store::{SharedState, StoredCustomer};

/// A create request as the hooks see it.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The request headers.
    pub(crate) headers: HeaderMap,
    /// The raw body.
    pub(crate) body: Bytes,
}

/// An idempotency key to claim: `(scope, key)` with the parameters' fingerprint.
#[derive(Debug)]
pub(crate) struct IdempotencyKey {
    /// The namespace within the connector (the API key, the account).
    pub(crate) scope: String,
    /// The key itself.
    pub(crate) key: String,
    /// What "the same parameters" means: equal fingerprints.
    pub(crate) fingerprint: String,
}

/// What [`CreateProtocol::store`] returns: the customer to store and the reply, or a refusal.
pub(crate) type Created = Result<(StoredCustomer, Reply), Reply>;

/// What [`CreateProtocol::idempotency_key`] returns: the key to claim, none, or a refusal.
pub(crate) type IdemResult = Result<Option<IdempotencyKey>, Reply>;

/// A stored customer whose processor id is the body's `id` member.
pub(crate) fn stored(
    body: Value,
    reference: Option<String>,
    email: Option<String>,
) -> StoredCustomer {
    StoredCustomer {
        id: body["id"].as_str().unwrap_or_default().to_owned(),
        merchant_customer_id: reference,
        email,
        body,
    }
}

impl IdempotencyKey {
    /// The key of the `Idempotency-Key` header (trimmed, non-empty), if the request has one.
    pub(crate) fn from_header(
        headers: &HeaderMap,
        scope: &str,
        fingerprint: impl FnOnce() -> String,
    ) -> Option<Self> {
        auth::header(headers, "idempotency-key").map(|key| IdempotencyKey {
            scope: scope.to_owned(),
            key: key.to_owned(),
            fingerprint: fingerprint(),
        })
    }
}

/// One processor's customer-create protocol: the hooks of [`handle`], each answering in the
/// processor's own shapes. `Err(reply)` from any hook is sent as is.
pub(crate) trait CreateProtocol: Send + Sync + 'static {
    /// The processor.
    const CONNECTOR: Connector;
    /// What authentication established and later replies need (key, request id, …).
    type Caller;
    /// The request as parsed.
    type Parsed;
    /// The request once validated.
    type Valid;

    /// Step 1: who is calling.
    fn authenticate(&self, req: &Incoming) -> Result<Self::Caller, Reply>;

    /// Step 2: the body.
    fn parse(&self, caller: &Self::Caller, req: &Incoming) -> Result<Self::Parsed, Reply>;

    /// Step 3: the idempotency key to claim, if the processor has them and the request carries
    /// one; `Err` refuses the key itself (e.g. too long). Default: none.
    fn idempotency_key(
        &self,
        caller: &Self::Caller,
        req: &Incoming,
        parsed: &Self::Parsed,
    ) -> IdemResult {
        let _ = (caller, req, parsed);
        Ok(None)
    }

    /// The answer to a request whose key was used before. Default: the stored reply again,
    /// unmarked, and the processor's 409 otherwise; processors with keys override it.
    fn reused(&self, caller: &Self::Caller, used: Used) -> Reply {
        let _ = caller;
        match used {
            Used::Replay(reply) => reply,
            Used::Mismatch | Used::InFlight => Reply::new(409, Vec::new()),
        }
    }

    /// Step 4: the processor's rules.
    fn validate(&self, caller: &Self::Caller, parsed: Self::Parsed) -> Result<Self::Valid, Reply>;

    /// Step 5: the customer to store and the reply, or a refusal (a native duplicate); runs
    /// under the create lock, so it may look at `state` and be sure nothing is stored between.
    fn store(&self, caller: &Self::Caller, state: &SharedState, valid: Self::Valid) -> Created;
}

/// Runs `protocol`'s steps for one request.
pub(crate) fn handle<P: CreateProtocol>(
    protocol: &P,
    state: &SharedState,
    req: &Incoming,
) -> Reply {
    match run(protocol, state, req) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn run<P: CreateProtocol>(p: &P, state: &SharedState, req: &Incoming) -> Result<Reply, Reply> {
    let caller = p.authenticate(req)?;
    let parsed = p.parse(&caller, req)?;
    let guard = match p.idempotency_key(&caller, req, &parsed)? {
        None => None,
        Some(k) => {
            match idempotency::claim(state, P::CONNECTOR, &k.scope, &k.key, &k.fingerprint) {
                Claim::Fresh(guard) => Some(guard),
                Claim::Used(used) => return Err(p.reused(&caller, used)),
            }
        }
    };
    // A refusal from here on drops the guard: nothing is stored under the key.
    let valid = p.validate(&caller, parsed)?;
    let reply = {
        let _create = state.lock_creates();
        let (customer, reply) = p.store(&caller, state, valid)?;
        state.insert_customer(P::CONNECTOR, customer);
        reply
    };
    if let Some(guard) = guard {
        guard.complete(&reply);
    }
    Ok(reply)
}

/// The `POST` route of `protocol`, for a router of any state.
pub(crate) fn post<P: CreateProtocol, S: Clone + Send + Sync + 'static>(
    protocol: P,
    state: SharedState,
) -> MethodRouter<S> {
    let protocol = Arc::new(protocol);
    axum::routing::post(move |headers: HeaderMap, body: Bytes| {
        let (protocol, state) = (Arc::clone(&protocol), state.clone());
        async move { handle(protocol.as_ref(), &state, &Incoming { headers, body }) }
    })
}
