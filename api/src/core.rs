//! The running core: event store, projections, command services, catch-up tails.
use std::sync::Arc;

use joan_commands::db::{self, Location};
use joan_commands::reactor::{PomodoroMinutes, Reactor};
use joan_commands::{CommandService, EventStore, StoreOptions};
use joan_domain::activity::Activity;
use joan_domain::activity_goal::ActivityGoal;
use joan_domain::ai_provider::AiProvider;
use joan_domain::ai_request::AiRequest;
use joan_domain::attachment::Attachment;
use joan_domain::board::Board;
use joan_domain::ceremony::session::CeremonySession;
use joan_domain::client::Client;
use joan_domain::folder::Folder;
use joan_domain::goal::Goal;
use joan_domain::note::Note;
use joan_domain::pomodoro::Pomodoro;
use joan_domain::project::Project;
use joan_domain::prompt::Prompt;
use joan_domain::schedule::Schedule;
use joan_domain::schedule_template::Template;
use joan_domain::settings::Settings;
use joan_domain::task::Task;
use joan_domain::user::User;
use joan_domain::workflow_execution::WorkflowExecution;
use joan_domain::workflow_template::WorkflowTemplate;
use joan_projections::{CatchUp, Projections};
use tokio::sync::watch;

use crate::ai::queue::StepQueue;
use crate::ai::workflows::{self, AiOptions};
use crate::error::AppError;
use crate::live::LiveFeed;

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
    pub pomodoro: CommandService<Pomodoro>,
    pub schedules: CommandService<Schedule>,
    pub templates: CommandService<Template>,
    pub activities: CommandService<Activity>,
    pub activity_goals: CommandService<ActivityGoal>,
    pub attachments: CommandService<Attachment>,
    pub ai_providers: CommandService<AiProvider>,
    pub ai_requests: CommandService<AiRequest>,
    pub workflow_templates: CommandService<WorkflowTemplate>,
    pub executions: CommandService<WorkflowExecution>,
    /// Where `ai_process` steps go (its in-process workers stop when it is dropped).
    pub step_queue: Arc<dyn StepQueue>,
    /// Tasks beside the reactors (the NATS result consumer), ended with the core.
    ai_tasks: Vec<tokio::task::JoinHandle<()>>,
    pub ceremony_sessions: CommandService<CeremonySession>,
    pub prompts: CommandService<Prompt>,
    pub catch_up: Vec<CatchUp>,
    /// Process managers turning events into commands (see `joan_commands::reactor`).
    pub reactors: Vec<Reactor>,
    /// Every committed event, for `GET /events/stream`.
    pub live: LiveFeed,
    shutdown: watch::Sender<bool>,
}

impl Core {
    /// Migrates `location`, opens the store with the inline projectors, and starts the
    /// catch-up projectors and the reactors.
    pub async fn open(location: &Location, options: StoreOptions) -> Result<Self, AppError> {
        Self::open_with_ai(location, options, AiOptions::default()).await
    }

    /// [`Core::open`] with AI workflows running through `ai` (tests give a fake model).
    pub async fn open_with_ai(location: &Location, options: StoreOptions, ai: AiOptions) -> Result<Self, AppError> {
        db::migrate(location).await?;
        let projections = Projections::new();
        let store = EventStore::open(location, options, vec![projections.inline_hook()]).await?;
        let (shutdown, stop) = watch::channel(false);
        let catch_up = projections.start_catch_up(&store, stop.clone()).await?;
        let minutes = PomodoroMinutes::new(CommandService::new(store.clone(), ()));
        let live = LiveFeed::start(store.clone()).await?;
        let mut reactors = vec![Reactor::start(store.clone(), Arc::new(minutes), stop.clone()).await?];
        let running = workflows::start(&store, &ai).await?;
        let (step_queue, ai_tasks) = (running.queue, running.tasks);
        for reaction in running.reactions {
            reactors.push(Reactor::start(store.clone(), reaction, stop.clone()).await?);
        }
        let now = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc());
        joan_commands::catalog::define_ceremonies(&store, now).await?;
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
            pomodoro: CommandService::new(store.clone(), ()),
            schedules: CommandService::new(store.clone(), ()),
            templates: CommandService::new(store.clone(), ()),
            activities: CommandService::new(store.clone(), ()),
            activity_goals: CommandService::new(store.clone(), ()),
            attachments: CommandService::new(store.clone(), ()),
            ai_providers: CommandService::new(store.clone(), ()),
            ai_requests: CommandService::new(store.clone(), ()),
            workflow_templates: CommandService::new(store.clone(), ()),
            executions: CommandService::new(store.clone(), ()),
            step_queue,
            ai_tasks,
            ceremony_sessions: CommandService::new(store.clone(), ()),
            prompts: CommandService::new(store.clone(), ()),
            store,
            projections,
            catch_up,
            reactors,
            live,
            shutdown,
        })
    }

    /// Waits until every catch-up projector has applied the log up to `position`, and every
    /// reactor has reacted to it.
    pub async fn wait_for(&self, position: i64) {
        for c in &self.catch_up {
            c.wait_for(position).await;
        }
        for r in &self.reactors {
            r.wait_for(position).await;
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
        for r in &self.reactors {
            r.abort();
        }
        self.live.close();
        for t in &self.ai_tasks {
            t.abort();
        }
        self.store.db().close().await;
    }
}
