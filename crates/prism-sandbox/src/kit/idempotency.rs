//! The idempotency-cache helper: claim a key, then replay, refuse or own it.
//!
//! [`claim`] a `(scope, key)` with the request's fingerprint: [`Claim::Fresh`] hands out a
//! [`Guard`] (handle the request, then [`Guard::complete`] with the reply to store it; dropping
//! the guard without completing — a validation failure, an aborted request — frees the key, as
//! processors do for requests that fail before execution); otherwise the key was [`Used`]: a
//! replay of the stored reply, a mismatch of parameters, or another request in flight. The
//! table itself lives in the shared store, one namespace per connector.

use prism_types::Connector;

use crate::reply::Reply;
use crate::store::{IdemEntry, IdemKey, SharedState};

/// What [`claim`] found.
pub(crate) enum Claim {
    /// The key is new: this request owns it until the guard completes or drops.
    Fresh(Guard),
    /// The key was used before or is in use.
    Used(Used),
}

/// How a claimed key had been used.
#[derive(Debug)]
pub(crate) enum Used {
    /// The same key finished earlier with the same fingerprint: this is its reply.
    Replay(Reply),
    /// The same key finished earlier with a different fingerprint.
    Mismatch,
    /// The same key is being handled by another request right now.
    InFlight,
}

/// Claims `key` of `connector` within `scope` (the account or API key) for a request whose
/// parameters hash to `fingerprint`.
pub(crate) fn claim(
    state: &SharedState,
    connector: Connector,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Claim {
    let id: IdemKey = (connector, scope.to_owned(), key.to_owned());
    let mut table = state.idempotency_table();
    match table.get(&id) {
        Some(IdemEntry::InFlight) => Claim::Used(Used::InFlight),
        Some(IdemEntry::Done {
            fingerprint: stored,
            reply,
        }) if stored == fingerprint => Claim::Used(Used::Replay(reply.clone())),
        Some(IdemEntry::Done { .. }) => Claim::Used(Used::Mismatch),
        None => {
            table.insert(id.clone(), IdemEntry::InFlight);
            Claim::Fresh(Guard {
                state: state.clone(),
                id,
                fingerprint: fingerprint.to_owned(),
                done: false,
            })
        }
    }
}

/// Ownership of an in-flight key. Dropping it without [`Self::complete`] frees the key.
pub(crate) struct Guard {
    state: SharedState,
    id: IdemKey,
    fingerprint: String,
    done: bool,
}

impl Guard {
    /// Stores `reply` under the key: later requests with the same key and fingerprint replay it.
    pub(crate) fn complete(mut self, reply: &Reply) {
        let entry = IdemEntry::Done {
            fingerprint: std::mem::take(&mut self.fingerprint),
            reply: reply.clone(),
        };
        self.state
            .idempotency_table()
            .insert(self.id.clone(), entry);
        self.done = true;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.done {
            let mut table = self.state.idempotency_table();
            if matches!(table.get(&self.id), Some(IdemEntry::InFlight)) {
                table.remove(&self.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        let state = SharedState::default();
        let c = |scope, key, fp| claim(&state, Connector::Stripe, scope, key, fp);
        let Claim::Fresh(guard) = c("acct", "k1", "fp") else {
            panic!("fresh expected")
        };
        assert!(matches!(c("acct", "k1", "fp"), Claim::Used(Used::InFlight)));
        assert!(matches!(c("other", "k1", "fp"), Claim::Fresh(_)));
        guard.complete(&Reply::new(200, b"{}".to_vec()));
        assert!(matches!(c("acct", "k1", "fp"), Claim::Used(Used::Replay(r)) if r.status == 200));
        assert!(matches!(
            c("acct", "k1", "other"),
            Claim::Used(Used::Mismatch)
        ));
        // Another connector has its own namespace.
        assert!(matches!(
            claim(&state, Connector::Shift4, "acct", "k1", "fp"),
            Claim::Fresh(_)
        ));
    }

    #[test]
    fn dropped_guard_frees_the_key() {
        let state = SharedState::default();
        let Claim::Fresh(guard) = claim(&state, Connector::Stripe, "a", "k", "fp") else {
            panic!("fresh expected")
        };
        drop(guard);
        assert!(matches!(
            claim(&state, Connector::Stripe, "a", "k", "other"),
            Claim::Fresh(_)
        ));
    }
}
