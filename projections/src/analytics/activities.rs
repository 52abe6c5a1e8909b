//! Activities: each activity's type, local day (the user's own calendar already), minutes and
//! the four levels, mood and energy before and after.
use joan_commands::{Arg, Conn, Executor, StoredEvent, args};
use joan_domain::activity::{ActivityEvent, Feeling};

use super::held::{ActivityRow, Held, change};
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

pub(super) async fn apply(
    conn: &mut Conn<'_>,
    held: &mut Held,
    owner: &str,
    event: &StoredEvent,
) -> Result<(), ProjectionError> {
    if !COUNTED.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let id = event.aggregate_id.as_str();
    let level = |v: Option<u8>| v.map(i64::from);
    let update = match decode::<ActivityEvent>(event)? {
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
            held.activities.entry(id.to_string()).or_insert(ActivityRow {
                user_id: owner.to_string(),
                activity_type: activity_type.as_str().to_string(),
                day: date.as_str().to_string(),
                duration_minutes: duration_minutes.map(i64::from),
                levels: [
                    level(levels.mood_before),
                    level(levels.mood_after),
                    level(levels.energy_before),
                    level(levels.energy_after),
                ],
                deleted: false,
            });
            return Ok(());
        }
        ActivityEvent::ActivityTypeChanged { to, .. } => Change::Type(to.as_str().to_string()),
        ActivityEvent::ActivityDateChanged { to, .. } => Change::Day(to.as_str().to_string()),
        ActivityEvent::ActivityDurationChanged { to, .. } => Change::Duration(to.map(i64::from)),
        ActivityEvent::ActivityLevelChanged { feeling, to, .. } => Change::Level(feeling, level(to)),
        ActivityEvent::ActivityDeleted { .. } => Change::Deleted,
        _ => return Ok(()),
    };
    change(conn, &mut held.activities, id, update.sql(), update.arg(), |row| {
        update.edit(row)
    })
    .await
}

/// A change of one column of an activity's row.
enum Change {
    Type(String),
    Day(String),
    Duration(Option<i64>),
    Level(Feeling, Option<i64>),
    Deleted,
}

impl Change {
    /// The update of a written row: `$1` the activity, `$2` the value.
    fn sql(&self) -> &'static str {
        match self {
            Self::Type(_) => "update analytics_activities set activity_type = $2 where activity_id = $1",
            Self::Day(_) => "update analytics_activities set day = $2 where activity_id = $1",
            Self::Duration(_) => "update analytics_activities set duration_minutes = $2 where activity_id = $1",
            Self::Level(Feeling::MoodBefore, _) => {
                "update analytics_activities set mood_before = $2 where activity_id = $1"
            }
            Self::Level(Feeling::MoodAfter, _) => {
                "update analytics_activities set mood_after = $2 where activity_id = $1"
            }
            Self::Level(Feeling::EnergyBefore, _) => {
                "update analytics_activities set energy_before = $2 where activity_id = $1"
            }
            Self::Level(Feeling::EnergyAfter, _) => {
                "update analytics_activities set energy_after = $2 where activity_id = $1"
            }
            Self::Deleted => "update analytics_activities set deleted = $2 where activity_id = $1",
        }
    }

    fn arg(&self) -> Arg<'_> {
        match self {
            Self::Type(text) | Self::Day(text) => Arg::from(text),
            Self::Duration(value) | Self::Level(_, value) => Arg::from(*value),
            Self::Deleted => Arg::from(1i64),
        }
    }

    /// The same change to a held row.
    fn edit(&self, row: &mut ActivityRow) {
        match self {
            Self::Type(to) => row.activity_type.clone_from(to),
            Self::Day(to) => row.day.clone_from(to),
            Self::Duration(to) => row.duration_minutes = *to,
            Self::Level(feeling, to) => {
                let slot = match feeling {
                    Feeling::MoodBefore => 0,
                    Feeling::MoodAfter => 1,
                    Feeling::EnergyBefore => 2,
                    Feeling::EnergyAfter => 3,
                };
                row.levels[slot] = *to;
            }
            Self::Deleted => row.deleted = true,
        }
    }
}

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
