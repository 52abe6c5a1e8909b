-- The append-only event log: the single source of truth (PostgreSQL).
--
-- Same table and column names as migrations/sqlite; INTEGER columns are bigint (Joan binds
-- i64), JSON is text. `tx` is the writing transaction's id: catch-up readers order by
-- (tx, position) and only read rows with tx < pg_snapshot_xmin(pg_current_snapshot()), so an
-- event whose transaction commits after a later position is never skipped.
create table events (
    position       bigint generated always as identity primary key,
    aggregate_type text   not null,
    aggregate_id   text   not null,
    sequence       bigint not null,
    event_type     text   not null,
    event_version  text   not null,
    payload        text   not null,
    metadata       text   not null,
    owner_id       text,
    recorded_at    text   not null,
    tx             xid8   not null default pg_current_xact_id(),
    constraint events_stream_sequence unique (aggregate_type, aggregate_id, sequence)
);

create index events_owner on events (owner_id, position);
create index events_tx on events (tx, position);

create function events_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'events are append-only';
end;
$$;

create trigger events_refuse_update before update on events
    for each statement execute function events_refuse_change();

create trigger events_refuse_delete before delete on events
    for each statement execute function events_refuse_change();

create trigger events_refuse_truncate before truncate on events
    for each statement execute function events_refuse_change();

-- Wakes every node's tails: the highest position of each insert statement, delivered on commit.
create function events_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('joan_events', (select max(position) from inserted)::text);
    return null;
end;
$$;

create trigger events_notify after insert on events
    referencing new table as inserted
    for each statement execute function events_notify();

-- Where each catch-up projector has got to; written in the same transaction as its rows.
-- `tx` is the checkpoint's xid8 as a bigint (`tx::text::bigint`); 0 on SQLite.
create table projector_checkpoints (
    name       text primary key,
    position   bigint not null,
    tx         bigint not null default 0,
    updated_at text   not null
);
