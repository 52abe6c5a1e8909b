-- Ceremonies (D1 shape): templates and components are global (defined by Joan at startup, see
-- joan_commands::catalog); sessions are one user's runs. JSON columns hold JSON text.
create table ceremony_templates (
    id                text primary key,
    name              text    not null,
    description       text    not null,
    category          text    not null,
    component_ids     text    not null default '[]',
    icon              text    not null,
    estimated_minutes integer not null,
    redirect_path     text,
    is_active         integer not null default 1,
    order_index       integer not null default 0,
    version           integer not null,
    created_at        text    not null,
    updated_at        text    not null
);

create table ceremony_components (
    id                      text primary key,
    type                    text    not null,
    name                    text    not null,
    description             text    not null,
    config                  text    not null default '{}',
    ai_provider_id          text,
    ai_prompt_template      text,
    ai_model_override       text,
    ai_temperature_override real,
    ai_max_tokens_override  integer,
    order_index             integer not null default 0,
    is_required             integer not null default 1,
    is_active               integer not null default 1,
    version                 integer not null,
    created_at              text    not null,
    updated_at              text    not null
);

-- `steps` is the template's components as the session started with them; `ai_steps` the
-- AI steps started and their results, by component id.
create table ceremony_sessions (
    id               text primary key,
    user_id          text    not null,
    template_id      text    not null,
    project_id       text,
    task_id          text,
    started_at       text    not null,
    completed_at     text,
    duration_minutes integer,
    status           text    not null,
    current_step     integer not null default 0,
    steps            text    not null default '[]',
    input_data       text    not null default '{}',
    output_data      text,
    notes            text,
    tasks_created    integer not null default 0,
    notes_created    integer not null default 0,
    ai_steps         text    not null default '{}',
    version          integer not null,
    created_at       text    not null,
    updated_at       text    not null
);

create index ceremony_sessions_user on ceremony_sessions (user_id, created_at desc, id desc);

create table ai_prompt_library (
    id           text primary key,
    user_id      text    not null,
    name         text    not null,
    description  text,
    category     text,
    template     text    not null,
    variables    text    not null default '[]',
    is_favorite  integer not null default 0,
    usage_count  integer not null default 0,
    last_used_at text,
    version      integer not null,
    created_at   text    not null,
    updated_at   text    not null
);

create index ai_prompt_library_user on ai_prompt_library (user_id, created_at desc, id desc);
