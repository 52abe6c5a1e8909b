//! The User aggregate: registration and profile changes, as facts for the audit trail.
//!
//! Secrets are not the aggregate's business: password hashes and refresh tokens live in
//! state tables beside the log, never in events, which are kept forever. A password change is
//! recorded here only as the fact that it happened.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle};
use crate::text::{ValueError, short_text};
use crate::values::{Timestamp, UserId};

mod email;
pub use email::Email;

/// Why a raw profile value was refused: the shared text refusals.
pub type UserValueError = ValueError;

/// A user's display name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<UserName> for String {
    fn from(n: UserName) -> String {
        n.0
    }
}

/// Where the user is in onboarding: a JSON object the frontend shapes, at most 10,000
/// characters serialised and 8 levels deep.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OnboardingProgress(Map<String, Value>);

impl OnboardingProgress {
    pub const MAX_CHARS: usize = 10_000;
    pub const MAX_DEPTH: usize = 8;

    pub fn parse(raw: Value) -> Result<Self, ValueError> {
        crate::values::json_object(raw, Self::MAX_CHARS, Self::MAX_DEPTH).map(Self)
    }
}

impl From<OnboardingProgress> for Map<String, Value> {
    fn from(p: OnboardingProgress) -> Self {
        p.0
    }
}

/// Every command names the user it acts on through its stream; the actor must be that user.
#[derive(Debug, Clone, PartialEq)]
pub enum UserCommand {
    /// Starts the stream. The actor is the new user (people register themselves).
    Register { email: Email, name: UserName },
    /// `None` leaves a field alone.
    ChangeProfile {
        email: Option<Email>,
        name: Option<UserName>,
    },
    /// The password was replaced (the new hash is stored beside the log, not here).
    RecordPasswordChange,
    /// The first successful login; later ones change nothing.
    RecordLogin,
    /// A password kept from the FastAPI system (bcrypt) was verified and stored again as
    /// argon2id (the new hash is beside the log, not here).
    RecordPasswordRehash,
    /// `None` leaves a field alone.
    UpdateOnboarding {
        progress: Option<OnboardingProgress>,
        completed: Option<bool>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(UserEventKind), derive(strum::IntoStaticStr, strum::EnumString))]
pub enum UserEvent {
    UserRegistered {
        user_id: UserId,
        email: String,
        name: String,
        at: Timestamp,
    },
    UserEmailChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    UserNameChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    /// Carries no secret: only that, and when, the password changed.
    UserPasswordChanged {
        at: Timestamp,
    },
    UserFirstLoggedIn {
        at: Timestamp,
    },
    /// The account as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream. Its password hash went to the credential store, not here.
    UserImported {
        user_id: UserId,
        email: String,
        name: String,
        is_active: bool,
        role: String,
        created_at: Timestamp,
        /// The old row's `updated_at`.
        at: Timestamp,
    },
    /// The imported bcrypt hash was replaced by an argon2id one at a successful login.
    /// Carries no secret.
    UserPasswordRehashed {
        at: Timestamp,
    },
    /// The whole new progress object (the old one is in the event before).
    UserOnboardingProgressChanged {
        progress: Map<String, Value>,
        at: Timestamp,
    },
    UserOnboardingCompletionChanged {
        completed: bool,
        at: Timestamp,
    },
}

impl UserEvent {
    pub fn at(&self) -> Timestamp {
        use UserEvent::*;
        match self {
            UserRegistered { at, .. }
            | UserEmailChanged { at, .. }
            | UserNameChanged { at, .. }
            | UserPasswordChanged { at }
            | UserFirstLoggedIn { at }
            | UserImported { at, .. }
            | UserPasswordRehashed { at }
            | UserOnboardingProgressChanged { at, .. }
            | UserOnboardingCompletionChanged { at, .. } => *at,
        }
    }
}

crate::domain_event!(UserEvent, version "1");

/// A user's refusals are the shared ones: `NotFound` when the actor is someone else.
pub type UserError = EntityError;

/// The decision state of one user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct User {
    /// A user owns itself: `owner` is the user's own id.
    pub life: Lifecycle<UserId>,
    pub email: String,
    pub name: String,
    pub first_login_at: Option<Timestamp>,
    pub onboarding_progress: Map<String, Value>,
    pub onboarding_completed: bool,
}

impl Entity for User {
    type Id = UserId;
    fn lifecycle(&self) -> &Lifecycle<UserId> {
        &self.life
    }
}

impl Aggregate for User {
    const TYPE: &'static str = "user";
    type Command = Stamped<UserCommand>;
    type Event = UserEvent;
    type Error = UserError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), UserError> {
        let Stamped { actor, at, command, .. } = cmd;
        let mut events = Vec::new();
        match command {
            UserCommand::Register { email, name } => {
                self.life.check_new()?;
                events.push(UserEvent::UserRegistered {
                    user_id: actor,
                    email: email.into(),
                    name: name.into(),
                    at,
                });
            }
            UserCommand::ChangeProfile { email, name } => {
                self.life.check_live(actor)?;
                if let Some(to) = email.map(String::from).filter(|e| *e != self.email) {
                    events.push(UserEvent::UserEmailChanged {
                        from: self.email.clone(),
                        to,
                        at,
                    });
                }
                if let Some(to) = name.map(String::from).filter(|n| *n != self.name) {
                    events.push(UserEvent::UserNameChanged {
                        from: self.name.clone(),
                        to,
                        at,
                    });
                }
            }
            UserCommand::RecordPasswordChange => {
                self.life.check_live(actor)?;
                events.push(UserEvent::UserPasswordChanged { at });
            }
            UserCommand::RecordLogin => {
                self.life.check_live(actor)?;
                if self.first_login_at.is_none() {
                    events.push(UserEvent::UserFirstLoggedIn { at });
                }
            }
            UserCommand::RecordPasswordRehash => {
                self.life.check_live(actor)?;
                events.push(UserEvent::UserPasswordRehashed { at });
            }
            UserCommand::UpdateOnboarding { progress, completed } => {
                self.life.check_live(actor)?;
                let progress = progress.map(Map::from).filter(|p| *p != self.onboarding_progress);
                if let Some(progress) = progress {
                    events.push(UserEvent::UserOnboardingProgressChanged { progress, at });
                }
                if let Some(completed) = completed.filter(|c| *c != self.onboarding_completed) {
                    events.push(UserEvent::UserOnboardingCompletionChanged { completed, at });
                }
            }
        }
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: UserEvent) {
        use UserEvent::*;
        let at = event.at();
        match event {
            UserRegistered {
                user_id, email, name, ..
            } => {
                *self = User {
                    life: Lifecycle::born(user_id, user_id, at),
                    email,
                    name,
                    first_login_at: None,
                    onboarding_progress: Map::new(),
                    onboarding_completed: false,
                };
            }
            UserImported {
                user_id,
                email,
                name,
                created_at,
                ..
            } => {
                *self = User {
                    life: Lifecycle::born(user_id, user_id, created_at),
                    email,
                    name,
                    first_login_at: None,
                    onboarding_progress: Map::new(),
                    onboarding_completed: false,
                };
            }
            UserEmailChanged { to, .. } => self.email = to,
            UserNameChanged { to, .. } => self.name = to,
            UserPasswordChanged { .. } | UserPasswordRehashed { .. } => {}
            UserFirstLoggedIn { at } => self.first_login_at = Some(at),
            UserOnboardingProgressChanged { progress, .. } => self.onboarding_progress = progress,
            UserOnboardingCompletionChanged { completed, .. } => self.onboarding_completed = completed,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
