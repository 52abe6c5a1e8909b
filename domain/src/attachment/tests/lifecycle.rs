//! Uploading, renaming and deleting an attachment; commands from strangers or on none.
use super::*;

#[tokio::test]
async fn an_upload_records_who_uploaded_what_and_where_it_is_kept() {
    AttachmentTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(AttachmentCommand::Upload(new_attachment())))
        .await
        .then_expect_events(vec![uploaded_at(t1())]);
}

#[tokio::test]
async fn uploading_over_an_existing_attachment_is_rejected() {
    AttachmentTester::with(())
        .given(vec![uploaded()])
        .when_async(as_owner(AttachmentCommand::Upload(new_attachment())))
        .await
        .then_expect_error(AttachmentError::AlreadyExists);
}

#[tokio::test]
async fn a_rename_records_the_old_and_new_names() {
    AttachmentTester::with(())
        .given(vec![uploaded()])
        .when_async(as_owner(AttachmentCommand::Rename(Filename::parse("q3.pdf").unwrap())))
        .await
        .then_expect_events(vec![AttachmentEvent::AttachmentRenamed {
            from: "report.pdf".into(),
            to: "q3.pdf".into(),
            at: t1(),
        }]);
}

#[tokio::test]
async fn renaming_to_the_same_name_changes_nothing() {
    AttachmentTester::with(())
        .given(vec![uploaded()])
        .when_async(as_owner(AttachmentCommand::Rename(
            Filename::parse("report.pdf").unwrap(),
        )))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn deleting_an_attachment_records_it() {
    AttachmentTester::with(())
        .given(vec![uploaded()])
        .when_async(as_owner(AttachmentCommand::Delete))
        .await
        .then_expect_events(vec![AttachmentEvent::AttachmentDeleted { at: t1() }]);
}

#[tokio::test]
async fn a_deleted_attachment_takes_no_more_commands() {
    for command in [
        AttachmentCommand::Delete,
        AttachmentCommand::Rename(Filename::parse("x.txt").unwrap()),
    ] {
        AttachmentTester::with(())
            .given(vec![uploaded(), deleted()])
            .when_async(as_owner(command))
            .await
            .then_expect_error(AttachmentError::Deleted);
    }
}

#[tokio::test]
async fn a_strangers_attachment_is_not_found() {
    for command in [
        AttachmentCommand::Delete,
        AttachmentCommand::Rename(Filename::parse("x.txt").unwrap()),
    ] {
        AttachmentTester::with(())
            .given(vec![uploaded()])
            .when_async(as_stranger(command))
            .await
            .then_expect_error(AttachmentError::NotFound);
    }
}

#[tokio::test]
async fn no_attachment_is_not_found() {
    AttachmentTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(AttachmentCommand::Delete))
        .await
        .then_expect_error(AttachmentError::NotFound);
}
