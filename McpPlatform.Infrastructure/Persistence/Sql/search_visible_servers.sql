WITH arg AS MATERIALIZED (SELECT 'public' = ANY($1::text[]) AS public, $3::text AS pattern, $4::int AS n, $5::text AS after),
public_head AS MATERIALIZED (
    SELECT h.id, h.server_name
    FROM (SELECT s.id, s.server_name, s.search_text FROM mcp_servers s
          WHERE (SELECT public FROM arg) AND viewer_keys @> '{public:*}'::text[] AND octet_length(search_text) <= 1500
            AND s.server_name > (SELECT after FROM arg)
          ORDER BY s.server_name
          LIMIT (SELECT 10 * n FROM arg)) h
    WHERE h.search_text LIKE (SELECT pattern FROM arg)
    LIMIT (SELECT n FROM arg)),
public_long AS (
    SELECT l.id, l.server_name
    FROM (SELECT s.id, s.server_name, s.search_text FROM mcp_servers s
          WHERE (SELECT count(*) FROM public_head) >= (SELECT n FROM arg)
            AND viewer_keys @> '{public:*}'::text[] AND octet_length(search_text) > 1500
            AND s.server_name > (SELECT after FROM arg)
          ORDER BY s.server_name
          OFFSET 0) l
    WHERE l.search_text LIKE (SELECT pattern FROM arg)
    LIMIT (SELECT n FROM arg)),
public_rare AS (
    SELECT p.id, p.server_name
    FROM (SELECT s.id, s.server_name FROM mcp_servers s
          WHERE (SELECT count(*) FROM public_head) < (SELECT n FROM arg) AND (SELECT public FROM arg)
            AND viewer_keys @> '{public:*}'::text[] AND s.search_text LIKE (SELECT pattern FROM arg)
          OFFSET 0) p
    WHERE p.server_name > (SELECT after FROM arg)
    ORDER BY p.server_name
    LIMIT (SELECT n FROM arg)),
shared AS (
    SELECT DISTINCT c.resource_id AS id, c.resource_name AS server_name
    FROM unnest($1::text[], $2::text[]) AS p(t, i)
    CROSS JOIN LATERAL (
        SELECT a.resource_id, a.resource_name FROM acl_entries a
        WHERE a.principal_type = p.t AND a.principal_id = p.i AND a.resource_type = 'mcpServer'
          AND a.resource_name > (SELECT after FROM arg) AND (a.perm_bits & 1) = 1
          AND CASE WHEN a.search_text IS NOT NULL THEN a.search_text LIKE (SELECT pattern FROM arg)
                   ELSE (SELECT s.search_text FROM mcp_servers s WHERE s.id = a.resource_id) LIKE (SELECT pattern FROM arg) END
        ORDER BY a.resource_name
        LIMIT (SELECT n FROM arg)) c
    WHERE p.t <> 'public'
    ORDER BY 2
    LIMIT (SELECT n FROM arg))
SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version
FROM (SELECT * FROM public_head UNION SELECT * FROM public_long UNION SELECT * FROM public_rare UNION SELECT * FROM shared
      ORDER BY server_name
      LIMIT (SELECT n FROM arg)) v
JOIN mcp_servers s ON s.id = v.id
ORDER BY s.server_name
