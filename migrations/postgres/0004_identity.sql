-- The `users` read table (D1 shape), projected inline from the User stream. It holds no
-- password: a replay rebuilds this table from events, and events never carry secrets. No
-- unique constraint on email here: `credentials` decides who owns an address.
create table users (
    id                   text primary key,
    email                text    not null,
    name                 text    not null,
    is_active            bigint  not null default 1,
    is_superuser         bigint  not null default 0,
    role                 text    not null default 'user',
    onboarding_completed bigint  not null default 0,
    onboarding_progress  text    not null default '{}',
    first_login_at       text,
    version              bigint  not null,
    created_at           text    not null,
    updated_at           text    not null
);

create index users_email on users (email);

-- State beside the log, not projected: password hashes are secrets, so they are never in
-- events, and a table a replay rebuilds cannot hold them. Written in the same transaction as
-- the User event that goes with the change. The unique email is the race guard of sign-up.
create table credentials (
    user_id       text primary key,
    email         text not null,
    password_hash text not null,
    updated_at    text not null,
    constraint credentials_email_unique unique (email)
);

-- Refresh tokens, stored only as the SHA-256 hex of the token. Every token descended from one
-- login shares a family; a spent token presented again revokes its whole family.
create table refresh_tokens (
    token_hash text primary key,
    family_id  text not null,
    user_id    text not null,
    issued_at  text not null,
    expires_at text not null,
    spent_at   text,
    revoked_at text
);

create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id, expires_at);
