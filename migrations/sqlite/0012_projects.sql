-- Projects (D1 shape; budget and hourly_rate are exact decimals kept as text) and their
-- members. Every member has a row, the creator as owner.
create table projects (
    id          text primary key,
    user_id     text    not null,
    client_id   text,
    name        text    not null,
    description text,
    status      text    not null,
    start_date  text,
    end_date    text,
    budget      text,
    hourly_rate text,
    version     integer not null,
    created_at  text    not null,
    updated_at  text    not null
);

create index projects_client on projects (client_id);

create table project_memberships (
    id         text primary key,
    project_id text not null,
    user_id    text not null,
    role       text not null,
    created_at text not null,
    constraint project_memberships_unique unique (project_id, user_id)
);

create index project_memberships_user on project_memberships (user_id, project_id);

-- A project's tasks, for its members' `GET /tasks?project_id=` (tasks outside projects cost
-- nothing here).
create index tasks_project on tasks (project_id, created_at, id) where project_id is not null;
