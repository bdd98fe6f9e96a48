// Idle per-user connections for scripts/bench.sh: each token's user sets their credential variable for the server
// (its header makes the connection theirs alone) and connects, CONCURRENCY at a time. Prints one JSON object.
// One process and keep-alive connections: a shell and two curls per user cost more CPU than the API's own work.
//
//   node bench/connect-users.mjs <apiBase> <serverName> <variable> <tokensFile> <concurrency>
import { readFileSync } from 'node:fs';

const [apiBase, server, variable, tokensFile, concurrencyText] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);

async function post(token, path, body) {
    const response = await fetch(`${apiBase}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return text;
}

async function connect(token) {
    await post(token, '/api/user/plugins', { pluginKey: `mcp_${server}`, action: 'install', auth: { [variable]: `key-${token.slice(-12)}` } });
    const outcome = JSON.parse(await post(token, `/api/mcp/${server}/reinitialize`));
    if (outcome.success !== true) throw new Error(`reinitialize: ${outcome.message}`);
}

const errors = [];
let connected = 0;
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: Number(concurrencyText) }, async () => {
    while (next < tokens.length) {
        const token = tokens[next++];
        try {
            await connect(token);
            connected++;
        } catch (e) {
            errors.push(String(e.message ?? e));
        }
    }
}));
console.log(JSON.stringify({
    users: tokens.length,
    connected,
    failed: errors.length,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    firstErrors: errors.slice(0, 3),
}));
