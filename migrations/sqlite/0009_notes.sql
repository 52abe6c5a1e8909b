-- Folders (a tree per user) and notes (markdown, with its sanitised HTML), D1 shape.
create table folders (
    id          text primary key,
    user_id     text    not null,
    parent_id   text,
    name        text    not null,
    description text,
    color       text,
    icon        text,
    position    integer not null default 0,
    version     integer not null,
    created_at  text    not null,
    updated_at  text    not null
);

create index folders_user_order on folders (user_id, position, name, id);
create index folders_user_parent on folders (user_id, parent_id);

create table notes (
    id           text primary key,
    user_id      text    not null,
    folder_id    text,
    title        text    not null,
    content      text    not null default '',
    content_html text    not null default '',
    tags         text    not null default '[]',
    is_pinned    integer not null default 0,
    is_archived  integer not null default 0,
    version      integer not null,
    created_at   text    not null,
    updated_at   text    not null
);

create index notes_user_created on notes (user_id, created_at desc, id desc);
create index notes_user_folder on notes (user_id, folder_id);
create index tasks_user_folder on tasks (user_id, folder_id);

-- Full-text search: FTS5 tables over the read tables' own text (external content, keyed by
-- their rowids), kept in step by triggers, so every write path (the projectors, a rebuild's
-- swap) keeps them right. `porter` stems like PostgreSQL's `english` configuration. `owner`
-- holds the row's user id as one token (no dashes): a search matches its user's rows only,
-- inside the index (projections/src/search.rs). It is never read back from the table.
create virtual table notes_fts using fts5 (
    owner, title, content, content = 'notes', tokenize = 'porter unicode61 remove_diacritics 2'
);

create trigger notes_fts_insert after insert on notes begin
    insert into notes_fts (rowid, owner, title, content)
    values (new.rowid, replace(new.user_id, '-', ''), new.title, new.content);
end;

create trigger notes_fts_delete after delete on notes begin
    insert into notes_fts (notes_fts, rowid, owner, title, content)
    values ('delete', old.rowid, replace(old.user_id, '-', ''), old.title, old.content);
end;

create trigger notes_fts_update after update of user_id, title, content on notes
when old.user_id is not new.user_id or old.title is not new.title or old.content is not new.content begin
    insert into notes_fts (notes_fts, rowid, owner, title, content)
    values ('delete', old.rowid, replace(old.user_id, '-', ''), old.title, old.content);
    insert into notes_fts (rowid, owner, title, content)
    values (new.rowid, replace(new.user_id, '-', ''), new.title, new.content);
end;

create virtual table tasks_fts using fts5 (
    owner, title, description, content = 'tasks', tokenize = 'porter unicode61 remove_diacritics 2'
);

insert into tasks_fts (rowid, owner, title, description)
select rowid, replace(user_id, '-', ''), title, description from tasks;

create trigger tasks_fts_insert after insert on tasks begin
    insert into tasks_fts (rowid, owner, title, description)
    values (new.rowid, replace(new.user_id, '-', ''), new.title, new.description);
end;

create trigger tasks_fts_delete after delete on tasks begin
    insert into tasks_fts (tasks_fts, rowid, owner, title, description)
    values ('delete', old.rowid, replace(old.user_id, '-', ''), old.title, old.description);
end;

create trigger tasks_fts_update after update of user_id, title, description on tasks
when old.user_id is not new.user_id or old.title is not new.title or old.description is not new.description begin
    insert into tasks_fts (tasks_fts, rowid, owner, title, description)
    values ('delete', old.rowid, replace(old.user_id, '-', ''), old.title, old.description);
    insert into tasks_fts (rowid, owner, title, description)
    values (new.rowid, replace(new.user_id, '-', ''), new.title, new.description);
end;
