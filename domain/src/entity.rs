//! What every entity shares: its lifecycle (id, owner, created, updated, deleted), the rules
//! that follow from it, the errors those rules give, and how any refusal reads to a client.
use serde::{Deserialize, Serialize};

use crate::values::{Timestamp, UserId};

/// The refusals every entity can give, whatever its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntityError {
    /// No such entity, or it is someone else's (the two must look the same).
    #[error("not found")]
    NotFound,
    #[error("an entity with this id already exists")]
    AlreadyExists,
    #[error("it has been deleted")]
    Deleted,
}

/// How a refused command reads to a client. The API turns each kind into a status in its one
/// error table; the domain only says which kind a refusal is and its stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Missing, deleted, or not the caller's.
    NotFound,
    /// The command clashes with the entity's state; `code` is stable and machine-readable.
    Conflict { code: &'static str },
    /// A field's value breaks a rule that needs the entity's state to check.
    Invalid { field: &'static str },
    /// The caller may see the entity but not do this (a viewer editing a shared project).
    Forbidden { code: &'static str },
}

/// A domain error that knows its [`Refusal`].
pub trait Refuse: std::error::Error + Send + Sync + 'static {
    fn refusal(&self) -> Refusal;
}

impl Refuse for EntityError {
    fn refusal(&self) -> Refusal {
        match self {
            EntityError::NotFound | EntityError::Deleted => Refusal::NotFound,
            EntityError::AlreadyExists => Refusal::Conflict { code: "already_exists" },
        }
    }
}

/// The part of an entity's decision state that the shared rules read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Lifecycle<Id> {
    pub id: Option<Id>,
    pub owner: UserId,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub deleted: bool,
}

impl<Id: Copy> Lifecycle<Id> {
    /// The lifecycle of an entity just created.
    pub fn born(id: Id, owner: UserId, at: Timestamp) -> Self {
        Self {
            id: Some(id),
            owner,
            created_at: Some(at),
            updated_at: Some(at),
            deleted: false,
        }
    }

    pub fn exists(&self) -> bool {
        self.id.is_some()
    }

    /// Whether `actor` may see the entity at all (its history included, after deletion).
    pub fn visible_to(&self, actor: UserId) -> bool {
        self.exists() && self.owner == actor
    }

    /// A creation is refused when the stream already holds an entity.
    pub fn check_new(&self) -> Result<(), EntityError> {
        if self.exists() {
            return Err(EntityError::AlreadyExists);
        }
        Ok(())
    }

    /// Refuses commands that may not touch the entity: missing, not the actor's, or deleted.
    pub fn check_live(&self, actor: UserId) -> Result<(), EntityError> {
        if !self.visible_to(actor) {
            return Err(EntityError::NotFound);
        }
        if self.deleted {
            return Err(EntityError::Deleted);
        }
        Ok(())
    }

    /// Every event moves `updated_at`.
    pub fn touch(&mut self, at: Timestamp) {
        self.updated_at = Some(at);
    }
}

/// An aggregate with a [`Lifecycle`]: what the command service reads to check ownership
/// before any precondition, so a stranger's `If-Match` learns nothing.
pub trait Entity {
    type Id: Copy;
    fn lifecycle(&self) -> &Lifecycle<Self::Id>;

    /// Whether `actor` may see the entity: its owner, unless the entity shares itself (a
    /// project with its members).
    fn visible_to(&self, actor: UserId) -> bool {
        self.lifecycle().visible_to(actor)
    }

    /// Whether `actor`, with their role in a project (`grant`), may see it: what a project
    /// shares (its tasks) is visible to its members too.
    fn visible_with(&self, actor: UserId, grant: Option<&crate::project::Grant>) -> bool {
        let _ = grant;
        self.visible_to(actor)
    }
}

/// Pushes `event(current, wanted)` when `wanted` is given and differs from `current`: the one
/// rule of every partial update (one event per field that really changes).
pub fn push_change<T: PartialEq + Clone, E>(
    out: &mut Vec<E>,
    current: &T,
    wanted: Option<T>,
    event: impl FnOnce(T, T) -> E,
) {
    if let Some(wanted) = wanted.filter(|w| w != current) {
        out.push(event(current.clone(), wanted));
    }
}

/// Implements cqrs-es' `DomainEvent` for an event enum that derives `strum::IntoStaticStr`:
/// the stored `event_type` is the variant's own name, written once.
#[macro_export]
macro_rules! domain_event {
    ($event:ty, version $version:literal) => {
        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                <&'static str>::from(self).to_string()
            }

            fn event_version(&self) -> String {
                $version.to_string()
            }
        }
    };
}
