// Bearer tokens for scripts/bench.sh, signed as the API's `token` command signs them (HS256 over the same claims),
// all in one process: one line in, one token out. A line is `sub`, optionally followed by a tab and a JSON array of
// groups and a tab and a role (USER unless given).
//
//   printf 'u1\t["g1"]\nadmin\t\tADMIN\n' | node bench/mint-tokens.mjs <signingKey> <issuer> <audience>
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [key, issuer, audience] = process.argv.slice(2);
if (!key || !issuer || !audience) throw new Error('usage: mint-tokens.mjs <signingKey> <issuer> <audience> < subjects');

const b64url = (text) => Buffer.from(text).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const out = [];
for (const line of readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
    const [sub, groups, role] = line.split('\t');
    const claims = { sub, role: role || 'USER', ...(groups ? { groups: JSON.parse(groups) } : {}), iss: issuer, aud: audience, iat: now, nbf: now, exp: now + 7200 };
    const unsigned = `${header}.${b64url(JSON.stringify(claims))}`;
    out.push(`${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`);
}
process.stdout.write(out.join('\n') + '\n');
