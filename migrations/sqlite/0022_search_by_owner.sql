-- The full-text indexes keep each user's rows together: an index row's rowid is the user's key
-- (28 bits from the last 7 characters of the user id, shifted 32 bits up) plus the table
-- row's rowid. A search of one user's rows then reads only that stretch of each word's
-- doclist (`rowid between key and key + 2^32 - 1`) instead of every user's, and pages their
-- newest matches by rowid. Two users may share a key; the `owner` token still decides whose a
-- row is. The indexes become contentless (their rowids no longer name table rows); the
-- search reads the rows from the tables, by `rowid & 0xffffffff`. Rowids of the tables must
-- stay under 2^32. The key is written out here and in `projections/src/search.rs`, which a
-- test keeps equal.

drop trigger notes_fts_insert;
drop trigger notes_fts_delete;
drop trigger notes_fts_update;
drop table notes_fts;

create virtual table notes_fts using fts5 (
    owner, title, content, content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

insert into notes_fts (rowid, owner, title, content)
select (((coalesce(unicode(substr(user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(user_id, -7, 1)), 0) & 15) << 24)) << 32) + rowid, replace(user_id, '-', ''), title, content from notes;

create trigger notes_fts_insert after insert on notes begin
    insert into notes_fts (rowid, owner, title, content)
    values ((((coalesce(unicode(substr(new.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(new.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(new.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(new.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(new.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(new.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(new.user_id, -7, 1)), 0) & 15) << 24)) << 32) + new.rowid, replace(new.user_id, '-', ''), new.title, new.content);
end;

create trigger notes_fts_delete after delete on notes begin
    delete from notes_fts where rowid = (((coalesce(unicode(substr(old.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(old.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(old.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(old.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(old.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(old.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(old.user_id, -7, 1)), 0) & 15) << 24)) << 32) + old.rowid;
end;

create trigger notes_fts_update after update of user_id, title, content on notes
when old.user_id is not new.user_id or old.title is not new.title or old.content is not new.content begin
    delete from notes_fts where rowid = (((coalesce(unicode(substr(old.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(old.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(old.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(old.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(old.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(old.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(old.user_id, -7, 1)), 0) & 15) << 24)) << 32) + old.rowid;
    insert into notes_fts (rowid, owner, title, content)
    values ((((coalesce(unicode(substr(new.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(new.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(new.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(new.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(new.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(new.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(new.user_id, -7, 1)), 0) & 15) << 24)) << 32) + new.rowid, replace(new.user_id, '-', ''), new.title, new.content);
end;

drop trigger tasks_fts_insert;
drop trigger tasks_fts_delete;
drop trigger tasks_fts_update;
drop table tasks_fts;

create virtual table tasks_fts using fts5 (
    owner, title, description, content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

insert into tasks_fts (rowid, owner, title, description)
select (((coalesce(unicode(substr(user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(user_id, -7, 1)), 0) & 15) << 24)) << 32) + rowid, replace(user_id, '-', ''), title, description from tasks;

create trigger tasks_fts_insert after insert on tasks begin
    insert into tasks_fts (rowid, owner, title, description)
    values ((((coalesce(unicode(substr(new.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(new.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(new.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(new.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(new.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(new.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(new.user_id, -7, 1)), 0) & 15) << 24)) << 32) + new.rowid, replace(new.user_id, '-', ''), new.title, new.description);
end;

create trigger tasks_fts_delete after delete on tasks begin
    delete from tasks_fts where rowid = (((coalesce(unicode(substr(old.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(old.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(old.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(old.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(old.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(old.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(old.user_id, -7, 1)), 0) & 15) << 24)) << 32) + old.rowid;
end;

create trigger tasks_fts_update after update of user_id, title, description on tasks
when old.user_id is not new.user_id or old.title is not new.title or old.description is not new.description begin
    delete from tasks_fts where rowid = (((coalesce(unicode(substr(old.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(old.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(old.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(old.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(old.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(old.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(old.user_id, -7, 1)), 0) & 15) << 24)) << 32) + old.rowid;
    insert into tasks_fts (rowid, owner, title, description)
    values ((((coalesce(unicode(substr(new.user_id, -1, 1)), 0) & 15)
        | ((coalesce(unicode(substr(new.user_id, -2, 1)), 0) & 15) << 4)
        | ((coalesce(unicode(substr(new.user_id, -3, 1)), 0) & 15) << 8)
        | ((coalesce(unicode(substr(new.user_id, -4, 1)), 0) & 15) << 12)
        | ((coalesce(unicode(substr(new.user_id, -5, 1)), 0) & 15) << 16)
        | ((coalesce(unicode(substr(new.user_id, -6, 1)), 0) & 15) << 20)
        | ((coalesce(unicode(substr(new.user_id, -7, 1)), 0) & 15) << 24)) << 32) + new.rowid, replace(new.user_id, '-', ''), new.title, new.description);
end;
