//! Given/when/then: how an execution moves, and why a late or repeated result changes nothing.
use cqrs_es::test::TestFramework;
use serde_json::json;

use super::*;
use crate::workflow_template::{Endpoint, OutputFormat};

type Tester = TestFramework<WorkflowExecution>;

const OWNER: UserId = UserId(Uuid::from_u128(1));
const STRANGER: UserId = UserId(Uuid::from_u128(2));
const ID: WorkflowExecutionId = WorkflowExecutionId(Uuid::from_u128(0xe));
const TEMPLATE: WorkflowTemplateId = WorkflowTemplateId(Uuid::from_u128(0x7));

fn at() -> Timestamp {
    Timestamp::parse("2026-03-01T09:00:00Z").unwrap()
}

fn owner(command: ExecutionCommand) -> Stamped<ExecutionCommand> {
    Stamped::new(OWNER, at(), command)
}

fn steps() -> Vec<StepSpec> {
    vec![
        StepSpec::UserInput {
            name: "collect".into(),
            prompt: "What did you write?".into(),
            field: "text".into(),
        },
        StepSpec::AiProcess {
            name: "extract".into(),
            prompt: "Tasks in: {input.text} ({input.extra})".into(),
            output_format: OutputFormat::Json,
            json_schema: None,
            system: Some("You list tasks.".into()),
            model: None,
            temperature: Some(0.2),
            max_tokens: None,
        },
        StepSpec::AiProcess {
            name: "summary".into(),
            prompt: "Summarise {steps.extract.output}".into(),
            output_format: OutputFormat::Text,
            json_schema: None,
            system: None,
            model: None,
            temperature: None,
            max_tokens: None,
        },
        StepSpec::ApiCall {
            name: "create".into(),
            endpoint: Endpoint::TasksBatch,
            data: "{steps.extract.output}".into(),
        },
    ]
}

fn map(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

fn started(input: Value) -> ExecutionEvent {
    let input = map(input);
    let satisfied = input
        .get("text")
        .map(|v| {
            vec![Satisfied {
                step: 0,
                output: v.clone(),
            }]
        })
        .unwrap_or_default();
    ExecutionEvent::ExecutionStarted {
        execution_id: ID,
        user_id: OWNER,
        template_id: TEMPLATE,
        template_name: "Inbox".into(),
        steps: steps(),
        input,
        satisfied,
        ceremony: None,
        at: at(),
    }
}

fn dispatched(step: u32, attempt: u32, request: StepRequest) -> ExecutionEvent {
    ExecutionEvent::StepDispatched {
        step,
        attempt,
        request,
        at: at(),
    }
}

fn extract_request() -> StepRequest {
    StepRequest {
        system: Some("You list tasks.".into()),
        prompt: "Tasks in: buy milk ({\"n\":1})".into(),
        temperature: Some(0.2),
        json: true,
        ..StepRequest::default()
    }
}

fn succeeded(step: u32, attempt: u32, output: Value) -> ExecutionEvent {
    ExecutionEvent::StepSucceeded {
        step,
        attempt,
        output,
        usage: StepUsage::default(),
        at: at(),
    }
}

fn complete(step: u32, attempt: u32, output: Value) -> ExecutionCommand {
    ExecutionCommand::CompleteStep {
        step,
        attempt,
        output,
        usage: StepUsage::default(),
    }
}

fn list() -> Value {
    json!([{"title": "Buy milk"}])
}

fn input() -> Value {
    json!({"text": "buy milk", "extra": {"n": 1}})
}

#[tokio::test]
async fn a_start_records_the_template_snapshot_and_the_inputs_it_already_answers() {
    let new = NewExecution {
        id: ID,
        template_id: TEMPLATE,
        template_name: "Inbox".into(),
        steps: steps(),
        input: map(input()),
        ceremony: None,
    };
    Tester::with(())
        .given_no_previous_events()
        .when_async(owner(ExecutionCommand::Start(new)))
        .await
        .then_expect_events(vec![started(input())]);
}

#[tokio::test]
async fn a_start_without_an_input_no_step_asks_for_is_refused() {
    let new = NewExecution {
        id: ID,
        template_id: TEMPLATE,
        template_name: "Inbox".into(),
        steps: steps(),
        input: map(json!({"text": "x"})),
        ceremony: None,
    };
    Tester::with(())
        .given_no_previous_events()
        .when_async(owner(ExecutionCommand::Start(new)))
        .await
        .then_expect_error(ExecutionError::MissingInput("extra".into()));
}

#[tokio::test]
async fn an_answered_user_input_step_is_skipped_and_the_ai_step_dispatched_with_json_compact() {
    Tester::with(())
        .given(vec![started(input())])
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![dispatched(1, 1, extract_request())]);
}

#[tokio::test]
async fn a_missing_field_makes_the_execution_wait_and_the_answer_moves_it_on() {
    let waiting = ExecutionEvent::StepWaitingInput {
        step: 0,
        field: "text".into(),
        at: at(),
    };
    Tester::with(())
        .given(vec![started(json!({"extra": {"n": 1}}))])
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![waiting.clone()]);
    Tester::with(())
        .given(vec![started(json!({"extra": {"n": 1}})), waiting.clone()])
        .when_async(owner(ExecutionCommand::GiveInput(map(json!({"text": "buy milk"})))))
        .await
        .then_expect_events(vec![ExecutionEvent::InputGiven {
            values: map(json!({"text": "buy milk"})),
            satisfied: vec![Satisfied {
                step: 0,
                output: json!("buy milk"),
            }],
            at: at(),
        }]);
    Tester::with(())
        .given(vec![started(json!({"extra": {"n": 1}})), waiting])
        .when_async(owner(ExecutionCommand::GiveInput(map(json!({"other": 1})))))
        .await
        .then_expect_error(ExecutionError::MissingInput("text".into()));
}

#[tokio::test]
async fn input_is_refused_when_nothing_waits_for_it() {
    Tester::with(())
        .given(vec![started(input())])
        .when_async(owner(ExecutionCommand::GiveInput(map(json!({"text": "again"})))))
        .await
        .then_expect_error(ExecutionError::NotWaitingInput);
}

#[tokio::test]
async fn a_later_prompt_sees_the_json_output_as_compact_json() {
    let request = StepRequest {
        prompt: "Summarise [{\"title\":\"Buy milk\"}]".into(),
        ..StepRequest::default()
    };
    Tester::with(())
        .given(vec![
            started(input()),
            dispatched(1, 1, extract_request()),
            succeeded(1, 1, list()),
        ])
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![dispatched(2, 1, request)]);
}

#[tokio::test]
async fn a_second_result_for_a_finished_step_changes_nothing() {
    Tester::with(())
        .given(vec![
            started(input()),
            dispatched(1, 1, extract_request()),
            succeeded(1, 1, list()),
        ])
        .when_async(owner(complete(1, 1, json!([]))))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn a_result_for_a_stale_attempt_is_ignored() {
    Tester::with(())
        .given(vec![started(input()), dispatched(1, 2, extract_request())])
        .when_async(owner(complete(1, 1, list())))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn a_failed_step_fails_the_execution_with_its_reason() {
    Tester::with(())
        .given(vec![started(input()), dispatched(1, 1, extract_request())])
        .when_async(owner(ExecutionCommand::FailStep {
            step: 1,
            attempt: 1,
            class: "rate_limited".into(),
            message: "429".into(),
            attempts: 3,
        }))
        .await
        .then_expect_events(vec![
            ExecutionEvent::StepFailed {
                step: 1,
                attempt: 1,
                class: "rate_limited".into(),
                message: "429".into(),
                attempts: 3,
                at: at(),
            },
            ExecutionEvent::ExecutionFailed {
                step: 1,
                message: "step extract failed (rate_limited): 429".into(),
                at: at(),
            },
        ]);
}

fn through_summary() -> Vec<ExecutionEvent> {
    vec![
        started(input()),
        dispatched(1, 1, extract_request()),
        succeeded(1, 1, list()),
        dispatched(2, 1, StepRequest::default()),
        succeeded(2, 1, json!("one task")),
    ]
}

#[tokio::test]
async fn the_api_call_is_the_process_managers_and_is_recorded_once() {
    let mut execution = WorkflowExecution::default();
    for e in through_summary() {
        execution.apply(e);
    }
    assert_eq!(
        execution.next(),
        Next::ApiCall {
            step: 3,
            endpoint: Endpoint::TasksBatch,
            data: list()
        }
    );
    let created = vec![Uuid::from_u128(9)];
    Tester::with(())
        .given(through_summary())
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![]);
    let done = ExecutionEvent::ApiCallDone {
        step: 3,
        created: created.clone(),
        at: at(),
    };
    Tester::with(())
        .given(through_summary())
        .when_async(owner(ExecutionCommand::RecordApiCall {
            step: 3,
            created: created.clone(),
        }))
        .await
        .then_expect_events(vec![done.clone()]);
    let mut after = through_summary();
    after.push(done);
    Tester::with(())
        .given(after.clone())
        .when_async(owner(ExecutionCommand::RecordApiCall { step: 3, created }))
        .await
        .then_expect_events(vec![]);
    Tester::with(())
        .given(after)
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![ExecutionEvent::ExecutionCompleted { at: at() }]);
}

#[tokio::test]
async fn a_cancelled_execution_ignores_results_and_a_second_cancel() {
    let cancelled = vec![
        started(input()),
        dispatched(1, 1, extract_request()),
        ExecutionEvent::ExecutionCancelled { at: at() },
    ];
    Tester::with(())
        .given(cancelled.clone())
        .when_async(owner(complete(1, 1, list())))
        .await
        .then_expect_events(vec![]);
    Tester::with(())
        .given(cancelled.clone())
        .when_async(owner(ExecutionCommand::Cancel))
        .await
        .then_expect_events(vec![]);
    Tester::with(())
        .given(cancelled)
        .when_async(owner(ExecutionCommand::Advance))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn a_completed_execution_cannot_be_cancelled() {
    let mut done = through_summary();
    done.push(ExecutionEvent::ExecutionCompleted { at: at() });
    Tester::with(())
        .given(done)
        .when_async(owner(ExecutionCommand::Cancel))
        .await
        .then_expect_error(ExecutionError::Finished);
}

#[tokio::test]
async fn a_stranger_is_told_the_execution_does_not_exist() {
    Tester::with(())
        .given(vec![started(input())])
        .when_async(Stamped::new(STRANGER, at(), ExecutionCommand::Cancel))
        .await
        .then_expect_error(ExecutionError::Entity(EntityError::NotFound));
}
