//! Commands from another user, and commands on a task that never existed.
use super::*;

fn every_command_on_an_existing_task() -> Vec<TaskCommand> {
    vec![
        TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("Mine now").unwrap()),
            ..TaskChanges::default()
        }),
        TaskCommand::Update(TaskChanges::default()),
        TaskCommand::Complete,
        TaskCommand::Reopen,
        TaskCommand::Delete,
        move_to("todo", 0, Some(TaskStatus::Todo)),
    ]
}

#[tokio::test]
async fn another_user_cannot_update_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("Mine now").unwrap()),
            ..TaskChanges::default()
        })))
        .await
        .then_expect_error(TaskError::Entity(EntityError::NotFound));
}

#[tokio::test]
async fn another_user_cannot_complete_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::Entity(EntityError::NotFound));
}

#[tokio::test]
async fn another_user_cannot_reopen_the_task() {
    TaskTester::with(())
        .given(vec![created(), completed()])
        .when_async(as_stranger(TaskCommand::Reopen))
        .await
        .then_expect_error(TaskError::Entity(EntityError::NotFound));
}

#[tokio::test]
async fn another_user_cannot_delete_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Delete))
        .await
        .then_expect_error(TaskError::Entity(EntityError::NotFound));
}

#[tokio::test]
async fn another_user_cannot_create_over_the_task_either() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::Entity(EntityError::AlreadyExists));
}

#[tokio::test]
async fn another_user_sees_not_found_whatever_the_task_state() {
    let histories = [
        vec![created()],
        vec![created(), completed()],
        vec![created(), deleted()],
        vec![created(), completed(), deleted()],
    ];
    for given in histories {
        for command in every_command_on_an_existing_task() {
            assert_eq!(
                decide(given.clone(), as_stranger(command.clone())).await,
                Err(TaskError::Entity(EntityError::NotFound)),
                "{command:?} after {given:?}"
            );
        }
    }
}

#[tokio::test]
async fn commands_on_a_task_that_never_existed_are_not_found() {
    for command in every_command_on_an_existing_task() {
        for actor in [OWNER, STRANGER, UserId::default()] {
            TaskTester::with(())
                .given_no_previous_events()
                .when_async(Stamped::new(actor, t1(), command.clone()))
                .await
                .then_expect_error(TaskError::Entity(EntityError::NotFound));
        }
    }
}
