//! `gokio::context` values: `with_value` / `value` with typed `ContextKey` statics, looked up
//! towards the root by key identity, as Go's `context.WithValue` / `ctx.Value`.

mod common;

use std::time::Duration;

use gokio::context::ContextKey;
use gokio::{Context, ContextError};

/// Ported from Go's src/context/x_test.go: TestValues.
///
/// Go's keys: `k1 = key1(1)`, `k2 = key2(1)` (same int as k1, different type), `k3 = key2(3)`
/// (same type as k2, different int). Here: three statics, two of one type. Go's `otherContext`
/// (a user type embedding a Context) has no counterpart, so its cases reduce to the same
/// contexts. Go's values are `any`, so a key can hold nil: here the keys have `Option` type
/// and Go's `WithValue(c3, k1, nil)` is `with_value(&K1, None)`.
mod go_values {
    use super::*;

    static K1: ContextKey<Option<&'static str>> = ContextKey::new("key1");
    static K2: ContextKey<Option<&'static str>> = ContextKey::new("key2(1)");
    static K3: ContextKey<Option<&'static str>> = ContextKey::new("key2(3)");

    fn check(c: &Context, nm: &str, v1: &str, v2: &str, v3: &str) {
        let want = |v: &str| (!v.is_empty()).then(|| v.to_string());
        // Go: `c.Value(k).(string)`, absent when unset or nil.
        let get = |k| c.value(k).copied().flatten().map(str::to_string);
        assert_eq!(get(&K1), want(v1), "{nm}.value(k1)");
        assert_eq!(get(&K2), want(v2), "{nm}.value(k2)");
        assert_eq!(get(&K3), want(v3), "{nm}.value(k3)");
    }

    #[test]
    fn values() {
        let c0 = Context::background();
        check(&c0, "c0", "", "", "");

        let c1 = Context::background().with_value(&K1, Some("c1k1"));
        check(&c1, "c1", "c1k1", "", "");

        let c2 = c1.with_value(&K2, Some("c2k2"));
        check(&c2, "c2", "c1k1", "c2k2", "");

        let c3 = c2.with_value(&K3, Some("c3k3"));
        check(&c3, "c2", "c1k1", "c2k2", "c3k3");

        let c4 = c3.with_value(&K1, None);
        check(&c4, "c4", "", "c2k2", "c3k3");
        assert_eq!(
            format!("{c4:?}"),
            "Context { err: None, deadline: None, values: [\"key1\", \"key2(3)\", \"key2(1)\", \"key1\"] }",
            "Debug lists the keys, newest first (Go's String lists them oldest first)"
        );

        // Go's o1..o4 wrap contexts in otherContext; the lookups are the same.
        let o2 = c1.with_value(&K2, Some("o2k2"));
        check(&o2, "o2", "c1k1", "o2k2", "");
        let o4 = c4.with_value(&K3, None);
        check(&o4, "o4", "", "c2k2", "");
    }
}

static USER: ContextKey<String> = ContextKey::new("user");
static OTHER_USER: ContextKey<String> = ContextKey::new("user"); // same name and type
static COUNT: ContextKey<u32> = ContextKey::new("count");

#[test]
fn keys_compare_by_identity_not_by_name_or_type() {
    let ctx = Context::background().with_value(&USER, "gopher".to_string());
    assert_eq!(ctx.value(&USER).map(String::as_str), Some("gopher"));
    assert_eq!(
        ctx.value(&OTHER_USER),
        None,
        "a distinct static is a distinct key"
    );
    let ctx = ctx.with_value(&OTHER_USER, "ferris".to_string());
    assert_eq!(ctx.value(&USER).map(String::as_str), Some("gopher"));
    assert_eq!(ctx.value(&OTHER_USER).map(String::as_str), Some("ferris"));
    // A key made at run time (leaked: a key must live at one address for good).
    let dynamic: &'static ContextKey<String> = Box::leak(Box::new(ContextKey::new("user")));
    assert_eq!(ctx.value(dynamic), None);
    assert_eq!(
        ctx.with_value(dynamic, "x".into())
            .value(dynamic)
            .map(String::as_str),
        Some("x")
    );
}

#[test]
fn nearest_value_wins_and_parents_are_unchanged() {
    let parent = Context::background().with_value(&COUNT, 1);
    let child = parent.with_value(&COUNT, 2);
    assert_eq!(child.value(&COUNT), Some(&2));
    assert_eq!(
        parent.value(&COUNT),
        Some(&1),
        "with_value never changes its parent"
    );
    assert_eq!(Context::background().value(&COUNT), None);
    assert_eq!(Context::todo().value(&COUNT), None);
}

#[test]
fn derived_contexts_keep_values_and_with_value_shares_cancellation() {
    let (root, cancel) = Context::background().with_cancel();
    let valued = root.with_value(&USER, "gopher".to_string());
    let (child, _c) = valued.with_cancel();
    let (cause_child, _cc) = valued.with_cancel_cause();
    let (timed, _t) = valued.with_timeout(Duration::from_secs(3600));
    let detached = valued.without_cancel();
    for (name, ctx) in [
        ("with_cancel", &child),
        ("with_cancel_cause", &cause_child),
        ("with_timeout", &timed),
        ("without_cancel", &detached),
    ] {
        assert_eq!(
            ctx.value(&USER).map(String::as_str),
            Some("gopher"),
            "{name}"
        );
    }
    assert_eq!(root.value(&USER), None, "values never travel upward");

    // A value context is the same cancellation node: nothing new to cancel, nothing new
    // registered with the parent.
    assert_eq!(root.__child_count(), 3);
    cancel.cancel();
    assert_eq!(valued.err(), Some(ContextError::Canceled));
    assert!(valued.done().is_closed());
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(
        valued.value(&USER).map(String::as_str),
        Some("gopher"),
        "values outlive cancellation"
    );
}

#[test]
fn values_cross_goroutines() {
    fn assert_send_sync<T: Send + Sync>() {}
    // The key holds no T: any key type is Send + Sync, whatever T is.
    assert_send_sync::<ContextKey<std::rc::Rc<u8>>>();
    let ctx = Context::background().with_value(&USER, "gopher".to_string());
    let got = gokio::run(async move {
        gokio::go(async move { ctx.value(&USER).cloned() })
            .join()
            .await
            .unwrap()
    });
    assert_eq!(got.as_deref(), Some("gopher"));
}

#[test]
fn dropping_a_value_drops_it_once() {
    let tracked = std::sync::Arc::new(());
    static TRACKED: ContextKey<std::sync::Arc<()>> = ContextKey::new("tracked");
    let ctx = Context::background().with_value(&TRACKED, tracked.clone());
    let (child, cancel) = ctx.with_cancel();
    assert_eq!(
        std::sync::Arc::strong_count(&tracked),
        2,
        "shared, not copied"
    );
    drop(ctx);
    assert_eq!(
        std::sync::Arc::strong_count(&tracked),
        2,
        "the child keeps it"
    );
    cancel.cancel();
    drop(child);
    drop(cancel);
    assert_eq!(std::sync::Arc::strong_count(&tracked), 1);
}

/// Ported from Go's src/context/x_test.go: TestLayersCancel and TestLayersTimeout (testLayers).
///
/// At least 30 random layers of `WithValue` (a fresh key per layer, as Go's `new(value)`),
/// `WithCancel` and `WithTimeout`, then every value is checked before and after a random
/// cancel (or the timeout). Go's seed is the clock; here fastrand's, printed on failure.
mod layers {
    use super::*;

    fn layers(test_timeout: bool) {
        let seed = fastrand::u64(..);
        let mut rng = fastrand::Rng::with_seed(seed);
        const MIN_LAYERS: usize = 30;
        let mut vals: Vec<&'static ContextKey<usize>> = Vec::new();
        let mut cancels = Vec::new();
        let mut num_timers = 0;
        let mut ctx = Context::background();
        let mut i = 0;
        while i < MIN_LAYERS || num_timers == 0 || cancels.is_empty() || vals.is_empty() {
            match rng.usize(0..3) {
                0 => {
                    let key: &'static ContextKey<usize> =
                        Box::leak(Box::new(ContextKey::new("layer")));
                    ctx = ctx.with_value(key, key as *const _ as usize);
                    vals.push(key);
                }
                1 => {
                    let (c, cancel) = ctx.with_cancel();
                    ctx = c;
                    cancels.push(cancel);
                }
                _ => {
                    let d = if test_timeout {
                        Duration::from_millis(1)
                    } else {
                        Duration::from_secs(1000 * 3600)
                    };
                    let (c, cancel) = ctx.with_timeout(d);
                    ctx = c;
                    cancels.push(cancel);
                    num_timers += 1;
                }
            }
            i += 1;
        }
        let check_values = |when: &str| {
            for &key in &vals {
                assert_eq!(
                    ctx.value(key).copied(),
                    Some(key as *const _ as usize),
                    "seed={seed}: {when}"
                );
            }
        };
        if !test_timeout {
            assert!(
                !ctx.is_cancelled(),
                "seed={seed}: ctx should not be canceled yet"
            );
        }
        check_values("before cancel");
        if test_timeout {
            let done = ctx.done();
            gokio::run(async move {
                common::no_hang("ctx should have timed out", done.recv()).await;
            });
            check_values("after timeout");
        } else {
            cancels[rng.usize(0..cancels.len())].cancel();
            assert!(
                ctx.done().is_closed(),
                "seed={seed}: ctx should be canceled"
            );
            check_values("after cancel");
        }
        for cancel in cancels {
            cancel.cancel();
        }
    }

    #[test]
    fn layers_cancel() {
        layers(false);
    }

    #[test]
    fn layers_timeout() {
        layers(true);
    }
}

/// Lookups and drops walk the value list in a loop: a million values on a goroutine's 2 MiB
/// stack neither overflow on lookup nor on drop.
#[test]
fn million_values_deep() {
    static FIRST: ContextKey<u32> = ContextKey::new("first");
    gokio::run(async {
        gokio::go(async {
            let mut ctx = Context::background().with_value(&FIRST, 7);
            for i in 0..1_000_000 {
                ctx = ctx.with_value(&COUNT, i);
            }
            assert_eq!(ctx.value(&COUNT), Some(&999_999));
            assert_eq!(
                ctx.value(&FIRST),
                Some(&7),
                "a full walk to the oldest link"
            );
            assert_eq!(ctx.value(&USER), None, "a full walk past the end");
            drop(ctx);
        })
        .join()
        .await
        .unwrap();
    });
}
