//! A workflow's steps: what each kind holds, the placeholders a prompt may use, and the rules
//! a list of steps must keep (checked once, when a template is made, so an execution never
//! meets a reference to a step that does not exist or has not run yet).
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::text::{long_text, short_text};

/// Steps a template may hold.
pub const MAX_STEPS: usize = 20;
/// Characters of a prompt or system text.
pub const MAX_PROMPT_CHARS: usize = 20_000;
/// Characters of a step name or an input field (`[A-Za-z0-9_-]`).
pub const MAX_NAME_CHARS: usize = 64;

/// What an `ai_process` step asks the model to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// Where an `api_call` step sends its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Endpoint {
    #[serde(rename = "/tasks/batch")]
    TasksBatch,
    #[serde(rename = "/notes/batch")]
    NotesBatch,
}

impl Endpoint {
    pub const WORDS: &'static [&'static str] = &["/tasks/batch", "/notes/batch"];

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "/tasks/batch" => Some(Self::TasksBatch),
            "/notes/batch" => Some(Self::NotesBatch),
            _ => None,
        }
    }

    /// Items one call may create (the batch routes' own limit).
    pub const MAX_ITEMS: usize = 100;
}

/// One step of a template, valid once built by [`parse_steps`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepSpec {
    /// Ask the user for `field` (skipped when the execution's input already has it).
    UserInput {
        name: String,
        prompt: String,
        field: String,
    },
    /// One completion; `prompt` and `system` may hold placeholders.
    AiProcess {
        name: String,
        prompt: String,
        #[serde(default)]
        output_format: OutputFormat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        json_schema: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        system: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        model: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        temperature: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_tokens: Option<u32>,
    },
    /// Creates what `data` (one `{steps.<name>.output}`, a JSON list) describes.
    ApiCall {
        name: String,
        endpoint: Endpoint,
        data: String,
    },
}

impl StepSpec {
    pub fn name(&self) -> &str {
        match self {
            StepSpec::UserInput { name, .. } | StepSpec::AiProcess { name, .. } | StepSpec::ApiCall { name, .. } => {
                name
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            StepSpec::UserInput { .. } => "user_input",
            StepSpec::AiProcess { .. } => "ai_process",
            StepSpec::ApiCall { .. } => "api_call",
        }
    }
}

/// A step as a client sent it: every field optional, so that each missing or wrong one is
/// reported beside its step rather than as one unreadable body error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawStep {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub prompt: Option<String>,
    pub field: Option<String>,
    pub output_format: Option<String>,
    pub json_schema: Option<serde_json::Value>,
    pub system: Option<String>,
    pub model: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i64>,
    pub endpoint: Option<String>,
    pub data: Option<String>,
}

/// A refused step field: `steps[2].prompt` and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub field: String,
    pub message: String,
}

/// A placeholder in a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference<'a> {
    /// `{input.<field>}`
    Input(&'a str),
    /// `{steps.<name>.output}`
    Step(&'a str),
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= MAX_NAME_CHARS
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The placeholders of `text`, with their byte ranges. Braces that are not a placeholder
/// (`a JSON list of {title, priority}`) are plain text.
pub fn references(text: &str) -> Vec<(std::ops::Range<usize>, Reference<'_>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| i + from) {
        let Some(close) = text[open..].find('}').map(|i| i + open) else {
            break;
        };
        let inner = &text[open + 1..close];
        let found = if let Some(field) = inner.strip_prefix("input.") {
            is_name(field).then_some(Reference::Input(field))
        } else if let Some(step) = inner.strip_prefix("steps.").and_then(|s| s.strip_suffix(".output")) {
            is_name(step).then_some(Reference::Step(step))
        } else {
            None
        };
        match found {
            Some(r) => {
                out.push((open..close + 1, r));
                from = close + 1;
            }
            None => from = open + 1,
        }
    }
    out
}

/// Replaces each placeholder of `text` with what `lookup` gives for it.
pub fn render(text: &str, mut lookup: impl FnMut(&Reference<'_>) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (range, reference) in references(text) {
        out.push_str(&text[last..range.start]);
        out.push_str(&lookup(&reference));
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Builds the steps, or every error, each named `steps[i].<field>`.
pub fn parse_steps(raw: Vec<RawStep>) -> Result<Vec<StepSpec>, Vec<StepError>> {
    let mut errors = Vec::new();
    if raw.is_empty() || raw.len() > MAX_STEPS {
        errors.push(StepError {
            field: "steps".into(),
            message: format!("must hold 1 to {MAX_STEPS} steps"),
        });
        return Err(errors);
    }
    let mut seen: Vec<(String, &'static str, OutputFormat)> = Vec::new();
    let mut steps = Vec::new();
    for (i, step) in raw.into_iter().enumerate() {
        let mut check = StepCheck {
            index: i,
            errors: &mut errors,
            seen: &seen,
        };
        let parsed = check.step(step);
        if let Some(spec) = parsed {
            let format = match &spec {
                StepSpec::AiProcess { output_format, .. } => *output_format,
                _ => OutputFormat::Text,
            };
            seen.push((spec.name().to_string(), spec.kind(), format));
            steps.push(spec);
        } else {
            // A refused step still takes its name, so later steps' references do not add noise.
            seen.push((String::new(), "", OutputFormat::Text));
        }
    }
    if errors.is_empty() { Ok(steps) } else { Err(errors) }
}

struct StepCheck<'a> {
    index: usize,
    errors: &'a mut Vec<StepError>,
    seen: &'a [(String, &'static str, OutputFormat)],
}

impl StepCheck<'_> {
    fn push(&mut self, field: &str, message: impl ToString) {
        self.errors.push(StepError {
            field: format!("steps[{}].{field}", self.index),
            message: message.to_string(),
        });
    }

    fn required(&mut self, field: &str, value: Option<String>) -> Option<String> {
        if value.is_none() {
            self.push(field, "is required for this type of step");
        }
        value
    }

    fn refuse_extra(&mut self, kind: &str, fields: &[(&str, bool)]) {
        for (field, present) in fields {
            if *present {
                self.push(field, format!("is not a field of a {kind} step"));
            }
        }
    }

    fn text(&mut self, field: &str, value: Option<String>, long: bool) -> Option<String> {
        let value = value?;
        let result = if long {
            long_text(&value, MAX_PROMPT_CHARS)
        } else {
            short_text(&value, 200)
        };
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    /// A prompt's placeholders name earlier steps that have an output.
    fn references(&mut self, field: &str, text: &str) {
        for (_, reference) in references(text) {
            if let Reference::Step(name) = reference
                && !self.seen.iter().any(|(n, kind, _)| n == name && *kind != "api_call")
            {
                self.push(
                    field,
                    format!("{{steps.{name}.output}} names no earlier user_input or ai_process step"),
                );
            }
        }
    }

    fn step(&mut self, raw: RawStep) -> Option<StepSpec> {
        let name = match raw.name.clone() {
            None => {
                self.push("name", "is required");
                None
            }
            Some(n) if !is_name(&n) => {
                self.push("name", format!("must be 1 to {MAX_NAME_CHARS} letters, digits, _ or -"));
                None
            }
            Some(n) if self.seen.iter().any(|(seen, _, _)| *seen == n) => {
                self.push("name", "is already the name of an earlier step");
                None
            }
            Some(n) => Some(n),
        };
        let kind = raw.kind.clone().unwrap_or_default();
        match kind.as_str() {
            "user_input" => {
                self.refuse_extra(
                    "user_input",
                    &[
                        ("output_format", raw.output_format.is_some()),
                        ("json_schema", raw.json_schema.is_some()),
                        ("system", raw.system.is_some()),
                        ("model", raw.model.is_some()),
                        ("temperature", raw.temperature.is_some()),
                        ("max_tokens", raw.max_tokens.is_some()),
                        ("endpoint", raw.endpoint.is_some()),
                        ("data", raw.data.is_some()),
                    ],
                );
                let prompt = self.required("prompt", raw.prompt);
                let prompt = self.text("prompt", prompt, true);
                let field = match self.required("field", raw.field) {
                    Some(f) if !is_name(&f) => {
                        self.push(
                            "field",
                            format!("must be 1 to {MAX_NAME_CHARS} letters, digits, _ or -"),
                        );
                        None
                    }
                    other => other,
                };
                Some(StepSpec::UserInput {
                    name: name?,
                    prompt: prompt?,
                    field: field?,
                })
            }
            "ai_process" => self.ai_process(name, raw),
            "api_call" => {
                self.refuse_extra(
                    "api_call",
                    &[
                        ("prompt", raw.prompt.is_some()),
                        ("field", raw.field.is_some()),
                        ("output_format", raw.output_format.is_some()),
                        ("json_schema", raw.json_schema.is_some()),
                        ("system", raw.system.is_some()),
                        ("model", raw.model.is_some()),
                        ("temperature", raw.temperature.is_some()),
                        ("max_tokens", raw.max_tokens.is_some()),
                    ],
                );
                let endpoint = match self.required("endpoint", raw.endpoint).map(|e| Endpoint::parse(&e)) {
                    Some(None) => {
                        self.push("endpoint", format!("must be one of: {}", Endpoint::WORDS.join(", ")));
                        None
                    }
                    other => other.flatten(),
                };
                let data = self.required("data", raw.data).and_then(|data| self.data(data));
                Some(StepSpec::ApiCall {
                    name: name?,
                    endpoint: endpoint?,
                    data: data?,
                })
            }
            _ => {
                self.push("type", "must be one of: user_input, ai_process, api_call");
                None
            }
        }
    }

    fn ai_process(&mut self, name: Option<String>, raw: RawStep) -> Option<StepSpec> {
        self.refuse_extra(
            "ai_process",
            &[
                ("field", raw.field.is_some()),
                ("endpoint", raw.endpoint.is_some()),
                ("data", raw.data.is_some()),
            ],
        );
        let prompt = self.required("prompt", raw.prompt);
        let prompt = self.text("prompt", prompt, true);
        if let Some(p) = &prompt {
            self.references("prompt", p);
        }
        let system = self.text("system", raw.system, true);
        if let Some(s) = &system {
            self.references("system", s);
        }
        let model = self.text("model", raw.model, false);
        let output_format = match raw.output_format.as_deref() {
            None | Some("text") => Some(OutputFormat::Text),
            Some("json") => Some(OutputFormat::Json),
            Some(_) => {
                self.push("output_format", "must be one of: text, json");
                None
            }
        };
        let json_schema = match raw.json_schema {
            Some(schema) if !schema.is_object() => {
                self.push("json_schema", "must be a JSON object (a JSON Schema)");
                None
            }
            Some(_) if output_format == Some(OutputFormat::Text) => {
                self.push("json_schema", "needs output_format json");
                None
            }
            other => other,
        };
        let temperature = match raw.temperature {
            Some(t) if !(0.0..=2.0).contains(&t) => {
                self.push("temperature", "must be between 0 and 2");
                None
            }
            other => other.map(|t| t as f32),
        };
        let max_tokens = match raw.max_tokens {
            Some(m) if !(1..=100_000).contains(&m) => {
                self.push("max_tokens", "must be between 1 and 100000");
                None
            }
            other => other.and_then(|m| u32::try_from(m).ok()),
        };
        Some(StepSpec::AiProcess {
            name: name?,
            prompt: prompt?,
            output_format: output_format?,
            json_schema,
            system,
            model,
            temperature,
            max_tokens,
        })
    }

    /// `data` is exactly one `{steps.<name>.output}` of an earlier JSON `ai_process` step.
    fn data(&mut self, data: String) -> Option<String> {
        let refs = references(&data);
        let whole = matches!(refs.as_slice(), [(range, Reference::Step(_))] if *range == (0..data.len()));
        let Some((_, Reference::Step(name))) = refs.first().filter(|_| whole) else {
            self.push("data", "must be one {steps.<name>.output} reference, nothing else");
            return None;
        };
        let earlier = self
            .seen
            .iter()
            .any(|(n, kind, format)| n == name && *kind == "ai_process" && *format == OutputFormat::Json);
        if !earlier {
            self.push(
                "data",
                format!("{{steps.{name}.output}} names no earlier ai_process step with output_format json"),
            );
            return None;
        }
        Some(data)
    }
}

/// The input fields a template's prompts read that no `user_input` step asks for: the
/// execution's `input` must hold them from the start.
pub fn required_inputs(steps: &[StepSpec]) -> Vec<String> {
    let asked: HashSet<&str> = steps
        .iter()
        .filter_map(|s| match s {
            StepSpec::UserInput { field, .. } => Some(field.as_str()),
            _ => None,
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for step in steps {
        if let StepSpec::AiProcess { prompt, system, .. } = step {
            for text in std::iter::once(prompt).chain(system) {
                for (_, r) in references(text) {
                    if let Reference::Input(f) = r
                        && !asked.contains(f)
                        && !out.iter().any(|o| o == f)
                    {
                        out.push(f.to_string());
                    }
                }
            }
        }
    }
    out
}
