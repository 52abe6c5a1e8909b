//! The activity goal: how often a user means to do an activity of a type (a count, minutes,
//! or both, per day, ISO week or month), between optional dates. Its progress in the current
//! period is read from the activities, not kept here.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::activity::ActivityType;
use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse, push_change};
use crate::ids::{ActivityGoalId, UserId};
use crate::values::Day;
use crate::values::{ClockTime, Timestamp};

mod period;
mod values;
pub use period::local_day;
pub use values::{Frequency, TargetCount, TargetMinutes};

/// Everything a new activity goal starts with; the rules across fields are the aggregate's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewActivityGoal {
    pub id: ActivityGoalId,
    pub activity_type: ActivityType,
    pub target_frequency: Frequency,
    pub target_count: Option<TargetCount>,
    pub target_duration_minutes: Option<TargetMinutes>,
    pub start_date: Option<Day>,
    pub end_date: Option<Day>,
    pub reminder_time: Option<ClockTime>,
    pub is_active: bool,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivityGoalChanges {
    pub activity_type: Option<ActivityType>,
    pub target_frequency: Option<Frequency>,
    pub target_count: Option<Option<TargetCount>>,
    pub target_duration_minutes: Option<Option<TargetMinutes>>,
    pub start_date: Option<Option<Day>>,
    pub end_date: Option<Option<Day>>,
    pub reminder_time: Option<Option<ClockTime>>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityGoalCommand {
    Create(NewActivityGoal),
    Update(ActivityGoalChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ActivityGoalEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ActivityGoalEvent {
    ActivityGoalCreated {
        goal_id: ActivityGoalId,
        user_id: UserId,
        activity_type: String,
        target_frequency: Frequency,
        target_count: Option<u16>,
        target_duration_minutes: Option<u32>,
        start_date: Option<String>,
        end_date: Option<String>,
        reminder_time: Option<ClockTime>,
        is_active: bool,
        at: Timestamp,
    },
    /// The goal as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `created_at` and `updated_at` (`at`).
    ActivityGoalImported {
        goal_id: ActivityGoalId,
        user_id: UserId,
        activity_type: String,
        target_frequency: Frequency,
        target_count: Option<u16>,
        target_duration_minutes: Option<u32>,
        start_date: Option<String>,
        end_date: Option<String>,
        reminder_time: Option<ClockTime>,
        is_active: bool,
        created_at: Timestamp,
        at: Timestamp,
    },
    ActivityGoalTypeChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    ActivityGoalFrequencyChanged {
        from: Frequency,
        to: Frequency,
        at: Timestamp,
    },
    ActivityGoalTargetCountChanged {
        from: Option<u16>,
        to: Option<u16>,
        at: Timestamp,
    },
    ActivityGoalTargetMinutesChanged {
        from: Option<u32>,
        to: Option<u32>,
        at: Timestamp,
    },
    ActivityGoalStartDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ActivityGoalEndDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ActivityGoalReminderChanged {
        from: Option<ClockTime>,
        to: Option<ClockTime>,
        at: Timestamp,
    },
    ActivityGoalActiveChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    ActivityGoalDeleted {
        at: Timestamp,
    },
}

impl ActivityGoalEvent {
    pub fn at(&self) -> Timestamp {
        use ActivityGoalEvent::*;
        match self {
            ActivityGoalCreated { at, .. }
            | ActivityGoalImported { at, .. }
            | ActivityGoalTypeChanged { at, .. }
            | ActivityGoalFrequencyChanged { at, .. }
            | ActivityGoalTargetCountChanged { at, .. }
            | ActivityGoalTargetMinutesChanged { at, .. }
            | ActivityGoalStartDateChanged { at, .. }
            | ActivityGoalEndDateChanged { at, .. }
            | ActivityGoalReminderChanged { at, .. }
            | ActivityGoalActiveChanged { at, .. }
            | ActivityGoalDeleted { at } => *at,
        }
    }
}

crate::domain_event!(ActivityGoalEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityGoalError {
    #[error(transparent)]
    Entity(#[from] EntityError),
    /// Neither a count nor minutes to reach.
    #[error("a goal needs a target_count, a target_duration_minutes, or both")]
    NoTarget,
    #[error("the end date is before the start date")]
    EndBeforeStart,
}

impl Refuse for ActivityGoalError {
    fn refusal(&self) -> Refusal {
        match self {
            ActivityGoalError::Entity(e) => e.refusal(),
            ActivityGoalError::NoTarget => Refusal::Invalid { field: "target_count" },
            ActivityGoalError::EndBeforeStart => Refusal::Invalid { field: "end_date" },
        }
    }
}

/// The decision state of one activity goal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityGoal {
    pub life: Lifecycle<ActivityGoalId>,
    pub activity_type: String,
    pub target_frequency: Frequency,
    pub target_count: Option<u16>,
    pub target_duration_minutes: Option<u32>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub reminder_time: Option<ClockTime>,
    pub is_active: bool,
}

impl Entity for ActivityGoal {
    type Id = ActivityGoalId;
    fn lifecycle(&self) -> &Lifecycle<ActivityGoalId> {
        &self.life
    }
}

/// The rules across fields, for a creation and for the state an update would leave.
pub fn check(
    count: Option<u16>,
    minutes: Option<u32>,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(), ActivityGoalError> {
    if count.is_none() && minutes.is_none() {
        return Err(ActivityGoalError::NoTarget);
    }
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(ActivityGoalError::EndBeforeStart),
        _ => Ok(()),
    }
}

impl ActivityGoal {
    /// One event per field that really changes, in a fixed order, if the result keeps the rules.
    fn decide_update(
        &self,
        c: ActivityGoalChanges,
        at: Timestamp,
    ) -> Result<Vec<ActivityGoalEvent>, ActivityGoalError> {
        use ActivityGoalEvent::*;
        let day = |d: Option<Option<Day>>| d.map(|d| d.map(String::from));
        let count = c.target_count.map(|v| v.map(u16::from));
        let minutes = c.target_duration_minutes.map(|v| v.map(u32::from));
        let (start, end) = (day(c.start_date), day(c.end_date));
        check(
            count.unwrap_or(self.target_count),
            minutes.unwrap_or(self.target_duration_minutes),
            start.clone().unwrap_or_else(|| self.start_date.clone()).as_deref(),
            end.clone().unwrap_or_else(|| self.end_date.clone()).as_deref(),
        )?;
        let mut out = Vec::new();
        push_change(
            &mut out,
            &self.activity_type,
            c.activity_type.map(String::from),
            |from, to| ActivityGoalTypeChanged { from, to, at },
        );
        push_change(&mut out, &self.target_frequency, c.target_frequency, |from, to| {
            ActivityGoalFrequencyChanged { from, to, at }
        });
        push_change(&mut out, &self.target_count, count, |from, to| {
            ActivityGoalTargetCountChanged { from, to, at }
        });
        push_change(&mut out, &self.target_duration_minutes, minutes, |from, to| {
            ActivityGoalTargetMinutesChanged { from, to, at }
        });
        push_change(&mut out, &self.start_date, start, |from, to| {
            ActivityGoalStartDateChanged { from, to, at }
        });
        push_change(&mut out, &self.end_date, end, |from, to| ActivityGoalEndDateChanged {
            from,
            to,
            at,
        });
        push_change(&mut out, &self.reminder_time, c.reminder_time, |from, to| {
            ActivityGoalReminderChanged { from, to, at }
        });
        push_change(&mut out, &self.is_active, c.is_active, |from, to| {
            ActivityGoalActiveChanged { from, to, at }
        });
        Ok(out)
    }
}

impl Aggregate for ActivityGoal {
    const TYPE: &'static str = "activity_goal";
    type Command = Stamped<ActivityGoalCommand>;
    type Event = ActivityGoalEvent;
    type Error = ActivityGoalError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ActivityGoalError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            ActivityGoalCommand::Create(new) => {
                self.life.check_new()?;
                let (count, minutes) = (
                    new.target_count.map(u16::from),
                    new.target_duration_minutes.map(u32::from),
                );
                let (start, end) = (new.start_date.map(String::from), new.end_date.map(String::from));
                check(count, minutes, start.as_deref(), end.as_deref())?;
                vec![ActivityGoalEvent::ActivityGoalCreated {
                    goal_id: new.id,
                    user_id: actor,
                    activity_type: new.activity_type.into(),
                    target_frequency: new.target_frequency,
                    target_count: count,
                    target_duration_minutes: minutes,
                    start_date: start,
                    end_date: end,
                    reminder_time: new.reminder_time,
                    is_active: new.is_active,
                    at,
                }]
            }
            ActivityGoalCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)?
            }
            ActivityGoalCommand::Delete => {
                self.life.check_live(actor)?;
                vec![ActivityGoalEvent::ActivityGoalDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ActivityGoalEvent) {
        use ActivityGoalEvent::*;
        let at = event.at();
        match event {
            ActivityGoalCreated {
                goal_id,
                user_id,
                activity_type,
                target_frequency,
                target_count,
                target_duration_minutes,
                start_date,
                end_date,
                reminder_time,
                is_active,
                at: created_at,
            }
            | ActivityGoalImported {
                goal_id,
                user_id,
                activity_type,
                target_frequency,
                target_count,
                target_duration_minutes,
                start_date,
                end_date,
                reminder_time,
                is_active,
                created_at,
                ..
            } => {
                *self = ActivityGoal {
                    life: Lifecycle::born(goal_id, user_id, created_at),
                    activity_type,
                    target_frequency,
                    target_count,
                    target_duration_minutes,
                    start_date,
                    end_date,
                    reminder_time,
                    is_active,
                };
            }
            ActivityGoalTypeChanged { to, .. } => self.activity_type = to,
            ActivityGoalFrequencyChanged { to, .. } => self.target_frequency = to,
            ActivityGoalTargetCountChanged { to, .. } => self.target_count = to,
            ActivityGoalTargetMinutesChanged { to, .. } => self.target_duration_minutes = to,
            ActivityGoalStartDateChanged { to, .. } => self.start_date = to,
            ActivityGoalEndDateChanged { to, .. } => self.end_date = to,
            ActivityGoalReminderChanged { to, .. } => self.reminder_time = to,
            ActivityGoalActiveChanged { to, .. } => self.is_active = to,
            ActivityGoalDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
