//! The ties store's adjacency: each community's tie ids, packed into one array.

use super::ties::Tie;

/// Tie ids per community, packed into one array instead of one heap block per community:
/// community c's ids are `ids[start..start + len]` of its span, with room up to `start + cap`.
/// A community that outgrows its room during a tick moves its ids to the end of the array
/// (the old room is left unused); [`Adjacency::rebuild`] packs everything again between ticks.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    ids: Vec<u32>,
    spans: Vec<Span>,
    /// Reused by `rebuild`.
    spare: Vec<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
    cap: u32,
}

/// Free slots each community gets at a rebuild: a community gains few ties per tick, so most
/// never move during the tick.
const ADJACENCY_SLACK: u32 = 2;

impl Adjacency {
    pub(super) fn communities(&self) -> usize {
        self.spans.len()
    }

    pub(super) fn of(&self, c: u32) -> &[u32] {
        let s = self.spans[c as usize];
        &self.ids[s.start as usize..(s.start + s.len) as usize]
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        self.spans.reserve(additional);
        self.ids.reserve(additional * ADJACENCY_SLACK as usize);
    }

    pub(super) fn push_community(&mut self) {
        let start = self.ids.len() as u32;
        self.ids
            .resize(self.ids.len() + ADJACENCY_SLACK as usize, 0);
        self.spans.push(Span {
            start,
            len: 0,
            cap: ADJACENCY_SLACK,
        });
    }

    pub(super) fn push(&mut self, c: u32, id: u32) {
        let s = &mut self.spans[c as usize];
        if s.len == s.cap {
            let start = self.ids.len() as u32;
            let cap = (2 * s.cap).max(4);
            self.ids
                .extend_from_within(s.start as usize..(s.start + s.len) as usize);
            self.ids.resize((start + cap) as usize, 0);
            s.start = start;
            s.cap = cap;
        }
        self.ids[(s.start + s.len) as usize] = id;
        s.len += 1;
    }

    /// Removes `id` from `c`'s list, keeping the order of the others.
    pub(super) fn remove(&mut self, c: u32, id: u32) {
        let s = &mut self.spans[c as usize];
        let list = &mut self.ids[s.start as usize..(s.start + s.len) as usize];
        if let Some(i) = list.iter().position(|&t| t == id) {
            list.copy_within(i + 1.., i);
            s.len -= 1;
        }
    }

    /// Lays the lists out again from `ties` (live ties only, as compaction leaves them), in
    /// tie order. Each community gets room for the ties it has (its list's length, kept by
    /// `push` and `remove`) plus slack.
    pub(super) fn rebuild(&mut self, ties: &[Tie]) {
        let mut start = 0;
        for s in &mut self.spans {
            let cap = s.len + ADJACENCY_SLACK;
            *s = Span { start, len: 0, cap };
            start += cap;
        }
        // Slots are written up to each span's length below; the free room past it is never
        // read, so what it held need not be cleared.
        self.spare.resize(start as usize, 0);
        for (id, t) in ties.iter().enumerate() {
            for c in [t.a, t.b] {
                let s = &mut self.spans[c as usize];
                debug_assert!(s.len < s.cap, "a list longer than its community's degree");
                self.spare[(s.start + s.len) as usize] = id as u32;
                s.len += 1;
            }
        }
        std::mem::swap(&mut self.ids, &mut self.spare);
    }
}
