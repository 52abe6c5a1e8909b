//! Ceremonies: guided routines (Writing Race, Daily Planning, Weekly Review) made of steps.
//!
//! - [`component`]: one step kind with its configuration and, for an AI step, its prompt and
//!   model overrides. Global: the same for every user.
//! - [`template`]: a ceremony, an ordered list of components. Global too.
//! - [`session`]: one user's run of a ceremony: step inputs, notes, where they are, the AI
//!   steps started and their results, and how it ended.
//! - [`catalog`]: the ceremonies Joan ships, defined at startup by the [`SYSTEM`] actor so that
//!   a replay of the log rebuilds them like any other row.
use uuid::Uuid;

use crate::ids::UserId;

pub mod catalog;
pub mod component;
pub mod session;
pub mod template;

/// The actor of what Joan itself defines (the seeded templates and components): no user has
/// this id, so no user's audit trail or feed shows those events.
pub const SYSTEM: UserId = UserId(Uuid::from_u128(0x6a6f_616e_0000_7000_8000_0000_5e5e_0001));

crate::word_enum! {
    /// What a step of a ceremony is, as the app draws it.
    pub enum ComponentKind {
        /// A countdown (`config.minutes`).
        Timer = "timer",
        /// A live count of the words written (`config.target_words`).
        WordCounter = "word_counter",
        /// Free writing (`config.placeholder`, `config.show_word_count`).
        WritingArea = "writing_area",
        /// A list of tasks to keep, edit or drop (`config.source`).
        TaskReview = "task_review",
        /// A prompt sent to the user's AI providers; its answer is JSON (`config.output_schema`).
        AiProcessor = "ai_processor",
        /// Figures of a period (`config.period`, `config.metrics`).
        MetricsReview = "metrics_review",
        /// Items to tick (`config.items`).
        Checklist = "checklist",
        /// A last look before finishing (`config.message`).
        Confirm = "confirm",
    }
}
