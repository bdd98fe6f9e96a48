UPDATE oauth_tokens SET access_token = $5, refresh_token = $6, token_type = $7, expires_at = $8,
       issuer = $9, scope = $10, metadata = $11::jsonb, version = version + 1, updated_at = $12
WHERE user_id = $1 AND server_id = $2 AND binding = $3 AND version = $4
RETURNING version
