//! The personal activity: something a user did (a run, an hour of reading), when, for how
//! long, how they felt before and after, and optionally the goal it serves.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{ActivityId, GoalId, UserId};
use crate::text::{Description, Tags};
use crate::values::Day;
use crate::values::{ClockTime, Timestamp};

mod values;
pub use values::{ActivityName, ActivityType, DurationMinutes, Feeling, Level, Levels, Place, Weather};

/// Everything a new activity starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewActivity {
    pub id: ActivityId,
    pub activity_type: ActivityType,
    pub name: ActivityName,
    pub description: Option<Description>,
    pub duration_minutes: Option<DurationMinutes>,
    pub date: Option<Day>,
    pub time: Option<ClockTime>,
    pub levels: Levels,
    pub tags: Tags,
    pub location: Option<Place>,
    pub weather: Option<Weather>,
    pub goal_id: Option<GoalId>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivityChanges {
    pub activity_type: Option<ActivityType>,
    pub name: Option<ActivityName>,
    pub description: Option<Option<Description>>,
    pub duration_minutes: Option<Option<DurationMinutes>>,
    pub date: Option<Day>,
    pub time: Option<Option<ClockTime>>,
    /// The levels given, each set or cleared.
    pub levels: Vec<(Feeling, Option<Level>)>,
    pub tags: Option<Tags>,
    pub location: Option<Option<Place>>,
    pub weather: Option<Option<Weather>>,
    pub goal_id: Option<Option<GoalId>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityCommand {
    Record(NewActivity),
    Update(ActivityChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ActivityEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ActivityEvent {
    ActivityRecorded {
        activity_id: ActivityId,
        user_id: UserId,
        activity_type: String,
        name: String,
        description: Option<String>,
        duration_minutes: Option<u16>,
        date: String,
        time: Option<ClockTime>,
        levels: Levels,
        tags: Vec<String>,
        location: Option<String>,
        weather: Option<String>,
        goal_id: Option<GoalId>,
        at: Timestamp,
    },
    /// The activity as the FastAPI system held it, taken in by `joan import legacy`: the
    /// first event of an imported stream, with the old row's `created_at` and `updated_at`
    /// (`at`).
    ActivityImported {
        activity_id: ActivityId,
        user_id: UserId,
        activity_type: String,
        name: String,
        description: Option<String>,
        duration_minutes: Option<u16>,
        date: String,
        time: Option<ClockTime>,
        levels: Levels,
        tags: Vec<String>,
        location: Option<String>,
        weather: Option<String>,
        goal_id: Option<GoalId>,
        created_at: Timestamp,
        at: Timestamp,
    },
    ActivityTypeChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    ActivityRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    ActivityDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ActivityDurationChanged {
        from: Option<u16>,
        to: Option<u16>,
        at: Timestamp,
    },
    ActivityDateChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    ActivityTimeChanged {
        from: Option<ClockTime>,
        to: Option<ClockTime>,
        at: Timestamp,
    },
    /// One of the four levels (mood or energy, before or after) set or cleared.
    ActivityLevelChanged {
        feeling: Feeling,
        from: Option<u8>,
        to: Option<u8>,
        at: Timestamp,
    },
    ActivityTagsChanged {
        from: Vec<String>,
        to: Vec<String>,
        at: Timestamp,
    },
    ActivityLocationChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ActivityWeatherChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ActivityGoalChanged {
        from: Option<GoalId>,
        to: Option<GoalId>,
        at: Timestamp,
    },
    ActivityDeleted {
        at: Timestamp,
    },
}

impl ActivityEvent {
    pub fn at(&self) -> Timestamp {
        use ActivityEvent::*;
        match self {
            ActivityRecorded { at, .. }
            | ActivityImported { at, .. }
            | ActivityTypeChanged { at, .. }
            | ActivityRenamed { at, .. }
            | ActivityDescriptionChanged { at, .. }
            | ActivityDurationChanged { at, .. }
            | ActivityDateChanged { at, .. }
            | ActivityTimeChanged { at, .. }
            | ActivityLevelChanged { at, .. }
            | ActivityTagsChanged { at, .. }
            | ActivityLocationChanged { at, .. }
            | ActivityWeatherChanged { at, .. }
            | ActivityGoalChanged { at, .. }
            | ActivityDeleted { at } => *at,
        }
    }
}

crate::domain_event!(ActivityEvent, version "1");

/// An activity has no rules of its own beyond every entity's.
pub type ActivityError = EntityError;

/// The decision state of one activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Activity {
    pub life: Lifecycle<ActivityId>,
    pub activity_type: String,
    pub name: String,
    pub description: Option<String>,
    pub duration_minutes: Option<u16>,
    pub date: String,
    pub time: Option<ClockTime>,
    pub levels: Levels,
    pub tags: Vec<String>,
    pub location: Option<String>,
    pub weather: Option<String>,
    pub goal_id: Option<GoalId>,
}

impl Entity for Activity {
    type Id = ActivityId;
    fn lifecycle(&self) -> &Lifecycle<ActivityId> {
        &self.life
    }
}

impl Activity {
    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, c: ActivityChanges, at: Timestamp) -> Vec<ActivityEvent> {
        use ActivityEvent::*;
        let mut out = Vec::new();
        push_change(
            &mut out,
            &self.activity_type,
            c.activity_type.map(String::from),
            |from, to| ActivityTypeChanged { from, to, at },
        );
        push_change(&mut out, &self.name, c.name.map(String::from), |from, to| {
            ActivityRenamed { from, to, at }
        });
        push_change(&mut out, &self.description, text(c.description), |from, to| {
            ActivityDescriptionChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.duration_minutes,
            c.duration_minutes.map(|d| d.map(u16::from)),
            |from, to| ActivityDurationChanged { from, to, at },
        );
        push_change(&mut out, &self.date, c.date.map(String::from), |from, to| {
            ActivityDateChanged { from, to, at }
        });
        push_change(&mut out, &self.time, c.time, |from, to| ActivityTimeChanged {
            from,
            to,
            at,
        });
        for feeling in Feeling::ALL.iter().copied() {
            let wanted = c
                .levels
                .iter()
                .find(|(f, _)| *f == feeling)
                .map(|(_, l)| l.map(u8::from));
            push_change(&mut out, &self.levels.get(feeling), wanted, |from, to| {
                ActivityLevelChanged { feeling, from, to, at }
            });
        }
        push_change(&mut out, &self.tags, c.tags.map(Vec::from), |from, to| {
            ActivityTagsChanged { from, to, at }
        });
        push_change(&mut out, &self.location, text(c.location), |from, to| {
            ActivityLocationChanged { from, to, at }
        });
        push_change(&mut out, &self.weather, text(c.weather), |from, to| {
            ActivityWeatherChanged { from, to, at }
        });
        push_change(&mut out, &self.goal_id, c.goal_id, |from, to| ActivityGoalChanged {
            from,
            to,
            at,
        });
        out
    }
}

impl Aggregate for Activity {
    const TYPE: &'static str = "activity";
    type Command = Stamped<ActivityCommand>;
    type Event = ActivityEvent;
    type Error = ActivityError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ActivityError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            ActivityCommand::Record(new) => {
                self.life.check_new()?;
                vec![ActivityEvent::ActivityRecorded {
                    activity_id: new.id,
                    user_id: actor,
                    activity_type: new.activity_type.into(),
                    name: new.name.into(),
                    description: new.description.map(String::from),
                    duration_minutes: new.duration_minutes.map(u16::from),
                    // Without a date (the API gives the user's own day), the day it was recorded in UTC.
                    date: new.date.map_or_else(|| at.day(), String::from),
                    time: new.time,
                    levels: new.levels,
                    tags: new.tags.into(),
                    location: new.location.map(String::from),
                    weather: new.weather.map(String::from),
                    goal_id: new.goal_id,
                    at,
                }]
            }
            ActivityCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            ActivityCommand::Delete => {
                self.life.check_live(actor)?;
                vec![ActivityEvent::ActivityDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ActivityEvent) {
        use ActivityEvent::*;
        let at = event.at();
        match event {
            ActivityRecorded {
                activity_id,
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
                at,
            } => {
                *self = Activity {
                    life: Lifecycle::born(activity_id, user_id, at),
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
                };
            }
            ActivityImported {
                activity_id,
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
                created_at,
                ..
            } => {
                *self = Activity {
                    life: Lifecycle::born(activity_id, user_id, created_at),
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
                };
            }
            ActivityTypeChanged { to, .. } => self.activity_type = to,
            ActivityRenamed { to, .. } => self.name = to,
            ActivityDescriptionChanged { to, .. } => self.description = to,
            ActivityDurationChanged { to, .. } => self.duration_minutes = to,
            ActivityDateChanged { to, .. } => self.date = to,
            ActivityTimeChanged { to, .. } => self.time = to,
            ActivityLevelChanged { feeling, to, .. } => self.levels.set(feeling, to),
            ActivityTagsChanged { to, .. } => self.tags = to,
            ActivityLocationChanged { to, .. } => self.location = to,
            ActivityWeatherChanged { to, .. } => self.weather = to,
            ActivityGoalChanged { to, .. } => self.goal_id = to,
            ActivityDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

/// A nullable text field's change, as the text its event holds.
fn text<T: Into<String>>(change: Option<Option<T>>) -> Option<Option<String>> {
    change.map(|v| v.map(Into::into))
}

#[cfg(test)]
mod tests;
