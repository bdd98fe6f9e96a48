// "Faulty MCP": a real MCP server (@modelcontextprotocol/sdk 1.32.2, streamable HTTP, stateless) whose behaviour
// tests switch at runtime, to prove the platform bounds its waits and reports upstream faults.
// Started by the C# NodePeer fixture (NodePeer.StartFaultyAsync) as
//   node --require Peers/force-loopback.cjs Peers/faulty-mcp.mjs
// Environment: PORT (default 3500) -> MCP endpoint http://localhost:PORT/mcp; tools `echo` {message} and `add` {a, b}.
//
// Test-only control endpoints (no MCP):
//   POST /__mode {"mode": "ok|hang|drop|garbage|garbage-json|oldest-version", "methods": ["tools/call"]}
//     ok            answer as an MCP server does
//     hang          read the request and never answer (no status line, no headers)
//     drop          send 200 text/event-stream and half of an SSE event, then destroy the socket
//     garbage       200 with an HTML page (a proxy's error page, say): neither JSON-RPC nor the right content type
//     garbage-json  200 application/json with a JSON body that is not JSON-RPC
//     oldest-version answer `initialize` with protocol version 2024-11-05 whatever the client asked (a server
//                   that only speaks that revision); other methods are answered as usual
//     `methods` limits the fault to POSTs whose JSON-RPC method is listed (e.g. only tools/call, so connecting
//     still works); without it every POST to /mcp is faulty, initialize included.
//   GET /__stats -> {"mode", "methods", "posts": {"<json-rpc method>": n}, "faulted": n}: every POST to /mcp counted
//     by method before any fault is applied, so a test can prove that no request reached the server.

import express from 'express';
import * as z from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const PORT = Number.parseInt(process.env.PORT ?? '3500', 10);
const MODES = ['ok', 'hang', 'drop', 'garbage', 'garbage-json', 'oldest-version'];

let mode = 'ok';
let methods = null; // null: every POST
const stats = { posts: {}, faulted: 0 };

function createMcpServer() {
    const server = new McpServer({ name: 'faulty-mcp', version: '1.0.0' });
    server.registerTool('echo', {
        description: 'Echoes the message back',
        inputSchema: { message: z.string() },
    }, async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
    server.registerTool('add', {
        description: 'Adds two numbers',
        inputSchema: { a: z.number(), b: z.number() },
    }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
    return server;
}

async function fault(req, res) {
    stats.faulted += 1;
    switch (mode) {
        case 'hang':
            // The request stays open until the client gives up.
            return;
        case 'drop': {
            const id = JSON.stringify(req.body?.id ?? null);
            res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
            res.write(`event: message\ndata: {"jsonrpc":"2.0","id":${id},"result":{"con`);
            // Let the partial event reach the client before the connection goes away.
            setTimeout(() => res.socket?.destroy(), 50);
            return;
        }
        case 'garbage':
            res.status(200).type('text/html').send('<html><body><h1>Service temporarily unavailable</h1></body></html>');
            return;
        case 'garbage-json':
            res.status(200).json({ hello: 'world', note: 'not JSON-RPC' });
            return;
        case 'oldest-version':
            if (req.body?.method !== 'initialize') {
                return answer(req, res);
            }
            res.status(200).json({
                jsonrpc: '2.0',
                id: req.body.id,
                result: { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'faulty-mcp', version: '1.0.0' } },
            });
            return;
        default:
            throw new Error(`unknown mode ${mode}`);
    }
}

const app = express();
app.disable('x-powered-by');
app.use(express.json());

app.post('/__mode', (req, res) => {
    const next = req.body?.mode;
    if (!MODES.includes(next)) {
        res.status(400).json({ error: `mode must be one of ${MODES.join(', ')}` });
        return;
    }
    mode = next;
    methods = Array.isArray(req.body.methods) ? req.body.methods : null;
    console.log(`mode ${mode}${methods ? ` for ${methods.join(', ')}` : ''}`);
    res.json({ mode, methods });
});

app.get('/__stats', (_req, res) => {
    res.json({ mode, methods, ...stats });
});

app.post('/mcp', async (req, res) => {
    const method = typeof req.body?.method === 'string' ? req.body.method : '(none)';
    stats.posts[method] = (stats.posts[method] ?? 0) + 1;
    if (mode !== 'ok' && (methods === null || methods.includes(method))) {
        await fault(req, res);
        return;
    }

    await answer(req, res);
});

async function answer(req, res) {
    try {
        // Stateless: a fresh server and transport per request, as the SDK's stateless example does.
        const server = createMcpServer();
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        res.on('close', () => {
            transport.close();
            server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, req.body);
    } catch (err) {
        console.error('MCP request failed:', err);
        if (!res.headersSent) {
            res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
        }
    }
}

// Stateless: no standalone SSE stream and no sessions to delete.
for (const verb of ['get', 'delete']) {
    app[verb]('/mcp', (_req, res) => {
        res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
    });
}

const listener = app.listen(PORT, '127.0.0.1');
listener.once('listening', () => console.log(`faulty MCP server listening on port ${PORT}`));
listener.once('error', (err) => {
    console.error(err.code === 'EADDRINUSE' ? `port ${PORT} already in use (EADDRINUSE)` : err);
    process.exit(1);
});

// Nothing to flush: a test peer stops at once, whatever requests it is holding.
process.on('SIGTERM', () => process.exit(0));
