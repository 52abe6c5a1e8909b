//! Activities: each activity's type, local day (the user's own calendar already), minutes and
//! the four levels, mood and energy before and after.
use joan_commands::{Conn, Executor, StoredEvent, args};
use joan_domain::activity::{ActivityEvent, Feeling};

use crate::error::ProjectionError;
use crate::projector::decode;

const COUNTED: [&str; 7] = [
    "ActivityRecorded",
    "ActivityImported",
    "ActivityTypeChanged",
    "ActivityDurationChanged",
    "ActivityDateChanged",
    "ActivityLevelChanged",
    "ActivityDeleted",
];

pub(super) async fn apply(conn: &mut Conn<'_>, owner: &str, event: &StoredEvent) -> Result<(), ProjectionError> {
    if !COUNTED.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let id = event.aggregate_id.as_str();
    let level = |v: Option<u8>| v.map(i64::from);
    let (sql, value): (&str, Option<i64>) = match decode::<ActivityEvent>(event)? {
        ActivityEvent::ActivityRecorded {
            activity_type,
            duration_minutes,
            date,
            levels,
            ..
        }
        | ActivityEvent::ActivityImported {
            activity_type,
            duration_minutes,
            date,
            levels,
            ..
        } => {
            conn.execute(
                "insert into analytics_activities (activity_id, user_id, activity_type, day, duration_minutes, \
                 mood_before, mood_after, energy_before, energy_after) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 on conflict (activity_id) do nothing",
                &args![
                    id,
                    owner,
                    activity_type.as_str(),
                    date.as_str(),
                    duration_minutes.map(i64::from),
                    level(levels.mood_before),
                    level(levels.mood_after),
                    level(levels.energy_before),
                    level(levels.energy_after)
                ],
            )
            .await?;
            return Ok(());
        }
        ActivityEvent::ActivityTypeChanged { to, .. } => {
            conn.execute(
                "update analytics_activities set activity_type = $2 where activity_id = $1",
                &args![id, to.as_str()],
            )
            .await?;
            return Ok(());
        }
        ActivityEvent::ActivityDateChanged { to, .. } => {
            conn.execute(
                "update analytics_activities set day = $2 where activity_id = $1",
                &args![id, to.as_str()],
            )
            .await?;
            return Ok(());
        }
        ActivityEvent::ActivityDurationChanged { to, .. } => (
            "update analytics_activities set duration_minutes = $2 where activity_id = $1",
            to.map(i64::from),
        ),
        ActivityEvent::ActivityLevelChanged { feeling, to, .. } => (
            match feeling {
                Feeling::MoodBefore => "update analytics_activities set mood_before = $2 where activity_id = $1",
                Feeling::MoodAfter => "update analytics_activities set mood_after = $2 where activity_id = $1",
                Feeling::EnergyBefore => "update analytics_activities set energy_before = $2 where activity_id = $1",
                Feeling::EnergyAfter => "update analytics_activities set energy_after = $2 where activity_id = $1",
            },
            level(to),
        ),
        ActivityEvent::ActivityDeleted { .. } => (
            "update analytics_activities set deleted = $2 where activity_id = $1",
            Some(1),
        ),
        _ => return Ok(()),
    };
    conn.execute(sql, &args![id, value]).await?;
    Ok(())
}

/// One activity: type, day, minutes, mood before and after, energy before and after.
pub type ActivityFact = (
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The user's activities (not deleted) of the days `from` to `to`, both included (`YYYY-MM-DD`).
pub async fn between(
    ex: &mut impl Executor,
    user: &str,
    from: &str,
    to: &str,
) -> Result<Vec<ActivityFact>, sqlx::Error> {
    ex.fetch_all(
        "select activity_type, day, duration_minutes, mood_before, mood_after, energy_before, energy_after \
         from analytics_activities where user_id = $1 and deleted = 0 and day >= $2 and day <= $3 \
         order by day, activity_id",
        &args![user, from, to],
    )
    .await
}

/// The user's active activity goals: id, activity type, frequency (`daily`, `weekly`,
/// `monthly`), activities wanted per period (1 when unset). Read from `activity_goals`.
pub async fn goals(ex: &mut impl Executor, user: &str) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    ex.fetch_all(
        "select id, activity_type, target_frequency, coalesce(target_count, 1) from activity_goals \
         where user_id = $1 and is_active = 1 order by id",
        &args![user],
    )
    .await
}
