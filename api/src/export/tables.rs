//! What `joan export d1` writes: every read table the D1 schema has, with its columns in D1's
//! types. The one list of exported tables and columns; the SQL is written from it.
//!
//! `users`, `user_settings` and `tasks` keep the seed's own D1 schema (its columns, defaults and
//! `REFERENCES users(id) ON DELETE CASCADE`); every other table is written in the same style.
//! Joan's own bookkeeping (stream versions, list positions, key masks, derived flags, the
//! step state of ceremonies) stays out.

/// One exported table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// Columns given an index of their own (`idx_<table>_<column>`).
    pub indexes: &'static [&'static str],
}

/// One column of an exported table.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    /// Its D1 declaration: type, constraints, default.
    pub decl: &'static str,
    pub source: Source,
}

/// Where a column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Joan's column of the same name.
    Same,
    /// An SQL expression over Joan's table (portable to both backends).
    Expr(&'static str),
    /// Nothing of Joan's: the column is part of the D1 schema and takes its default.
    Default,
}

impl Column {
    /// The SQL selecting this column's values from Joan's table; `None` for [`Source::Default`].
    pub fn select(&self) -> Option<&'static str> {
        match self.source {
            Source::Same => Some(self.name),
            Source::Expr(sql) => Some(sql),
            Source::Default => None,
        }
    }
}

const fn c(name: &'static str, decl: &'static str) -> Column {
    Column {
        name,
        decl,
        source: Source::Same,
    }
}

const ID: Column = c("id", "TEXT PRIMARY KEY");
const OWNER: Column = c("user_id", "TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE");
const CREATED: Column = c("created_at", "TEXT NOT NULL DEFAULT (datetime('now'))");
const UPDATED: Column = c("updated_at", "TEXT NOT NULL DEFAULT (datetime('now'))");
const TAGS: Column = c("tags", "TEXT NOT NULL DEFAULT '[]'");

/// Every exported table, parents first (`users` before what references it).
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ID,
            c("email", "TEXT NOT NULL UNIQUE"),
            // The current hash from the credential store (argon2id, or an imported bcrypt
            // hash not yet re-hashed).
            Column {
                name: "hashed_password",
                decl: "TEXT NOT NULL",
                source: Source::Expr(
                    "coalesce((select password_hash from credentials where credentials.user_id = users.id), '')",
                ),
            },
            c("name", "TEXT"),
            c("is_active", "INTEGER NOT NULL DEFAULT 1"),
            c("is_superuser", "INTEGER NOT NULL DEFAULT 0"),
            c("role", "TEXT NOT NULL DEFAULT 'user'"),
            c("onboarding_completed", "INTEGER NOT NULL DEFAULT 0"),
            c("onboarding_progress", "TEXT NOT NULL DEFAULT '{}'"),
            c("first_login_at", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &[],
    },
    Table {
        name: "user_settings",
        columns: &[
            ID,
            c("user_id", "TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE"),
            c("theme", "TEXT NOT NULL DEFAULT 'light'"),
            Column {
                name: "language",
                decl: "TEXT NOT NULL DEFAULT 'en'",
                source: Source::Default,
            },
            c("timezone", "TEXT NOT NULL DEFAULT 'UTC'"),
            c("notifications_enabled", "INTEGER NOT NULL DEFAULT 1"),
            c("default_work_duration", "INTEGER NOT NULL DEFAULT 25"),
            c("default_break_duration", "INTEGER NOT NULL DEFAULT 5"),
            c("openai_api_key_encrypted", "TEXT"),
            c("anthropic_api_key_encrypted", "TEXT"),
            c("local_llm_enabled", "INTEGER NOT NULL DEFAULT 0"),
            c("local_llm_url", "TEXT"),
            c("local_llm_model", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &[],
    },
    Table {
        name: "tasks",
        columns: &[
            ID,
            OWNER,
            c("title", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("status", "TEXT NOT NULL DEFAULT 'pending'"),
            c("priority", "INTEGER DEFAULT 0"),
            c("due_date", "TEXT"),
            c("completed_at", "TEXT"),
            c("folder_id", "TEXT"),
            c("project_id", "TEXT"),
            c("estimated_minutes", "INTEGER"),
            c("actual_minutes", "INTEGER"),
            TAGS,
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id", "status", "due_date"],
    },
    Table {
        name: "task_activities",
        columns: &[
            ID,
            c("task_id", "TEXT NOT NULL"),
            OWNER,
            c("action", "TEXT NOT NULL"),
            c("details", "TEXT NOT NULL DEFAULT '{}'"),
            CREATED,
        ],
        indexes: &["task_id"],
    },
    Table {
        name: "kanban_boards",
        columns: &[
            ID,
            OWNER,
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("project_id", "TEXT"),
            c("columns", "TEXT NOT NULL DEFAULT '[]'"),
            c("settings", "TEXT NOT NULL DEFAULT '{}'"),
            c("kanban_position", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "goals",
        columns: &[
            ID,
            OWNER,
            c("title", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("type", "TEXT NOT NULL"),
            c("status", "TEXT NOT NULL"),
            c("target_date", "TEXT"),
            c("completed_at", "TEXT"),
            c("progress", "INTEGER NOT NULL DEFAULT 0"),
            c("metrics", "TEXT NOT NULL DEFAULT '{}'"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "task_goal_links",
        columns: &[
            ID,
            c("task_id", "TEXT NOT NULL"),
            c("goal_id", "TEXT NOT NULL"),
            CREATED,
        ],
        indexes: &["task_id", "goal_id"],
    },
    Table {
        name: "folders",
        columns: &[
            ID,
            OWNER,
            c("parent_id", "TEXT"),
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("color", "TEXT"),
            c("icon", "TEXT"),
            c("position", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "notes",
        columns: &[
            ID,
            OWNER,
            c("folder_id", "TEXT"),
            c("title", "TEXT NOT NULL"),
            c("content", "TEXT NOT NULL DEFAULT ''"),
            c("content_html", "TEXT NOT NULL DEFAULT ''"),
            TAGS,
            c("is_pinned", "INTEGER NOT NULL DEFAULT 0"),
            c("is_archived", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id", "folder_id"],
    },
    Table {
        name: "clients",
        columns: &[
            ID,
            OWNER,
            c("name", "TEXT NOT NULL"),
            c("email", "TEXT"),
            c("phone", "TEXT"),
            c("company", "TEXT"),
            c("status", "TEXT NOT NULL DEFAULT 'active'"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "projects",
        columns: &[
            ID,
            OWNER,
            c("client_id", "TEXT"),
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("status", "TEXT NOT NULL DEFAULT 'active'"),
            c("start_date", "TEXT"),
            c("end_date", "TEXT"),
            // Decimal strings, as Joan keeps them: no rounding through a float.
            c("budget", "TEXT"),
            c("hourly_rate", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id", "client_id"],
    },
    Table {
        name: "project_memberships",
        columns: &[
            ID,
            c("project_id", "TEXT NOT NULL"),
            OWNER,
            c("role", "TEXT NOT NULL"),
            CREATED,
        ],
        indexes: &["project_id", "user_id"],
    },
    Table {
        name: "pomodoro_sessions",
        columns: &[
            ID,
            OWNER,
            c("type", "TEXT NOT NULL"),
            c("duration_minutes", "INTEGER NOT NULL"),
            c("started_at", "TEXT NOT NULL"),
            c("ended_at", "TEXT"),
            c("completed", "INTEGER NOT NULL DEFAULT 0"),
            c("task_id", "TEXT"),
            c("notes", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "pomodoro_settings",
        columns: &[
            ID,
            c("user_id", "TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE"),
            c("work_duration", "INTEGER NOT NULL DEFAULT 25"),
            c("short_break_duration", "INTEGER NOT NULL DEFAULT 5"),
            c("long_break_duration", "INTEGER NOT NULL DEFAULT 15"),
            c("sessions_until_long_break", "INTEGER NOT NULL DEFAULT 4"),
            c("auto_start_breaks", "INTEGER NOT NULL DEFAULT 0"),
            c("auto_start_pomodoros", "INTEGER NOT NULL DEFAULT 0"),
            c("sound_enabled", "INTEGER NOT NULL DEFAULT 1"),
            CREATED,
            UPDATED,
        ],
        indexes: &[],
    },
    Table {
        name: "daily_schedules",
        columns: &[
            ID,
            OWNER,
            c("date", "TEXT NOT NULL"),
            c("blocks", "TEXT NOT NULL DEFAULT '[]'"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "schedule_templates",
        columns: &[
            ID,
            OWNER,
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("blocks", "TEXT NOT NULL DEFAULT '[]'"),
            c("is_default", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "personal_activities",
        columns: &[
            ID,
            OWNER,
            c("type", "TEXT NOT NULL"),
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("duration_minutes", "INTEGER"),
            c("date", "TEXT NOT NULL"),
            c("time", "TEXT"),
            c("mood_before", "INTEGER"),
            c("mood_after", "INTEGER"),
            c("energy_before", "INTEGER"),
            c("energy_after", "INTEGER"),
            TAGS,
            c("location", "TEXT"),
            c("weather", "TEXT"),
            c("goal_id", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id", "date"],
    },
    Table {
        name: "activity_goals",
        columns: &[
            ID,
            OWNER,
            c("activity_type", "TEXT NOT NULL"),
            c("target_frequency", "TEXT NOT NULL"),
            c("target_count", "INTEGER"),
            c("target_duration_minutes", "INTEGER"),
            c("start_date", "TEXT"),
            c("end_date", "TEXT"),
            c("reminder_time", "TEXT"),
            c("is_active", "INTEGER NOT NULL DEFAULT 1"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "attachments",
        columns: &[
            ID,
            OWNER,
            c("filename", "TEXT NOT NULL"),
            c("mime_type", "TEXT NOT NULL"),
            c("size", "INTEGER NOT NULL"),
            c("storage_key", "TEXT NOT NULL"),
            c("entity_type", "TEXT NOT NULL"),
            c("entity_id", "TEXT NOT NULL"),
            c("uploaded_at", "TEXT NOT NULL DEFAULT (datetime('now'))"),
            UPDATED,
        ],
        indexes: &["user_id", "entity_id"],
    },
    Table {
        name: "ceremony_templates",
        columns: &[
            ID,
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("category", "TEXT NOT NULL"),
            c("component_ids", "TEXT NOT NULL DEFAULT '[]'"),
            c("icon", "TEXT"),
            c("estimated_minutes", "INTEGER"),
            c("redirect_path", "TEXT"),
            c("is_active", "INTEGER NOT NULL DEFAULT 1"),
            c("order_index", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &[],
    },
    Table {
        name: "ceremony_components",
        columns: &[
            ID,
            c("type", "TEXT NOT NULL"),
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("config", "TEXT NOT NULL DEFAULT '{}'"),
            c("ai_provider_id", "TEXT"),
            c("ai_prompt_template", "TEXT"),
            c("ai_model_override", "TEXT"),
            c("ai_temperature_override", "REAL"),
            c("ai_max_tokens_override", "INTEGER"),
            c("order_index", "INTEGER NOT NULL DEFAULT 0"),
            c("is_required", "INTEGER NOT NULL DEFAULT 1"),
            c("is_active", "INTEGER NOT NULL DEFAULT 1"),
            CREATED,
            UPDATED,
        ],
        indexes: &[],
    },
    Table {
        name: "ceremony_sessions",
        columns: &[
            ID,
            OWNER,
            c("template_id", "TEXT NOT NULL"),
            c("project_id", "TEXT"),
            c("task_id", "TEXT"),
            c("started_at", "TEXT NOT NULL"),
            c("completed_at", "TEXT"),
            c("duration_minutes", "INTEGER"),
            c("status", "TEXT NOT NULL"),
            c("current_step", "INTEGER NOT NULL DEFAULT 0"),
            c("input_data", "TEXT NOT NULL DEFAULT '{}'"),
            c("output_data", "TEXT"),
            c("notes", "TEXT"),
            c("tasks_created", "INTEGER NOT NULL DEFAULT 0"),
            c("notes_created", "INTEGER NOT NULL DEFAULT 0"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "ai_providers",
        columns: &[
            ID,
            OWNER,
            c("provider_type", "TEXT NOT NULL"),
            c("provider_name", "TEXT NOT NULL"),
            c("api_key_encrypted", "TEXT"),
            c("api_endpoint", "TEXT"),
            c("model_name", "TEXT NOT NULL"),
            c("max_tokens", "INTEGER"),
            c("temperature", "REAL"),
            c("is_active", "INTEGER NOT NULL DEFAULT 1"),
            c("is_default", "INTEGER NOT NULL DEFAULT 0"),
            c("priority", "INTEGER NOT NULL DEFAULT 0"),
            c("total_requests", "INTEGER NOT NULL DEFAULT 0"),
            c("total_tokens", "INTEGER NOT NULL DEFAULT 0"),
            // Micro-dollars, as Joan counts them.
            c("total_cost", "INTEGER NOT NULL DEFAULT 0"),
            c("last_used_at", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "ai_requests",
        columns: &[
            ID,
            OWNER,
            c("component_id", "TEXT"),
            c("provider_id", "TEXT"),
            c("prompt", "TEXT NOT NULL"),
            c("response", "TEXT"),
            c("model_used", "TEXT"),
            c("tokens_total", "INTEGER NOT NULL DEFAULT 0"),
            c("latency_ms", "INTEGER NOT NULL DEFAULT 0"),
            c("status", "TEXT NOT NULL"),
            c("error_message", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "ai_workflow_templates",
        columns: &[
            ID,
            OWNER,
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("steps", "TEXT NOT NULL DEFAULT '[]'"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "ai_workflow_executions",
        columns: &[
            ID,
            OWNER,
            c("template_id", "TEXT NOT NULL"),
            c("template_name", "TEXT NOT NULL"),
            c("status", "TEXT NOT NULL"),
            c("input", "TEXT NOT NULL DEFAULT '{}'"),
            c("current_step", "INTEGER"),
            c("error", "TEXT"),
            c("completed_at", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
    Table {
        name: "ai_workflow_steps",
        columns: &[
            ID,
            c("execution_id", "TEXT NOT NULL"),
            OWNER,
            c("step_index", "INTEGER NOT NULL"),
            c("name", "TEXT NOT NULL"),
            c("type", "TEXT NOT NULL"),
            c("status", "TEXT NOT NULL"),
            c("attempt", "INTEGER NOT NULL DEFAULT 0"),
            c("output", "TEXT"),
            c("provider", "TEXT"),
            c("model", "TEXT"),
            c("tokens_in", "INTEGER"),
            c("tokens_out", "INTEGER"),
            c("latency_ms", "INTEGER"),
            c("cost_micro_usd", "INTEGER"),
            c("error", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["execution_id"],
    },
    Table {
        name: "ai_prompt_library",
        columns: &[
            ID,
            OWNER,
            c("name", "TEXT NOT NULL"),
            c("description", "TEXT"),
            c("category", "TEXT"),
            c("template", "TEXT NOT NULL"),
            c("variables", "TEXT NOT NULL DEFAULT '[]'"),
            c("is_favorite", "INTEGER NOT NULL DEFAULT 0"),
            c("usage_count", "INTEGER NOT NULL DEFAULT 0"),
            c("last_used_at", "TEXT"),
            CREATED,
            UPDATED,
        ],
        indexes: &["user_id"],
    },
];

impl Table {
    /// The column that references `users` (its rows need their user in the export), if any.
    pub fn owner(&self) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|c| c.decl.contains("REFERENCES users(id)"))
            .map(|c| c.name)
    }

    /// The columns that carry Joan's values, in order.
    pub fn exported(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.source != Source::Default)
    }
}
