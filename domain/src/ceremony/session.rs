//! The CeremonySession aggregate: one user's run of a ceremony, one stream per run.
//!
//! A session starts at step 0 of the template's steps (recorded in the start, so a later
//! revision of the template never changes a session under way), records what the user gave
//! at each step, moves between steps (never past the last), and ends once: completed (with
//! its duration from the start) or cancelled. AI steps are recorded as they are started and
//! finish (`CeremonyAiStepStarted` with the workflow execution that runs them,
//! `CeremonyAiStepFinished` with its output or error); a second result of one execution
//! changes nothing, so whatever delivers results may deliver them twice.
use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ComponentKind;
use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse, push_change};
use crate::ids::{CeremonyComponentId, CeremonySessionId, CeremonyTemplateId, ProjectId, TaskId, UserId};
use crate::values::Timestamp;

mod values;
pub use values::{Counter, SessionData, SessionNotes, SessionStatus};

/// One step of a session: the template's component at that place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStep {
    pub component_id: CeremonyComponentId,
    #[serde(rename = "type")]
    pub kind: ComponentKind,
}

/// A session to start, with the template's steps as the caller read them.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub id: CeremonySessionId,
    pub template_id: CeremonyTemplateId,
    pub steps: Vec<SessionStep>,
    /// Checked by the caller: the user's, or one they are a member of.
    pub project_id: Option<ProjectId>,
    pub task_id: Option<TaskId>,
}

/// A PATCH: `input` is recorded for the current step first, then the notes change, then the
/// session moves to `current_step`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionChanges {
    pub input: Option<SessionData>,
    pub notes: Option<Option<SessionNotes>>,
    pub current_step: Option<u32>,
}

/// What the user made of the session, told when completing it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionOutcome {
    pub tasks_created: Option<Counter>,
    pub notes_created: Option<Counter>,
    pub output: Option<SessionData>,
}

/// The result of an AI step's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AiOutcome {
    Output(serde_json::Value),
    Error(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionCommand {
    Start(NewSession),
    Update(SessionChanges),
    Complete(SessionOutcome),
    Cancel,
    /// An AI step was handed to the workflow execution `execution_id`.
    StartAiStep {
        component_id: CeremonyComponentId,
        execution_id: Uuid,
    },
    /// The execution that runs an AI step finished.
    FinishAiStep {
        component_id: CeremonyComponentId,
        execution_id: Uuid,
        outcome: AiOutcome,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(SessionEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum SessionEvent {
    CeremonySessionStarted {
        session_id: CeremonySessionId,
        user_id: UserId,
        template_id: CeremonyTemplateId,
        steps: Vec<SessionStep>,
        project_id: Option<ProjectId>,
        task_id: Option<TaskId>,
        at: Timestamp,
    },
    /// What the user gave at `step` (replacing what they gave there before).
    CeremonyStepInputRecorded {
        step: u32,
        component_id: CeremonyComponentId,
        input: serde_json::Map<String, serde_json::Value>,
        at: Timestamp,
    },
    CeremonySessionNotesChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    CeremonySessionStepChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    CeremonySessionCompleted {
        duration_minutes: u32,
        tasks_created: u32,
        notes_created: u32,
        output: Option<serde_json::Map<String, serde_json::Value>>,
        at: Timestamp,
    },
    CeremonySessionCancelled {
        at: Timestamp,
    },
    CeremonyAiStepStarted {
        component_id: CeremonyComponentId,
        execution_id: Uuid,
        at: Timestamp,
    },
    CeremonyAiStepFinished {
        component_id: CeremonyComponentId,
        execution_id: Uuid,
        outcome: AiOutcome,
        at: Timestamp,
    },
}

impl SessionEvent {
    pub fn at(&self) -> Timestamp {
        use SessionEvent::*;
        match self {
            CeremonySessionStarted { at, .. }
            | CeremonyStepInputRecorded { at, .. }
            | CeremonySessionNotesChanged { at, .. }
            | CeremonySessionStepChanged { at, .. }
            | CeremonySessionCompleted { at, .. }
            | CeremonySessionCancelled { at }
            | CeremonyAiStepStarted { at, .. }
            | CeremonyAiStepFinished { at, .. } => *at,
        }
    }
}

crate::domain_event!(SessionEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("ceremony session {0}")]
    Entity(#[from] EntityError),
    #[error("the ceremony has no steps")]
    NoSteps,
    #[error("the session is {0}; it can no longer change")]
    Ended(&'static str),
    /// Steps are numbered from 0; the number is how many the session has.
    #[error("the session has {0} steps, numbered from 0: it cannot go past the last")]
    PastLastStep(u32),
    #[error("this is not an AI step of the session")]
    NotAnAiStep,
    #[error("this AI step is already running in another execution")]
    AiStepRunning,
    #[error("no run of this AI step was started by that execution")]
    AiStepNotStarted,
}

impl Refuse for SessionError {
    fn refusal(&self) -> Refusal {
        match self {
            SessionError::Entity(e) => e.refusal(),
            SessionError::NoSteps => Refusal::Invalid { field: "template_id" },
            SessionError::Ended(_) => Refusal::Conflict { code: "session_ended" },
            SessionError::PastLastStep(_) => Refusal::Invalid { field: "current_step" },
            SessionError::NotAnAiStep => Refusal::Invalid { field: "component_id" },
            SessionError::AiStepRunning => Refusal::Conflict {
                code: "ai_step_running",
            },
            SessionError::AiStepNotStarted => Refusal::Conflict {
                code: "ai_step_not_started",
            },
        }
    }
}

/// The last run of an AI step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiRun {
    pub execution_id: Uuid,
    pub finished: bool,
}

/// The decision state of one session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CeremonySession {
    pub life: Lifecycle<CeremonySessionId>,
    pub steps: Vec<SessionStep>,
    pub status: SessionStatus,
    pub current_step: u32,
    pub started_at: Option<Timestamp>,
    pub inputs: BTreeMap<u32, serde_json::Map<String, serde_json::Value>>,
    pub notes: Option<String>,
    pub ai: BTreeMap<CeremonyComponentId, AiRun>,
}

impl Entity for CeremonySession {
    type Id = CeremonySessionId;
    fn lifecycle(&self) -> &Lifecycle<CeremonySessionId> {
        &self.life
    }
}

/// Whole minutes from `from` to `to`, to the nearest minute.
pub fn minutes_between(from: Timestamp, to: Timestamp) -> u32 {
    let seconds = (to.datetime() - from.datetime()).whole_seconds().max(0);
    u32::try_from((seconds + 30) / 60).unwrap_or(u32::MAX)
}

impl CeremonySession {
    fn check_running(&self) -> Result<(), SessionError> {
        match self.status {
            SessionStatus::InProgress => Ok(()),
            ended => Err(SessionError::Ended(ended.as_str())),
        }
    }

    /// The input the workflow that runs an AI step starts from: every step's input so far,
    /// merged in step order (a later step's field wins), so `{input.text}` is what the user
    /// wrote in the writing area.
    pub fn workflow_input(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut merged = serde_json::Map::new();
        for input in self.inputs.values() {
            merged.extend(input.clone());
        }
        merged
    }

    fn decide(&self, command: SessionCommand, at: Timestamp) -> Result<Vec<SessionEvent>, SessionError> {
        use SessionEvent::*;
        match command {
            SessionCommand::Start(_) => Err(EntityError::AlreadyExists.into()),
            SessionCommand::Update(changes) => {
                self.check_running()?;
                let last = u32::try_from(self.steps.len()).unwrap_or(u32::MAX);
                if changes.current_step.is_some_and(|s| s >= last) {
                    return Err(SessionError::PastLastStep(last));
                }
                let mut out = Vec::new();
                let step = self.current_step;
                let input = changes.input.map(serde_json::Map::from);
                let component = self.steps.get(step as usize).map(|s| s.component_id);
                if let (Some(input), Some(component_id)) = (input, component) {
                    if self.inputs.get(&step) != Some(&input) {
                        out.push(CeremonyStepInputRecorded {
                            step,
                            component_id,
                            input,
                            at,
                        });
                    }
                }
                push_change(
                    &mut out,
                    &self.notes,
                    changes.notes.map(|n| n.map(String::from)),
                    |from, to| CeremonySessionNotesChanged { from, to, at },
                );
                push_change(&mut out, &self.current_step, changes.current_step, |from, to| {
                    CeremonySessionStepChanged { from, to, at }
                });
                Ok(out)
            }
            SessionCommand::Complete(outcome) => {
                self.check_running()?;
                Ok(vec![CeremonySessionCompleted {
                    duration_minutes: minutes_between(self.started_at.unwrap_or(at), at),
                    tasks_created: outcome.tasks_created.map_or(0, u32::from),
                    notes_created: outcome.notes_created.map_or(0, u32::from),
                    output: outcome.output.map(serde_json::Map::from),
                    at,
                }])
            }
            SessionCommand::Cancel => {
                self.check_running()?;
                Ok(vec![CeremonySessionCancelled { at }])
            }
            SessionCommand::StartAiStep {
                component_id,
                execution_id,
            } => {
                self.check_running()?;
                let is_ai = self
                    .steps
                    .iter()
                    .any(|s| s.component_id == component_id && s.kind == ComponentKind::AiProcessor);
                if !is_ai {
                    return Err(SessionError::NotAnAiStep);
                }
                match self.ai.get(&component_id) {
                    Some(run) if run.execution_id == execution_id => Ok(vec![]),
                    Some(run) if !run.finished => Err(SessionError::AiStepRunning),
                    _ => Ok(vec![CeremonyAiStepStarted {
                        component_id,
                        execution_id,
                        at,
                    }]),
                }
            }
            SessionCommand::FinishAiStep {
                component_id,
                execution_id,
                outcome,
            } => match self.ai.get(&component_id) {
                Some(run) if run.execution_id == execution_id && run.finished => Ok(vec![]),
                Some(run) if run.execution_id == execution_id => Ok(vec![CeremonyAiStepFinished {
                    component_id,
                    execution_id,
                    outcome,
                    at,
                }]),
                _ => Err(SessionError::AiStepNotStarted),
            },
        }
    }
}

impl Aggregate for CeremonySession {
    const TYPE: &'static str = "ceremony_session";
    type Command = Stamped<SessionCommand>;
    type Event = SessionEvent;
    type Error = SessionError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), SessionError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            SessionCommand::Start(new) => {
                self.life.check_new()?;
                if new.steps.is_empty() {
                    return Err(SessionError::NoSteps);
                }
                vec![SessionEvent::CeremonySessionStarted {
                    session_id: new.id,
                    user_id: actor,
                    template_id: new.template_id,
                    steps: new.steps,
                    project_id: new.project_id,
                    task_id: new.task_id,
                    at,
                }]
            }
            other => {
                self.life.check_live(actor)?;
                self.decide(other, at)?
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: SessionEvent) {
        use SessionEvent::*;
        let at = event.at();
        match event {
            CeremonySessionStarted {
                session_id,
                user_id,
                steps,
                at,
                ..
            } => {
                *self = CeremonySession {
                    life: Lifecycle::born(session_id, user_id, at),
                    steps,
                    started_at: Some(at),
                    ..CeremonySession::default()
                };
            }
            CeremonyStepInputRecorded { step, input, .. } => {
                self.inputs.insert(step, input);
            }
            CeremonySessionNotesChanged { to, .. } => self.notes = to,
            CeremonySessionStepChanged { to, .. } => self.current_step = to,
            CeremonySessionCompleted { .. } => self.status = SessionStatus::Completed,
            CeremonySessionCancelled { .. } => self.status = SessionStatus::Cancelled,
            CeremonyAiStepStarted {
                component_id,
                execution_id,
                ..
            } => {
                self.ai.insert(
                    component_id,
                    AiRun {
                        execution_id,
                        finished: false,
                    },
                );
            }
            CeremonyAiStepFinished { component_id, .. } => {
                if let Some(run) = self.ai.get_mut(&component_id) {
                    run.finished = true;
                }
            }
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
