-- Same SQL as McpPlatform.Infrastructure/Persistence/Repositories/ServerRepository.cs, same parameters as the API
-- sends for one of the benchmark users (uid = 1 + 157*k, groups as bench/seed.sql assigns them, role USER).
\set uid 1 + random(0, 63) * 157
\set g1 (:uid % 200) + 1
\set g2 ((:uid + 67) % 200) + 1
\set g3 ((:uid + 133) % 200) + 1
SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version
FROM mcp_servers s
WHERE s.viewer_keys && ARRAY[E'user\x3au' || :uid::int, E'role\x3aUSER', E'group\x3ag' || :g1::int, E'group\x3ag' || :g2::int, E'group\x3ag' || :g3::int, 'public:*']::text[] AND s.search_text LIKE '%weather%' AND s.server_name > ''
ORDER BY s.server_name
LIMIT 21;
