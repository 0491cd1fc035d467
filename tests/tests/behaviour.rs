//! The behaviour suite (`prism_conformance::behaviour`): every case for every compiled
//! connector against the embedded sandbox, gated by the connector's declared capabilities.
//! `cargo test -p prism-conformance --test behaviour -- --nocapture` shows what was skipped and
//! why; `PRISM_BEHAVIOUR_ONLY=stripe,stax` runs only those connectors.

macro_rules! behaviour {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                prism_conformance::behaviour::run(stringify!($case)).await
            }
        )*

        /// Every case of `behaviour::all()` has a test above.
        #[test]
        fn every_case_runs() {
            let listed = [$(stringify!($case)),*];
            for case in prism_conformance::behaviour::all() {
                assert!(listed.contains(&case.name), "case {} is not in behaviour!(…)", case.name);
            }
        }
    };
}

behaviour!(
    registry,
    credentials_from_env,
    credentials_from_map,
    create_stores_the_customer,
    authentication_failure,
    unsupported_fields_are_refused_before_sending,
    declared_limits_are_enforced_before_sending,
    duplicates,
    idempotent_replay,
    never_resent_without_idempotency,
    lookup_by_reference,
    token_step,
    fault_matrix,
);
