-- Every revision as (scope, value), then the registry changes logged after revision $1 as ('change', revision,
-- previous, scopes): one statement, so one snapshot. At most 10,001 changes: past 10,000 the reader starts afresh.
SELECT scope, value, NULL::bigint AS previous, NULL::text[] AS scopes FROM revisions
UNION ALL
(SELECT 'change', revision, previous, scopes FROM registry_changes WHERE revision > $1 ORDER BY revision LIMIT 10001)
