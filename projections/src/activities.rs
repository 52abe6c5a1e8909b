//! The `personal_activities` read table (D1 shape), kept inline from the activity's events,
//! and its list.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::activity::{ActivityEvent, Feeling};

use crate::fold::Fold;
use crate::read_table;
use crate::table::{JsonText, Listing, tag_pattern};

read_table! {
    /// A personal activity as the `personal_activities` table holds it and the API shows it.
    pub struct ActivityRow in "personal_activities" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// The kind of activity, free text (`running`).
        pub r#type: String,
        pub name: String,
        pub description: Option<String>,
        /// 0 to 1,440.
        pub duration_minutes: Option<i64>,
        /// The user's day, `YYYY-MM-DD`.
        #[schema(format = Date)]
        pub date: String,
        /// `HH:MM`, the user's time of day.
        pub time: Option<String>,
        /// 1 to 10.
        pub mood_before: Option<i64>,
        pub mood_after: Option<i64>,
        pub energy_before: Option<i64>,
        pub energy_after: Option<i64>,
        #[schema(value_type = Vec<String>)]
        pub tags: JsonText,
        pub location: Option<String>,
        pub weather: Option<String>,
        /// The goal (of `/goals`) the activity serves.
        #[schema(format = Uuid)]
        pub goal_id: Option<String>,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ActivityRow {
    fn level(&mut self, feeling: Feeling) -> &mut Option<i64> {
        match feeling {
            Feeling::MoodBefore => &mut self.mood_before,
            Feeling::MoodAfter => &mut self.mood_after,
            Feeling::EnergyBefore => &mut self.energy_before,
            Feeling::EnergyAfter => &mut self.energy_after,
        }
    }
}

/// How activity events change `personal_activities` rows.
pub struct Activities;

impl Fold for Activities {
    type Row = ActivityRow;
    type Event = ActivityEvent;
    const NAME: &'static str = "personal_activities";
    const AGGREGATE: &'static str = "activity";

    fn at(change: &ActivityEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ActivityRow>, event: &StoredEvent, change: ActivityEvent) {
        use ActivityEvent::*;
        let level = |l: Option<u8>| l.map(i64::from);
        // An import starts the row as a recording does, from the old row's creation time.
        let updated_at = change.at().to_rfc3339();
        let created_at = match &change {
            ActivityImported { created_at, .. } => created_at.to_rfc3339(),
            _ => updated_at.clone(),
        };
        match change {
            ActivityRecorded {
                user_id,
                activity_type,
                name,
                description,
                duration_minutes,
                date,
                time,
                levels,
                tags,
                location,
                weather,
                goal_id,
                ..
            }
            | ActivityImported {
                user_id,
                activity_type,
                name,
                description,
                duration_minutes,
                date,
                time,
                levels,
                tags,
                location,
                weather,
                goal_id,
                ..
            } => {
                *row = Some(ActivityRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    r#type: activity_type,
                    name,
                    description,
                    duration_minutes: duration_minutes.map(i64::from),
                    date,
                    time: time.map(|t| t.to_string()),
                    mood_before: level(levels.mood_before),
                    mood_after: level(levels.mood_after),
                    energy_before: level(levels.energy_before),
                    energy_after: level(levels.energy_after),
                    tags: JsonText::of(&tags),
                    location,
                    weather,
                    goal_id: goal_id.map(|g| g.to_string()),
                    version: event.sequence,
                    created_at,
                    updated_at,
                });
            }
            ActivityDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    ActivityTypeChanged { to, .. } => row.r#type = to,
                    ActivityRenamed { to, .. } => row.name = to,
                    ActivityDescriptionChanged { to, .. } => row.description = to,
                    ActivityDurationChanged { to, .. } => row.duration_minutes = to.map(i64::from),
                    ActivityDateChanged { to, .. } => row.date = to,
                    ActivityTimeChanged { to, .. } => row.time = to.map(|t| t.to_string()),
                    ActivityLevelChanged { feeling, to, .. } => *row.level(feeling) = level(to),
                    ActivityTagsChanged { to, .. } => row.tags = JsonText::of(&to),
                    ActivityLocationChanged { to, .. } => row.location = to,
                    ActivityWeatherChanged { to, .. } => row.weather = to,
                    ActivityGoalChanged { to, .. } => row.goal_id = to.map(|g| g.to_string()),
                    ActivityRecorded { .. } | ActivityImported { .. } | ActivityDeleted { .. } => {}
                }
            }
        }
    }
}

/// Filters of `GET /activities`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Days from (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Days to (inclusive).
    pub to: Option<String>,
    pub activity_type: Option<String>,
    pub tag: Option<String>,
}

/// One page of the caller's activities, latest day first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let tag = filter.tag.as_deref().map(tag_pattern);
    let mut page = Listing::<ActivityRow>::owned_by(user);
    page.order = "date desc, coalesce(time, '') desc, created_at desc, id desc";
    page.and_some("date >= ?", filter.from.as_ref().map(Arg::from))
        .and_some("date <= ?", filter.to.as_ref().map(Arg::from))
        .and_some("type = ?", filter.activity_type.as_ref().map(Arg::from))
        .and_some("tags like ? escape '\\'", tag.as_ref().map(Arg::from));
    page.page_json(db, limit, offset).await
}
