//! The shared in-memory store every emulator writes to, and an idempotency cache any emulator
//! can use (key → request fingerprint + stored reply, with in-flight detection).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use prism_types::Connector;

use crate::emulators::Reply;

/// A customer as an emulator stored it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCustomer {
    /// The processor's id for it (`cus_…` at Stripe).
    pub id: String,
    /// The caller's reference, wherever the processor keeps it (Stripe:
    /// `metadata[merchant_customer_id]`), when the request carried one.
    pub merchant_customer_id: Option<String>,
    /// The email address stored, if any.
    pub email: Option<String>,
    /// The stored object in the processor's own shape (what its create call answers).
    pub body: serde_json::Value,
}

/// The state shared by the server and every emulator: cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct SharedState {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    customers: Mutex<Customers>,
    seen: Mutex<HashMap<Connector, usize>>,
    idempotency: Mutex<HashMap<IdemKey, Entry>>,
}

/// Stored customers per connector, with an index by merchant reference so that duplicate checks
/// and lookups stay O(1) under load (the soak stores 20,000 per connector).
#[derive(Default)]
struct Customers {
    all: HashMap<Connector, Vec<StoredCustomer>>,
    /// (connector, reference) → positions in `all[connector]`, oldest first.
    by_reference: HashMap<(Connector, String), Vec<usize>>,
}

/// (connector, scope such as the account or API key, idempotency key)
type IdemKey = (Connector, String, String);

enum Entry {
    InFlight,
    Done { fingerprint: String, reply: Reply },
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the data stays
/// consistent: every critical section here is a single insert or read).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SharedState {
    /// Stores a customer.
    pub(crate) fn insert_customer(&self, connector: Connector, customer: StoredCustomer) {
        let mut c = lock(&self.inner.customers);
        let list = c.all.entry(connector).or_default();
        let position = list.len();
        let reference = customer.merchant_customer_id.clone();
        list.push(customer);
        if let Some(r) = reference {
            c.by_reference
                .entry((connector, r))
                .or_default()
                .push(position);
        }
    }

    /// The stored customers of `connector` carrying `reference`, oldest first.
    pub(crate) fn customers_with_reference(
        &self,
        connector: Connector,
        reference: &str,
    ) -> Vec<StoredCustomer> {
        let c = lock(&self.inner.customers);
        let (Some(list), Some(positions)) = (
            c.all.get(&connector),
            c.by_reference.get(&(connector, reference.to_owned())),
        ) else {
            return Vec::new();
        };
        positions
            .iter()
            .filter_map(|i| list.get(*i).cloned())
            .collect()
    }

    /// Every customer stored for `connector`, oldest first.
    pub(crate) fn customers(&self, connector: Connector) -> Vec<StoredCustomer> {
        lock(&self.inner.customers)
            .all
            .get(&connector)
            .cloned()
            .unwrap_or_default()
    }

    /// The first stored customer of `connector` matching `pred` (for emulators whose processor
    /// enforces uniqueness of a reference natively).
    pub(crate) fn find_customer(
        &self,
        connector: Connector,
        pred: impl Fn(&StoredCustomer) -> bool,
    ) -> Option<StoredCustomer> {
        lock(&self.inner.customers)
            .all
            .get(&connector)
            .and_then(|v| v.iter().find(|c| pred(c)).cloned())
    }

    /// How many stored customers of `connector` carry this merchant reference.
    pub(crate) fn count_by_reference(&self, connector: Connector, reference: &str) -> usize {
        lock(&self.inner.customers)
            .by_reference
            .get(&(connector, reference.to_owned()))
            .map_or(0, Vec::len)
    }

    /// Counts one request that reached `connector`'s emulator.
    pub(crate) fn record_request(&self, connector: Connector) {
        *lock(&self.inner.seen).entry(connector).or_default() += 1;
    }

    /// Requests that reached `connector`'s emulator (faulted ones included).
    pub(crate) fn requests_seen(&self, connector: Connector) -> usize {
        lock(&self.inner.seen).get(&connector).copied().unwrap_or(0)
    }

    /// The idempotency cache of `connector`.
    pub(crate) fn idempotency(&self, connector: Connector) -> IdempotencyCache {
        IdempotencyCache {
            state: self.clone(),
            connector,
        }
    }
}

/// One connector's idempotency cache: `(scope, key)` → (request fingerprint, stored reply).
///
/// Usage in a handler: [`IdempotencyCache::begin`]; on [`Begin::Fresh`], handle the request and
/// call [`IdempotencyGuard::complete`] with the reply to store it. Dropping the guard without
/// completing (validation failure, aborted request) frees the key, as processors do for
/// requests that fail before execution.
pub(crate) struct IdempotencyCache {
    state: SharedState,
    connector: Connector,
}

/// What [`IdempotencyCache::begin`] found.
pub(crate) enum Begin {
    /// The key is new: this request owns it until the guard completes or drops.
    Fresh(IdempotencyGuard),
    /// The same key finished earlier with the same fingerprint: replay this reply.
    Replay(Reply),
    /// The same key finished earlier with a different fingerprint.
    Mismatch,
    /// The same key is being handled by another request right now.
    InFlight,
}

impl IdempotencyCache {
    /// Claims `key` (within `scope`, e.g. the account or API key) for a request whose
    /// parameters hash to `fingerprint`.
    pub(crate) fn begin(&self, scope: &str, key: &str, fingerprint: &str) -> Begin {
        let id: IdemKey = (self.connector, scope.to_owned(), key.to_owned());
        let mut map = lock(&self.state.inner.idempotency);
        match map.get(&id) {
            Some(Entry::InFlight) => Begin::InFlight,
            Some(Entry::Done {
                fingerprint: stored,
                reply,
            }) => {
                if stored == fingerprint {
                    Begin::Replay(reply.clone())
                } else {
                    Begin::Mismatch
                }
            }
            None => {
                map.insert(id.clone(), Entry::InFlight);
                Begin::Fresh(IdempotencyGuard {
                    state: self.state.clone(),
                    id,
                    fingerprint: fingerprint.to_owned(),
                    done: false,
                })
            }
        }
    }
}

/// Ownership of an in-flight idempotency key. Drop without [`Self::complete`] frees the key.
pub(crate) struct IdempotencyGuard {
    state: SharedState,
    id: IdemKey,
    fingerprint: String,
    done: bool,
}

impl IdempotencyGuard {
    /// Stores `reply` under the key: later requests with the same key and fingerprint replay it.
    pub(crate) fn complete(mut self, reply: &Reply) {
        let entry = Entry::Done {
            fingerprint: std::mem::take(&mut self.fingerprint),
            reply: reply.clone(),
        };
        lock(&self.state.inner.idempotency).insert(self.id.clone(), entry);
        self.done = true;
    }
}

impl Drop for IdempotencyGuard {
    fn drop(&mut self) {
        if !self.done {
            let mut map = lock(&self.state.inner.idempotency);
            if matches!(map.get(&self.id), Some(Entry::InFlight)) {
                map.remove(&self.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_lifecycle() {
        let state = SharedState::default();
        let cache = state.idempotency(Connector::Stripe);
        let Begin::Fresh(guard) = cache.begin("acct", "k1", "fp") else {
            panic!("fresh expected")
        };
        assert!(matches!(cache.begin("acct", "k1", "fp"), Begin::InFlight));
        assert!(matches!(cache.begin("other", "k1", "fp"), Begin::Fresh(_)));
        guard.complete(&Reply::new(200, b"{}".to_vec()));
        assert!(matches!(cache.begin("acct", "k1", "fp"), Begin::Replay(r) if r.status == 200));
        assert!(matches!(
            cache.begin("acct", "k1", "other"),
            Begin::Mismatch
        ));
        // Another connector has its own cache.
        assert!(matches!(
            state
                .idempotency(Connector::Shift4)
                .begin("acct", "k1", "fp"),
            Begin::Fresh(_)
        ));
    }

    #[test]
    fn dropped_guard_frees_the_key() {
        let cache = SharedState::default().idempotency(Connector::Stripe);
        let Begin::Fresh(guard) = cache.begin("a", "k", "fp") else {
            panic!("fresh expected")
        };
        drop(guard);
        assert!(matches!(cache.begin("a", "k", "other"), Begin::Fresh(_)));
    }

    #[test]
    fn store_counts() {
        let state = SharedState::default();
        for (id, r) in [("a", Some("r1")), ("b", Some("r1")), ("c", None)] {
            state.insert_customer(
                Connector::Stripe,
                StoredCustomer {
                    id: id.into(),
                    merchant_customer_id: r.map(str::to_owned),
                    email: None,
                    body: serde_json::Value::Null,
                },
            );
        }
        assert_eq!(state.customers(Connector::Stripe).len(), 3);
        assert_eq!(state.count_by_reference(Connector::Stripe, "r1"), 2);
        assert_eq!(state.count_by_reference(Connector::Finix, "r1"), 0);
        assert_eq!(
            state
                .find_customer(Connector::Stripe, |c| c.id == "c")
                .map(|c| c.id),
            Some("c".into())
        );
    }
}
