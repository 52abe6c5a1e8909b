//! Given/when/then tests for the CeremonySession aggregate.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use serde_json::json;

use super::*;

type SessionTester = TestFramework<CeremonySession>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const SESSION: CeremonySessionId = CeremonySessionId(Uuid::from_u128(0x5e55));
const TEMPLATE: CeremonyTemplateId = CeremonyTemplateId(Uuid::from_u128(0x7e37));
const TIMER: CeremonyComponentId = CeremonyComponentId(Uuid::from_u128(0xc001));
const WRITING: CeremonyComponentId = CeremonyComponentId(Uuid::from_u128(0xc002));
const AI: CeremonyComponentId = CeremonyComponentId(Uuid::from_u128(0xc003));
const EXECUTION: Uuid = Uuid::from_u128(0xe1);

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-01T09:16:40Z").unwrap()
}

fn as_owner(command: SessionCommand) -> Stamped<SessionCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn steps() -> Vec<SessionStep> {
    vec![
        SessionStep {
            component_id: TIMER,
            kind: ComponentKind::Timer,
        },
        SessionStep {
            component_id: WRITING,
            kind: ComponentKind::WritingArea,
        },
        SessionStep {
            component_id: AI,
            kind: ComponentKind::AiProcessor,
        },
    ]
}

fn started() -> SessionEvent {
    SessionEvent::CeremonySessionStarted {
        session_id: SESSION,
        user_id: OWNER,
        template_id: TEMPLATE,
        steps: steps(),
        project_id: None,
        task_id: None,
        at: t0(),
    }
}

fn moved(from: u32, to: u32) -> SessionEvent {
    SessionEvent::CeremonySessionStepChanged { from, to, at: t0() }
}

fn data(value: serde_json::Value) -> SessionData {
    SessionData::parse(value).unwrap()
}

fn ai_started() -> SessionEvent {
    SessionEvent::CeremonyAiStepStarted {
        component_id: AI,
        execution_id: EXECUTION,
        at: t0(),
    }
}

fn finish(outcome: AiOutcome) -> SessionCommand {
    SessionCommand::FinishAiStep {
        component_id: AI,
        execution_id: EXECUTION,
        outcome,
    }
}

#[tokio::test]
async fn starting_records_the_templates_steps_at_step_zero() {
    let new = NewSession {
        id: SESSION,
        template_id: TEMPLATE,
        steps: steps(),
        project_id: None,
        task_id: None,
    };
    SessionTester::with(())
        .given_no_previous_events()
        .when_async(Stamped::new(OWNER, t0(), SessionCommand::Start(new)))
        .await
        .then_expect_events(vec![started()]);
}

#[tokio::test]
async fn a_ceremony_without_steps_cannot_start() {
    let new = NewSession {
        id: SESSION,
        template_id: TEMPLATE,
        steps: vec![],
        project_id: None,
        task_id: None,
    };
    SessionTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(SessionCommand::Start(new)))
        .await
        .then_expect_error(SessionError::NoSteps);
}

#[tokio::test]
async fn a_patch_records_the_input_of_the_current_step_then_notes_then_moves_on() {
    let changes = SessionChanges {
        input: Some(data(json!({"text": "I should call the bank", "word_count": 5}))),
        notes: Some(Some(SessionNotes::parse("flowed well").unwrap())),
        current_step: Some(2),
    };
    SessionTester::with(())
        .given(vec![started(), moved(0, 1)])
        .when_async(as_owner(SessionCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            SessionEvent::CeremonyStepInputRecorded {
                step: 1,
                component_id: WRITING,
                input: data(json!({"text": "I should call the bank", "word_count": 5})).into(),
                at: t1(),
            },
            SessionEvent::CeremonySessionNotesChanged {
                from: None,
                to: Some("flowed well".into()),
                at: t1(),
            },
            SessionEvent::CeremonySessionStepChanged {
                from: 1,
                to: 2,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn a_patch_that_changes_nothing_records_nothing() {
    let same = SessionChanges {
        current_step: Some(1),
        ..SessionChanges::default()
    };
    SessionTester::with(())
        .given(vec![started(), moved(0, 1)])
        .when_async(as_owner(SessionCommand::Update(same)))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn no_session_goes_past_its_last_step() {
    let past = SessionChanges {
        current_step: Some(3),
        ..SessionChanges::default()
    };
    SessionTester::with(())
        .given(vec![started()])
        .when_async(as_owner(SessionCommand::Update(past)))
        .await
        .then_expect_error(SessionError::PastLastStep(3));
}

#[tokio::test]
async fn completing_computes_the_duration_from_the_start_to_the_nearest_minute() {
    let outcome = SessionOutcome {
        tasks_created: Some(Counter::parse(3).unwrap()),
        notes_created: None,
        output: Some(data(json!({"summary": "a plan"}))),
    };
    SessionTester::with(())
        .given(vec![started()])
        .when_async(as_owner(SessionCommand::Complete(outcome)))
        .await
        .then_expect_events(vec![SessionEvent::CeremonySessionCompleted {
            duration_minutes: 17,
            tasks_created: 3,
            notes_created: 0,
            output: Some(data(json!({"summary": "a plan"})).into()),
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_ended_session_cannot_be_completed_cancelled_or_changed_again() {
    let ends = [
        SessionEvent::CeremonySessionCompleted {
            duration_minutes: 1,
            tasks_created: 0,
            notes_created: 0,
            output: None,
            at: t0(),
        },
        SessionEvent::CeremonySessionCancelled { at: t0() },
    ];
    for (end, word) in ends.into_iter().zip(["completed", "cancelled"]) {
        for command in [
            SessionCommand::Complete(SessionOutcome::default()),
            SessionCommand::Cancel,
            SessionCommand::Update(SessionChanges::default()),
            SessionCommand::StartAiStep {
                component_id: AI,
                execution_id: EXECUTION,
            },
        ] {
            SessionTester::with(())
                .given(vec![started(), end.clone()])
                .when_async(as_owner(command))
                .await
                .then_expect_error(SessionError::Ended(word));
        }
    }
}

#[tokio::test]
async fn another_users_session_and_one_never_started_are_not_found() {
    for command in [
        SessionCommand::Cancel,
        SessionCommand::Update(SessionChanges::default()),
    ] {
        SessionTester::with(())
            .given(vec![started()])
            .when_async(Stamped::new(STRANGER, t1(), command.clone()))
            .await
            .then_expect_error(SessionError::Entity(EntityError::NotFound));
        SessionTester::with(())
            .given_no_previous_events()
            .when_async(as_owner(command))
            .await
            .then_expect_error(SessionError::Entity(EntityError::NotFound));
    }
}

#[tokio::test]
async fn an_ai_step_is_started_once_per_execution_and_only_on_an_ai_component() {
    let start = |component_id, execution_id| SessionCommand::StartAiStep {
        component_id,
        execution_id,
    };
    SessionTester::with(())
        .given(vec![started()])
        .when_async(as_owner(start(AI, EXECUTION)))
        .await
        .then_expect_events(vec![SessionEvent::CeremonyAiStepStarted {
            component_id: AI,
            execution_id: EXECUTION,
            at: t1(),
        }]);
    SessionTester::with(())
        .given(vec![started(), ai_started()])
        .when_async(as_owner(start(AI, EXECUTION)))
        .await
        .then_expect_events(vec![]);
    SessionTester::with(())
        .given(vec![started(), ai_started()])
        .when_async(as_owner(start(AI, Uuid::from_u128(0xe2))))
        .await
        .then_expect_error(SessionError::AiStepRunning);
    SessionTester::with(())
        .given(vec![started()])
        .when_async(as_owner(start(WRITING, EXECUTION)))
        .await
        .then_expect_error(SessionError::NotAnAiStep);
}

#[tokio::test]
async fn an_ai_result_is_recorded_once_and_only_for_the_execution_that_was_started() {
    let output = AiOutcome::Output(json!({"summary": "s", "tasks": [{"title": "Call the bank"}]}));
    SessionTester::with(())
        .given(vec![started(), ai_started()])
        .when_async(as_owner(finish(output.clone())))
        .await
        .then_expect_events(vec![SessionEvent::CeremonyAiStepFinished {
            component_id: AI,
            execution_id: EXECUTION,
            outcome: output.clone(),
            at: t1(),
        }]);
    let finished = SessionEvent::CeremonyAiStepFinished {
        component_id: AI,
        execution_id: EXECUTION,
        outcome: output.clone(),
        at: t0(),
    };
    SessionTester::with(())
        .given(vec![started(), ai_started(), finished.clone()])
        .when_async(as_owner(finish(AiOutcome::Error("late duplicate".into()))))
        .await
        .then_expect_events(vec![]);
    SessionTester::with(())
        .given(vec![started()])
        .when_async(as_owner(finish(output)))
        .await
        .then_expect_error(SessionError::AiStepNotStarted);
    // A finished step may run again (after an error, say) in a new execution.
    SessionTester::with(())
        .given(vec![started(), ai_started(), finished])
        .when_async(as_owner(SessionCommand::StartAiStep {
            component_id: AI,
            execution_id: Uuid::from_u128(0xe2),
        }))
        .await
        .then_expect_events(vec![SessionEvent::CeremonyAiStepStarted {
            component_id: AI,
            execution_id: Uuid::from_u128(0xe2),
            at: t1(),
        }]);
}

#[test]
fn the_workflow_input_merges_the_steps_inputs_in_order() {
    let mut session = CeremonySession::default();
    session.apply(started());
    session.apply(SessionEvent::CeremonyStepInputRecorded {
        step: 0,
        component_id: TIMER,
        input: data(json!({"minutes": 15, "text": "draft"})).into(),
        at: t0(),
    });
    session.apply(SessionEvent::CeremonyStepInputRecorded {
        step: 1,
        component_id: WRITING,
        input: data(json!({"text": "final words"})).into(),
        at: t0(),
    });
    assert_eq!(
        serde_json::Value::Object(session.workflow_input()),
        json!({"minutes": 15, "text": "final words"})
    );
}

#[test]
fn events_are_stored_under_their_variant_names() {
    assert_eq!(started().event_type(), "CeremonySessionStarted");
    assert_eq!(started().event_version(), "1");
    assert_eq!(CeremonySession::TYPE, "ceremony_session");
    assert_eq!(minutes_between(t0(), t0()), 0);
    assert_eq!(minutes_between(t1(), t0()), 0);
}
