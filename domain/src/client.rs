//! The Client aggregate: someone a user works for, with contact details and a status.
//! Projects name their client; a client's own rules are only every entity's.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{ClientId, UserId};
use crate::values::Timestamp;

mod values;
pub use values::{ClientName, ClientStatus, Company, Phone};

pub use crate::user::Email;

/// Everything a new client starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewClient {
    /// The stream id, chosen by the caller.
    pub id: ClientId,
    pub name: ClientName,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub company: Option<Company>,
    pub status: ClientStatus,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClientChanges {
    pub name: Option<ClientName>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Option<Phone>>,
    pub company: Option<Option<Company>>,
    pub status: Option<ClientStatus>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClientCommand {
    Create(NewClient),
    Update(ClientChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ClientEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ClientEvent {
    ClientCreated {
        client_id: ClientId,
        user_id: UserId,
        name: String,
        email: Option<String>,
        phone: Option<String>,
        company: Option<String>,
        status: ClientStatus,
        at: Timestamp,
    },
    /// The client as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `created_at` and `updated_at` (`at`).
    ClientImported {
        client_id: ClientId,
        user_id: UserId,
        name: String,
        email: Option<String>,
        phone: Option<String>,
        company: Option<String>,
        status: ClientStatus,
        created_at: Timestamp,
        at: Timestamp,
    },
    ClientRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    ClientEmailChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ClientPhoneChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ClientCompanyChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    ClientStatusChanged {
        from: ClientStatus,
        to: ClientStatus,
        at: Timestamp,
    },
    ClientDeleted {
        at: Timestamp,
    },
}

impl ClientEvent {
    pub fn at(&self) -> Timestamp {
        use ClientEvent::*;
        match self {
            ClientCreated { at, .. }
            | ClientImported { at, .. }
            | ClientRenamed { at, .. }
            | ClientEmailChanged { at, .. }
            | ClientPhoneChanged { at, .. }
            | ClientCompanyChanged { at, .. }
            | ClientStatusChanged { at, .. }
            | ClientDeleted { at } => *at,
        }
    }
}

crate::domain_event!(ClientEvent, version "1");

/// A client has no rules of its own beyond every entity's.
pub type ClientError = EntityError;

/// The decision state of one client, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Client {
    pub life: Lifecycle<ClientId>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub status: ClientStatus,
}

impl Entity for Client {
    type Id = ClientId;
    fn lifecycle(&self) -> &Lifecycle<ClientId> {
        &self.life
    }
}

impl Client {
    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, changes: ClientChanges, at: Timestamp) -> Vec<ClientEvent> {
        use ClientEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            ClientRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.email,
            changes.email.map(|e| e.map(String::from)),
            |from, to| ClientEmailChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.phone,
            changes.phone.map(|p| p.map(String::from)),
            |from, to| ClientPhoneChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.company,
            changes.company.map(|c| c.map(String::from)),
            |from, to| ClientCompanyChanged { from, to, at },
        );
        push_change(&mut out, &self.status, changes.status, |from, to| ClientStatusChanged {
            from,
            to,
            at,
        });
        out
    }
}

impl Aggregate for Client {
    const TYPE: &'static str = "client";
    type Command = Stamped<ClientCommand>;
    type Event = ClientEvent;
    type Error = ClientError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ClientError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            ClientCommand::Create(new) => {
                self.life.check_new()?;
                vec![ClientEvent::ClientCreated {
                    client_id: new.id,
                    user_id: actor,
                    name: new.name.into(),
                    email: new.email.map(String::from),
                    phone: new.phone.map(String::from),
                    company: new.company.map(String::from),
                    status: new.status,
                    at,
                }]
            }
            ClientCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            ClientCommand::Delete => {
                self.life.check_live(actor)?;
                vec![ClientEvent::ClientDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ClientEvent) {
        use ClientEvent::*;
        let at = event.at();
        match event {
            ClientCreated {
                client_id,
                user_id,
                name,
                email,
                phone,
                company,
                status,
                at,
            } => {
                *self = Client {
                    life: Lifecycle::born(client_id, user_id, at),
                    name,
                    email,
                    phone,
                    company,
                    status,
                };
            }
            ClientImported {
                client_id,
                user_id,
                name,
                email,
                phone,
                company,
                status,
                created_at,
                ..
            } => {
                *self = Client {
                    life: Lifecycle::born(client_id, user_id, created_at),
                    name,
                    email,
                    phone,
                    company,
                    status,
                };
            }
            ClientRenamed { to, .. } => self.name = to,
            ClientEmailChanged { to, .. } => self.email = to,
            ClientPhoneChanged { to, .. } => self.phone = to,
            ClientCompanyChanged { to, .. } => self.company = to,
            ClientStatusChanged { to, .. } => self.status = to,
            ClientDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
