INSERT INTO oauth_tokens (user_id, server_id, binding, access_token, refresh_token, token_type, expires_at, issuer, scope, metadata, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, 1, $11)
ON CONFLICT (user_id, server_id) DO UPDATE SET binding = excluded.binding, access_token = excluded.access_token, refresh_token = excluded.refresh_token,
    token_type = excluded.token_type, expires_at = excluded.expires_at, issuer = excluded.issuer, scope = excluded.scope,
    metadata = excluded.metadata, version = oauth_tokens.version + 1, updated_at = excluded.updated_at
RETURNING version
