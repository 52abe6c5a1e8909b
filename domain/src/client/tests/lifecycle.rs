//! Creating, changing and deleting a client; commands from strangers or on no client.
use super::*;

#[tokio::test]
async fn creating_a_client_emits_client_created_with_every_field() {
    let new = NewClient {
        id: CLIENT_ID,
        name: ClientName::parse("  Acme ").unwrap(),
        email: Some(Email::parse("Billing@Acme.example").unwrap()),
        phone: Some(Phone::parse("+44 (0)20 7946-0958").unwrap()),
        company: Some(Company::parse("Acme Ltd").unwrap()),
        status: ClientStatus::Inactive,
    };
    ClientTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(ClientCommand::Create(new)))
        .await
        .then_expect_events(vec![ClientEvent::ClientCreated {
            client_id: CLIENT_ID,
            user_id: OWNER,
            name: "Acme".into(),
            email: Some("billing@acme.example".into()),
            phone: Some("+44 (0)20 7946-0958".into()),
            company: Some("Acme Ltd".into()),
            status: ClientStatus::Inactive,
            at: t1(),
        }]);
}

#[tokio::test]
async fn creating_an_existing_client_is_rejected() {
    ClientTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ClientCommand::Create(NewClient::default())))
        .await
        .then_expect_error(ClientError::AlreadyExists);
}

#[tokio::test]
async fn an_update_emits_one_event_per_field_that_really_changes() {
    let changes = ClientChanges {
        name: Some(ClientName::parse("Acme").unwrap()),
        email: Some(Some(Email::parse("a@acme.example").unwrap())),
        phone: Some(None),
        company: Some(Some(Company::parse("Acme Ltd").unwrap())),
        status: Some(ClientStatus::Archived),
    };
    let at = t1();
    ClientTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ClientCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            ClientEvent::ClientEmailChanged {
                from: None,
                to: Some("a@acme.example".into()),
                at,
            },
            ClientEvent::ClientCompanyChanged {
                from: None,
                to: Some("Acme Ltd".into()),
                at,
            },
            ClientEvent::ClientStatusChanged {
                from: ClientStatus::Active,
                to: ClientStatus::Archived,
                at,
            },
        ]);
}

#[tokio::test]
async fn deleting_a_client_emits_client_deleted_and_then_nothing_changes_it() {
    ClientTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ClientCommand::Delete))
        .await
        .then_expect_events(vec![ClientEvent::ClientDeleted { at: t1() }]);
    for command in [ClientCommand::Delete, ClientCommand::Update(ClientChanges::default())] {
        ClientTester::with(())
            .given(vec![created(), deleted()])
            .when_async(as_owner(command))
            .await
            .then_expect_error(ClientError::Deleted);
    }
}

#[tokio::test]
async fn another_user_and_a_client_that_never_existed_are_not_found() {
    for command in [ClientCommand::Delete, ClientCommand::Update(ClientChanges::default())] {
        ClientTester::with(())
            .given(vec![created()])
            .when_async(as_stranger(command.clone()))
            .await
            .then_expect_error(ClientError::NotFound);
        ClientTester::with(())
            .given_no_previous_events()
            .when_async(as_owner(command))
            .await
            .then_expect_error(ClientError::NotFound);
    }
}

#[test]
fn events_are_stored_under_their_variant_names_in_a_stable_shape() {
    assert_eq!(created().event_type(), "ClientCreated");
    assert_eq!(created().event_version(), "1");
    assert_eq!(Client::TYPE, "client");
    assert_eq!(
        serde_json::to_value(created()).unwrap(),
        json!({"ClientCreated": {
            "client_id": CLIENT_ID.to_string(), "user_id": OWNER.to_string(), "name": "Acme",
            "email": null, "phone": null, "company": null, "status": "active",
            "at": "2026-01-01T09:00:00.000000Z",
        }})
    );
}
