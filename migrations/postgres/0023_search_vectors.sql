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

create index notes_search on notes using gin (search_vector);
create index tasks_search on tasks using gin (search_vector);
