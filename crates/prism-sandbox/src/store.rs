//! The shared in-memory store every emulator writes to: customers (indexed by merchant
//! reference), request counts and the idempotency table (key → request fingerprint + stored
//! reply, or in flight), whose claim logic is `kit::idempotency`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use prism_types::Connector;

use crate::reply::Reply;

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
    idempotency: Mutex<HashMap<IdemKey, IdemEntry>>,
    creates: Mutex<()>,
    /// How long a stored customer stays invisible to eventually consistent searches.
    search_lag: Mutex<std::time::Duration>,
}

/// Stored customers per connector, with an index by merchant reference so that duplicate checks
/// and lookups stay O(1) under load (the soak stores 20,000 per connector).
#[derive(Default)]
struct Customers {
    all: HashMap<Connector, Vec<StoredCustomer>>,
    /// (connector, reference) → positions in `all[connector]`, oldest first.
    by_reference: HashMap<(Connector, String), Vec<usize>>,
    /// When each customer of `all[connector]` was stored (same positions).
    stored_at: HashMap<Connector, Vec<std::time::Instant>>,
    /// (connector, lower-cased email) → positions in `all[connector]`, oldest first (processors
    /// that key customers on the e-mail: Paystack, Razorpay).
    by_email: HashMap<(Connector, String), Vec<usize>>,
}

/// (connector, scope such as the account or API key, idempotency key)
pub(crate) type IdemKey = (Connector, String, String);

/// The state of one idempotency key.
pub(crate) enum IdemEntry {
    /// A request holds the key right now.
    InFlight,
    /// A request finished under the key with these parameters and this answer.
    Done {
        /// The parameters' fingerprint.
        fingerprint: String,
        /// The answer, replayed to a request with the same key and parameters.
        reply: Reply,
    },
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the data stays
/// consistent: every critical section here is a single insert or read).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The customers of `list` at an index's `positions`, in their order (none when either is absent).
fn at(list: Option<&Vec<StoredCustomer>>, positions: Option<&Vec<usize>>) -> Vec<StoredCustomer> {
    let (Some(list), Some(positions)) = (list, positions) else {
        return Vec::new();
    };
    positions
        .iter()
        .filter_map(|i| list.get(*i).cloned())
        .collect()
}

impl SharedState {
    /// Stores a customer.
    pub(crate) fn insert_customer(&self, connector: Connector, customer: StoredCustomer) {
        let mut c = lock(&self.inner.customers);
        let list = c.all.entry(connector).or_default();
        let position = list.len();
        let reference = customer.merchant_customer_id.clone();
        let email = customer.email.as_deref().map(str::to_lowercase);
        list.push(customer);
        if let Some(e) = email {
            c.by_email.entry((connector, e)).or_default().push(position);
        }
        c.stored_at
            .entry(connector)
            .or_default()
            .push(std::time::Instant::now());
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
        let positions = c.by_reference.get(&(connector, reference.to_owned()));
        at(c.all.get(&connector), positions)
    }

    /// The stored customers of `connector` whose email is `email` (case-insensitive), oldest
    /// first.
    pub(crate) fn customers_with_email(
        &self,
        connector: Connector,
        email: &str,
    ) -> Vec<StoredCustomer> {
        let c = lock(&self.inner.customers);
        let positions = c.by_email.get(&(connector, email.to_lowercase()));
        at(c.all.get(&connector), positions)
    }

    /// Like [`Self::customers_with_reference`], as an eventually consistent search sees them:
    /// without the customers stored less than the search lag ago.
    pub(crate) fn searchable_with_reference(
        &self,
        connector: Connector,
        reference: &str,
    ) -> Vec<StoredCustomer> {
        let lag = *lock(&self.inner.search_lag);
        let c = lock(&self.inner.customers);
        let (Some(list), Some(positions), Some(times)) = (
            c.all.get(&connector),
            c.by_reference.get(&(connector, reference.to_owned())),
            c.stored_at.get(&connector),
        ) else {
            return Vec::new();
        };
        positions
            .iter()
            .filter(|i| times.get(**i).is_some_and(|t| t.elapsed() >= lag))
            .filter_map(|i| list.get(*i).cloned())
            .collect()
    }

    /// Sets the search lag (see [`crate::Sandbox::set_search_lag`]).
    pub(crate) fn set_search_lag(&self, lag: std::time::Duration) {
        *lock(&self.inner.search_lag) = lag;
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

    /// The idempotency table of every connector (`kit::idempotency` claims and completes keys).
    pub(crate) fn idempotency_table(&self) -> MutexGuard<'_, HashMap<IdemKey, IdemEntry>> {
        lock(&self.inner.idempotency)
    }

    /// Serialises the store step of creates (a native duplicate check and the insert that follows
    /// it are one atomic step, as at the processors).
    pub(crate) fn lock_creates(&self) -> MutexGuard<'_, ()> {
        lock(&self.inner.creates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
