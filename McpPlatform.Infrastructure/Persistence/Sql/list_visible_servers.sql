SELECT s.id, s.server_name, s.config, s.secrets, s.author_id, s.created_at, s.updated_at, s.version
FROM mcp_servers s
WHERE s.id IN (SELECT a.resource_id FROM unnest($1::text[], $2::text[]) AS p(t, i)
               JOIN acl_entries a ON a.principal_type = p.t AND a.principal_id = p.i
               WHERE a.resource_type = 'mcpServer' AND (a.perm_bits & 1) = 1)
ORDER BY s.server_name
