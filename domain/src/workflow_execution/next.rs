//! An execution's next move, decided from its steps and how far each is: the one rule of how
//! a workflow advances, kept in the aggregate so that the process manager stays a relay.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{StepStatus, WorkflowExecution};
use crate::workflow_template::steps::{Reference, render};
use crate::workflow_template::{Endpoint, OutputFormat, StepSpec};

/// What an `ai_process` step asks, its placeholders replaced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepRequest {
    pub system: Option<String>,
    pub prompt: String,
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub json: bool,
    pub json_schema: Option<Value>,
}

/// What an execution does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Nothing now: finished, or waiting for the user or a worker.
    Idle,
    /// Ask the user for `field`.
    WaitInput { step: u32, field: String },
    /// Send the step to a worker.
    Dispatch {
        step: u32,
        attempt: u32,
        request: StepRequest,
    },
    /// Create what `data` lists (the output of an earlier JSON step).
    ApiCall { step: u32, endpoint: Endpoint, data: Value },
    /// Every step is done.
    Complete,
}

/// A value as a prompt shows it: text as it is, anything else as compact JSON.
pub fn render_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl WorkflowExecution {
    /// The next move: the first step not completed decides it.
    pub fn next(&self) -> Next {
        if self.status.is_finished() || !self.life.exists() {
            return Next::Idle;
        }
        for (i, (spec, state)) in self.steps.iter().zip(&self.progress).enumerate() {
            let step = i as u32;
            match (state.status, spec) {
                (StepStatus::Completed, _) => continue,
                (StepStatus::WaitingInput | StepStatus::Running | StepStatus::Failed, _) => return Next::Idle,
                (StepStatus::Pending, StepSpec::UserInput { field, .. }) => {
                    return Next::WaitInput {
                        step,
                        field: field.clone(),
                    };
                }
                (StepStatus::Pending, StepSpec::AiProcess { .. }) => {
                    return Next::Dispatch {
                        step,
                        attempt: state.attempt + 1,
                        request: self.request(spec),
                    };
                }
                (StepStatus::Pending, StepSpec::ApiCall { endpoint, data, .. }) => {
                    return Next::ApiCall {
                        step,
                        endpoint: *endpoint,
                        data: self.output_named(data).cloned().unwrap_or(Value::Null),
                    };
                }
            }
        }
        Next::Complete
    }

    /// The output of the step `{steps.<name>.output}` names.
    fn output_named(&self, reference: &str) -> Option<&Value> {
        let (_, Reference::Step(name)) = crate::workflow_template::steps::references(reference)
            .into_iter()
            .next()?
        else {
            return None;
        };
        let i = self.steps.iter().position(|s| s.name() == name)?;
        self.progress.get(i)?.output.as_ref()
    }

    fn render(&self, text: &str) -> String {
        render(text, |r| match r {
            Reference::Input(field) => self.input.get(*field).map(render_value).unwrap_or_default(),
            Reference::Step(name) => self
                .steps
                .iter()
                .position(|s| s.name() == *name)
                .and_then(|i| self.progress.get(i)?.output.as_ref())
                .map(render_value)
                .unwrap_or_default(),
        })
    }

    fn request(&self, spec: &StepSpec) -> StepRequest {
        let StepSpec::AiProcess {
            prompt,
            output_format,
            json_schema,
            system,
            model,
            temperature,
            max_tokens,
            ..
        } = spec
        else {
            return StepRequest::default();
        };
        StepRequest {
            system: system.as_deref().map(|s| self.render(s)),
            prompt: self.render(prompt),
            model: model.clone(),
            temperature: *temperature,
            max_tokens: *max_tokens,
            json: *output_format == OutputFormat::Json,
            json_schema: json_schema.clone(),
        }
    }
}
