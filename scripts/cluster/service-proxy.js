#!/usr/bin/env node
// The local cluster's stand-in for kube-proxy, for the API server's own calls to Services (conversion and admission
// webhooks): the API server runs with HTTPS_PROXY pointing here, resolves a webhook Service as usual and asks
// this proxy to CONNECT to <service>.<namespace>.svc:<port> (or its ClusterIP); the proxy looks that address up in a routes file the
// harness keeps (a Service port → the Unix socket of the real pod process behind it) and splices the bytes. TLS stays
// end to end (the API server checks the webhook's certificate for <service>.<namespace>.svc, as in a cluster).
//   node service-proxy.js <port on 127.0.0.1> <routes.json>
//   routes: { "<svc>.<ns>.svc:<port>" or "<clusterIP>:<port>": "unix:<path>" | "tcp:127.0.0.1:<port>" }
// Prints "ready" once listening. Plain JavaScript: it starts in tens of milliseconds.
'use strict';
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');

const [port, routesFile] = process.argv.slice(2);
if (!port || !routesFile) {
  process.stderr.write('usage: service-proxy.js <port> <routes.json>\n');
  process.exit(2);
}

function route(authority) {
  let routes = {};
  try {
    routes = JSON.parse(fs.readFileSync(routesFile, 'utf8'));
  } catch {
    // no routes yet
  }
  const target = routes[authority];
  if (!target) return undefined;
  const unix = /^unix:(\/.+)$/.exec(target);
  if (unix) return { path: unix[1] };
  const tcp = /^tcp:(127\.0\.0\.1):(\d+)$/.exec(target);
  return tcp ? { host: tcp[1], port: Number(tcp[2]) } : undefined;
}

const server = http.createServer((req, res) => {
  res.writeHead(405).end('only CONNECT\n');
});
server.on('connect', (req, client, head) => {
  const target = route(req.url);
  if (!target) {
    process.stderr.write(`service-proxy: no route for ${req.url}\n`);
    client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    return;
  }
  const upstream = net.connect(target, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', (err) => {
    process.stderr.write(`service-proxy: ${req.url}: ${err.message}\n`);
    close();
  });
  client.on('error', close);
});
server.on('error', (err) => {
  process.stderr.write(`service-proxy: ${err.message}\n`);
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
