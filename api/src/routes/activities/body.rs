//! Request bodies of the activity routes and their parsing into domain values.
use joan_domain::activity::{
    ActivityChanges, ActivityName, ActivityType, DurationMinutes, Feeling, Level, Levels, NewActivity, Place, Weather,
};
use joan_domain::text::{Description, Tags};
use joan_domain::values::ClockTime;
use joan_domain::values::Day;
use joan_domain::{ActivityId, GoalId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};
use crate::routes::tasks::body::schemas as task_schemas;

/// `POST /activities`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    /// The kind of activity, 1 to 50 characters (`running`); activity goals count by it.
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::activity_type)]
    pub activity_type: String,
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = task_schemas::description)]
    pub description: Option<String>,
    /// 0 to 1,440 minutes.
    #[schema(schema_with = schemas::duration_or_null)]
    pub duration_minutes: Option<Whole>,
    /// `YYYY-MM-DD`, the user's own day; default: today (UTC).
    #[schema(schema_with = schemas::date_or_null)]
    pub date: Option<String>,
    /// `HH:MM`.
    #[schema(schema_with = schemas::time_or_null)]
    pub time: Option<String>,
    /// 1 to 10.
    #[schema(schema_with = schemas::level_or_null)]
    pub mood_before: Option<Whole>,
    #[schema(schema_with = schemas::level_or_null)]
    pub mood_after: Option<Whole>,
    #[schema(schema_with = schemas::level_or_null)]
    pub energy_before: Option<Whole>,
    #[schema(schema_with = schemas::level_or_null)]
    pub energy_after: Option<Whole>,
    /// Up to 50 distinct tags of 1 to 50 characters.
    #[schema(schema_with = task_schemas::tags_or_null)]
    pub tags: Option<Vec<String>>,
    #[schema(schema_with = schemas::place_or_null)]
    pub location: Option<String>,
    #[schema(schema_with = schemas::weather_or_null)]
    pub weather: Option<String>,
    /// One of the caller's goals (`/goals`).
    pub goal_id: Option<Uuid>,
}

/// `PATCH /activities/{id}`: absent fields stay; `null` clears the optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchActivity {
    #[serde(default, rename = "type", deserialize_with = "present")]
    #[schema(schema_with = schemas::activity_type)]
    pub activity_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = task_schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::duration_or_null)]
    pub duration_minutes: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::date)]
    pub date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::time_or_null)]
    pub time: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::level_or_null)]
    pub mood_before: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::level_or_null)]
    pub mood_after: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::level_or_null)]
    pub energy_before: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::level_or_null)]
    pub energy_after: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = task_schemas::tags)]
    pub tags: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::place_or_null)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::weather_or_null)]
    pub weather: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub goal_id: Option<Option<Uuid>>,
}

impl CreateActivity {
    pub fn parse(&self, id: ActivityId) -> Result<NewActivity, Vec<FieldError>> {
        let mut f = Fields::default();
        let activity_type = f.check("type", ActivityType::parse(&self.activity_type));
        let name = f.check("name", ActivityName::parse(&self.name));
        let mut levels = Levels::default();
        for (feeling, raw) in [
            (Feeling::MoodBefore, self.mood_before),
            (Feeling::MoodAfter, self.mood_after),
            (Feeling::EnergyBefore, self.energy_before),
            (Feeling::EnergyAfter, self.energy_after),
        ] {
            let level = f.opt(feeling.as_str(), raw.map(Whole::get), Level::parse);
            levels.set(feeling, level.map(u8::from));
        }
        let new = NewActivity {
            id,
            activity_type: activity_type.unwrap_or_default(),
            name: name.unwrap_or_default(),
            description: f.opt("description", self.description.as_deref(), Description::parse),
            duration_minutes: f.opt(
                "duration_minutes",
                self.duration_minutes.map(Whole::get),
                DurationMinutes::parse,
            ),
            date: f.opt("date", self.date.as_deref(), Day::parse),
            time: f.opt("time", self.time.as_deref(), ClockTime::parse),
            levels,
            tags: f.opt("tags", self.tags.as_deref(), Tags::parse).unwrap_or_default(),
            location: f.opt("location", self.location.as_deref(), Place::parse),
            weather: f.opt("weather", self.weather.as_deref(), Weather::parse),
            goal_id: self.goal_id.map(GoalId),
        };
        f.finish(new)
    }
}

impl PatchActivity {
    pub fn parse(self) -> Result<ActivityChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let mut levels = Vec::new();
        for (feeling, raw) in [
            (Feeling::MoodBefore, self.mood_before),
            (Feeling::MoodAfter, self.mood_after),
            (Feeling::EnergyBefore, self.energy_before),
            (Feeling::EnergyAfter, self.energy_after),
        ] {
            let level = f.nullable(feeling.as_str(), raw.map(|r| r.map(Whole::get)), Level::parse);
            levels.extend(level.map(|l| (feeling, l)));
        }
        let changes = ActivityChanges {
            activity_type: f.required("type", self.activity_type, |t| ActivityType::parse(&t)),
            name: f.required("name", self.name, |n| ActivityName::parse(&n)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            duration_minutes: f.nullable(
                "duration_minutes",
                Whole::patch(self.duration_minutes),
                DurationMinutes::parse,
            ),
            date: f.required("date", self.date, |d| Day::parse(&d)),
            time: f.nullable("time", self.time, |t| ClockTime::parse(&t)),
            levels,
            tags: f.required("tags", self.tags, |t| Tags::parse(&t)),
            location: f.nullable("location", self.location, |l| Place::parse(&l)),
            weather: f.nullable("weather", self.weather, |w| Weather::parse(&w)),
            goal_id: self.goal_id.map(|g| g.map(GoalId)),
        };
        f.finish(changes)
    }
}

/// The schemas of the activity fields: the rules of `joan_domain::activity`.
pub(crate) mod schemas {
    use joan_domain::activity::{ActivityName, ActivityType, DurationMinutes, Level, Place, Weather};
    use joan_domain::values::ClockTime;
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{date as day, integer, nullable, pattern, short_text};

    pub fn activity_type() -> Object {
        short_text(ActivityType::MAX_CHARS).build()
    }

    pub fn name() -> Object {
        short_text(ActivityName::MAX_CHARS).build()
    }

    pub fn duration_or_null() -> Object {
        nullable(integer(0, DurationMinutes::MAX))
    }

    pub fn date() -> Object {
        day().build()
    }

    pub fn date_or_null() -> Object {
        nullable(day())
    }

    pub fn time_or_null() -> Object {
        nullable(pattern(ClockTime::PATTERN, 5))
    }

    pub fn level_or_null() -> Object {
        nullable(integer(Level::MIN, Level::MAX))
    }

    pub fn place_or_null() -> Object {
        nullable(short_text(Place::MAX_CHARS))
    }

    pub fn weather_or_null() -> Object {
        nullable(short_text(Weather::MAX_CHARS))
    }
}
