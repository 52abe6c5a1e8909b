-- Sessions ended before their refresh tokens ran out: by a logout, a password change, or a
-- spent refresh token presented again. A session is one login: its id is the `family_id` of
-- its refresh tokens and the `sid` claim of its access tokens, which every node refuses once
-- the id is here. Rows go after a refresh token's life (30 days), by then nothing of the
-- session can still be valid.
create table ended_sessions (
    session_id text primary key,
    user_id    text not null,
    ended_at   text not null
);

create index ended_sessions_ended_at on ended_sessions (ended_at);
