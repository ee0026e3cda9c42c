//! Fair use of the comment boxes: how fast one person may post, a council setting.
//!
//! - A **rate** per person and council: a burst, then a sustained number an hour (a token
//!   bucket, `governor`);
//! - a **hard cap** per person, section and hour: never more than that many comments and
//!   replies on one section in any sixty minutes.
//!
//! Someone stopped by a limit gets a translated message saying when they can post again, and
//! what they typed is kept (the server function keeps it as their draft). Each stop is
//! counted in `posting_limit_hit` by consultation, section, limit and hour, so the secretariat
//! sees that limits were reached and where, never by whom: the counters in this process's
//! memory are keyed by person, the table is not. With several server processes each
//! enforces its own share (as for the sign-in limits in `platform::limits`).

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound as _, Utc};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entities::posting_limit_hit;
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};

/// A council's posting rules (`posting` in its settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostingRules {
    /// Comments one may post in a row.
    pub burst: u32,
    /// Comments an hour after the burst.
    pub per_hour: u32,
    /// Comments and replies on one section in any hour.
    pub section_per_hour: u32,
}

impl Default for PostingRules {
    fn default() -> Self {
        Self {
            burst: 5,
            per_hour: 30,
            section_per_hour: 10,
        }
    }
}

/// The bounds a council's setting must stay within.
const MAX_SETTING: u32 = 1000;

impl PostingRules {
    /// The rules in a council's settings (JSON), each missing or unusable value by default.
    pub fn of_settings(settings: &str) -> Self {
        let d = Self::default();
        let value = serde_json::from_str::<serde_json::Value>(settings).ok();
        let posting = value.as_ref().and_then(|v| v.get("posting"));
        let get = |key: &str, default: u32| {
            posting
                .and_then(|p| p.get(key))
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=MAX_SETTING).contains(n))
                .unwrap_or(default)
        };
        Self {
            burst: get("burst", d.burst),
            per_hour: get("per_hour", d.per_hour),
            section_per_hour: get("section_per_hour", d.section_per_hour),
        }
    }

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        let per = NonZeroU32::new(self.per_hour).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(HOUR / per.get())
            .unwrap_or_else(|| Quota::per_hour(per))
            .allow_burst(burst)
    }
}

const HOUR: Duration = Duration::from_secs(3600);

/// Which limit stopped a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LimitKind {
    /// The person's rate (burst and sustained).
    Rate,
    /// The cap per section and hour.
    Section,
}

impl LimitKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rate => "rate",
            Self::Section => "section",
        }
    }

    /// From its code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Rate, Self::Section]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A stop: which limit, and how long until a post would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// The limit.
    pub kind: LimitKind,
    /// Time to wait.
    pub wait: Duration,
}

impl Stop {
    /// The error shown to the person (whole minutes, at least one).
    pub fn error(self) -> AppError {
        let minutes = self.wait.as_secs().div_ceil(60).max(1);
        AppError::PostingLimit {
            minutes: i64::try_from(minutes).unwrap_or(i64::MAX),
            section: self.kind == LimitKind::Section,
        }
    }
}

type SectionKey = (Uuid, Uuid, String);

/// One rate limiter per set of rules, keyed by (council, person).
type Rates = HashMap<PostingRules, Arc<DefaultKeyedRateLimiter<(Uuid, Uuid)>>>;

/// This process's posting counters.
pub struct PostingLimits {
    rates: Mutex<Rates>,
    sections: moka::sync::Cache<SectionKey, Arc<Mutex<VecDeque<Instant>>>>,
    checks: AtomicU64,
}

impl std::fmt::Debug for PostingLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostingLimits").finish_non_exhaustive()
    }
}

impl Default for PostingLimits {
    fn default() -> Self {
        Self {
            rates: Mutex::new(HashMap::new()),
            sections: moka::sync::Cache::builder()
                .max_capacity(200_000)
                .time_to_idle(HOUR)
                .build(),
            checks: AtomicU64::new(0),
        }
    }
}

impl PostingLimits {
    /// Takes one post by `person` in `council` on `section` (consultation, anchor) under
    /// `rules`, or says which limit stops it.
    pub fn take(
        &self,
        rules: PostingRules,
        council: CouncilId,
        person: PersonId,
        section: (Uuid, &str),
        now: Instant,
    ) -> Result<(), Stop> {
        // Forget idle people now and then, so the counters stay bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            let rates: Vec<_> = self
                .rates
                .lock()
                .map(|r| r.values().cloned().collect())
                .unwrap_or_default();
            for limiter in rates {
                limiter.retain_recent();
            }
        }
        let key = (person.0, section.0, section.1.to_owned());
        let times = self
            .sections
            .get_with(key, || Arc::new(Mutex::new(VecDeque::new())));
        let mut times = times.lock().map_err(|_| Stop {
            kind: LimitKind::Section,
            wait: HOUR,
        })?;
        while times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= HOUR)
        {
            times.pop_front();
        }
        let cap = usize::try_from(rules.section_per_hour).unwrap_or(usize::MAX);
        if times.len() >= cap {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(Stop {
                kind: LimitKind::Section,
                wait: HOUR.saturating_sub(now.saturating_duration_since(oldest)),
            });
        }
        let limiter = {
            let mut rates = self.rates.lock().map_err(|_| Stop {
                kind: LimitKind::Rate,
                wait: HOUR,
            })?;
            rates
                .entry(rules)
                .or_insert_with(|| Arc::new(DefaultKeyedRateLimiter::keyed(rules.quota())))
                .clone()
        };
        if let Err(not_until) = limiter.check_key(&(council.0, person.0)) {
            return Err(Stop {
                kind: LimitKind::Rate,
                wait: not_until.wait_time_from(DefaultClock::default().now()),
            });
        }
        times.push_back(now);
        Ok(())
    }
}

/// Counts a stop (no person: consultation, section, limit and hour only).
pub async fn count_stop(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    anchor: &str,
    kind: LimitKind,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use sea_orm::sea_query::ExprTrait as _;
    let hour = now
        .duration_trunc(chrono::TimeDelta::hours(1))
        .unwrap_or(now);
    posting_limit_hit::Entity::insert(posting_limit_hit::ActiveModel {
        consultation_id: Set(consultation),
        hour: Set(hour),
        anchor: Set(anchor.to_owned()),
        kind: Set(kind.code().to_owned()),
        count: Set(1),
    })
    .on_conflict(
        OnConflict::columns([
            posting_limit_hit::Column::ConsultationId,
            posting_limit_hit::Column::Hour,
            posting_limit_hit::Column::Anchor,
            posting_limit_hit::Column::Kind,
        ])
        .value(
            posting_limit_hit::Column::Count,
            Expr::col((posting_limit_hit::Entity, posting_limit_hit::Column::Count)).add(1),
        )
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The most recent stops of a consultation (hour, anchor, limit, count), newest first: at
/// most `limit` rows.
pub async fn recent_stops(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    limit: u64,
) -> Result<Vec<posting_limit_hit::Model>, AppError> {
    Ok(posting_limit_hit::Entity::find()
        .filter(posting_limit_hit::Column::ConsultationId.eq(consultation))
        .order_by_desc(posting_limit_hit::Column::Hour)
        .order_by_asc(posting_limit_hit::Column::Anchor)
        .limit(limit)
        .all(db)
        .await?)
}

/// The posting rules of the actor's current council, for its admins and secretariat.
pub async fn rules_for(
    db: &impl ConnectionTrait,
    actor: &crate::domain::Actor,
) -> Result<PostingRules, AppError> {
    let council = settings_council(actor)?;
    let row = crate::domain::identity::entities::council::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PostingRules::of_settings(&row.settings))
}

/// The posting rules of the actor's current council as their form shows them.
pub async fn rules_fields(
    db: &impl ConnectionTrait,
    actor: &crate::domain::Actor,
) -> Result<crate::model::consultation::PostingRulesFields, AppError> {
    let rules = rules_for(db, actor).await?;
    Ok(crate::model::consultation::PostingRulesFields {
        burst: rules.burst.to_string(),
        per_hour: rules.per_hour.to_string(),
        section_per_hour: rules.section_per_hour.to_string(),
    })
}

/// Who may see and set the posting rules: the council admins and the secretariat of the
/// actor's current council.
fn settings_council(actor: &crate::domain::Actor) -> Result<CouncilId, AppError> {
    use crate::model::viewer::Role;
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if actor.has_role(council, Role::CouncilAdmin) || actor.has_role(council, Role::Secretariat) {
        Ok(council)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A whole number from 1 to the most a council may set, or the field's error.
fn setting(field: &str, text: &str) -> Result<u32, AppError> {
    use crate::model::InputProblem;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_SETTING).contains(n))
        .ok_or_else(|| AppError::invalid(field, InputProblem::Malformed))
}

/// Sets the posting rules of the actor's current council (kept in its settings with the
/// rest), audited.
pub async fn set_rules(
    db: &impl crate::domain::platform::db::Connection,
    actor: &crate::domain::Actor,
    fields: &crate::model::consultation::PostingRulesFields,
) -> Result<(), AppError> {
    use crate::domain::identity::entities::council;
    use crate::domain::platform::audit::{self, Event};
    use crate::model::audit::AuditAction;
    let id = settings_council(actor)?;
    let rules = PostingRules {
        burst: setting("burst", &fields.burst)?,
        per_hour: setting("per_hour", &fields.per_hour)?,
        section_per_hour: setting("section_per_hour", &fields.section_per_hour)?,
    };
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let row = council::Entity::find_by_id(id.0)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut settings = serde_json::from_str::<serde_json::Value>(&row.settings)
        .ok()
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    settings["posting"] = serde_json::to_value(rules).map_err(|_| AppError::Internal)?;
    council::Entity::update_many()
        .col_expr(council::Column::Settings, Expr::value(settings.to_string()))
        .filter(council::Column::Id.eq(id.0))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::PostingRulesChanged)
            .council(id)
            .by_actor(actor)
            .detail("burst", rules.burst)
            .detail("per_hour", rules.per_hour)
            .detail("section_per_hour", rules.section_per_hour),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: (Uuid, &str) = (Uuid::nil(), "art-4");

    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(n))
    }

    #[test]
    fn the_rules_come_from_the_council_settings() {
        assert_eq!(PostingRules::of_settings("{}"), PostingRules::default());
        assert_eq!(
            PostingRules::of_settings("not json"),
            PostingRules::default()
        );
        let rules = PostingRules::of_settings(
            r#"{"posting": {"burst": 2, "per_hour": 6, "section_per_hour": 0}}"#,
        );
        assert_eq!(rules.burst, 2);
        assert_eq!(rules.per_hour, 6);
        // Out of bounds: the default.
        assert_eq!(rules.section_per_hour, 10);
    }

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let limits = PostingLimits::default();
        let rules = PostingRules {
            burst: 3,
            per_hour: 6,
            section_per_hour: 100,
        };
        let now = Instant::now();
        let council = CouncilId(Uuid::nil());
        for _ in 0..3 {
            assert_eq!(limits.take(rules, council, person(1), SECTION, now), Ok(()));
        }
        let stop = limits
            .take(rules, council, person(1), SECTION, now)
            .expect_err("the burst is used up");
        assert_eq!(stop.kind, LimitKind::Rate);
        // Six an hour: one every ten minutes.
        assert!(stop.wait <= Duration::from_secs(600), "{:?}", stop.wait);
        assert!(stop.wait >= Duration::from_secs(590), "{:?}", stop.wait);
        assert_eq!(
            stop.error(),
            AppError::PostingLimit {
                minutes: 10,
                section: false
            }
        );
        // Someone else is not affected.
        assert_eq!(limits.take(rules, council, person(2), SECTION, now), Ok(()));
    }

    #[test]
    fn a_hard_cap_per_section_and_hour() {
        let limits = PostingLimits::default();
        let rules = PostingRules {
            burst: 100,
            per_hour: 1000,
            section_per_hour: 2,
        };
        let council = CouncilId(Uuid::nil());
        let start = Instant::now();
        assert_eq!(
            limits.take(rules, council, person(1), SECTION, start),
            Ok(())
        );
        let later = start + Duration::from_secs(1800);
        assert_eq!(
            limits.take(rules, council, person(1), SECTION, later),
            Ok(())
        );
        let stop = limits
            .take(rules, council, person(1), SECTION, later)
            .expect_err("two on this section this hour");
        assert_eq!(stop.kind, LimitKind::Section);
        assert_eq!(stop.wait, Duration::from_secs(1800));
        // Another section is free.
        assert_eq!(
            limits.take(rules, council, person(1), (Uuid::nil(), "art-5"), later),
            Ok(())
        );
        // An hour after the first, one place is free again.
        let after = start + HOUR;
        assert_eq!(
            limits.take(rules, council, person(1), SECTION, after),
            Ok(())
        );
        assert!(
            limits
                .take(rules, council, person(1), SECTION, after)
                .is_err()
        );
    }
}
