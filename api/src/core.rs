//! The running core: event store, projections, command services, catch-up tails.
use joan_commands::db::{self, Location};
use joan_commands::{CommandService, EventStore, StoreOptions};
use joan_domain::attachment::Attachment;
use joan_domain::board::Board;
use joan_domain::client::Client;
use joan_domain::folder::Folder;
use joan_domain::goal::Goal;
use joan_domain::note::Note;
use joan_domain::project::Project;
use joan_domain::settings::Settings;
use joan_domain::task::Task;
use joan_domain::user::User;
use joan_projections::{CatchUp, Projections};
use tokio::sync::watch;

use crate::error::AppError;

pub struct Core {
    pub store: EventStore,
    pub projections: Projections,
    pub tasks: CommandService<Task>,
    pub users: CommandService<User>,
    pub boards: CommandService<Board>,
    pub goals: CommandService<Goal>,
    pub projects: CommandService<Project>,
    pub clients: CommandService<Client>,
    pub settings: CommandService<Settings>,
    pub folders: CommandService<Folder>,
    pub notes: CommandService<Note>,
    pub attachments: CommandService<Attachment>,
    pub catch_up: Vec<CatchUp>,
    shutdown: watch::Sender<bool>,
}

impl Core {
    /// Migrates `location`, opens the store with the inline projectors, and starts the
    /// catch-up projectors.
    pub async fn open(location: &Location, options: StoreOptions) -> Result<Self, AppError> {
        db::migrate(location).await?;
        let projections = Projections::new();
        let store = EventStore::open(location, options, vec![projections.inline_hook()]).await?;
        let (shutdown, stop) = watch::channel(false);
        let catch_up = projections.start_catch_up(&store, stop).await?;
        Ok(Self {
            tasks: CommandService::new(store.clone(), ()),
            users: CommandService::new(store.clone(), ()),
            boards: CommandService::new(store.clone(), ()),
            goals: CommandService::new(store.clone(), ()),
            projects: CommandService::new(store.clone(), ()),
            clients: CommandService::new(store.clone(), ()),
            settings: CommandService::new(store.clone(), ()),
            folders: CommandService::new(store.clone(), ()),
            notes: CommandService::new(store.clone(), ()),
            attachments: CommandService::new(store.clone(), ()),
            store,
            projections,
            catch_up,
            shutdown,
        })
    }

    /// Waits until every catch-up projector has applied the log up to `position`.
    pub async fn wait_for(&self, position: i64) {
        for c in &self.catch_up {
            c.wait_for(position).await;
        }
    }

    /// Stops the catch-up tails and closes the read pool.
    pub async fn close(self) {
        self.shut_down().await;
    }

    /// What [`Core::close`] does, for a core still shared (the server's, at its end).
    pub async fn shut_down(&self) {
        let _ = self.shutdown.send(true);
        for c in &self.catch_up {
            c.abort();
        }
        self.store.db().close().await;
    }
}
