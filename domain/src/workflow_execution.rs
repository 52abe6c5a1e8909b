//! A workflow execution: one run of a template's steps over a user's input.
//!
//! The execution decides its own next move ([`WorkflowExecution::next`]): ask the user, send a
//! step to a model, create what a model listed, or finish. A process manager (the API's
//! workflow reactor) asks it after every event that can move it (`Advance`), runs the creation
//! of an `api_call` step, and records the outcome. Results come back from workers, possibly
//! twice or late: a result for a step that is no longer waiting for that very attempt changes
//! nothing, so the queue may deliver at least once.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse};
use crate::ids::{UserId, WorkflowExecutionId, WorkflowTemplateId};
use crate::values::Timestamp;
use crate::workflow_template::StepSpec;

mod next;

pub use next::{Next, StepRequest, render_value};

/// A step's usage, as the provider that answered reported it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepUsage {
    pub provider_id: Option<Uuid>,
    /// The provider's kind (`openai`, `anthropic`...).
    pub provider: Option<String>,
    pub model: Option<String>,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub latency_ms: u64,
    /// Millionths of a US dollar.
    pub cost_micro_usd: u64,
    /// Calls made, retries and fallbacks included.
    pub attempts: u32,
}

/// A `user_input` step answered by the input itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Satisfied {
    pub step: u32,
    pub output: Value,
}

/// How far a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    #[default]
    Pending,
    WaitingInput,
    Running,
    Completed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepState {
    pub status: StepStatus,
    /// The attempt dispatched last (0 before any).
    pub attempt: u32,
    pub output: Option<Value>,
    /// The prompt of the attempt dispatched last (so its result can be logged with it).
    #[serde(default)]
    pub prompt: Option<String>,
}

crate::word_enum! {
    /// Where an execution is.
    #[derive(Default)]
    pub enum ExecutionStatus {
        #[default]
        Running = "running",
        WaitingInput = "waiting_input",
        Completed = "completed",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl ExecutionStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// What a new execution starts from: the template as it is now, and the input.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExecution {
    pub id: WorkflowExecutionId,
    pub template_id: WorkflowTemplateId,
    pub template_name: String,
    pub steps: Vec<StepSpec>,
    pub input: Map<String, Value>,
    /// The ceremony step the execution runs, when a ceremony started it.
    pub ceremony: Option<CeremonyStep>,
}

/// A ceremony session's AI step that an execution runs: its end is reported back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeremonyStep {
    pub session_id: Uuid,
    pub component_id: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExecutionCommand {
    Start(NewExecution),
    /// Take the next move, if there is one to take now.
    Advance,
    /// Answers the `user_input` step waiting.
    GiveInput(Map<String, Value>),
    /// A worker's answer for `attempt` of `step`.
    CompleteStep {
        step: u32,
        attempt: u32,
        output: Value,
        usage: StepUsage,
    },
    /// A worker's failure for `attempt` of `step`, or an `api_call` step's (attempt 0).
    FailStep {
        step: u32,
        attempt: u32,
        class: String,
        message: String,
        attempts: u32,
    },
    /// The entities an `api_call` step created.
    RecordApiCall {
        step: u32,
        created: Vec<Uuid>,
    },
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ExecutionEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ExecutionEvent {
    ExecutionStarted {
        execution_id: WorkflowExecutionId,
        user_id: UserId,
        template_id: WorkflowTemplateId,
        template_name: String,
        steps: Vec<StepSpec>,
        input: Map<String, Value>,
        /// The `user_input` steps the input already answers.
        satisfied: Vec<Satisfied>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ceremony: Option<CeremonyStep>,
        at: Timestamp,
    },
    StepWaitingInput {
        step: u32,
        field: String,
        at: Timestamp,
    },
    InputGiven {
        values: Map<String, Value>,
        satisfied: Vec<Satisfied>,
        at: Timestamp,
    },
    StepDispatched {
        step: u32,
        attempt: u32,
        request: StepRequest,
        at: Timestamp,
    },
    StepSucceeded {
        step: u32,
        attempt: u32,
        output: Value,
        usage: StepUsage,
        at: Timestamp,
    },
    StepFailed {
        step: u32,
        attempt: u32,
        /// A `FailureClass` word (`rate_limited`...), or `invalid_data` for an `api_call`.
        class: String,
        message: String,
        attempts: u32,
        at: Timestamp,
    },
    ApiCallDone {
        step: u32,
        created: Vec<Uuid>,
        at: Timestamp,
    },
    ExecutionCompleted {
        at: Timestamp,
    },
    ExecutionFailed {
        step: u32,
        message: String,
        at: Timestamp,
    },
    ExecutionCancelled {
        at: Timestamp,
    },
}

impl ExecutionEvent {
    pub fn at(&self) -> Timestamp {
        use ExecutionEvent::*;
        match self {
            ExecutionStarted { at, .. }
            | StepWaitingInput { at, .. }
            | InputGiven { at, .. }
            | StepDispatched { at, .. }
            | StepSucceeded { at, .. }
            | StepFailed { at, .. }
            | ApiCallDone { at, .. }
            | ExecutionCompleted { at }
            | ExecutionFailed { at, .. }
            | ExecutionCancelled { at } => *at,
        }
    }

    /// Whether the execution may have a next move after this event.
    pub fn moves(&self) -> bool {
        use ExecutionEvent::*;
        matches!(
            self,
            ExecutionStarted { .. } | InputGiven { .. } | StepSucceeded { .. } | ApiCallDone { .. }
        )
    }
}

crate::domain_event!(ExecutionEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutionError {
    #[error(transparent)]
    Entity(#[from] EntityError),
    #[error("the execution is not waiting for input")]
    NotWaitingInput,
    #[error("the execution has already finished")]
    Finished,
    #[error("input.{0} is required")]
    MissingInput(String),
}

impl Refuse for ExecutionError {
    fn refusal(&self) -> Refusal {
        match self {
            ExecutionError::Entity(e) => e.refusal(),
            ExecutionError::NotWaitingInput => Refusal::Conflict {
                code: "not_waiting_input",
            },
            ExecutionError::Finished => Refusal::Conflict {
                code: "execution_finished",
            },
            ExecutionError::MissingInput(_) => Refusal::Invalid { field: "input" },
        }
    }
}

/// The decision state of one execution.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WorkflowExecution {
    pub life: Lifecycle<WorkflowExecutionId>,
    pub template_id: WorkflowTemplateId,
    pub steps: Vec<StepSpec>,
    pub input: Map<String, Value>,
    pub progress: Vec<StepState>,
    pub status: ExecutionStatus,
    pub ceremony: Option<CeremonyStep>,
}

impl Entity for WorkflowExecution {
    type Id = WorkflowExecutionId;
    fn lifecycle(&self) -> &Lifecycle<WorkflowExecutionId> {
        &self.life
    }
}

/// The `user_input` steps not yet answered whose field `input` holds.
fn satisfied(steps: &[StepSpec], progress: &[StepState], input: &Map<String, Value>) -> Vec<Satisfied> {
    steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            StepSpec::UserInput { field, .. } if progress.get(i).is_none_or(|p| p.status != StepStatus::Completed) => {
                input.get(field).map(|v| Satisfied {
                    step: i as u32,
                    output: v.clone(),
                })
            }
            _ => None,
        })
        .collect()
}

impl WorkflowExecution {
    /// The step a result names, when it is still waiting for exactly that attempt.
    fn awaiting(&self, step: u32, attempt: u32) -> bool {
        !self.status.is_finished()
            && self
                .progress
                .get(step as usize)
                .is_some_and(|p| p.status == StepStatus::Running && p.attempt == attempt)
    }

    fn decide(&self, command: ExecutionCommand, at: Timestamp) -> Result<Vec<ExecutionEvent>, ExecutionError> {
        use ExecutionEvent::*;
        Ok(match command {
            ExecutionCommand::Start(_) => return Err(EntityError::AlreadyExists.into()),
            ExecutionCommand::Advance => match self.next() {
                Next::WaitInput { step, field } => vec![StepWaitingInput { step, field, at }],
                Next::Dispatch { step, attempt, request } => vec![StepDispatched {
                    step,
                    attempt,
                    request,
                    at,
                }],
                Next::Complete => vec![ExecutionCompleted { at }],
                Next::ApiCall { .. } | Next::Idle => vec![],
            },
            ExecutionCommand::GiveInput(values) => {
                let waiting = self
                    .progress
                    .iter()
                    .position(|p| p.status == StepStatus::WaitingInput)
                    .filter(|_| self.status == ExecutionStatus::WaitingInput)
                    .ok_or(ExecutionError::NotWaitingInput)?;
                if let Some(StepSpec::UserInput { field, .. }) = self.steps.get(waiting)
                    && !values.contains_key(field)
                {
                    return Err(ExecutionError::MissingInput(field.clone()));
                }
                let satisfied = satisfied(&self.steps, &self.progress, &values);
                vec![InputGiven { values, satisfied, at }]
            }
            ExecutionCommand::CompleteStep {
                step,
                attempt,
                output,
                usage,
            } => {
                if !self.awaiting(step, attempt) {
                    return Ok(vec![]);
                }
                vec![StepSucceeded {
                    step,
                    attempt,
                    output,
                    usage,
                    at,
                }]
            }
            ExecutionCommand::FailStep {
                step,
                attempt,
                class,
                message,
                attempts,
            } => {
                let api_call = matches!(self.next(), Next::ApiCall { step: s, .. } if s == step) && attempt == 0;
                if !(api_call || self.awaiting(step, attempt)) {
                    return Ok(vec![]);
                }
                let name = self.steps.get(step as usize).map(StepSpec::name).unwrap_or_default();
                vec![
                    StepFailed {
                        step,
                        attempt,
                        class: class.clone(),
                        message: message.clone(),
                        attempts,
                        at,
                    },
                    ExecutionFailed {
                        step,
                        message: format!("step {name} failed ({class}): {message}"),
                        at,
                    },
                ]
            }
            ExecutionCommand::RecordApiCall { step, created } => match self.next() {
                Next::ApiCall { step: s, .. } if s == step => vec![ApiCallDone { step, created, at }],
                _ => vec![],
            },
            ExecutionCommand::Cancel => match self.status {
                ExecutionStatus::Cancelled => vec![],
                ExecutionStatus::Completed | ExecutionStatus::Failed => return Err(ExecutionError::Finished),
                _ => vec![ExecutionCancelled { at }],
            },
        })
    }
}

impl Aggregate for WorkflowExecution {
    const TYPE: &'static str = "ai_workflow_execution";
    type Command = Stamped<ExecutionCommand>;
    type Event = ExecutionEvent;
    type Error = ExecutionError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ExecutionError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            ExecutionCommand::Start(new) => {
                self.life.check_new()?;
                if let Some(missing) = crate::workflow_template::steps::required_inputs(&new.steps)
                    .into_iter()
                    .find(|f| !new.input.contains_key(f))
                {
                    return Err(ExecutionError::MissingInput(missing));
                }
                let satisfied = satisfied(&new.steps, &[], &new.input);
                vec![ExecutionEvent::ExecutionStarted {
                    execution_id: new.id,
                    user_id: actor,
                    template_id: new.template_id,
                    template_name: new.template_name,
                    steps: new.steps,
                    input: new.input,
                    satisfied,
                    ceremony: new.ceremony,
                    at,
                }]
            }
            command => {
                self.life.check_live(actor)?;
                self.decide(command, at)?
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ExecutionEvent) {
        use ExecutionEvent::*;
        let at = event.at();
        let mark = |this: &mut Self, step: u32, f: &dyn Fn(&mut StepState)| {
            if let Some(p) = this.progress.get_mut(step as usize) {
                f(p);
            }
        };
        match event {
            ExecutionStarted {
                execution_id,
                user_id,
                template_id,
                steps,
                input,
                satisfied,
                ceremony,
                at,
                ..
            } => {
                *self = WorkflowExecution {
                    life: Lifecycle::born(execution_id, user_id, at),
                    template_id,
                    progress: vec![StepState::default(); steps.len()],
                    steps,
                    input,
                    status: ExecutionStatus::Running,
                    ceremony,
                };
                self.satisfy(satisfied);
            }
            StepWaitingInput { step, .. } => {
                mark(self, step, &|p| p.status = StepStatus::WaitingInput);
                self.status = ExecutionStatus::WaitingInput;
            }
            InputGiven { values, satisfied, .. } => {
                self.input.extend(values);
                self.satisfy(satisfied);
                self.status = ExecutionStatus::Running;
            }
            StepDispatched {
                step, attempt, request, ..
            } => mark(self, step, &|p| {
                p.status = StepStatus::Running;
                p.attempt = attempt;
                p.prompt = Some(request.prompt.clone());
            }),
            StepSucceeded { step, output, .. } => {
                if let Some(p) = self.progress.get_mut(step as usize) {
                    p.status = StepStatus::Completed;
                    p.output = Some(output);
                }
            }
            StepFailed { step, .. } => mark(self, step, &|p| p.status = StepStatus::Failed),
            ApiCallDone { step, created, .. } => {
                let ids = Value::from(created.iter().map(|id| Value::from(id.to_string())).collect::<Vec<_>>());
                if let Some(p) = self.progress.get_mut(step as usize) {
                    p.status = StepStatus::Completed;
                    p.output = Some(ids);
                }
            }
            ExecutionCompleted { .. } => self.status = ExecutionStatus::Completed,
            ExecutionFailed { .. } => self.status = ExecutionStatus::Failed,
            ExecutionCancelled { .. } => self.status = ExecutionStatus::Cancelled,
        }
        self.life.touch(at);
    }
}

impl WorkflowExecution {
    fn satisfy(&mut self, satisfied: Vec<Satisfied>) {
        for s in satisfied {
            if let Some(p) = self.progress.get_mut(s.step as usize) {
                p.status = StepStatus::Completed;
                p.output = Some(s.output);
            }
        }
    }
}

#[cfg(test)]
mod tests;
