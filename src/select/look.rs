//! Pass 1's lock-free first look and the linearizable `default` (see the algorithm in
//! [`super`]): read every case's readiness hint, try one case that looks ready, and take a
//! `default` only once "no case ready" is confirmed at one instant, by a double collect of
//! the hints or, after [`COLLECT_ROUNDS`] failed attempts, with every channel locked at once
//! (Go's `sellock`).

use super::order::{first_pick, probe, STACK_CASES};
use super::{Cases, RawSelect};

/// What [`RawSelect::first_look`] found.
pub(super) enum Look {
    /// This case completed.
    Won(usize),
    /// With a `default`: there was an instant at which no case was ready. Without one: no
    /// case looked ready (registration checks each again under its lock).
    NoneReady,
    /// The case that looked ready was not, or "none ready" could not be confirmed, or the
    /// look was skipped: take the locked path.
    Stale,
}

/// How many times a select with `default` confirms "no case ready" with two passes over the
/// hints before it locks all its channels at once instead (Go's `sellock`), which always
/// decides. Each failed pass means that another operation changed a channel meanwhile.
const COLLECT_ROUNDS: u32 = if cfg!(loom) { 1 } else { 3 };

impl<S: Cases> RawSelect<S> {
    /// Pass 1's lock-free first look: read every case's readiness hint, then try one case
    /// drawn uniformly from those that look ready (the first of them in source order when
    /// biased). A select of a few cases or more first tries a [`probe`], which reads one
    /// hint instead of all when it finds its case ready. Only that case's lock is taken, so a select whose ready case is found at once
    /// costs one lock, as a plain receive does. If none looks ready and the select has a
    /// `default`, the look is confirmed by a second pass ([`Self::unchanged`]).
    pub(super) fn first_look(&mut self) -> Look {
        let n = self.len();
        if n > STACK_CASES {
            // Large dynamic selects take the locked path; with a `default`, they first look
            // at every case under all locks, which decides "none ready" at once (the locked
            // pass alone would take as many locks, one at a time, and need confirming).
            return if self.has_default {
                self.look_locked()
            } else {
                Look::Stale
            };
        }
        // The probe, as `select!` does: a case drawn from all, taken if its hint says ready.
        if let Some(i) = probe(n, self.biased) {
            let c = self.cases.case(i);
            if c.ready_in(c.look()) {
                return self.try_first(i);
            }
        }
        let mut looks = [0usize; STACK_CASES];
        let ready = if self.has_default {
            self.each().enumerate().fold(0u32, |m, (i, c)| {
                looks[i] = c.look();
                m | (u32::from(c.ready_in(looks[i])) << i)
            })
        } else {
            // Without a default, "none ready" only leads to registration, which checks again.
            self.each()
                .enumerate()
                .fold(0u32, |m, (i, c)| m | (u32::from(c.ready_in(c.look())) << i))
        };
        let Some(i) = first_pick(ready, self.biased) else {
            if self.has_default && !self.unchanged(&looks[..n]) {
                return Look::Stale;
            }
            return Look::NoneReady;
        };
        self.try_first(i)
    }

    /// Tries case `i`, the first look's pick, under its lock.
    fn try_first(&mut self, i: usize) -> Look {
        if self.cases.case_mut(i).try_now() {
            Look::Won(i)
        } else {
            Look::Stale
        }
    }

    /// The second pass of a double collect: whether every case's look is still `looks`,
    /// read by a first pass that found no case ready. If so, there was an instant, between
    /// the two passes, at which no case was ready, and `default` may be taken
    /// (linearizable, as Go's `select` that locks every channel before it decides).
    ///
    /// Why: a channel's readiness only changes in a critical section, which publishes its
    /// hint word, with a generation that grows on every change, before unlocking (Release);
    /// the select's loads are Acquire. (A channel whose hint is off looks ready, so it never
    /// gets here.) Let `W_c` be the critical section that published the word read from
    /// channel `c` (both reads: equal words) and `X_c` the next one to change `c`'s
    /// readiness, if any. Place `default` after every `W_c` and before every `X_c`: in
    /// between, each `c` is as its word says, not ready. Sections that change nothing
    /// publish nothing and may go on either side, so that order can only contradict what
    /// happened if some `X_p` happened before some `W_q`, directly or through sections
    /// that `q`'s lock orders before `W_q`. Then `X_p`'s store happened before `W_q`'s
    /// store, which the first pass's read of `q` reads (Acquire), and that read is
    /// sequenced before the second pass's read of `p`: by coherence the latter sees
    /// `X_p`'s word or a later one, a different generation, and the confirmation fails.
    /// The select's own earlier operations come before its first pass, and its later ones
    /// after the second, so they fit the order too.
    ///
    /// This is the argument of a double-collect snapshot; the generation rules out a word
    /// that changed and changed back between the two passes. (A `fut(..)` case's look is a
    /// constant: it takes no part.)
    pub(super) fn unchanged(&self, looks: &[usize]) -> bool {
        self.each().zip(looks).all(|(c, &l)| c.look() == l)
    }

    /// A select with `default` whose locked pass completed nothing: the locks were taken one
    /// at a time, so some case may have been ready at every instant (one became ready after
    /// its lock was released, another stopped being ready before its lock was taken).
    /// Confirm "none ready" at one instant before `default` is taken: by a first look with
    /// its double collect for the first [`COLLECT_ROUNDS`] rounds, then by looking at every
    /// case with all their channels locked at once.
    pub(super) fn confirm_none(&mut self, round: u32) -> Look {
        if round <= COLLECT_ROUNDS && self.len() <= STACK_CASES {
            return self.first_look();
        }
        self.look_locked()
    }

    /// Go's `sellock`: locks every case's channel, in address order and each once (a channel
    /// may appear in several cases), and looks at every case while all are held, when each
    /// look is exact: `NoneReady` if no case is ready at this instant, else `Stale` (the
    /// locked pass tries again). Holding two channel locks happens only here, always in
    /// address order, so it cannot deadlock.
    #[cold]
    pub(super) fn look_locked(&self) -> Look {
        let mut chans: Vec<(usize, usize)> = (self.each().enumerate())
            .map(|(i, c)| (c.channel(), i))
            .filter(|&(ch, _)| ch != 0)
            .collect();
        chans.sort_unstable();
        chans.dedup_by_key(|&mut (ch, _)| ch);
        let held: Vec<_> = (chans.iter())
            .map(|&(_, i)| self.cases.case(i).hold())
            .collect();
        let any_ready = self.each().any(|c| c.ready_in(c.look()));
        drop(held); // republishes each hint and unlocks
        if any_ready {
            Look::Stale
        } else {
            Look::NoneReady
        }
    }
}
