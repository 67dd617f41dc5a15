// The GraphQL-over-HTTP conformance audit of the npm package `graphql-http` (its
// `serverAudits`), run against one endpoint with a bearer credential; prints a summary and
// exits non-zero when a MUST or a SHOULD fails. Started by scripts/graphql-http-audit.sh.
//
// Usage: node graphql-http-audit.mjs <dir holding node_modules/graphql-http> <url> <token>

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, url, token] = process.argv.slice(2);
if (!dir || !url || !token) {
  console.error('usage: node graphql-http-audit.mjs <npm dir> <graphql url> <token>');
  process.exit(2);
}
const { serverAudits } = await import(
  pathToFileURL(join(dir, 'node_modules/graphql-http/lib/index.mjs')).href
);

// Every request carries the credential (the gateway answers 401 without one).
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = [];
// One at a time: the order of the report is the audit's, and the server sees no burst.
for (const audit of serverAudits({ url, fetchFn })) {
  results.push(await audit.fn());
}

const levels = ['MUST', 'SHOULD', 'MAY'];
const counts = Object.fromEntries(levels.map((l) => [l, { ok: 0, notice: 0, warn: 0, error: 0 }]));
const failing = [];
for (const r of results) {
  const level = r.name.split(' ')[0];
  counts[level][r.status] += 1;
  if (r.status !== 'ok') failing.push(r);
}

console.log(`graphql-http audit of ${url}: ${results.length} audits`);
for (const level of levels) {
  const c = counts[level];
  console.log(
    `  ${level.padEnd(6)} ok ${c.ok}, warn ${c.warn}, error ${c.error}` +
      (c.notice ? `, notice ${c.notice}` : ''),
  );
}
if (failing.length) {
  console.log('Not passing:');
  for (const r of failing) {
    let body = '';
    try {
      body = (await r.response.clone().text()).slice(0, 160);
    } catch {
      // The body may already have been read by the audit; the reason says enough then.
    }
    console.log(`  [${r.status}] ${r.id} ${r.name}: ${r.reason}`);
    if (body) console.log(`      HTTP ${r.response.status} ${body}`);
  }
}
const broken = failing.filter((r) => !r.name.startsWith('MAY'));
process.exit(broken.length ? 1 : 0);
