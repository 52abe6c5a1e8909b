-- Full-text search keeps each row's tsvector in a stored generated column, indexed by GIN,
-- instead of indexing the expression: ranking a match now reads its stored vector rather than
-- parsing the row's text again (a word in 100,000 of a user's notes took seconds to rank;
-- docs/benchmarks.md). Every write still keeps it right: PostgreSQL computes the column.
drop index notes_search;
drop index tasks_search;

alter table notes add column search_vector tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || to_tsvector('english', content)
) stored;
alter table tasks add column search_vector tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || to_tsvector('english', coalesce(description, ''))
) stored;

-- The owner is in the index too (btree_gin, a contrib extension trusted since PostgreSQL 13):
-- a search of one user's rows intersects the user's entries with the word's inside the
-- index, rather than checking the word in every one of the user's rows (a count of a common
-- word's matches among 100,000 notes: 300 ms with the word's index alone, about 105 with
-- both). A condition on either column alone uses it as well.
create extension if not exists btree_gin;
create index notes_search on notes using gin (user_id, search_vector);
create index tasks_search on tasks using gin (user_id, search_vector);
