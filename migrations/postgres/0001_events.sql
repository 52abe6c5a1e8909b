-- The append-only event log: the single source of truth.
create table events (
    position       integer primary key autoincrement,
    aggregate_type text    not null,
    aggregate_id   text    not null,
    sequence       integer not null,
    event_type     text    not null,
    event_version  text    not null,
    payload        text    not null,
    metadata       text    not null,
    owner_id       text,
    recorded_at    text    not null,
    constraint events_stream_sequence unique (aggregate_type, aggregate_id, sequence)
);

create index events_owner on events (owner_id, position);

create trigger events_refuse_update before update on events
begin
    select raise(abort, 'events are append-only');
end;

create trigger events_refuse_delete before delete on events
begin
    select raise(abort, 'events are append-only');
end;

-- Where each catch-up projector has got to; written in the same transaction as its rows.
create table projector_checkpoints (
    name       text primary key,
    position   integer not null,
    tx         integer not null default 0,
    updated_at text    not null
);
