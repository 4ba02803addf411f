#!/usr/bin/env node
// A local Cosmos DB-compatible server for Herald's tests: @vercel/cosmosdb-server (in-memory,
// HTTPS with its own certificate) plus what the Azure Cosmos Java SDK needs beyond it:
//   - container reads carry x-ms-alt-content-path (the SDK's collection cache wants it);
//   - query-plan requests are answered (one partition key range; the server runs ORDER BY/TOP itself);
//   - queries and point reads honour the partition-key header; a missing document is a 404;
//   - a change feed per container from a write counter (_lsn): from the beginning, from now, from a continuation;
//   - batch operations use each operation's partition key.
// Usage: node server.js [--port N] [--host 127.0.0.1]   (prints "Ready ... :PORT" when listening)
"use strict";

const https = require("https");
const fs = require("fs");
const crypto = require("crypto");
const pathModule = require("path");
const Account = require("@vercel/cosmosdb-server/lib/account").default;
const routes = require("@vercel/cosmosdb-server/lib/routes").default;
const Items = require("@vercel/cosmosdb-server/lib/account/items").default;
const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;
const readJson = require("@vercel/cosmosdb-server/lib/json").default;

// Every write of a document gets the next number of its container: the change feed's order.
const originalSet = Items.prototype._set;
Items.prototype._set = function set(data) {
  if (this instanceof Documents) {
    this._lsnCounter = (this._lsnCounter || 0) + 1;
    data._lsn = this._lsnCounter;
  }
  return originalSet.call(this, data);
};

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = parseInt(option("--port", "8081"), 10);
const host = option("--host", "127.0.0.1");

const libraryDir = pathModule.dirname(require.resolve("@vercel/cosmosdb-server/package.json"));
const server = https.createServer({
  cert: fs.readFileSync(pathModule.join(libraryDir, "cert.pem")),
  key: fs.readFileSync(pathModule.join(libraryDir, "key.pem")),
  rejectUnauthorized: false,
  requestCert: false
});
let account;
server.on("listening", () => {
  account = new Account("localhost", server.address().port);
});

// The library's own request handling (as in its index.js), on our account.
async function libraryHandler(req, res) {
  const route = routes(req);
  let body;
  if (route) {
    const [params, handler] = route;
    try {
      body = await handler(account, req, res, params);
    } catch (err) {
      console.error(err);
      body = { message: err.message };
      res.statusCode = 500;
    }
    if (res.statusCode > 399 && body && !body.message) body.message = "";
  } else {
    res.statusCode = 400;
    body = { message: "no route" };
  }
  if (body && body._etag) res.setHeader("etag", body._etag);
  res.setHeader("content-type", "application/json");
  res.setHeader("x-ms-activity-id", crypto.randomUUID());
  res.setHeader("x-ms-request-charge", "1");
  res.end(JSON.stringify(body));
}

const COLLECTION = /^\/dbs\/([^/]+)\/colls\/([^/]+)$/;
const DOCS = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs$/;
const DOC = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs\/([^/]+)$/;

function pathOf(req) {
  let path = decodeURIComponent(new URL(req.url, "https://localhost").pathname);
  if (path.startsWith("//")) path = path.slice(1);
  while (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

function isTrue(req, name) {
  const value = req.headers[name];
  return typeof value === "string" && value.toLowerCase() === "true";
}

function partitionKeyHeader(req) {
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (!header || header === "[{}]" || header === "[]") return undefined;
  try {
    const parsed = JSON.parse(header);
    return Array.isArray(parsed) ? parsed[0] : parsed;
  } catch (e) {
    return undefined;
  }
}

function partitionPath(collection) {
  const data = collection.read();
  const paths = ((data && data.partitionKey) || {}).paths || ["/id"];
  return paths[0].slice(1).split("/");
}

function valueAt(path, doc) {
  return path.reduce((v, k) => (v == null ? undefined : v[k]), doc);
}

function send(res, status, body, headers = {}) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("x-ms-activity-id", crypto.randomUUID());
  res.setHeader("x-ms-request-charge", "1");
  res.setHeader("x-ms-session-token", "0:1#1");
  Object.entries(headers).forEach(([k, v]) => res.setHeader(k, v));
  res.end(body === undefined ? "" : JSON.stringify(body));
}

const QUERY_PLAN = {
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None", top: null, offset: null, limit: null, orderBy: [], orderByExpressions: [],
    groupByExpressions: [], groupByAliases: [], aggregates: [], groupByAliasToAggregateType: {},
    rewrittenQuery: "", hasSelectValue: false, dCountInfo: null, hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
};

function collectionOf(dbId, collId) {
  const collection = account.database(dbId).collection(collId);
  return collection.read() ? collection : null;
}

async function query(req, res, collection) {
  const body = await readJson(req);
  const pk = partitionKeyHeader(req);
  const path = partitionPath(collection);
  const documents = collection.documents;
  let data = [...documents._data.values()].map(item => item.read());
  if (pk !== undefined) data = data.filter(doc => valueAt(path, doc) === pk);
  let continuation = null;
  if (req.headers["x-ms-continuation"]) {
    try { continuation = JSON.parse(req.headers["x-ms-continuation"]); } catch (e) { continuation = null; }
  }
  const maxItemCount = req.headers["x-ms-max-item-count"] ? parseInt(req.headers["x-ms-max-item-count"], 10) : null;
  // ORDER BY on several fields needs a composite index of the container, as in Cosmos DB
  const compositeIndexes = (collection.read().indexingPolicy || {}).compositeIndexes || undefined;
  let result;
  try {
    result = documents._getQuery(body.query).exec(data, {
      parameters: body.parameters, maxItemCount: maxItemCount > 0 ? maxItemCount : null, continuation, compositeIndexes
    });
  } catch (err) {
    return send(res, 400, { code: "BadRequest", message: err.message });
  }
  const headers = { "x-ms-item-count": String(result.result.length) };
  if (result.continuation) headers["x-ms-continuation"] = JSON.stringify(result.continuation);
  return send(res, 200, { _rid: collection.read()._rid, Documents: result.result, _count: result.result.length }, headers);
}

function changeFeed(req, res, collection) {
  const all = [...collection.documents._data.values()].map(item => item.read()).sort((a, b) => a._lsn - b._lsn);
  const head = collection.documents._lsnCounter || 0;
  let after;
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch === "*") {
    after = head;
  } else if (ifNoneMatch) {
    after = parseInt(String(ifNoneMatch).replace(/"/g, ""), 10) || 0;
  } else {
    after = 0;
  }
  const max = parseInt(req.headers["x-ms-max-item-count"] || "100", 10);
  const page = all.filter(doc => doc._lsn > after).slice(0, max > 0 ? max : 100);
  const etag = String(page.length ? page[page.length - 1]._lsn : after);
  const headers = { etag: `"${etag}"`, "x-ms-item-count": String(page.length), lsn: String(head), "x-ms-global-committed-lsn": String(head) };
  if (page.length === 0) return send(res, 304, undefined, headers);
  return send(res, 200, { _rid: collection.read()._rid, Documents: page, _count: page.length }, headers);
}

function pointRead(req, res, collection, docId) {
  const pk = partitionKeyHeader(req);
  const path = partitionPath(collection);
  const candidates = [...collection.documents._data.values()].map(item => item.read())
    .filter(doc => doc.id === docId && (pk === undefined || valueAt(path, doc) === pk));
  if (!candidates.length) {
    return send(res, 404, { code: "NotFound", message: "Entity with the specified id does not exist in the system." });
  }
  const doc = candidates[0];
  return send(res, 200, doc, { etag: doc._etag });
}

server.on("request", (req, res) => {
  (async () => {
    const path = pathOf(req);
    let m;
    if (req.method === "GET" && (m = path.match(COLLECTION))) {
      res.setHeader("x-ms-alt-content-path", `dbs/${m[1]}`);
      res.setHeader("x-ms-content-path", `dbs/${m[1]}`);
      return libraryHandler(req, res);
    }
    if ((m = path.match(DOCS))) {
      const collection = collectionOf(m[1], m[2]);
      if (!collection) return send(res, 404, { code: "NotFound", message: "Resource Not Found" });
      if (req.method === "POST" && isTrue(req, "x-ms-cosmos-is-query-plan-request")) {
        await readJson(req).catch(() => null);
        return send(res, 200, QUERY_PLAN);
      }
      if (req.method === "POST" && (isTrue(req, "x-ms-documentdb-isquery") || req.headers["content-type"] === "application/query+json")) {
        return query(req, res, collection);
      }
      if (req.method === "GET" && req.headers["a-im"]) {
        return changeFeed(req, res, collection);
      }
    }
    if (req.method === "GET" && (m = path.match(DOC))) {
      const collection = collectionOf(m[1], m[2]);
      if (!collection) return send(res, 404, { code: "NotFound", message: "Resource Not Found" });
      return pointRead(req, res, collection, m[3]);
    }
    return libraryHandler(req, res);
  })().catch(err => {
    console.error(err);
    if (!res.writableEnded) send(res, 500, { message: String(err) });
  });
});

server.listen(port, host, () => {
  console.log(`Ready to accept HTTPS connections at ${host}:${server.address().port}`);
});
