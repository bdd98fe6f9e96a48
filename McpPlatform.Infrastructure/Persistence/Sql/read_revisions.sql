-- Every revision, as (scope, value) rows.
SELECT scope, value FROM revisions
