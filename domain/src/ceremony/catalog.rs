//! The ceremonies Joan ships: Writing Race, Daily Planning and Weekly Review.
//!
//! Their ids are UUIDv5 of a fixed name under [`NAMESPACE`], so every node and every release
//! names them alike; Joan defines them at startup (see `joan_commands::ceremonies`), which
//! records them once and records a change when a release changes one.
//!
//! Each AI step's prompt is a workflow prompt: `{input.<field>}` reads the session's step
//! inputs merged in order (`CeremonySession::workflow_input`), and the answer is JSON of the
//! shape in the component's `config.output_schema`, so the step runs as an `ai_process` step
//! of a workflow with `output_format: json`.
use serde_json::{Value, json};
use uuid::Uuid;

use super::ComponentKind::{self, *};
use super::component::{AiSettings, ComponentSpec};
use super::template::TemplateSpec;
use crate::ids::{CeremonyComponentId, CeremonyTemplateId};

/// The namespace of the catalog's ids.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x8f1e_3c2a_9b4d_5e6f_a1b2_c3d4_e5f6_0718);

pub fn template_id(key: &str) -> CeremonyTemplateId {
    CeremonyTemplateId(Uuid::new_v5(&NAMESPACE, format!("template/{key}").as_bytes()))
}

pub fn component_id(key: &str) -> CeremonyComponentId {
    CeremonyComponentId(Uuid::new_v5(&NAMESPACE, format!("component/{key}").as_bytes()))
}

/// One ceremony: its template and its components, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceremony {
    pub template: TemplateSpec,
    pub components: Vec<ComponentSpec>,
}

/// Every ceremony Joan ships, in the order the app lists them.
pub fn ceremonies() -> Vec<Ceremony> {
    vec![daily_planning(), writing_race(), weekly_review()]
}

/// The JSON shape of a list of tasks as an AI step extracts them.
fn task_list_schema() -> Value {
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["title", "priority", "estimated_minutes"],
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 500},
                "priority": {"type": "integer", "minimum": 0, "maximum": 4},
                "estimated_minutes": {"type": "integer", "minimum": 1, "maximum": 480}
            }
        }
    })
}

struct Step {
    key: &'static str,
    kind: ComponentKind,
    name: &'static str,
    description: &'static str,
    config: Value,
    prompt: Option<&'static str>,
}

fn step(key: &'static str, kind: ComponentKind, name: &'static str, description: &'static str, config: Value) -> Step {
    Step {
        key,
        kind,
        name,
        description,
        config,
        prompt: None,
    }
}

fn ai_step(
    key: &'static str,
    name: &'static str,
    description: &'static str,
    prompt: &'static str,
    schema: Value,
) -> Step {
    Step {
        key,
        kind: AiProcessor,
        name,
        description,
        config: json!({"output_format": "json", "output_schema": schema}),
        prompt: Some(prompt),
    }
}

#[allow(clippy::too_many_arguments)]
fn ceremony(
    key: &str,
    name: &str,
    description: &str,
    category: &str,
    icon: &str,
    estimated_minutes: u32,
    redirect_path: &str,
    order_index: u32,
    steps: Vec<Step>,
) -> Ceremony {
    let components: Vec<ComponentSpec> = steps
        .into_iter()
        .zip(0..)
        .map(|(s, order_index)| ComponentSpec {
            id: component_id(&format!("{key}/{}", s.key)),
            kind: s.kind,
            name: s.name.to_string(),
            description: s.description.to_string(),
            config: s.config,
            ai: s.prompt.map(|prompt| AiSettings {
                provider_id: None,
                prompt_template: prompt.to_string(),
                model_override: None,
                temperature_override: Some(0.3),
                max_tokens_override: Some(1500),
            }),
            order_index,
            is_required: true,
            is_active: true,
        })
        .collect();
    Ceremony {
        template: TemplateSpec {
            id: template_id(key),
            name: name.to_string(),
            description: description.to_string(),
            category: category.to_string(),
            component_ids: components.iter().map(|c| c.id).collect(),
            icon: icon.to_string(),
            estimated_minutes,
            redirect_path: Some(redirect_path.to_string()),
            is_active: true,
            order_index,
        },
        components,
    }
}

const WRITING_PROMPT: &str = "You help a person turn a timed free-writing session into action.\n\
They wrote for {input.minutes} minutes, without stopping or editing:\n\
---\n{input.text}\n---\n\
Answer with one JSON object only, with two fields: \"summary\", at most three sentences in the \
writer's own terms; and \"tasks\", a list of objects each with \"title\" (a concrete next action \
starting with a verb), \"priority\" (0 to 4, 4 is urgent) and \"estimated_minutes\" (whole minutes). \
Extract only actions the writer committed to or clearly needs, no advice of your own; an empty \
list is a fine answer.";

/// Write without stopping for N minutes, then let the AI summarise and find the tasks in it.
fn writing_race() -> Ceremony {
    ceremony(
        "writing-race",
        "Writing Race",
        "Write without stopping for a set time (15 minutes unless you choose another length). \
         The AI then sums up what you wrote and pulls out the tasks hidden in it; you keep, \
         edit or drop each one before it is added to your list.",
        "writing",
        "pen-line",
        25,
        "/tasks",
        1,
        vec![
            step(
                "timer",
                Timer,
                "Set the clock",
                "How long to write; the race starts when you do.",
                json!({"minutes": 15, "min_minutes": 5, "max_minutes": 60, "records": "minutes"}),
            ),
            step(
                "writing",
                WritingArea,
                "Write",
                "Anything on your mind: plans, worries, ideas. Do not stop, do not edit; the word \
                 counter keeps you company.",
                json!({"placeholder": "Start typing and keep going until the timer ends...",
                       "word_counter": {"target_words": 500}, "locks_when_timer_ends": true,
                       "records": ["text", "word_count"]}),
            ),
            ai_step(
                "extract",
                "Summary and tasks",
                "The AI sums up your writing and lists the actions in it.",
                WRITING_PROMPT,
                json!({"type": "object", "required": ["summary", "tasks"],
                       "properties": {"summary": {"type": "string"}, "tasks": task_list_schema()}}),
            ),
            step(
                "review",
                TaskReview,
                "Keep what matters",
                "Keep, edit or drop each extracted task; the kept ones become tasks.",
                json!({"source": "ai_output.tasks", "actions": ["keep", "edit", "drop"],
                       "creates": "tasks", "records": "tasks"}),
            ),
        ],
    )
}

const PLANNING_PROMPT: &str = "You plan one person's working day.\n\
Today is {input.date}. Their open tasks (due today, overdue, or in progress), as JSON:\n\
{input.tasks}\n\
Their schedule blocks for today, as JSON (fixed commitments):\n\
{input.schedule}\n\
Hours they can work today: {input.available_hours}.\n\
Answer with one JSON object only, with three fields: \"plan\", a list ordered by start time of \
objects with \"task_id\" (the task's id, or null for new work), \"title\", \"start\" (HH:MM), \
\"estimated_minutes\" (whole minutes), \"priority\" (0 to 4, 4 is urgent) and \"reason\" (one \
short sentence); \"conflicts\", a list of objects with \"task_id\", \"block\" (the schedule \
block's title) and \"issue\" (what clashes); \"deferred\", a list of objects with \"task_id\" \
and \"reason\". Keep the plan within the available hours and outside the schedule blocks, put \
overdue and urgent work first, and defer what does not fit.";

/// Review the open tasks, then let the AI propose a plan for the day around its schedule.
fn daily_planning() -> Ceremony {
    ceremony(
        "daily-planning",
        "Daily Planning",
        "Start the day on purpose: look over what is due, overdue and in progress, then the AI \
         proposes a prioritised plan with time estimates that fits around today's schedule and \
         points out what clashes. You confirm the plan before it is kept.",
        "planning",
        "sunrise",
        10,
        "/today",
        0,
        vec![
            step(
                "open-tasks",
                TaskReview,
                "Open tasks",
                "Tasks due today, overdue or in progress: drop what is no longer for today.",
                json!({"source": "open_tasks", "filters": ["due_today", "overdue", "in_progress"],
                       "actions": ["keep", "drop"], "includes_schedule": true,
                       "records": ["date", "tasks", "schedule", "available_hours"]}),
            ),
            ai_step(
                "plan",
                "Proposed plan",
                "The AI orders the day, estimates each task and flags clashes with your schedule.",
                PLANNING_PROMPT,
                json!({"type": "object", "required": ["plan", "conflicts"],
                       "properties": {
                           "plan": {"type": "array", "items": {"type": "object",
                               "required": ["title", "estimated_minutes", "priority"],
                               "properties": {"task_id": {"type": ["string", "null"]},
                                   "title": {"type": "string"}, "start": {"type": "string"},
                                   "estimated_minutes": {"type": "integer", "minimum": 1},
                                   "priority": {"type": "integer", "minimum": 0, "maximum": 4},
                                   "reason": {"type": "string"}}}},
                           "conflicts": {"type": "array", "items": {"type": "object"}},
                           "deferred": {"type": "array", "items": {"type": "object"}}}}),
            ),
            step(
                "confirm",
                Confirm,
                "Confirm the day",
                "Accept the plan (as it is or edited); it becomes today's schedule.",
                json!({"message": "Ready to start the day?", "applies": "schedule", "records": "plan"}),
            ),
        ],
    )
}

const REVIEW_PROMPT: &str = "You help a person review their week.\n\
The week's figures, as JSON (tasks done, focus minutes, goals and their progress):\n\
{input.metrics}\n\
Their reflection on the week:\n---\n{input.text}\n---\n\
Answer with one JSON object only, with three fields: \"insights\", three to five observations \
grounded in the figures or the reflection; \"wins\", things that went well; \"next_steps\", at \
most five objects with \"title\" (a concrete action for next week), \"priority\" (0 to 4, 4 is \
urgent) and \"estimated_minutes\" (whole minutes). Be specific and kind, never generic.";

/// Look at the week's figures, reflect, and let the AI draw insights and next steps.
fn weekly_review() -> Ceremony {
    ceremony(
        "weekly-review",
        "Weekly Review",
        "Close the week: see what you finished, how much focused time you had and how your \
         goals moved, write a short reflection, then the AI draws insights and proposes next \
         steps that you review before they become tasks.",
        "review",
        "calendar-check",
        30,
        "/goals",
        2,
        vec![
            step(
                "metrics",
                MetricsReview,
                "Your week in numbers",
                "Tasks completed, focus minutes and goal progress over the last seven days.",
                json!({"period": "week", "metrics": ["tasks_completed", "focus_minutes", "goal_progress"],
                       "records": "metrics"}),
            ),
            step(
                "reflection",
                WritingArea,
                "Reflect",
                "What went well, what did not, what you learned.",
                json!({"placeholder": "This week I...", "prompts": ["What went well?",
                       "What got in the way?", "What will you do differently?"], "records": "text"}),
            ),
            ai_step(
                "insights",
                "Insights and next steps",
                "The AI reads your week and your reflection and proposes what to do next.",
                REVIEW_PROMPT,
                json!({"type": "object", "required": ["insights", "next_steps"],
                       "properties": {"insights": {"type": "array", "items": {"type": "string"}},
                           "wins": {"type": "array", "items": {"type": "string"}},
                           "next_steps": task_list_schema()}}),
            ),
            step(
                "next-steps",
                TaskReview,
                "Next steps",
                "Keep, edit or drop each proposed step; the kept ones become tasks.",
                json!({"source": "ai_output.next_steps", "actions": ["keep", "edit", "drop"],
                       "creates": "tasks", "records": "tasks"}),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::placeholders;

    #[test]
    fn ids_are_stable_across_releases() {
        assert_eq!(template_id("writing-race"), template_id("writing-race"));
        assert_ne!(template_id("writing-race"), template_id("daily-planning"));
        let all = ceremonies();
        let mut ids: Vec<Uuid> = all
            .iter()
            .flat_map(|c| c.components.iter().map(|s| s.id.0).chain([c.template.id.0]))
            .collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "two catalog entries share an id");
    }

    #[test]
    fn every_ai_step_reads_only_what_earlier_steps_record_and_declares_its_json() {
        for ceremony in ceremonies() {
            let mut recorded: Vec<String> = Vec::new();
            for component in &ceremony.components {
                if let Some(ai) = &component.ai {
                    assert_eq!(component.kind, AiProcessor);
                    assert_eq!(component.config["output_format"], "json");
                    assert!(component.config["output_schema"].is_object());
                    for name in placeholders::names(&ai.prompt_template) {
                        let field = name.strip_prefix("input.").unwrap_or_else(|| {
                            panic!("{}: {name} is not an input placeholder", ceremony.template.name)
                        });
                        assert!(
                            recorded.iter().any(|r| r == field),
                            "{}: {{{name}}} is recorded by no earlier step ({recorded:?})",
                            ceremony.template.name
                        );
                    }
                }
                match &component.config["records"] {
                    Value::String(one) => recorded.push(one.clone()),
                    Value::Array(many) => recorded.extend(many.iter().filter_map(|v| v.as_str().map(String::from))),
                    _ => {}
                }
            }
            assert!(ceremony.components.iter().any(|c| c.kind == AiProcessor));
        }
    }
}
