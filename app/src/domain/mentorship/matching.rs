//! Suggested mentor–mentee pairs, each with a score and the plain reasons behind it.
//!
//! The secretariat sees these suggestions; nothing here starts a match (both people accept
//! first). The algorithm is deterministic and small enough to explain to the people it pairs:
//!
//! 1. **Workable pairs.** A mentor and a mentee can work together when they share a language
//!    and a way of meeting: both online, or both in person in the same region. A pair that
//!    cannot is never suggested; the mentee is listed as unmatched with the reason instead.
//!    Nobody is paired with themselves.
//! 2. **Score.** Each workable pair scores 30 for every one of the mentee's goals that the
//!    mentor's expertise covers (at most three count), 10 for the same region, and 20 for each
//!    of the mentee's wishes that is met (the mentor's gender as the mentee described it, a
//!    preferred language). A wish that is not met costs nothing but is always listed, so the
//!    secretariat sees it and can talk it over; it is never dropped silently.
//! 3. **Pairs.** The workable pairs are taken best first (higher score; then the mentor with
//!    more places left; then by the people's ids, so equal inputs give equal output whatever
//!    their order). A pair is kept when the mentee has no pair yet and the mentor still has a
//!    place (their maximum number of mentees less those they already have).
//! 4. **Unmatched.** Every mentee left without a pair is listed with why: nobody they can work
//!    with, or everyone they could work with is full.
//!
//! Text fields (languages, topics, regions, gender) are compared trimmed and without regard to
//! case. Pure functions: no database, no clock.

use crate::model::ids::PersonId;

/// Points for each of the mentee's goals the mentor's expertise covers.
pub const GOAL_POINTS: u32 = 30;
/// At most this many covered goals count.
pub const GOALS_COUNTED: usize = 3;
/// Points for the same region.
pub const REGION_POINTS: u32 = 10;
/// Points for each wish met.
pub const WISH_POINTS: u32 = 20;

/// One side's profile, as far as matching reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The person.
    pub person: PersonId,
    /// Languages they can work in (e.g. `en`, `fr`, or a name).
    pub languages: Vec<String>,
    /// A mentor's areas of expertise, or a mentee's learning goals.
    pub topics: Vec<String>,
    /// Where they are, if they said.
    pub region: Option<String>,
    /// Whether they can meet online.
    pub online: bool,
    /// Whether they can meet in person (in their region).
    pub in_person: bool,
    /// Their gender as they describe it, if they chose to.
    pub gender: Option<String>,
}

/// A mentor: their profile and how many mentees they take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentor {
    /// The profile.
    pub profile: Profile,
    /// The most mentees they take at once.
    pub capacity: u32,
    /// How many they mentor already.
    pub current: u32,
}

impl Mentor {
    /// Places left.
    pub fn places(&self) -> u32 {
        self.capacity.saturating_sub(self.current)
    }
}

/// A mentee: their profile and their wishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentee {
    /// The profile.
    pub profile: Profile,
    /// The mentee's wishes about their mentor.
    pub wishes: Vec<Wish>,
}

/// A mentee's wish about their mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wish {
    /// A mentor of this gender (as the mentor describes themselves).
    MentorGender(String),
    /// A mentor who works in this language.
    Language(String),
}

/// How a pair would meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Online.
    Online,
    /// In person, in the region both are in.
    InPerson,
}

/// One plain reason behind a suggestion, or behind a mentee left unmatched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Both work in this language.
    SharedLanguage(String),
    /// The mentor's expertise covers this goal of the mentee's.
    GoalCovered(String),
    /// Both can meet this way.
    SharedFormat(Format),
    /// Both are in this region.
    SameRegion(String),
    /// The mentee's wish is met.
    WishMet(Wish),
    /// The mentee's wish is not met (shown, never dropped).
    WishNotMet(Wish),
    /// The mentor's places left before this pair.
    PlacesLeft(u32),
    /// Unmatched: no mentor shares a language and a way of meeting with the mentee.
    NobodyWorkable,
    /// Unmatched: every mentor the mentee could work with is full.
    MentorsFull,
}

/// A suggested pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The mentor.
    pub mentor: PersonId,
    /// The mentee.
    pub mentee: PersonId,
    /// The score (see the module's documentation).
    pub score: u32,
    /// Why: what they share, what is met and what is not.
    pub reasons: Vec<Reason>,
}

/// The suggestions for a cohort.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    /// Suggested pairs, best first.
    pub pairs: Vec<Suggestion>,
    /// Mentees without a pair, with the reason, in the order of their ids.
    pub unmatched: Vec<(PersonId, Reason)>,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn has(list: &[String], wanted: &str) -> bool {
    let wanted = norm(wanted);
    !wanted.is_empty() && list.iter().any(|x| norm(x) == wanted)
}

/// The score and reasons of one pair, or `None` when they cannot work together.
pub fn assess(mentor: &Mentor, mentee: &Mentee) -> Option<Suggestion> {
    let (m, e) = (&mentor.profile, &mentee.profile);
    if m.person == e.person {
        return None;
    }
    let language = e
        .languages
        .iter()
        .find(|l| has(&m.languages, l))
        .map(|l| norm(l))?;
    let region = m
        .region
        .as_deref()
        .zip(e.region.as_deref())
        .filter(|(a, b)| !norm(a).is_empty() && norm(a) == norm(b))
        .map(|(a, _)| norm(a));
    let format = if m.online && e.online {
        Format::Online
    } else if m.in_person && e.in_person && region.is_some() {
        Format::InPerson
    } else {
        return None;
    };
    let mut reasons = vec![Reason::SharedLanguage(language)];
    let mut score = 0;
    let mut counted = 0;
    for goal in &e.topics {
        if has(&m.topics, goal) {
            reasons.push(Reason::GoalCovered(norm(goal)));
            if counted < GOALS_COUNTED {
                score += GOAL_POINTS;
                counted += 1;
            }
        }
    }
    reasons.push(Reason::SharedFormat(format));
    if let Some(region) = region {
        score += REGION_POINTS;
        reasons.push(Reason::SameRegion(region));
    }
    for wish in &mentee.wishes {
        let met = match wish {
            Wish::MentorGender(g) => m
                .gender
                .as_deref()
                .is_some_and(|mine| !norm(g).is_empty() && norm(mine) == norm(g)),
            Wish::Language(l) => has(&m.languages, l),
        };
        if met {
            score += WISH_POINTS;
            reasons.push(Reason::WishMet(wish.clone()));
        } else {
            reasons.push(Reason::WishNotMet(wish.clone()));
        }
    }
    reasons.push(Reason::PlacesLeft(mentor.places()));
    Some(Suggestion {
        mentor: m.person,
        mentee: e.person,
        score,
        reasons,
    })
}

/// Suggested pairs for `mentors` and `mentees` (see the module's documentation).
pub fn suggest(mentors: &[Mentor], mentees: &[Mentee]) -> Suggestions {
    let mut workable: Vec<(Suggestion, u32)> = Vec::new();
    for mentee in mentees {
        for mentor in mentors {
            if let Some(s) = assess(mentor, mentee) {
                workable.push((s, mentor.places()));
            }
        }
    }
    workable.sort_by(|(a, pa), (b, pb)| {
        b.score
            .cmp(&a.score)
            .then(pb.cmp(pa))
            .then(a.mentee.0.cmp(&b.mentee.0))
            .then(a.mentor.0.cmp(&b.mentor.0))
    });
    let mut left: Vec<(PersonId, u32)> = mentors
        .iter()
        .map(|m| (m.profile.person, m.places()))
        .collect();
    let mut pairs: Vec<Suggestion> = Vec::new();
    for (s, _) in &workable {
        if pairs.iter().any(|p| p.mentee == s.mentee) {
            continue;
        }
        let Some(places) = left
            .iter_mut()
            .find(|(p, n)| *p == s.mentor && *n > 0)
            .map(|(_, n)| n)
        else {
            continue;
        };
        *places -= 1;
        pairs.push(s.clone());
    }
    let mut unmatched: Vec<(PersonId, Reason)> = mentees
        .iter()
        .map(|e| e.profile.person)
        .filter(|p| !pairs.iter().any(|s| s.mentee == *p))
        .map(|p| {
            let any = workable.iter().any(|(s, _)| s.mentee == p);
            (
                p,
                if any {
                    Reason::MentorsFull
                } else {
                    Reason::NobodyWorkable
                },
            )
        })
        .collect();
    unmatched.sort_by_key(|(p, _)| p.0);
    unmatched.dedup_by_key(|(p, _)| *p);
    Suggestions { pairs, unmatched }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> PersonId {
        PersonId(uuid::Uuid::from_u128(n))
    }

    fn profile(n: u128, languages: &[&str], topics: &[&str]) -> Profile {
        Profile {
            person: id(n),
            languages: languages.iter().map(|s| (*s).to_owned()).collect(),
            topics: topics.iter().map(|s| (*s).to_owned()).collect(),
            region: None,
            online: true,
            in_person: false,
            gender: None,
        }
    }

    fn mentor(n: u128, languages: &[&str], topics: &[&str], capacity: u32) -> Mentor {
        Mentor {
            profile: profile(n, languages, topics),
            capacity,
            current: 0,
        }
    }

    fn mentee(n: u128, languages: &[&str], goals: &[&str]) -> Mentee {
        Mentee {
            profile: profile(n, languages, goals),
            wishes: Vec::new(),
        }
    }

    #[test]
    fn a_covered_goal_outweighs_a_shared_region() {
        let mut near = mentor(1, &["en"], &["budgets"], 2);
        near.profile.region = Some("Tyrol".into());
        let far = mentor(2, &["en"], &["Public speaking"], 2);
        let mut e = mentee(10, &["en"], &["public speaking "]);
        e.profile.region = Some("tyrol".into());
        let out = suggest(&[near, far], &[e]);
        assert_eq!(out.pairs.len(), 1);
        let pair = &out.pairs[0];
        assert_eq!(pair.mentor, id(2), "{out:?}");
        assert_eq!(pair.score, GOAL_POINTS);
        assert!(
            pair.reasons
                .contains(&Reason::GoalCovered("public speaking".into()))
        );
        assert!(pair.reasons.contains(&Reason::SharedLanguage("en".into())));
        assert!(pair.reasons.contains(&Reason::SharedFormat(Format::Online)));
    }

    #[test]
    fn a_wish_that_cannot_be_met_is_shown() {
        let mut m = mentor(1, &["en", "fr"], &["advocacy"], 1);
        m.profile.gender = Some("man".into());
        let mut e = mentee(10, &["en"], &["advocacy"]);
        e.wishes = vec![
            Wish::MentorGender("Woman".into()),
            Wish::Language("FR".into()),
        ];
        let out = suggest(&[m], &[e]);
        let pair = &out.pairs[0];
        assert!(
            pair.reasons
                .contains(&Reason::WishNotMet(Wish::MentorGender("Woman".into()))),
            "{pair:?}"
        );
        assert!(
            pair.reasons
                .contains(&Reason::WishMet(Wish::Language("FR".into())))
        );
        assert_eq!(pair.score, GOAL_POINTS + WISH_POINTS);
    }

    #[test]
    fn a_mentors_limit_is_respected_and_the_rest_are_told_why() {
        let mut busy = mentor(1, &["en"], &["law", "media"], 2);
        busy.current = 1;
        let spare = mentor(2, &["en"], &[], 1);
        let best = mentee(10, &["en"], &["law", "media"]);
        let good = mentee(11, &["en"], &["law"]);
        let third = mentee(12, &["en"], &["law"]);
        let alone = mentee(13, &["uk"], &["law"]);
        let out = suggest(&[busy, spare], &[third, alone, good, best]);
        let pairs: Vec<(PersonId, PersonId)> =
            out.pairs.iter().map(|p| (p.mentor, p.mentee)).collect();
        // The busy mentor has one place: the mentee whose goals they cover best gets it.
        assert_eq!(pairs, vec![(id(1), id(10)), (id(2), id(11))], "{out:?}");
        assert_eq!(
            out.unmatched,
            vec![
                (id(12), Reason::MentorsFull),
                (id(13), Reason::NobodyWorkable)
            ]
        );
        assert!(out.pairs[0].reasons.contains(&Reason::PlacesLeft(1)));
    }

    #[test]
    fn in_person_needs_the_same_region_and_nobody_mentors_themselves() {
        let mut m = mentor(1, &["pl"], &["training"], 3);
        m.profile.online = false;
        m.profile.in_person = true;
        m.profile.region = Some("Mazovia".into());
        let mut elsewhere = mentee(10, &["pl"], &["training"]);
        elsewhere.profile.online = false;
        elsewhere.profile.in_person = true;
        elsewhere.profile.region = Some("Silesia".into());
        let mut near = elsewhere.clone();
        near.profile.person = id(11);
        near.profile.region = Some("mazovia".into());
        let mut myself = near.clone();
        myself.profile.person = id(1);
        let out = suggest(&[m], &[elsewhere, near, myself]);
        assert_eq!(out.pairs.len(), 1);
        assert_eq!(out.pairs[0].mentee, id(11));
        assert!(
            out.pairs[0]
                .reasons
                .contains(&Reason::SharedFormat(Format::InPerson))
        );
        assert_eq!(out.pairs[0].score, GOAL_POINTS + REGION_POINTS);
        assert_eq!(
            out.unmatched,
            vec![
                (id(1), Reason::NobodyWorkable),
                (id(10), Reason::NobodyWorkable)
            ]
        );
    }

    #[test]
    fn the_same_people_in_any_order_get_the_same_suggestions() {
        let mentors: Vec<Mentor> = (1..=4).map(|n| mentor(n, &["en"], &["law"], 1)).collect();
        let mentees: Vec<Mentee> = (10..=15).map(|n| mentee(n, &["en"], &["law"])).collect();
        let first = suggest(&mentors, &mentees);
        let mut m2 = mentors.clone();
        m2.reverse();
        let mut e2 = mentees.clone();
        e2.rotate_left(2);
        assert_eq!(suggest(&m2, &e2), first);
        assert_eq!(first.pairs.len(), 4);
        assert_eq!(first.unmatched.len(), 2);
        assert!(
            first
                .unmatched
                .iter()
                .all(|(_, r)| *r == Reason::MentorsFull)
        );
    }

    #[test]
    fn only_three_covered_goals_count() {
        let m = mentor(1, &["en"], &["a", "b", "c", "d"], 1);
        let e = mentee(10, &["en"], &["a", "b", "c", "d"]);
        let pair = assess(&m, &e).expect("workable");
        assert_eq!(pair.score, GOAL_POINTS * 3);
        let covered = pair
            .reasons
            .iter()
            .filter(|r| matches!(r, Reason::GoalCovered(_)))
            .count();
        assert_eq!(covered, 4, "every covered goal is named, three count");
    }
}
