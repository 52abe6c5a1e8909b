-- Goals (D1 shape; metrics is JSON text). `progress_manual` says whether `progress` was set by
-- hand or follows the linked tasks.
create table goals (
    id              text primary key,
    user_id         text    not null,
    title           text    not null,
    description     text,
    type            text    not null,
    status          text    not null,
    target_date     text,
    completed_at    text,
    progress        integer not null default 0,
    progress_manual integer not null default 0,
    metrics         text    not null default '{}',
    version         integer not null,
    created_at      text    not null,
    updated_at      text    not null
);

create index goals_user on goals (user_id, created_at, id);

-- Whether the linked task is done, kept from the task's own events (the goal's progress);
-- the unique (task_id, goal_id) index serves the lookups by task.
alter table task_goal_links add column task_done integer not null default 0;
