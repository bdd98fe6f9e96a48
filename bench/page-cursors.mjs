// Page cursors for scripts/bench.sh: for each user, follows the list's nextCursor from the first page, as a client
// would, to the cursor that opens page <page> at page size <size> (or the last page the user has, when they see fewer
// servers). Prints one line per user: "<uid><TAB><token><TAB><cursor><TAB><after name><TAB><page reached>", where the
// after name is what the cursor carries (the list statement's `after` argument, for pgbench); users with a single
// page get an empty cursor and name. A summary goes to stderr.
//
//   node bench/page-cursors.mjs <apiBase> <usersFile: uid TAB token> <size> <page> <concurrency>
import { readFileSync } from 'node:fs';

const [apiBase, usersFile, sizeText, pageText, concurrencyText] = process.argv.slice(2);
const size = Number(sizeText), page = Number(pageText);
const users = readFileSync(usersFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const out = new Array(users.length);
const reached = new Map();
let next = 0;
let failures = 0;

async function walk(uid, token) {
    let cursor = '';
    let at = 1;
    while (at < page) {
        const response = await fetch(`${apiBase}/api/mcp/servers?limit=${size}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
        if (!response.ok) throw new Error(`answered ${response.status}`);
        const body = await response.json();
        if (!body.nextCursor) break;
        cursor = body.nextCursor;
        at++;
    }
    const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8').replace(/^n1:/, '') : '';
    return `${uid}\t${token}\t${cursor}\t${after}\t${at}`;
}

await Promise.all(Array.from({ length: Number(concurrencyText) }, async () => {
    while (next < users.length) {
        const i = next++;
        const [uid, token] = users[i];
        try {
            out[i] = await walk(uid, token);
            const at = Number(out[i].split('\t')[4]);
            reached.set(at, (reached.get(at) ?? 0) + 1);
        } catch (e) {
            failures++;
        }
    }
}));
process.stdout.write(out.filter(Boolean).join('\n') + '\n');
console.error(JSON.stringify({ users: users.length, failures, size, page, usersByPageReached: Object.fromEntries([...reached].sort((a, b) => a[0] - b[0])) }));
