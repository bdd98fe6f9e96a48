'use strict';
// Preloaded into the test peers (`node --require ./force-loopback.cjs <script> ...`).
//
// 1. Keeps them on loopback: the peers call `listen(port)` with no host, which binds every
//    interface. A listen call that names a port but no host binds 127.0.0.1 instead; a call
//    that names a host, a pipe path, a handle or a file descriptor is left as it is.
//    Handled forms: listen(port), listen(port, cb), listen(port, backlog, cb),
//    listen({ port, ... }[, cb]); a port may be a number or a numeric string (env PORT).
// 2. When MCP_PEER_EXIT_WITH_PARENT=1 (set by the C# NodePeer fixture), the peer exits once
//    the process that started it is gone, so a crashed test host leaves no server behind.

const net = require('net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
    if (typeof value === 'number') {
        return Number.isInteger(value) && value >= 0;
    }
    return typeof value === 'string' && /^\d+$/.test(value.trim());
}

function isPlainOptions(value) {
    return value !== null
        && typeof value === 'object'
        && !(value instanceof net.Server)
        && value._handle === undefined
        && value.fd === undefined
        && value.path === undefined
        && value.port !== undefined
        && value.port !== null;
}

function forceLoopback(...args) {
    const first = args[0];
    if (isPort(first) && typeof args[1] !== 'string') {
        // (port), (port, cb), (port, backlog), (port, backlog, cb): insert the host after the port.
        return originalListen.apply(this, [first, LOOPBACK, ...args.slice(1)]);
    }
    if (isPlainOptions(first) && (first.host === undefined || first.host === null || first.host === '')) {
        return originalListen.apply(this, [{ ...first, host: LOOPBACK }, ...args.slice(1)]);
    }
    return originalListen.apply(this, args);
}

net.Server.prototype.listen = forceLoopback;

if (process.env.MCP_PEER_EXIT_WITH_PARENT === '1') {
    const parent = process.ppid;
    const timer = setInterval(() => {
        if (process.ppid !== parent) {
            process.exit(0);
        }
    }, 1000);
    timer.unref();
}
