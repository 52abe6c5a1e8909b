-- Folders (a tree per user) and notes (markdown, with its sanitised HTML), D1 shape.
create table folders (
    id          text primary key,
    user_id     text   not null,
    parent_id   text,
    name        text   not null,
    description text,
    color       text,
    icon        text,
    position    bigint not null default 0,
    version     bigint not null,
    created_at  text   not null,
    updated_at  text   not null
);

create index folders_user_order on folders (user_id, position, name, id);
create index folders_user_parent on folders (user_id, parent_id);

create table notes (
    id           text primary key,
    user_id      text   not null,
    folder_id    text,
    title        text   not null,
    content      text   not null default '',
    content_html text   not null default '',
    tags         text   not null default '[]',
    is_pinned    bigint not null default 0,
    is_archived  bigint not null default 0,
    version      bigint not null,
    created_at   text   not null,
    updated_at   text   not null
);

create index notes_user_created on notes (user_id, created_at desc, id desc);
create index notes_user_folder on notes (user_id, folder_id);
create index tasks_user_folder on tasks (user_id, folder_id);

-- Full-text search: GIN indexes on the very expressions the queries match (title weighted
-- above the body), so nothing extra is stored and every write keeps them right.
create index notes_search on notes using gin (
    (setweight(to_tsvector('english', title), 'A') || to_tsvector('english', content))
);
create index tasks_search on tasks using gin (
    (setweight(to_tsvector('english', title), 'A') || to_tsvector('english', coalesce(description, '')))
);
