//! Every projection Joan has, and how each one runs.
use std::sync::Arc;

use joan_commands::{AppendHook, EventStore};
use tokio::sync::watch;

use crate::activities::Activities;
use crate::activity_goals::ActivityGoals;
use crate::ai_providers::AiProvidersProjector;
use crate::ai_requests::AiRequests;
use crate::analytics::AnalyticsProjector;
use crate::attachments::Attachments;
use crate::catchup::CatchUp;
use crate::ceremony_sessions::CeremonySessions;
use crate::ceremony_templates::{CeremonyComponents, CeremonyTemplates};
use crate::clients::Clients;
use crate::error::ProjectionError;
use crate::fold::FoldProjector;
use crate::folders::Folders;
use crate::goals::GoalsProjector;
use crate::inline::InlineProjectors;
use crate::kanban::KanbanProjector;
use crate::notes::Notes;
use crate::pomodoro::{PomodoroSessionsProjector, PomodoroSettingsFold};
use crate::projector::Projector;
use crate::projects::ProjectsProjector;
use crate::prompts::Prompts;
use crate::schedules::{Schedules, TemplatesProjector};
use crate::settings::UserSettings;
use crate::task_activities::TaskActivitiesProjector;
use crate::task_daily_stats::TaskDailyStatsProjector;
use crate::tasks::Tasks;
use crate::users::UsersProjector;
use crate::workflows::{ExecutionsProjector, WorkflowTemplates};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In the append transaction: read-your-writes.
    Inline,
    /// Tailing the log from a checkpoint.
    CatchUp,
}

#[derive(Clone)]
pub struct Projections {
    all: Vec<(Mode, Arc<dyn Projector>)>,
}

impl Default for Projections {
    fn default() -> Self {
        Self::new()
    }
}

impl Projections {
    pub fn new() -> Self {
        Self {
            all: vec![
                (Mode::Inline, Arc::new(FoldProjector::<Tasks>::default())),
                (Mode::Inline, Arc::new(TaskActivitiesProjector)),
                (Mode::CatchUp, Arc::new(TaskDailyStatsProjector)),
                (Mode::CatchUp, Arc::new(AnalyticsProjector)),
                (Mode::Inline, Arc::new(KanbanProjector::default())),
                (Mode::Inline, Arc::new(UsersProjector)),
                (Mode::Inline, Arc::new(GoalsProjector::default())),
                (Mode::Inline, Arc::new(ProjectsProjector::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Clients>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<UserSettings>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Folders>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Notes>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<PomodoroSettingsFold>::default())),
                (Mode::Inline, Arc::new(PomodoroSessionsProjector)),
                (Mode::Inline, Arc::new(FoldProjector::<Schedules>::default())),
                (Mode::Inline, Arc::new(TemplatesProjector::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Activities>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<ActivityGoals>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Attachments>::default())),
                (Mode::Inline, Arc::new(AiProvidersProjector::default())),
                (Mode::Inline, Arc::new(FoldProjector::<AiRequests>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<WorkflowTemplates>::default())),
                (Mode::Inline, Arc::new(ExecutionsProjector::default())),
                (Mode::Inline, Arc::new(FoldProjector::<CeremonyComponents>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<CeremonyTemplates>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<CeremonySessions>::default())),
                (Mode::Inline, Arc::new(FoldProjector::<Prompts>::default())),
            ],
        }
    }

    pub fn all(&self) -> &[(Mode, Arc<dyn Projector>)] {
        &self.all
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.all.iter().map(|(_, p)| p.name()).collect()
    }

    pub fn find(&self, name: &str) -> Result<(Mode, Arc<dyn Projector>), ProjectionError> {
        self.all
            .iter()
            .find(|(_, p)| p.name() == name)
            .cloned()
            .ok_or_else(|| ProjectionError::UnknownProjection(name.to_string()))
    }

    /// The hook the store's writer runs in every append transaction.
    pub fn inline_hook(&self) -> Arc<dyn AppendHook> {
        let inline = self
            .all
            .iter()
            .filter(|(m, _)| *m == Mode::Inline)
            .map(|(_, p)| p.clone())
            .collect();
        Arc::new(InlineProjectors::new(inline))
    }

    /// Starts every catch-up projector.
    pub async fn start_catch_up(
        &self,
        store: &EventStore,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Vec<CatchUp>, ProjectionError> {
        let mut running = Vec::new();
        for (_, projector) in self.all.iter().filter(|(m, _)| *m == Mode::CatchUp) {
            running.push(CatchUp::start(store.clone(), projector.clone(), shutdown.clone()).await?);
        }
        Ok(running)
    }
}
