//! The `activity_goals` read table (D1 shape), kept inline from the goal's events, and the
//! goals' progress in their current period, worked out on read from `personal_activities`.
use joan_commands::{Arg, Database, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::activity_goal::{ActivityGoalEvent, Frequency, local_day};
use serde::Serialize;
use time::Date;

use crate::fold::Fold;
use crate::read_table;
use crate::table::{Flag, Listing};

read_table! {
    /// An activity goal as the `activity_goals` table holds it.
    pub struct ActivityGoalRow in "activity_goals" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// The activities counted: those of this type.
        pub activity_type: String,
        /// daily, weekly or monthly.
        pub target_frequency: String,
        /// Activities per period, 1 to 1,000.
        pub target_count: Option<i64>,
        /// Minutes per period, 1 to 100,000.
        pub target_duration_minutes: Option<i64>,
        #[schema(format = Date)]
        pub start_date: Option<String>,
        #[schema(format = Date)]
        pub end_date: Option<String>,
        /// `HH:MM`.
        pub reminder_time: Option<String>,
        #[schema(value_type = bool)]
        pub is_active: Flag,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How activity goal events change `activity_goals` rows.
pub struct ActivityGoals;

impl Fold for ActivityGoals {
    type Row = ActivityGoalRow;
    type Event = ActivityGoalEvent;
    const NAME: &'static str = "activity_goals";
    const AGGREGATE: &'static str = "activity_goal";

    fn at(change: &ActivityGoalEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ActivityGoalRow>, event: &StoredEvent, change: ActivityGoalEvent) {
        use ActivityGoalEvent::*;
        // An import starts the row as a creation does, from the old row's creation time.
        let updated_at = change.at().to_rfc3339();
        let created_at = match &change {
            ActivityGoalImported { created_at, .. } => created_at.to_rfc3339(),
            _ => updated_at.clone(),
        };
        match change {
            ActivityGoalCreated {
                user_id,
                activity_type,
                target_frequency,
                target_count,
                target_duration_minutes,
                start_date,
                end_date,
                reminder_time,
                is_active,
                ..
            }
            | ActivityGoalImported {
                user_id,
                activity_type,
                target_frequency,
                target_count,
                target_duration_minutes,
                start_date,
                end_date,
                reminder_time,
                is_active,
                ..
            } => {
                *row = Some(ActivityGoalRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    activity_type,
                    target_frequency: target_frequency.as_str().to_string(),
                    target_count: target_count.map(i64::from),
                    target_duration_minutes: target_duration_minutes.map(i64::from),
                    start_date,
                    end_date,
                    reminder_time: reminder_time.map(|t| t.to_string()),
                    is_active: Flag(is_active),
                    version: event.sequence,
                    created_at,
                    updated_at,
                });
            }
            ActivityGoalDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    ActivityGoalTypeChanged { to, .. } => row.activity_type = to,
                    ActivityGoalFrequencyChanged { to, .. } => row.target_frequency = to.as_str().to_string(),
                    ActivityGoalTargetCountChanged { to, .. } => row.target_count = to.map(i64::from),
                    ActivityGoalTargetMinutesChanged { to, .. } => {
                        row.target_duration_minutes = to.map(i64::from);
                    }
                    ActivityGoalStartDateChanged { to, .. } => row.start_date = to,
                    ActivityGoalEndDateChanged { to, .. } => row.end_date = to,
                    ActivityGoalReminderChanged { to, .. } => row.reminder_time = to.map(|t| t.to_string()),
                    ActivityGoalActiveChanged { to, .. } => row.is_active = Flag(to),
                    ActivityGoalCreated { .. } | ActivityGoalImported { .. } | ActivityGoalDeleted { .. } => {}
                }
            }
        }
    }
}

/// A goal's progress in the period that holds "now" (a day, an ISO week, a month in the
/// user's time zone): the activities of its type on those days (and within the goal's own
/// dates), and how far they are toward the target.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Progress {
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    pub count: i64,
    pub minutes: i64,
    /// 0 to 100: the lower share of the targets the goal has (both must be met), rounded down.
    pub percent: i64,
}

/// An activity goal as the API shows it: its row and its progress now.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActivityGoalView {
    #[serde(flatten)]
    pub goal: ActivityGoalRow,
    pub progress: Progress,
}

/// The three periods around the user's day at an instant.
struct Periods {
    day: Date,
    week: (Date, Date),
    month: (Date, Date),
}

impl Periods {
    /// The period of a goal of `frequency`.
    fn of(&self, frequency: &str) -> (Date, Date) {
        match Frequency::parse(frequency) {
            Ok(Frequency::Daily) => (self.day, self.day),
            Ok(Frequency::Monthly) => self.month,
            _ => self.week,
        }
    }
}

/// The user's time zone from their settings (UTC before any change).
pub async fn timezone(ex: &mut impl Executor, user: &str) -> Result<String, sqlx::Error> {
    let row: Option<(String,)> = ex
        .fetch_optional("select timezone from user_settings where user_id = $1", &args![user])
        .await?;
    Ok(row.map_or_else(|| "UTC".to_string(), |(tz,)| tz))
}

/// Each goal's activities (count, minutes) in its current period, in one query; `goal` limits
/// it to one goal. Goals with none are absent.
async fn tallies(
    ex: &mut impl Executor,
    user: &str,
    periods: &Periods,
    goal: Option<&str>,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let text = |d: Date| d.to_string();
    let (day, week_start, week_end) = (text(periods.day), text(periods.week.0), text(periods.week.1));
    let (month_start, month_end) = (text(periods.month.0), text(periods.month.1));
    ex.fetch_all(
        "select g.id, count(a.id), cast(coalesce(sum(a.duration_minutes), 0) as bigint) \
         from activity_goals g join personal_activities a on a.user_id = g.user_id and a.type = g.activity_type \
         and a.date >= case g.target_frequency when 'daily' then $2 when 'monthly' then $5 else $3 end \
         and a.date <= case g.target_frequency when 'daily' then $2 when 'monthly' then $6 else $4 end \
         and (g.start_date is null or a.date >= g.start_date) and (g.end_date is null or a.date <= g.end_date) \
         where g.user_id = $1 and ($7 is null or g.id = $7) group by g.id",
        &args![
            user,
            day.as_str(),
            week_start.as_str(),
            week_end.as_str(),
            month_start.as_str(),
            month_end.as_str(),
            goal
        ],
    )
    .await
}

/// What a goal's progress depends on: read from a row, or from a row rendered as JSON.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Targets {
    pub id: String,
    pub target_frequency: String,
    pub target_count: Option<i64>,
    pub target_duration_minutes: Option<i64>,
}

impl From<&ActivityGoalRow> for Targets {
    fn from(row: &ActivityGoalRow) -> Self {
        Self {
            id: row.id.clone(),
            target_frequency: row.target_frequency.clone(),
            target_count: row.target_count,
            target_duration_minutes: row.target_duration_minutes,
        }
    }
}

/// The progress of a goal with these targets, from its tally.
fn progress(goal: &Targets, periods: &Periods, count: i64, minutes: i64) -> Progress {
    let (start, end) = periods.of(&goal.target_frequency);
    let share = |done: i64, target: Option<i64>| target.filter(|t| *t > 0).map(|t| (done * 100 / t).min(100));
    let percent = [
        share(count, goal.target_count),
        share(minutes, goal.target_duration_minutes),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(0);
    Progress {
        period_start: start.to_string(),
        period_end: end.to_string(),
        count,
        minutes,
        percent,
    }
}

/// The progress at `now` of each of `user`'s `goals`, in their order.
pub async fn progress_of(
    ex: &mut impl Executor,
    user: &str,
    goals: &[Targets],
    now: Timestamp,
) -> Result<Vec<Progress>, sqlx::Error> {
    let day = local_day(now, &timezone(ex, user).await?);
    let periods = Periods {
        day,
        week: Frequency::Weekly.period(day),
        month: Frequency::Monthly.period(day),
    };
    let only = match goals {
        [one] => Some(one.id.as_str()),
        _ => None,
    };
    let tallies = tallies(ex, user, &periods, only).await?;
    Ok(goals
        .iter()
        .map(|goal| {
            let (count, minutes) = tallies
                .iter()
                .find(|(id, ..)| *id == goal.id)
                .map_or((0, 0), |(_, c, m)| (*c, *m));
            progress(goal, &periods, count, minutes)
        })
        .collect())
}

/// One of `user`'s goals with its progress at `now`.
pub async fn with_progress(
    ex: &mut impl Executor,
    user: &str,
    goal: ActivityGoalRow,
    now: Timestamp,
) -> Result<ActivityGoalView, sqlx::Error> {
    let mut progress = progress_of(ex, user, &[Targets::from(&goal)], now).await?;
    Ok(ActivityGoalView {
        goal,
        progress: progress.pop().unwrap_or_default(),
    })
}

/// Filters of `GET /activities/goals`.
#[derive(Debug, Clone, Default)]
pub struct ActivityGoalFilter {
    pub active: Option<bool>,
    pub activity_type: Option<String>,
}

/// One page of the caller's goals, newest first, each with its progress at `now` (rows as the
/// table renders them, each with a `progress` object), and how many match.
pub async fn list(
    db: &Database,
    user: &str,
    filter: &ActivityGoalFilter,
    now: Timestamp,
    limit: i64,
    offset: i64,
) -> Result<(Vec<serde_json::Map<String, serde_json::Value>>, i64), sqlx::Error> {
    let mut page = Listing::<ActivityGoalRow>::owned_by(user);
    page.and_some("is_active = ?", filter.active.map(Arg::from))
        .and_some("activity_type = ?", filter.activity_type.as_ref().map(Arg::from));
    let (json, total) = page.page_json(db, limit, offset).await?;
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let mut rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&json).map_err(decode)?;
    let targets = rows
        .iter()
        .map(|row| serde_json::from_value(serde_json::Value::Object(row.clone())))
        .collect::<Result<Vec<Targets>, _>>()
        .map_err(decode)?;
    let progress = progress_of(&mut &*db, user, &targets, now).await?;
    for (row, progress) in rows.iter_mut().zip(progress) {
        row.insert("progress".into(), serde_json::to_value(progress).map_err(decode)?);
    }
    Ok((rows, total))
}
