//! The rules a template's steps keep, and its creation.
use cqrs_es::test::TestFramework;
use serde_json::json;
use uuid::Uuid;

use super::*;

const OWNER: UserId = UserId(Uuid::from_u128(1));
const ID: WorkflowTemplateId = WorkflowTemplateId(Uuid::from_u128(0x7f));

fn raw(kind: &str, name: &str) -> RawStep {
    RawStep {
        kind: Some(kind.into()),
        name: Some(name.into()),
        ..RawStep::default()
    }
}

fn collect() -> RawStep {
    RawStep {
        prompt: Some("What did you write?".into()),
        field: Some("text".into()),
        ..raw("user_input", "collect")
    }
}

fn extract() -> RawStep {
    RawStep {
        prompt: Some("As a JSON list of {title, priority}: {input.text}".into()),
        output_format: Some("json".into()),
        ..raw("ai_process", "extract")
    }
}

fn create(data: &str) -> RawStep {
    RawStep {
        endpoint: Some("/tasks/batch".into()),
        data: Some(data.into()),
        ..raw("api_call", "create")
    }
}

fn fields(errors: Vec<StepError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn the_example_of_the_api_document_is_a_valid_template() {
    let steps = parse_steps(vec![collect(), extract(), create("{steps.extract.output}")]).unwrap();
    assert_eq!(steps.len(), 3);
    assert!(matches!(
        &steps[1],
        StepSpec::AiProcess {
            output_format: OutputFormat::Json,
            ..
        }
    ));
}

#[test]
fn a_reference_to_a_later_or_unknown_step_is_refused_beside_its_step() {
    let analyze = RawStep {
        prompt: Some("Summarise {steps.extract.output} and {steps.nope.output}".into()),
        ..raw("ai_process", "analyze")
    };
    let errors = parse_steps(vec![collect(), analyze, extract()]).unwrap_err();
    assert_eq!(fields(errors), ["steps[1].prompt", "steps[1].prompt"]);
}

#[test]
fn step_names_are_unique() {
    let errors = parse_steps(vec![collect(), RawStep { ..collect() }]).unwrap_err();
    assert_eq!(fields(errors), ["steps[1].name"]);
}

#[test]
fn an_api_call_takes_exactly_one_reference_to_an_earlier_json_step() {
    let text_step = RawStep {
        prompt: Some("hi".into()),
        ..raw("ai_process", "plain")
    };
    for data in [
        "{steps.plain.output}",
        "list: {steps.extract.output}",
        "{steps.create.output}",
    ] {
        let errors = parse_steps(vec![extract(), text_step.clone(), create(data)]).unwrap_err();
        assert_eq!(fields(errors), ["steps[2].data"], "{data}");
    }
}

#[test]
fn every_bad_field_of_every_step_is_reported() {
    let bad = RawStep {
        kind: Some("ai_process".into()),
        name: Some("has space".into()),
        prompt: None,
        output_format: Some("xml".into()),
        temperature: Some(3.0),
        json_schema: Some(json!([1])),
        endpoint: Some("/tasks/batch".into()),
        ..RawStep::default()
    };
    let unknown = raw("shell", "run");
    let errors = parse_steps(vec![bad, unknown]).unwrap_err();
    assert_eq!(
        fields(errors),
        [
            "steps[0].name",
            "steps[0].endpoint",
            "steps[0].prompt",
            "steps[0].output_format",
            "steps[0].json_schema",
            "steps[0].temperature",
            "steps[1].type"
        ]
    );
}

#[test]
fn braces_that_are_no_placeholder_stay_text() {
    let rendered = steps::render("{title} {input.text} {steps.a.output} {input.}", |r| match r {
        steps::Reference::Input(f) => format!("<{f}>"),
        steps::Reference::Step(s) => format!("[{s}]"),
    });
    assert_eq!(rendered, "{title} <text> [a] {input.}");
}

#[tokio::test]
async fn creating_a_template_records_its_steps() {
    let steps = parse_steps(vec![collect()]).unwrap();
    let new = NewWorkflowTemplate {
        id: ID,
        name: WorkflowName::parse(" Inbox ").unwrap(),
        description: None,
        steps: steps.clone(),
    };
    let at = Timestamp::parse("2026-03-01T09:00:00Z").unwrap();
    TestFramework::<WorkflowTemplate>::with(())
        .given_no_previous_events()
        .when_async(Stamped::new(OWNER, at, WorkflowTemplateCommand::Create(new)))
        .await
        .then_expect_events(vec![WorkflowTemplateEvent::WorkflowTemplateCreated {
            template_id: ID,
            user_id: OWNER,
            name: "Inbox".into(),
            description: None,
            steps,
            at,
        }]);
}
